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
import type { DataFingerprint, LoadOptions, PrepareOptions } from '../data/index.ts';
import { UserError } from '../util/errors.ts';
import { DEFAULT_SELECT, type Select, type TrainOptions } from './options.ts';

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
  /** Dropout on the embedded tokens (absent in configs written before --embed-dropout, and when 0). */
  embedDropout?: number;
  /** Training tokens hidden as <unk> with this probability (data/word-dropout.ts; absent when 0). */
  wordDropout?: number;
  pooling: ModelConfig['pooling'];
  clip: number | null;
  /** --ema: the decay of the weight average that is evaluated and kept (optim/ema.ts; absent when off). */
  ema?: number;
  schedule: { kind: ScheduleKind; options: ScheduleOptions };
  patience: number | null;
  /** How the kept epoch is chosen (absent in configs written before --select: val-loss). */
  select?: Select;
  seed: number;
  threads: number | null;
  /** --data-parallel N > 1: shards per batch, one thread each (absent: 1). Like threads, not part of the run's identity. */
  dataParallel?: number;
  /** --recompute: layers' activations recomputed in backward (present only when on). Speed and memory, not results: not part of the identity. */
  recompute?: true;
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

/** --threads and --data-parallel N > 1 both set the BLAS threads: one of them (train and bench alike). */
export function checkThreadsOrDataParallel(threads: number | undefined, dataParallel: number | undefined): void {
  if (threads !== undefined && dataParallel !== undefined && dataParallel > 1) {
    throw new UserError(`--threads ${threads} and --data-parallel ${dataParallel}: give one (--data-parallel N runs N threads of one BLAS thread each)`);
  }
}

export function resolveTrain(o: TrainOptions): ResolvedTrain {
  checkThreadsOrDataParallel(o.threads, o.dataParallel);
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
    hidden: o.hidden, layers: o.layers, bidirectional: o.bidirectional, dropout: o.dropout,
    ...(o.embedDropout ? { embedDropout: o.embedDropout } : {}), ...(o.wordDropout ? { wordDropout: o.wordDropout } : {}),
    pooling: o.pooling,
    clip: o.clip > 0 ? o.clip : null, ...(o.ema !== undefined ? { ema: o.ema } : {}), schedule: { kind: o.schedule, options }, patience: o.patience ?? null,
    select: o.select ?? DEFAULT_SELECT, seed: o.seed,
    threads: o.threads ?? null, ...(o.dataParallel !== undefined && o.dataParallel > 1 ? { dataParallel: o.dataParallel } : {}),
    ...(o.recompute ? { recompute: true as const } : {}),
    classWeights: o.classWeights ?? 'none', embeddings: o.embeddings ?? null,
    freezeEmbeddings: o.freezeEmbeddings ?? false,
  };
}

export function modelConfig(t: ResolvedTrain, vocabSize: number, numClasses: number): ModelConfig {
  return {
    arch: t.arch, vocabSize, embed: t.embed, hidden: t.hidden, numLayers: t.layers, bidirectional: t.bidirectional,
    dropout: t.dropout, ...(t.embedDropout ? { embedDropout: t.embedDropout } : {}), numClasses, pooling: t.pooling,
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
    /** sha256 of the data set's files when the run started (absent in runs made before it was recorded). */
    fingerprint?: DataFingerprint;
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
  /** present (true) when the run skipped the NBSVM baseline (--no-baseline): `train --resume` keeps that choice */
  noBaseline?: true;
}

/**
 * What decides a run's numbers (the model follows from train + data), as a plain object to compare. The default
 * --select is left out, so a run recorded before --select existed has the identity it has today.
 */
export function runIdentity(train: ResolvedTrain, data: DataSpec): { train: Omit<ResolvedTrain, 'epochs' | 'threads' | 'dataParallel' | 'recompute'>; data: DataSpec } {
  const { epochs: _e, threads: _t, dataParallel: _p, recompute: _r, ...rest } = train;
  // Options added after runs were recorded count only when set, so older run folders keep their identity.
  const optional = rest as Partial<ResolvedTrain>;
  if (optional.classWeights === 'none') delete optional.classWeights;
  if (optional.embeddings === null) delete optional.embeddings;
  if (optional.freezeEmbeddings === false) delete optional.freezeEmbeddings;
  if (optional.select === undefined || optional.select === DEFAULT_SELECT) delete optional.select;
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

/** Identity leaf path → the flag that sets it (the other optimizer hyperparameters have no flag). */
const IDENTITY_FLAGS: Record<string, string> = {
  'train.arch': '--arch', 'train.optimizer': '--optimizer', 'train.optimizerOptions.lr': '--lr',
  'train.optimizerOptions.momentum': '--momentum', 'train.optimizerOptions.weightDecay': '--weight-decay',
  'train.batchSize': '--batch-size', 'train.embed': '--embed', 'train.embedInitStd': '--embed-init-std',
  'train.forgetBias': '--forget-bias', 'train.hidden': '--hidden', 'train.layers': '--layers',
  'train.bidirectional': '--bidirectional', 'train.dropout': '--dropout', 'train.embedDropout': '--embed-dropout', 'train.wordDropout': '--word-dropout', 'train.pooling': '--pooling', 'train.clip': '--clip', 'train.ema': '--ema',
  'train.schedule.kind': '--schedule', 'train.schedule.options.stepSize': '--step-size', 'train.schedule.options.gamma': '--gamma',
  'train.schedule.options.factor': '--gamma', 'train.schedule.options.totalEpochs': '--epochs (the cosine schedule\'s length)',
  'train.patience': '--patience', 'train.select': '--select', 'train.seed': '--seed',
  'data.load.dataset': '--dataset', 'data.load.test': '--test', 'data.load.textColumn': '--text-column',
  'data.load.labelColumn': '--label-column', 'data.load.valSplit': '--val-split', 'data.load.valGroups': '--val-groups', 'data.load.seed': '--data-seed',
  'data.load.limit': '--limit', 'data.prepare.maxSize': '--vocab-size', 'data.prepare.minFreq': '--min-freq',
  'data.prepare.maxLen': '--max-len', 'data.prepare.truncate': '--truncate',
};

/** How an unset / null leaf reads on the command line. */
const UNSET: Record<string, string> = {
  'train.forgetBias': 'pytorch', 'train.clip': '0', 'train.patience': 'off', 'train.select': DEFAULT_SELECT,
  'data.load.limit': 'none', 'data.load.test': 'none', 'data.load.dataset': 'imdb',
};

function leaves(value: unknown, path: string, out: Map<string, unknown>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else {
    out.set(path, value);
  }
}

/**
 * Every setting in which two run identities differ, in flag names: `--step-size 3 (run) vs 4 (given)`, where `run`
 * is the recorded identity and `given` the requested one. A leaf without a flag keeps its path.
 */
export function identityDifferences(run: unknown, given: unknown): string[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  leaves(JSON.parse(canonical(run)), '', a);
  leaves(JSON.parse(canonical(given)), '', b);
  const out = new Set<string>();
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(path);
    const y = b.get(path);
    if (canonical(x) === canonical(y)) continue;
    const show = (v: unknown): string => (v === undefined || v === null ? UNSET[path] ?? 'unset' : typeof v === 'string' ? v : JSON.stringify(v));
    if (show(x) === show(y)) continue; // e.g. no --select recorded vs the default
    out.add(`${IDENTITY_FLAGS[path] ?? path} ${show(x)} (run) vs ${show(y)} (given)`);
  }
  return [...out];
}
