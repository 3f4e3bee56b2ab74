/**
 * The default seed of every command (data, train, evaluate, experiment): the splits `rnnlab data` describes must be
 * the ones a default `train` draws. Its own module, so the option parsers can import it without the data readers.
 */
export const DEFAULT_SEED = 42;
