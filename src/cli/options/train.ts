/**
 * The training options as commander flags, shared by `rnnlab train` and `rnnlab experiment` (which accepts every
 * one of them): addTrainOptions(cmd) declares them (plus the data options and --seed/--threads), parseTrainCli
 * turns commander's values into the typed training options and the data spec.
 *
 * No commander defaults: an option left out is `undefined` in cmd.opts(), so a caller can tell "given on the
 * command line" from "default" (the experiment's precedence rules need that); the zod schema
 * (src/train/options.ts) fills the defaults, which the help text states.
 */
import type { Command } from 'commander';
import { OPTIMIZER_DEFAULTS, OPTIMIZER_NAMES, SCHEDULE_KINDS } from '../../optim/index.ts';
import { ARCHS, DEFAULT_SELECT, POOLINGS, SELECTS, TRAIN_DEFAULTS, parseTrainOptions, type TrainOptions } from '../../train/options.ts';
import type { DataSpec, RunConfig } from '../../train/config.ts';
import { addDataOptions, parseDataOptions, type DataOptions } from './data.ts';
import { embeddingsDim } from '../../data/embeddings.ts';
import { UserError } from '../../util/errors.ts';

export { parseTrainOptions, TRAIN_FLAGS, TRAIN_DEFAULTS, type TrainOptions } from '../../train/options.ts';

const d = TRAIN_DEFAULTS;
const lrDefaults = OPTIMIZER_NAMES.map((n) => `${n} ${OPTIMIZER_DEFAULTS[n].lr}`).join(', ');

/** Declares the model / optimizer / schedule options (not the data options). */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--arch <name>', `recurrent cell: ${ARCHS.join(' | ')} (default: ${d.arch})`)
    .option('--optimizer <name>', `${OPTIMIZER_NAMES.join(' | ')} (default: ${d.optimizer})`)
    .option('--lr <rate>', `learning rate (default: the optimizer's: ${lrDefaults})`)
    .option('--momentum <m>', 'momentum for sgd, nag, rmsprop, in [0, 1) (default: sgd 0, nag 0.9, rmsprop 0)')
    .option('--weight-decay <w>', 'L2 penalty; adamw: decoupled decay (default: adamw 0.01, others 0)')
    .option('--epochs <n>', `training epochs (default: ${d.epochs})`)
    .option('--batch-size <n>', `examples per batch (default: ${d.batchSize})`)
    .option('--embed <n>', `embedding size (default: ${d.embed}; with --embeddings: the file's)`)
    .option('--embeddings <file>', 'pretrained word vectors for the embedding: GloVe, word2vec or fastText text (.txt, .vec, or gzipped) (default: none, random init)')
    .option('--freeze-embeddings', 'keep the embedding weights fixed during training (with --embeddings: the pretrained vectors)')
    .option('--embed-init-std <s>', `std of the embedding's initial N(0, s²) weights (default: ${d.embedInitStd}; PyTorch's nn.Embedding: 1)`)
    .option('--forget-bias <b>', `LSTM only: the forget gate's starting bias, or 'pytorch' for PyTorch's random U(±1/√hidden) (default: ${d.forgetBias}, as Keras)`)
    .option('--hidden <n>', `hidden size of each recurrent layer (default: ${d.hidden})`)
    .option('--layers <n>', `stacked recurrent layers (default: ${d.layers})`)
    .option('--bidirectional', 'run each layer in both directions')
    .option('--dropout <p>', `dropout between layers and before the classifier, in [0, 1) (default: ${d.dropout})`)
    .option('--embed-dropout <p>', 'dropout on the embedded tokens (the first layer\'s input), in [0, 1) (default: 0)')
    .option('--word-dropout <p>', 'training only: replace each token by <unk> with this probability, in [0, 1) (default: 0)')
    .option('--pooling <how>', `sequence → vector: ${POOLINGS.join(' | ')}, or several joined by '+' and concatenated (e.g. last+max+mean) (default: ${d.pooling})`)
    .option('--clip <norm>', 'clip the global gradient norm to this value; 0 = off (default: 1)')
    .option('--ema <decay>', 'evaluate and keep an exponential moving average of the weights, updated after every step with this decay in (0, 1), e.g. 0.999 (as Keras\' use_ema) (default: off)')
    .option('--schedule <kind>', `lr schedule per epoch: ${SCHEDULE_KINDS.join(' | ')} (default: ${d.schedule})`)
    .option('--step-size <n>', 'step schedule: epochs between lr cuts (default: a third of --epochs, rounded; 2 for 5)')
    .option('--gamma <g>', 'step / plateau schedule: lr multiplier per cut, in (0, 1) (default: 0.1)')
    .option('--class-weights <how>', "weight the training loss per class: 'none' or 'balanced' (binary: PyTorch's pos_weight = negatives/positives; more classes: n/(C·n_c)) (default: none)")
    .option('--select <rule>', `which epoch's weights are kept, judged on the validation split: ${SELECTS.join(' | ')} (lowest loss / highest accuracy; the earliest wins ties). Epoch 0, the untrained model, is never kept; without a validation split the last epoch is (default: ${DEFAULT_SELECT})`)
    .option('--patience <n>', 'early stopping: stop after n epochs without a better --select score (under val-accuracy, an epoch with the lowest validation loss so far counts as better too: the run is still learning) (default: off)')
    .option('--threads <n>', 'BLAS threads (default: RNNLAB_BLAS_THREADS or the BLAS library\'s own)')
    .option('--data-parallel <n>', 'split each batch over n threads, one BLAS thread each, and add their gradients (instead of --threads; not bit-identical to n = 1, but to itself) (default: 1)')
    .option('--recompute', 'keep only each layer\'s output for backward and recompute the rest there: far less memory for stacked layers, about one more forward pass of time, bit-identical results');
}

/** Declares every training option: model/optimizer, the data options, and --seed (which also seeds the splits). */
export function addTrainOptions(cmd: Command): Command {
  addModelOptions(cmd);
  addDataOptions(cmd, { seed: false });
  cmd.option('--seed <n>', `random seed: splits, initialisation, batch order, dropout (default: ${d.seed})`);
  cmd.option('--data-seed <n>', 'seed of the validation split (and of the test split a data set lacks) alone, so ' +
    'runs with different --seed share one split (default: --seed)');
  return cmd;
}

/** The data spec a run records, from the data options; the splits are seeded with the training seed. */
export function toDataSpec(o: DataOptions, seed: number): DataSpec {
  return {
    load: {
      dataset: o.dataset, test: o.test, textColumn: o.textColumn, labelColumn: o.labelColumn,
      // --val replaces the held-out share (recorded as 0, so the spec says what was done)
      ...(o.val !== undefined ? { val: o.val, valSplit: 0 } : { valSplit: o.valSplit }),
      // absent unless given, so runs recorded before --val-groups compare equal
      ...(o.valGroups !== undefined ? { valGroups: o.valGroups } : {}),
      seed, limit: o.limit,
    },
    prepare: { maxSize: o.vocabSize, minFreq: o.minFreq, maxLen: o.maxLen, truncate: o.truncate },
  };
}

/** With --embeddings and no --embed, the embedding size is the file's (read from its first line). */
export function withEmbeddingDim(raw: Record<string, unknown>): Record<string, unknown> {
  if (typeof raw.embeddings !== 'string' || raw.embeddings === '' || raw.embed !== undefined) return raw;
  return { ...raw, embed: embeddingsDim(raw.embeddings) };
}

/** Validates cmd.opts() of a command set up with addTrainOptions (one-line UserError on a bad value). */
export function parseTrainCli(raw: Record<string, unknown>): { train: TrainOptions; data: DataSpec } {
  const train = parseTrainOptions(withEmbeddingDim(raw));
  let dataSeed = train.seed;
  if (raw.dataSeed !== undefined) {
    dataSeed = Number(raw.dataSeed);
    if (!Number.isInteger(dataSeed) || dataSeed < 0 || dataSeed > 0xffffffff) {
      throw new UserError(`--data-seed must be a whole number from 0 to 2^32 - 1 (got ${JSON.stringify(raw.dataSeed)})`);
    }
  }
  const data = parseDataOptions({ ...raw, seed: dataSeed });
  return { train, data: toDataSpec(data, dataSeed) };
}

/**
 * A recorded run's settings as option values (the keys of cmd.opts()), for `train --resume`: every option not
 * given on the command line is taken from here, so a run resumes with only --out and --resume. Leaves out --threads, --data-parallel and --recompute
 * (this machine's business: trainRun keeps a resumed run's thread count unless one is given) and --epochs'
 * absence is filled with the recorded count (give --epochs to extend).
 */
export function recordedOptions(config: RunConfig): Record<string, unknown> {
  const t = config.train;
  const o = t.optimizerOptions as unknown as Record<string, unknown>;
  const s = t.schedule;
  const out: Record<string, unknown> = {
    arch: t.arch, optimizer: t.optimizer, lr: o.lr, epochs: t.epochs, batchSize: t.batchSize, embed: t.embed,
    embedInitStd: t.embedInitStd, hidden: t.hidden, layers: t.layers, bidirectional: t.bidirectional, dropout: t.dropout,
    pooling: t.pooling, clip: t.clip ?? 0, schedule: s.kind, seed: t.seed, select: t.select ?? DEFAULT_SELECT,
  };
  if (o.momentum !== undefined) out.momentum = o.momentum;
  if (o.weightDecay !== undefined) out.weightDecay = o.weightDecay;
  if (t.embedDropout) out.embedDropout = t.embedDropout;
  if (t.wordDropout) out.wordDropout = t.wordDropout;
  if (t.ema !== undefined) out.ema = t.ema;
  if (t.arch === 'lstm') out.forgetBias = t.forgetBias ?? 'pytorch';
  if (s.kind === 'step') Object.assign(out, { stepSize: s.options.stepSize, gamma: s.options.gamma });
  if (s.kind === 'plateau') out.gamma = s.options.factor;
  if (t.patience !== null) out.patience = t.patience;
  if (t.classWeights !== undefined) out.classWeights = t.classWeights;
  if (t.embeddings !== undefined && t.embeddings !== null) out.embeddings = t.embeddings;
  if (t.freezeEmbeddings) out.freezeEmbeddings = true;
  const load = config.data.spec.load;
  const prep = config.data.spec.prepare;
  Object.assign(out, {
    dataset: load.dataset, test: load.test, val: load.val, textColumn: load.textColumn, labelColumn: load.labelColumn,
    valSplit: load.valSplit, valGroups: load.valGroups, limit: load.limit, vocabSize: prep.maxSize, minFreq: prep.minFreq, maxLen: prep.maxLen,
    truncate: prep.truncate,
    // the split's own seed: a run started with --seed 43 --data-seed 42 resumes on the split it was trained on
    dataSeed: load.seed,
  });
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}
