/**
 * The library API behind `import { … } from 'rnnlab'` (exported by src/index.ts): the same work as the CLI commands,
 * with typed options instead of flags, callbacks instead of printed lines, and an AbortSignal instead of Ctrl-C.
 *
 *   train(options)            ≈ rnnlab train: trains one model into options.out (resumable), → RunOutcome
 *   loadModel(dir)            ≈ rnnlab predict / evaluate: a saved run → Model with predict(texts) and evaluate()
 *   evaluate(dir | model, d?) ≈ rnnlab evaluate: test metrics on the recorded data set, or another one
 *   runExperiment(options)    ≈ rnnlab experiment: the archs × optimizers grid into one folder, with its report
 *
 * Options use the CLI's names in camelCase (--batch-size → batchSize) and its defaults; values are checked by the
 * same parsers, so a bad one throws the same one-line UserError the CLI prints. Nothing here prints unless given a
 * `log` function, and nothing installs signal handlers.
 *
 * This module sits at the top of the layering, beside src/cli: it reuses the CLI's option parsers (src/cli/options)
 * so that both entry points accept exactly the same values.
 */
import type { RnnClassifier } from './nn/model.ts';
import { parseDataOptions } from './cli/options/data.ts';
import { toDataSpec, withEmbeddingDim } from './cli/options/train.ts';
import { parseTrainOptions, TRAIN_FLAGS, type TrainOptions } from './train/options.ts';
import type { DataSpec, RunConfig } from './train/config.ts';
import { trainRun, type RunOutcome } from './train/run.ts';
import { loadSavedModel, readStatus, type EpochRecord, type SavedModel } from './train/run-dir.ts';
import { predictTexts, type EvaluationResult, type Prediction } from './train/predict.ts';
import { evaluateRun, type EvaluateTarget } from './train/evaluate-run.ts';
import type { Vocab } from './data/vocab.ts';
import type { Results } from './report/results.ts';
import type { ExperimentConfig } from './experiment/overrides.ts';
import { NOT_PER_CELL, parseList, planGrid } from './experiment/plan.ts';
import { runExperiment as runGrid, type ExperimentSummary } from './experiment/run.ts';
import { API_STUDY_NAMES, checkStudyOptions, studyFor, type LrSearchMode } from './experiment/search/study.ts';
import { ARCHS } from './train/options.ts';
import { OPTIMIZER_NAMES } from './optim/index.ts';
import { UserError } from './util/errors.ts';
import { applyTrainPreset, type TrainPresetName } from './train/presets.ts';

/** Where the data comes from and how texts become ids (`rnnlab data`'s options; all optional). */
export interface DataOptions {
  /** 'imdb' (default: downloaded once and cached) or a path: IMDB archive/folder, CSV, JSONL, a folder per class. */
  dataset?: string;
  /** A separate test file or folder (default: the data set's own test split, else a seeded stratified 20 %). */
  test?: string;
  /** A separate validation file or folder (default: a seeded stratified valSplit of the training data). */
  val?: string;
  textColumn?: string;
  labelColumn?: string;
  /** Share of the training data held out for validation (default 0.1; ignored with `val`). */
  valSplit?: number;
  /** IMDB: 'film' makes the valSplit share of whole films, none of them in training (`--val-groups film`). */
  valGroups?: 'film';
  /** A stratified subset of n training and n test examples. */
  limit?: number;
  /** Maximum vocabulary size, counting <pad> and <unk> (default 25 000). */
  vocabSize?: number;
  minFreq?: number;
  /** Tokens kept per text (default 200). */
  maxLen?: number;
  /** Which end of a long text to keep (default 'tail'). */
  truncate?: 'head' | 'tail';
}

/** Model, optimizer and schedule settings (`rnnlab train`'s flags in camelCase; all optional, same defaults). */
export type TrainSettings = Partial<TrainOptions>;

export interface TrainCallOptions extends DataOptions, TrainSettings {
  /** The run directory (created; an existing one holding the same run is resumed or returned). */
  out: string;
  /** A named recipe (`rnnlab train --preset`): fills every setting not given here, e.g. 'strong'. */
  preset?: TrainPresetName;
  /** Called after every epoch (epoch 0 = before any update) with that epoch's losses and accuracies. */
  onEpoch?: (record: EpochRecord) => void;
  /** Aborting stops training after the current batch; the run stays resumable (outcome status 'interrupted'). */
  signal?: AbortSignal;
  /** Continue or return an existing identical run in `out` (default true); false: a non-empty `out` is an error. */
  resume?: boolean;
  /** Receives the lines `rnnlab train` prints (data summary, one per epoch); default: silent. */
  log?: (line: string) => void;
  /** Also fit the NBSVM baseline into metrics.json's baseline.nbsvm (default true, as `rnnlab train`; false =
   *  --no-baseline). Not given when resuming: the run's own choice (as `rnnlab train --resume`). */
  baseline?: boolean;
}

const silent = (): void => {};

function pickTrain(o: object): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(TRAIN_FLAGS)) {
    const v = (o as Record<string, unknown>)[key];
    if (v !== undefined) raw[key] = v;
  }
  return raw;
}

/** Data options → the run's data spec, checked like the CLI's flags; the splits are seeded with `seed`. */
function dataSpec(o: DataOptions, seed: number): DataSpec {
  const raw: Record<string, unknown> = { ...o, seed };
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  return toDataSpec(parseDataOptions(raw), seed);
}

/** Trains one model into `options.out` (see TrainCallOptions); resolves when it finished, diverged or was aborted. */
export async function train(options: TrainCallOptions): Promise<RunOutcome> {
  if (typeof options?.out !== 'string' || options.out.trim() === '') throw new UserError('train: give `out`, the run directory');
  if (options.preset !== undefined) {
    const filled: Record<string, unknown> = { ...options };
    // the table holds values as typed on a command line; both option parsers below accept those strings
    applyTrainPreset(String(options.preset), filled, (key) => (options as unknown as Record<string, unknown>)[key] !== undefined);
    options = filled as unknown as TrainCallOptions;
  }
  const settings = parseTrainOptions(withEmbeddingDim(pickTrain(options)));
  const data = dataSpec(options, settings.seed);
  return trainRun({ dir: options.out, train: settings, data }, {
    resume: options.resume ?? true, log: options.log ?? silent, progress: false, onEpoch: options.onEpoch,
    signal: options.signal, baseline: options.baseline, defaultBaseline: true,
  });
}

/** A trained model loaded from its run directory: predict raw texts, or measure it on a labelled data set. */
export class Model {
  readonly dir: string;
  /** The run's config.json: model shape, training settings, data set, labels. */
  readonly config: RunConfig;
  /** Class index → label. */
  readonly labels: readonly string[];
  readonly vocab: Vocab;
  /** The network itself (forward/backward on batches, parameters by PyTorch state_dict name). */
  readonly network: RnnClassifier;
  private readonly saved: SavedModel;

  constructor(saved: SavedModel) {
    this.saved = saved;
    this.dir = saved.dir;
    this.config = saved.config;
    this.labels = saved.config.labels;
    this.vocab = saved.vocab;
    this.network = saved.model;
  }

  /** Class probabilities for each text, through the training pipeline (tokenizer, vocabulary, max-len, truncation). */
  predict(texts: readonly string[], options: { batchSize?: number } = {}): Prediction[] {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
      throw new UserError('predict: give an array of strings');
    }
    return predictTexts(this.saved, texts, options.batchSize);
  }

  /**
   * Metrics on the run's own test split as recorded in config.json (its seed, limit and validation settings cannot
   * be overridden: another split could hold training rows), or on every row of another data set (`split: 'test'`:
   * only its own test split). Texts are encoded as in training. Nothing is written. See src/train/evaluate-run.ts.
   */
  async evaluate(data: EvaluateTarget & DataOptions = {}): Promise<EvaluationResult> {
    for (const k of ['test', 'val', 'valSplit', 'valGroups', 'limit', 'vocabSize', 'minFreq', 'maxLen', 'truncate'] as const) {
      if (data[k] !== undefined) {
        throw new UserError(`evaluate: ${k} does not apply; the run's own test split is the recorded one, another dataset is scored whole, and texts are encoded as in training`);
      }
    }
    return evaluateRun(this.saved, data);
  }

  /** The epoch whose weights these are (the best trained epoch on validation, by --select), when recorded. */
  get epoch(): number | null {
    return readStatus(this.dir)?.bestEpoch ?? null;
  }

  /** Frees the network's work buffers now (they come back if the model is used again). */
  dispose(): void {
    this.network.dispose();
  }
}

/** Loads a run directory written by train() or `rnnlab train` (its best epoch's weights). */
export function loadModel(dir: string): Model {
  return new Model(loadSavedModel(dir));
}

/** Test metrics of a saved model (a run directory or a loaded Model); see Model.evaluate. */
export async function evaluate(model: string | Model, data: EvaluateTarget & DataOptions = {}): Promise<EvaluationResult> {
  return (typeof model === 'string' ? loadModel(model) : model).evaluate(data);
}

export interface ExperimentCallOptions extends DataOptions, Omit<TrainSettings, 'arch' | 'optimizer'> {
  /** The experiment folder (created; rerunning with the same settings resumes). */
  out: string;
  /** Default: all three. */
  archs?: readonly string[];
  /** Default: sgd, nag, adadelta, adam (as the CLI). */
  optimizers?: readonly string[];
  /** Per-architecture / per-optimizer / per-cell settings, as `--config FILE`'s JSON. */
  config?: ExperimentConfig;
  /** Cells trained at once, each in its own process (default 1: in this process). */
  workers?: number;
  /** A learning rate per cell chosen on validation data (`--lr-search`): 'off' (default here) or 'halving'. */
  lrSearch?: LrSearchMode;
  /** Final runs per cell with model seeds seed, seed+1, … on the same data split (`--seeds`, default 1). */
  seeds?: number;
  /** Racing (`--race-to`): one more seed at a time for the leader and the cells tied with it, up to this many. */
  raceTo?: number;
  /** Reuse `out` although its settings differ: changed cells start over. */
  force?: boolean;
  title?: string;
  signal?: AbortSignal;
  /** Also fit the NBSVM baseline once for the folder (default true, as `rnnlab experiment`; false = --no-baseline). */
  baseline?: boolean;
  /** Progress lines (default: this process's stdout / stderr). */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream;
}

/** Trains the grid archs × optimizers into `out` and writes results.json and the report (see `rnnlab experiment`). */
export async function runExperiment(options: ExperimentCallOptions): Promise<ExperimentSummary> {
  if (typeof options?.out !== 'string' || options.out.trim() === '') throw new UserError('runExperiment: give `out`, the experiment folder');
  const archs = parseList((options.archs ?? ARCHS).join(','), ARCHS, 'archs');
  const optimizers = parseList((options.optimizers ?? ['sgd', 'nag', 'adadelta', 'adam']).join(','), OPTIMIZER_NAMES, 'optimizers');
  if (options.dataParallel !== undefined) {
    throw new UserError('runExperiment: dataParallel is for train(); an experiment uses the cores with `workers` (cells side by side)');
  }
  const base = parseTrainOptions(withEmbeddingDim(pickTrain(options)));
  const data = dataSpec(options, base.seed);
  if (!(data.load.valSplit! > 0) && data.load.val === undefined) {
    throw new UserError('valSplit must be > 0 (or give `val`): the best runs are chosen by validation accuracy');
  }
  const cliTrain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(withEmbeddingDim(pickTrain(options)))) {
    if (!NOT_PER_CELL.has(key)) cliTrain[key] = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  }
  const { cells, settings } = planGrid({
    archs, optimizers, cliTrain, seed: base.seed, threads: base.threads, recompute: base.recompute, preset: null,
    config: options.config ? { source: 'the config option', config: options.config } : null,
    data: data as unknown as Record<string, unknown>,
  });
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new UserError(`workers must be a whole number ≥ 1 (got ${workers})`);
  const { lrSearch, seeds, raceTo } = checkStudyOptions(
    { lrSearch: options.lrSearch ?? 'off', seeds: options.seeds ?? 1, ...(options.raceTo !== undefined ? { raceTo: options.raceTo } : {}) },
    API_STUDY_NAMES);
  const study = studyFor(cells, lrSearch, seeds, raceTo,
    options.config ? { source: 'the config option', config: options.config } : null);
  if (study) settings.study = study;
  return runGrid({
    out: options.out, cells, settings, data, workers, force: options.force ?? false,
    title: options.title ?? `${archs.join(', ')} × ${optimizers.join(', ')}`, signal: options.signal,
    stdout: options.stdout, stderr: options.stderr, baseline: options.baseline ?? true,
  });
}

export type { RunOutcome, EpochRecord, Prediction, EvaluationResult, EvaluateTarget, ExperimentSummary, Results, RunConfig };
