/**
 * From parsed options to everything a run needs, fully resolved (no "default" left implicit), and the shape of a
 * run directory's config.json.
 *
 * The *identity* of a run is what decides its numbers: model, optimizer, schedule, batch size, seed, data. Two
 * requests with the same identity are the same run, so a second request resumes (or returns) the first. The epoch
 * count is not part of it (a finished 2-epoch run can be resumed to 3 and ends exactly like a straight 3-epoch run),
 * unless the schedule depends on it (cosine's T, step's default step size), which the resolved schedule options
 * then show. The BLAS thread count is recorded but not compared.
 */
import { OPTIMIZER_DEFAULTS, validateOptions, type OptimizerName, type ResolvedOptions, type ScheduleKind, type ScheduleOptions } from '../optim/index.ts';
import type { ModelConfig } from '../nn/model.ts';
import type { LoadOptions, PrepareOptions } from '../data/index.ts';
import { UserError } from '../util/errors.ts';
import type { TrainOptions } from './options.ts';

/** Plateau schedule: PyTorch's `patience` (bad epochs tolerated; the lr is cut after patience + 1 = 2 epochs in a row
 * without a lower validation loss). PyTorch's default 10 would never fire in the few epochs a CPU run gets. */
export const PLATEAU_PATIENCE = 1;

export interface ResolvedTrain {
  arch: ModelConfig['arch'];
  optimizer: OptimizerName;
  /** Every hyperparameter of the optimizer, defaults filled in (lr included). */
  optimizerOptions: ResolvedOptions;
  epochs: number;
  batchSize: number;
  embed: number;
  /** Standard deviation of the embedding's initial N(0, s²) weights. */
  embedInitStd: number;
  /** LSTM: the forget gate's starting bias; null = PyTorch's random draw (always null for rnn / gru). */
  forgetBias: number | null;
  hidden: number;
  layers: number;
  bidirectional: boolean;
  dropout: number;
  pooling: ModelConfig['pooling'];
  clip: number | null;
  schedule: { kind: ScheduleKind; options: ScheduleOptions };
  patience: number | null;
  seed: number;
  threads: number | null;
  /** Training-loss class weights: 'balanced' from the training split's counts (the numbers: RunConfig.classWeights). */
  classWeights: 'none' | 'balanced';
  /** Pretrained word vectors the embedding starts from (a path), or null. */
  embeddings: string | null;
  freezeEmbeddings: boolean;
}

/** The data a run trains on, as plain JSON (recorded in config.json, compared on resume). */
export interface DataSpec {
  load: Omit<LoadOptions, 'onProgress' | 'env' | 'download'>;
  prepare: Omit<PrepareOptions, 'onProgress'>;
}

export function resolveTrain(o: TrainOptions): ResolvedTrain {
  const optimizerOptions = validateOptions(o.optimizer, {
    lr: o.lr ?? OPTIMIZER_DEFAULTS[o.optimizer].lr, momentum: o.momentum, weightDecay: o.weightDecay,
  });
  if (o.schedule !== 'step' && o.stepSize !== undefined) {
    throw new UserError(`--step-size only applies to --schedule step (this run uses ${o.schedule})`);
  }
  if ((o.schedule === 'constant' || o.schedule === 'cosine') && o.gamma !== undefined) {
    throw new UserError(`--gamma only applies to --schedule step or plateau (this run uses ${o.schedule})`);
  }
  let options: ScheduleOptions = {};
  if (o.schedule === 'step') options = { stepSize: o.stepSize ?? Math.max(1, Math.round(o.epochs / 3)), gamma: o.gamma ?? 0.1 };
  if (o.schedule === 'cosine') options = { totalEpochs: o.epochs, etaMin: 0 };
  if (o.schedule === 'plateau') options = { factor: o.gamma ?? 0.1, patience: PLATEAU_PATIENCE };
  return {
    arch: o.arch, optimizer: o.optimizer, optimizerOptions, epochs: o.epochs, batchSize: o.batchSize, embed: o.embed,
    embedInitStd: o.embedInitStd,
    forgetBias: o.arch !== 'lstm' || o.forgetBias === 'pytorch' ? null : o.forgetBias,
    hidden: o.hidden, layers: o.layers, bidirectional: o.bidirectional, dropout: o.dropout, pooling: o.pooling,
    clip: o.clip > 0 ? o.clip : null, schedule: { kind: o.schedule, options }, patience: o.patience ?? null, seed: o.seed,
    threads: o.threads ?? null, classWeights: o.classWeights ?? 'none', embeddings: o.embeddings ?? null,
    freezeEmbeddings: o.freezeEmbeddings ?? false,
  };
}

export function modelConfig(t: ResolvedTrain, vocabSize: number, numClasses: number): ModelConfig {
  return {
    arch: t.arch, vocabSize, embed: t.embed, hidden: t.hidden, numLayers: t.layers, bidirectional: t.bidirectional,
    dropout: t.dropout, numClasses, pooling: t.pooling,
  };
}

/** config.json of a run directory. */
export interface RunConfig {
  format: 'rnnlab-run';
  version: 1;
  /** rnnlab version that created the run */
  rnnlab: string;
  createdAt: string;
  model: ModelConfig;
  train: ResolvedTrain;
  data: {
    spec: DataSpec;
    name: string;
    description: string;
    sizes: { train: number; val: number; test: number };
    classCounts: { train: number[]; val: number[]; test: number[] };
  };
  /** class index → label string */
  labels: string[];
  tokenizer: 'basic_english';
  vocabSize: number;
  maxLen: number;
  truncate: 'head' | 'tail';
  seed: number;
  /** BLAS backend and thread count the run started with */
  blas: { backend: string; threads: number };
  /** The training loss's weight per class (--class-weights balanced); absent: unweighted. */
  classWeights?: number[];
  /** --embeddings: the file, its dimension, and how much of the vocabulary it covered. */
  embeddings?: { path: string; dim: number; format: string; found: number; vocabSize: number; coverage: number; tokenCoverage: number; frozen: boolean };
  /** present (true) for a selection-only run, e.g. a learning-rate search trial: it never read the test split */
  testHeldBack?: true;
}

/** What decides a run's numbers (the model follows from train + data), as a plain object to compare. */
export function runIdentity(train: ResolvedTrain, data: DataSpec): { train: Omit<ResolvedTrain, 'epochs' | 'threads'>; data: DataSpec } {
  const { epochs: _e, threads: _t, ...rest } = train;
  // Options added after runs were recorded count only when set, so older run folders keep their identity.
  const optional = rest as Partial<ResolvedTrain>;
  if (optional.classWeights === 'none') delete optional.classWeights;
  if (optional.embeddings === null) delete optional.embeddings;
  if (optional.freezeEmbeddings === false) delete optional.freezeEmbeddings;
  return JSON.parse(canonical({ train: rest, data })) as ReturnType<typeof runIdentity>;
}

export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The first differing leaf between two identities, "train.optimizerOptions.lr: 0.001 vs 0.01", for error messages. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (canonical(a) === canonical(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  return `${path || 'value'}: ${JSON.stringify(a) ?? 'unset'} vs ${JSON.stringify(b) ?? 'unset'}`;
}
