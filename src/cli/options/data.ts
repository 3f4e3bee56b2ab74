/**
 * The data options shared by `rnnlab data`, `train` and `experiment`: addDataOptions(cmd) declares them,
 * parseDataOptions(cmd.opts()) validates them (zod) into typed values, and toLoadOptions / toPrepareOptions turn
 * them into the data layer's option objects. Commander hands every value over as a string; the schema coerces.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { UserError, zodOneLine } from '../../util/errors.ts';
import { DEFAULT_SEED, DEFAULT_TRUNCATE, type LoadOptions, type PrepareOptions, type DataProgress } from '../../data/index.ts';

export const dataOptionsSchema = z.object({
  dataset: z.string().min(1).default('imdb'),
  test: z.string().min(1).optional(),
  val: z.string().min(1).optional(),
  textColumn: z.string().min(1).default('text'),
  labelColumn: z.string().min(1).default('label'),
  valSplit: z.coerce.number().min(0).lt(1).default(0.1),
  valGroups: z.enum(['film']).optional(),
  limit: z.coerce.number().int().min(1).optional(),
  vocabSize: z.coerce.number().int().min(2).default(25_000),
  minFreq: z.coerce.number().int().min(1).default(1),
  maxLen: z.coerce.number().int().min(1).default(200),
  truncate: z.enum(['head', 'tail']).default(DEFAULT_TRUNCATE),
  seed: z.coerce.number().int().min(0).max(0xffffffff).default(DEFAULT_SEED),
});

export type DataOptions = z.infer<typeof dataOptionsSchema>;

/** Adds the data options to a command. Pass { seed: false } if the command declares its own --seed. */
export function addDataOptions(cmd: Command, opts: { seed?: boolean } = {}): Command {
  cmd
    .option('--dataset <imdb|path>', "'imdb' (downloaded/cached; env RNNLAB_IMDB=path overrides) or a path: IMDB .tar.gz or folder, CSV, JSONL, or a folder with one sub-folder per class", 'imdb')
    .option('--test <path>', 'separate test file/folder (default: the data set\'s own test split, else a seeded stratified 20 %)')
    .option('--val <path>', 'separate validation file/folder, read like --test (default: a --val-split share of the training data)')
    .option('--text-column <name>', 'CSV column / JSON field holding the text', 'text')
    .option('--label-column <name>', 'CSV column / JSON field holding the label', 'label')
    .option('--val-split <fraction>', 'share of the training data held out for validation (seeded, stratified; unused with --val)', '0.1')
    .option('--val-groups <film>', "IMDB: make the --val-split share of whole films, none of them in training (IMDB's test films are disjoint from its training films too) (default: reviews drawn at random)")
    .option('--limit <n>', 'use a stratified subset of n training and n test examples (before the val split)')
    .option('--vocab-size <n>', 'maximum vocabulary size, counting <pad> and <unk>', '25000')
    .option('--min-freq <n>', 'minimum training-set count for a token to enter the vocabulary', '1')
    .option('--max-len <n>', 'truncate every text to n tokens', '200')
    .option('--truncate <head|tail>', "what to keep when truncating: 'tail' = the last max-len tokens (a review's verdict is usually at its end), 'head' = the first", DEFAULT_TRUNCATE);
  if (opts.seed ?? true) cmd.option('--seed <n>', `random seed of the splits, the same as train's (default: ${DEFAULT_SEED})`);
  return cmd;
}

const FLAG: Record<string, string> = {
  dataset: '--dataset', test: '--test', val: '--val', textColumn: '--text-column', labelColumn: '--label-column', valSplit: '--val-split',
  valGroups: '--val-groups', limit: '--limit', vocabSize: '--vocab-size', minFreq: '--min-freq', maxLen: '--max-len', truncate: '--truncate', seed: '--seed',
};

/** Validates commander's option values; a bad value is a one-line UserError naming the flag. */
export function parseDataOptions(raw: Record<string, unknown>): DataOptions {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(FLAG)) if (raw[key] !== undefined) picked[key] = raw[key];
  const r = dataOptionsSchema.safeParse(picked);
  if (!r.success) {
    throw new UserError(`bad data option: ${zodOneLine(r.error, (k) => FLAG[k])}`);
  }
  return r.data;
}

export function toLoadOptions(o: DataOptions, onProgress?: (p: DataProgress) => void): LoadOptions {
  return {
    dataset: o.dataset, test: o.test, textColumn: o.textColumn, labelColumn: o.labelColumn,
    ...(o.val !== undefined ? { val: o.val, valSplit: 0 } : { valSplit: o.valSplit }),
    ...(o.valGroups !== undefined ? { valGroups: o.valGroups } : {}), seed: o.seed, limit: o.limit, onProgress,
  };
}

export function toPrepareOptions(o: DataOptions, onProgress?: (p: DataProgress) => void): PrepareOptions {
  return { maxSize: o.vocabSize, minFreq: o.minFreq, maxLen: o.maxLen, truncate: o.truncate, onProgress };
}
