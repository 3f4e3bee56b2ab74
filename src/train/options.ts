/**
 * The training options (`rnnlab train`, and every cell of `rnnlab experiment`): one zod schema that turns raw values
 * (commander's strings, or JSON numbers/booleans from an experiment config) into a typed TrainSettings object.
 *
 * The schema lives here, in the train layer, so that src/experiment can parse per-cell settings with exactly the
 * parser the CLI flags go through; src/cli/options/train.ts declares the matching commander flags.
 *
 * Data options (--dataset, --limit, --max-len, …) are the data layer's (src/cli/options/data.ts); --seed is ours
 * and also seeds the data splits.
 */
import { z } from 'zod';
import { UserError, zodOneLine } from '../util/errors.ts';
import { OPTIMIZER_NAMES, SCHEDULE_KINDS, type OptimizerName, type ScheduleKind } from '../optim/index.ts';
import type { Arch } from '../nn/model.ts';
import { poolKinds, POOL_KINDS } from '../nn/pooling.ts';
import { DEFAULT_SEED } from '../data/seed.ts';

export const ARCHS = ['rnn', 'gru', 'lstm'] as const satisfies readonly Arch[];
/** The pooling kinds; --pooling takes one, or several joined by '+' (concatenated: 'last+max+mean'). */
export const POOLINGS = POOL_KINDS;
export const CLASS_WEIGHTS = ['none', 'balanced'] as const;
/**
 * How the kept epoch (model.safetensors, metrics.json) is chosen on the validation split. Epoch 0, the untrained
 * model, is never eligible: with a validation split the kept epoch is the best of epochs 1…N.
 */
export const SELECTS = ['val-loss', 'val-accuracy'] as const;
export type Select = (typeof SELECTS)[number];
/** The default; absent from a run's identity, so runs made before --select existed stay resumable. */
export const DEFAULT_SELECT: Select = 'val-loss';

/** Defaults of `rnnlab train` (lr: the optimizer's own default, see OPTIMIZER_DEFAULTS). */
export const TRAIN_DEFAULTS = {
  arch: 'lstm',
  optimizer: 'adam',
  epochs: 5,
  /**
   * 32 rather than 64: twice the updates per epoch; with PyTorch's embedding init the IMDB LSTM reached 87.0 % at 32
   * against 86.2 % at 64 (README "Acceptance runs with today's defaults").
   */
  batchSize: 32,
  embed: 128,
  /**
   * Standard deviation of the embedding's initial N(0, s²) weights. PyTorch's nn.Embedding uses 1; Adam at lr 1e-3
   * moves a weight by ~1e-3 per step, so such embeddings stay mostly random for 5 epochs and the Elman RNN never got
   * past 79 % on IMDB. Smaller ones are learned faster but also memorised faster (0.1: RNN 81 % after one epoch, LSTM
   * stuck at 85 %); 0.3 was the measured compromise (README "Acceptance runs with today's defaults"). Keras' default, uniform ±0.05, is smaller.
   */
  embedInitStd: 0.3,
  /**
   * LSTM only: the forget gate's starting bias (Keras' unit_forget_bias; PyTorch draws it from U(±1/√hidden)).
   * See README "Acceptance runs with today's defaults" for the measurement behind it.
   */
  forgetBias: 1,
  hidden: 128,
  layers: 1,
  bidirectional: false,
  dropout: 0,
  pooling: 'last',
  /**
   * Step decay: lr × 0.1 every third of the epochs (5 epochs: 1e-3 for epochs 1–2, 1e-4 for 3–4, 1e-5 for 5). With a
   * constant rate the IMDB LSTM's validation loss bottomed out in epoch 2 and rose while its accuracy still climbed;
   * cutting the rate after epoch 2 gave a lower validation loss in epoch 3 and 87.4 % test accuracy (README
   * "Acceptance runs with today's defaults").
   */
  schedule: 'step',
  /**
   * Gradient clipping by global norm is on by default: without it an IMDB LSTM with Adam (lr 1e-3) blew up in its
   * third epoch (train accuracy 77.6 % → 70.0 %, README "Results on IMDB"). 0 turns it off.
   */
  clip: 1,
  seed: DEFAULT_SEED,
} as const;

/** Option key → command-line flag, for error messages and for experiment configs written with flag names. */
export const TRAIN_FLAGS: Record<string, string> = {
  arch: '--arch', optimizer: '--optimizer', lr: '--lr', momentum: '--momentum', weightDecay: '--weight-decay',
  epochs: '--epochs', batchSize: '--batch-size', embed: '--embed', embedInitStd: '--embed-init-std', forgetBias: '--forget-bias', hidden: '--hidden', layers: '--layers',
  bidirectional: '--bidirectional', dropout: '--dropout', embedDropout: '--embed-dropout', wordDropout: '--word-dropout', pooling: '--pooling', clip: '--clip', schedule: '--schedule',
  ema: '--ema', stepSize: '--step-size', gamma: '--gamma', patience: '--patience', select: '--select', seed: '--seed', threads: '--threads', dataParallel: '--data-parallel', recompute: '--recompute',
  classWeights: '--class-weights', embeddings: '--embeddings', freezeEmbeddings: '--freeze-embeddings',
};

const oneOf = <T extends string>(flag: string, values: readonly T[]) =>
  z.enum(values as [T, ...T[]], {
    error: (iss) => `${flag} must be one of ${values.join(', ')} (got ${JSON.stringify(iss.input)})`,
  });

/** A number from a string or a number; '' and non-numbers are errors naming the flag. */
const num = (flag: string) =>
  z.preprocess(
    // keep a non-numeric string as is, so the error can quote what was typed
    (v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v),
    z.number({ error: (iss) => `${flag} must be a number (got ${JSON.stringify(iss.input)})` }).finite(),
  );
const int = (flag: string, min: number) =>
  num(flag).pipe(z.number().int({ error: `${flag} must be a whole number` }).min(min, { error: `${flag} must be ≥ ${min}` }));
const positive = (flag: string) => num(flag).pipe(z.number().positive({ error: `${flag} must be > 0` }));
const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());

export const trainOptionsSchema = z.object({
  arch: oneOf('--arch', ARCHS).default(TRAIN_DEFAULTS.arch),
  optimizer: oneOf('--optimizer', OPTIMIZER_NAMES).default(TRAIN_DEFAULTS.optimizer),
  /** Absent: the optimizer's default (OPTIMIZER_DEFAULTS[optimizer].lr). */
  lr: positive('--lr').optional(),
  momentum: num('--momentum').pipe(z.number().min(0, { error: '--momentum must be in [0, 1)' })
    .lt(1, { error: '--momentum must be in [0, 1)' })).optional(),
  weightDecay: num('--weight-decay').pipe(z.number().min(0, { error: '--weight-decay must be ≥ 0' })).optional(),
  epochs: int('--epochs', 1).default(TRAIN_DEFAULTS.epochs),
  batchSize: int('--batch-size', 1).default(TRAIN_DEFAULTS.batchSize),
  embed: int('--embed', 1).default(TRAIN_DEFAULTS.embed),
  embedInitStd: positive('--embed-init-std').default(TRAIN_DEFAULTS.embedInitStd),
  /** LSTM only (resolved to null for rnn / gru); 'pytorch' keeps PyTorch's random draw. */
  forgetBias: z.union([z.literal('pytorch'), num('--forget-bias')], {
    error: (iss) => `--forget-bias must be a number or 'pytorch' (got ${JSON.stringify(iss.input)})`,
  }).default(TRAIN_DEFAULTS.forgetBias),
  hidden: int('--hidden', 1).default(TRAIN_DEFAULTS.hidden),
  layers: int('--layers', 1).default(TRAIN_DEFAULTS.layers),
  bidirectional: flag.default(TRAIN_DEFAULTS.bidirectional),
  dropout: num('--dropout').pipe(z.number().min(0, { error: '--dropout must be in [0, 1)' })
    .lt(1, { error: '--dropout must be in [0, 1)' })).default(TRAIN_DEFAULTS.dropout),
  /** Dropout on the embedded tokens; absent = 0 (no zod default, so settings recorded before it compare equal). */
  embedDropout: num('--embed-dropout').pipe(z.number().min(0, { error: '--embed-dropout must be in [0, 1)' })
    .lt(1, { error: '--embed-dropout must be in [0, 1)' })).optional(),
  /** Training tokens replaced by <unk> with this probability; absent = 0 (as embedDropout, no zod default). */
  wordDropout: num('--word-dropout').pipe(z.number().min(0, { error: '--word-dropout must be in [0, 1)' })
    .lt(1, { error: '--word-dropout must be in [0, 1)' })).optional(),
  pooling: z.string({ error: '--pooling must be a word' }).transform((v, ctx) => {
    try {
      return poolKinds(v).join('+');
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `--pooling: ${(e as Error).message}` });
      return z.NEVER;
    }
  }).default(TRAIN_DEFAULTS.pooling),
  /** Max global gradient norm; 0 = no clipping. */
  clip: num('--clip').pipe(z.number().min(0, { error: '--clip must be ≥ 0 (0 = off)' })).default(TRAIN_DEFAULTS.clip),
  schedule: oneOf('--schedule', SCHEDULE_KINDS).default(TRAIN_DEFAULTS.schedule),
  /** step schedule: epochs between lr cuts (default: a third of the epochs, at least 1). */
  stepSize: int('--step-size', 1).optional(),
  /** step / plateau schedule: lr multiplier per cut (default 0.1). */
  gamma: num('--gamma').pipe(z.number().gt(0, { error: '--gamma must be in (0, 1)' })
    .lt(1, { error: '--gamma must be in (0, 1)' })).optional(),
  /** Evaluate and keep an exponential moving average of the weights with this decay (optim/ema.ts); absent = off. */
  ema: num('--ema').pipe(z.number().gt(0, { error: '--ema must be in (0, 1), e.g. 0.999' })
    .lt(1, { error: '--ema must be in (0, 1), e.g. 0.999' })).optional(),
  /** Early stopping: stop after this many epochs without a better --select score; absent = off. */
  patience: int('--patience', 1).optional(),
  /** Kept-epoch rule; absent = DEFAULT_SELECT (optional, not defaulted, so old experiment settings still compare equal). */
  select: oneOf('--select', SELECTS).optional(),
  seed: int('--seed', 0).pipe(z.number().max(0xffffffff, { error: '--seed must be < 2^32' })).default(TRAIN_DEFAULTS.seed),
  /** BLAS threads; absent = the BLAS default (env RNNLAB_BLAS_THREADS or the library's). */
  threads: int('--threads', 1).optional(),
  /**
   * Data parallelism: each batch split over this many threads of this process, one BLAS thread each
   * (src/train/parallel/); absent = 1, the batch on one thread with `threads` BLAS threads.
   */
  dataParallel: int('--data-parallel', 1).optional(),
  /**
   * Recompute each layer's activations in backward instead of keeping them (RnnClassifier.setRecompute): less memory
   * for stacked layers, more time, the same bits. Like threads, not part of a run's identity.
   */
  recompute: flag.optional(),
  // The three below have no zod default, so settings recorded before they existed (experiment.json) compare equal.
  /** Weights of the training loss per class: absent / 'none', or 'balanced' from the training split's counts (nn/loss.ts). */
  classWeights: oneOf('--class-weights', CLASS_WEIGHTS).optional(),
  /** Pretrained word vectors (GloVe / word2vec / fastText text format, maybe gzipped) for the embedding rows. */
  embeddings: z.string({ error: '--embeddings must be a file path' }).min(1, { error: '--embeddings needs a file path' }).optional(),
  /** Keep the embedding weights fixed during training (most useful with --embeddings). */
  freezeEmbeddings: flag.optional(),
});

export type TrainOptions = z.infer<typeof trainOptionsSchema>;
export type { OptimizerName, ScheduleKind };

/**
 * Validates raw option values (commander's `cmd.opts()`, or an experiment cell's settings). Unknown keys are
 * ignored (commander passes the data options and --out too). Throws a one-line UserError.
 */
export function parseTrainOptions(raw: Record<string, unknown>): TrainOptions {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(TRAIN_FLAGS)) if (raw[key] !== undefined) picked[key] = raw[key];
  const r = trainOptionsSchema.safeParse(picked);
  if (!r.success) throw new UserError(`bad training option: ${zodOneLine(r.error, (k) => TRAIN_FLAGS[k])}`);
  return r.data;
}
