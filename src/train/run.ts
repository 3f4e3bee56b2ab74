/**
 * trainRun: THE entry point for training one model into a run directory, used by `rnnlab train`, by the experiment
 * runner (in-process, or in a child process via src/train/child.ts), and by tests. Given a directory and options it
 *
 *   - starts a new run when the directory is empty or absent;
 *   - resumes from checkpoint.safetensors when the directory holds the same run (same identity, see config.ts)
 *     that has not finished (killed, interrupted, or finished with fewer epochs than now asked for);
 *   - returns the recorded result without training when that run has already finished;
 *   - refuses (one-line UserError) a directory holding a different run, or any run when resume is false.
 *
 * The data set can be passed in already loaded and encoded (prepareDataset), so a process that trains many
 * models on the same data reads and tokenizes it once.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import {
  checkSplits, datasetFingerprint, DEFAULT_TRUNCATE, loadDataset, prepareSplits, type DataFingerprint, type DataProgress, type PreparedData,
} from '../data/index.ts';
import { RnnClassifier } from '../nn/model.ts';
import { balancedClassWeights } from '../nn/loss.ts';
import { applyEmbeddings, trainableParams } from './embeddings.ts';
import { loadSafetensors } from '../nn/safetensors.ts';
import { setBlasThreads, blasInfo } from '../nn/blas.ts';
import { DataParallel } from './parallel/data-parallel.ts';
import { WeightAverage, createOptimizer, createScheduler } from '../optim/index.ts';
import { nbsvmBaseline, nbsvmLine, nbsvmRecord, type NbsvmRecord } from '../baseline/index.ts';
import { oneLine, UserError } from '../util/errors.ts';
import { writeJsonAtomic } from '../util/fs.ts';
import { ensureDir } from '../util/paths.ts';
import { acquireRunLock, type RunLock } from './lock.ts';
import { Rng } from '../util/rng.ts';
import { VERSION } from '../version.ts';
import { computeMetrics, type Metrics } from './metrics.ts';
import { majorityClassBaseline } from './baselines.ts';
import { canonical, identityDifferences, modelConfig, resolveTrain, runIdentity, type DataSpec, type ResolvedTrain, type RunConfig } from './config.ts';
import type { TrainOptions } from './options.ts';
import { loadCheckpoint, type LoopState } from './checkpoint.ts';
import { evaluateSplitAsync } from './evaluate.ts';
import { EpochBar, stdoutLogger, type Logger } from './progress.ts';
import { trainLoop } from './trainer.ts';
import {
  dirHasFiles, loadWeightsInto, readHistory, readRunConfig, readStatus, readVocab, RUN_FILES, runFile,
  writeHistory, writeRunConfig, writeStatus, type EpochRecord, type RunStatus,
} from './run-dir.ts';

/** A data set loaded, checked and encoded once; pass it to several trainRun calls with the same spec. */
export interface PreparedDataset {
  spec: DataSpec;
  name: string;
  description: string;
  labels: string[];
  prepared: PreparedData;
  counts: { train: number[]; val: number[]; test: number[] };
  /** One line each: a lopsided or incomplete split (see src/data/sanity.ts). */
  warnings: string[];
  /** The NBSVM baseline on these splits, when asked for (prepareDataset's `baseline`). */
  nbsvm?: NbsvmRecord;
  /** The files' fingerprint (src/data/fingerprint.ts), recorded in config.json for evaluate. */
  fingerprint: DataFingerprint;
}

export async function prepareDataset(
  spec: DataSpec, onProgress?: (p: DataProgress) => void, opts: { baseline?: boolean } = {},
): Promise<PreparedDataset> {
  const fingerprint = datasetFingerprint(spec.load);
  const loaded = await loadDataset({ ...spec.load, onProgress });
  const { counts, warnings } = checkSplits(loaded);
  const prepared = prepareSplits(loaded, { ...spec.prepare, onProgress });
  const ds: PreparedDataset = {
    spec, name: loaded.name, description: loaded.description, labels: loaded.labels, prepared, counts, warnings, fingerprint,
  };
  // from the texts (whole, untruncated), which are not kept after this
  if (opts.baseline) ds.nbsvm = nbsvmRecord(nbsvmBaseline(loaded));
  return ds;
}

/** metrics.json: test metrics of the best epoch's weights, plus the majority-class baseline (baselines.ts). */
export interface RunMetrics extends Metrics {
  split: 'test';
  /** The epoch whose weights were evaluated. */
  epoch: number;
  /** Always predicting the training split's most frequent class, scored on the test split (baselines.ts); NBSVM
   *  (src/baseline) unless turned off. */
  baseline: { majority: { label: string; accuracy: number }; nbsvm?: NbsvmRecord };
}

export interface RunRequest {
  dir: string;
  train: TrainOptions;
  data: DataSpec;
}

export interface RunHooks {
  /** Continue or return an existing identical run (default true). false: a non-empty directory is an error. */
  resume?: boolean;
  /** The data, already loaded (its spec must equal the request's); loaded on demand otherwise. */
  dataset?: PreparedDataset;
  /** Epoch lines and notes (default: stdout). */
  log?: Logger;
  /** Progress bar on stderr (default: only when stderr is a terminal). */
  progress?: boolean;
  /** Loading progress (download, read, tokenize), when the data is loaded here. */
  onDataProgress?: (p: DataProgress) => void;
  /** After each epoch's files are written; a returned promise holds training until it settles. */
  onEpoch?: (record: EpochRecord) => void | Promise<void>;
  /** Stop between batches/epochs; the run stays resumable (status 'interrupted'). */
  signal?: AbortSignal;
  /** Also compute the NBSVM baseline (seconds on IMDB) for the log and metrics.json (`rnnlab train` turns it on).
   *  With `dataset`, its precomputed `nbsvm` is used. Not given: a resumed run does what it did so far (config.json's
   *  noBaseline), so that its metrics.json is the uninterrupted run's; a new one follows `defaultBaseline`. */
  baseline?: boolean;
  /** A new run's `baseline` when none is given (default false; the library's train() makes it true). */
  defaultBaseline?: boolean;
  /**
   * false: a selection-only run (a learning-rate search trial): the test split is never read, neither per epoch nor
   * at the end (no metrics.json); the run is scored on validation only. Default true.
   */
  evaluateTest?: boolean;
  /**
   * Keep the evaluated weights of every epoch in `snapshots/` (a learning-rate search trial: the experiment can then
   * continue the chosen trial as its final run and evaluate the test split on the epochs it already trained).
   */
  snapshots?: boolean;
}

/**
 * Below this many training examples the default recipe under-trains (README "Small and short-text data sets"):
 * `rnnlab train` then applies --preset small unless --preset or --epochs was given. 10,000 since 2026-12-07 (5,000
 * before): on 9,000 one-sentence texts the preset beat the default recipe by 1.6–1.9 points (GRU and LSTM, two seeds).
 * Long texts between 5,000 and 10,000 examples were not measured.
 */
export const SMALL_SET = 10_000;

export interface RunOutcome {
  dir: string;
  /** 'interrupted': stopped by the signal; the directory can be resumed. */
  status: 'ok' | 'diverged' | 'failed' | 'interrupted';
  reason?: string;
  seconds: number;
  epochsCompleted: number;
  bestEpoch: number | null;
  stoppedEarly: boolean;
  history: EpochRecord[];
  /** Test metrics of the best epoch (null when no epoch completed). */
  metrics: RunMetrics | null;
  /** Epoch the run continued after, when it resumed; null for a fresh start. */
  resumedFrom: number | null;
  /** True when the directory held a finished run and nothing was trained. */
  alreadyFinished: boolean;
  train: ResolvedTrain;
}

function freshState(): LoopState {
  return { epoch: -1, history: [], bestEpoch: null, bestValLoss: null, badEpochs: 0, stoppedEarly: false, seconds: 0 };
}

function isFinished(status: RunStatus | null, train: ResolvedTrain): boolean {
  if (!status) return false;
  if (status.status === 'diverged') return true;
  return status.status === 'ok' && (status.stoppedEarly || status.epochsCompleted >= train.epochs);
}

function readMetrics(dir: string): RunMetrics | null {
  const path = runFile(dir, 'metrics');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunMetrics) : null;
}

export async function trainRun(req: RunRequest, hooks: RunHooks = {}): Promise<RunOutcome> {
  // One process at a time (lock.ts): a live holder is refused before any data is loaded, a killed one's lock is
  // taken over (and said so). A folder created here and left empty (bad data, a refused request) is removed again.
  const created = !existsSync(req.dir);
  ensureDir(req.dir);
  let lock;
  try {
    lock = acquireRunLock(req.dir);
  } catch (e) {
    if (created) removeIfEmpty(req.dir);
    throw e;
  }
  try {
    return await trainRunHeld(req, hooks, lock.stale);
  } finally {
    lock.release();
    if (created) removeIfEmpty(req.dir);
  }
}

function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // gone or filled meanwhile: leave it
  }
}

async function trainRunHeld(req: RunRequest, hooks: RunHooks, stale: RunLock | null): Promise<RunOutcome> {
  const { dir } = req;
  let train = resolveTrain(req.train); // a resumed run may take its recorded thread settings below
  const log = hooks.log ?? stdoutLogger;
  const identity = runIdentity(train, req.data);

  // ---- what is in the directory already ----
  let resumeFrom: RunConfig | null = null;
  if (dirHasFiles(dir)) {
    if (!existsSync(runFile(dir, 'config'))) {
      throw new UserError(`output folder ${dir} is not empty and holds no rnnlab run; choose another --out (or empty it)`);
    }
    const saved = readRunConfig(dir);
    const diffs = identityDifferences(runIdentity(saved.train, saved.data.spec), identity);
    if (diffs.length > 0) {
      // the step schedule's default step size follows --epochs, so extending such a run changes it unless pinned;
      // a cosine schedule's length is --epochs itself, and its finished epochs ran on that curve, so it cannot grow
      const hint = diffs.some((d) => d.startsWith('--step-size'))
        ? ` (to extend it, pass --step-size ${saved.train.schedule.options.stepSize})`
        : diffs.some((d) => d.startsWith('--epochs (the cosine'))
          ? ` (a cosine run cannot be extended: its rate was planned to reach 0 at epoch ${saved.train.schedule.options.totalEpochs}; train a new run with the --epochs you want)`
          : '';
      throw new UserError(`output folder ${dir} holds a different run: ${diffs.join(', ')}${hint}; ` +
        'give the run\'s settings (rnnlab train --resume reads them from its config.json), choose another --out, or delete the folder');
    }
    if ((saved.testHeldBack === true) !== !evaluateTestOf(hooks)) {
      const kind = saved.testHeldBack ? 'selection-only run (test held back)' : 'run that evaluates the test split';
      throw new UserError(`output folder ${dir} holds a ${kind}; the other kind cannot continue it; choose another ` +
        '--out, or delete the folder');
    }
    if (hooks.resume === false) {
      throw new UserError(`output folder ${dir} already holds this run; pass --resume to continue it, or choose another --out`);
    }
    const status = readStatus(dir);
    if (isFinished(status, train)) {
      const s = status!;
      return {
        dir, status: s.status as 'ok' | 'diverged', reason: s.reason, seconds: s.seconds, epochsCompleted: s.epochsCompleted,
        bestEpoch: s.bestEpoch, stoppedEarly: s.stoppedEarly, history: readHistory(dir), metrics: readMetrics(dir),
        resumedFrom: null, alreadyFinished: true, train: saved.train,
      };
    }
    if (existsSync(runFile(dir, 'checkpoint'))) resumeFrom = saved;
  }

  // ---- data, model, optimizer ----
  const baseline = hooks.baseline ?? (resumeFrom ? resumeFrom.noBaseline !== true : hooks.defaultBaseline === true);
  const ds = hooks.dataset ?? await prepareDataset(req.data, hooks.onDataProgress, { baseline });
  const nbsvm = baseline ? ds.nbsvm : undefined;
  if (canonical(ds.spec) !== canonical(req.data)) throw new Error('trainRun: hooks.dataset was prepared from a different data spec');
  for (const w of ds.warnings) log(`warning: ${w}`);
  const numClasses = ds.labels.length;
  const evaluateTest = evaluateTestOf(hooks);
  // sizes from the class counts taken at load time, so a selection-only run never touches the test split itself
  const testCount = ds.counts.test.reduce((a, b) => a + b, 0);
  const hasVal = ds.prepared.val.count > 0;
  if (!hasVal && train.patience !== null) throw new UserError('--patience needs a validation split; set --val-split > 0 or drop --patience');
  if (!hasVal && train.schedule.kind === 'plateau') throw new UserError('--schedule plateau needs a validation split; set --val-split > 0 or pick another schedule');
  if (resumeFrom) {
    const savedVocab = readVocab(dir);
    const recordedFp = resumeFrom.data.fingerprint;
    const filesChanged = recordedFp !== undefined && canonical(recordedFp) !== canonical(ds.fingerprint);
    if (filesChanged || canonical(savedVocab.itos) !== canonical(ds.prepared.vocab.itos) || canonical(resumeFrom.labels) !== canonical(ds.labels)) {
      throw new UserError(`the data set changed since ${dir} was started (${filesChanged ? 'its files\' fingerprint differs' : 'different vocabulary or labels'}); resume needs the same data, or start a new run`);
    }
  }
  // The BLAS thread count and --data-parallel are not part of a run's identity (another machine may continue it),
  // but OpenBLAS can sum in another order on another thread count: a resumed run given neither continues as it went
  // so far, so that it ends with the same bits as an uninterrupted run.
  if (resumeFrom && train.threads === null && train.dataParallel === undefined && !process.env.RNNLAB_BLAS_THREADS) {
    const recorded = resumeFrom.train.dataParallel !== undefined ? { dataParallel: resumeFrom.train.dataParallel }
      : resumeFrom.blas?.threads ? { threads: resumeFrom.blas.threads } : null; // ?. : a config.json from before the BLAS was recorded
    if (recorded) {
      train = { ...train, ...recorded };
      const flag = 'dataParallel' in recorded ? `--data-parallel ${recorded.dataParallel}` : `--threads ${recorded.threads}`;
      log(`resuming with the run's ${flag} (give --threads or --data-parallel to change it)`);
    }
  }
  if (train.threads !== null) setBlasThreads(train.threads);
  if (train.dataParallel !== undefined) setBlasThreads(1); // one per thread (parallel/data-parallel.ts); config.json says so
  const mc = modelConfig(train, ds.prepared.vocab.size, numClasses);
  const model = new RnnClassifier(mc, train.seed, { embedStd: train.embedInitStd, forgetBias: train.forgetBias ?? undefined });
  if (train.recompute) model.setRecompute(true); // before DataParallel below: its replicas copy it
  const trainable = trainableParams(model, train);
  const classWeights = train.classWeights === 'balanced' ? balancedClassWeights(ds.counts.train) : null;
  const optimizer = createOptimizer(train.optimizer, trainable, train.optimizerOptions);
  const scheduler = createScheduler(train.schedule.kind, optimizer, train.schedule.options);
  const ema = train.ema !== undefined ? new WeightAverage(trainable, train.ema) : null;
  // Dropout masks get their own stream, independent of the init stream and of the data order.
  const rng = new Rng((train.seed ^ 0x5eed_d20b) >>> 0);

  if (!resumeFrom) {
    const p = ds.prepared;
    log(`data set "${ds.name}": ${p.train.count} train / ${p.val.count} val / ${testCount} test examples` +
      `${evaluateTest ? '' : ' (test held back: scored on validation only)'}, ` +
      `${numClasses} classes (${ds.labels.join(', ')}), vocabulary ${p.vocab.size}, max-len ${p.train.maxLen}`);
    log(`model: ${train.arch}${train.bidirectional ? ' (bidirectional)' : ''}, ${train.layers} layer(s) × ${train.hidden} hidden, ` +
      `embed ${train.embed}, ${model.numParams.toLocaleString('en-US')} parameters; ${train.optimizer} lr ${train.optimizerOptions.lr}`);
  }
  // Pretrained vectors replace the random rows they cover (a fresh start only: a resumed run has its weights).
  const embeddings = resumeFrom ? resumeFrom.embeddings : await applyEmbeddings(model, train, ds.prepared, log);
  if (classWeights && !resumeFrom) log(`class weights (balanced): ${ds.labels.map((l, i) => `${l} ${classWeights[i]!.toFixed(4)}`).join(', ')}`);
  if (nbsvm) log(`baseline to beat: ${nbsvmLine(nbsvm)}`);
  const blas = blasInfo();
  const config: RunConfig = {
    format: 'rnnlab-run', version: 1, rnnlab: VERSION, createdAt: resumeFrom?.createdAt ?? new Date().toISOString(),
    model: mc, train,
    data: {
      spec: req.data, name: ds.name, description: ds.description, fingerprint: ds.fingerprint,
      sizes: { train: ds.prepared.train.count, val: ds.prepared.val.count, test: testCount },
      classCounts: ds.counts,
    },
    labels: ds.labels, tokenizer: 'basic_english', vocabSize: ds.prepared.vocab.size,
    maxLen: ds.prepared.train.maxLen, truncate: req.data.prepare.truncate ?? DEFAULT_TRUNCATE, seed: train.seed,
    blas: { backend: blas.backend, threads: blas.threads },
    ...(classWeights ? { classWeights } : {}),
    ...(embeddings ? { embeddings } : {}),
    ...(evaluateTest ? {} : { testHeldBack: true as const }),
    ...(baseline ? {} : { noBaseline: true as const }),
  };

  let state = freshState();
  if (resumeFrom) {
    const ck = loadCheckpoint(runFile(dir, 'checkpoint'), model);
    optimizer.loadStateDict(ck.optimizer);
    scheduler.loadStateDict(ck.scheduler);
    rng.setState(ck.rng);
    if (ema) {
      if (!ck.ema) throw new UserError(`${dir}'s checkpoint has no weight average, but the run records --ema ${train.ema}; the checkpoint is damaged, start a fresh run`);
      ema.load(ck.ema);
    }
    state = {
      epoch: ck.epoch, history: ck.history, bestEpoch: ck.bestEpoch, bestValLoss: ck.bestValLoss,
      badEpochs: ck.badEpochs, stoppedEarly: ck.stoppedEarly, seconds: ck.seconds,
    };
    log(`resuming ${dir} after epoch ${state.epoch} of ${train.epochs}`);
  }
  if (stale) {
    log(`note: ${dir} was last held by process ${stale.pid} on ${stale.host} (since ${stale.startedAt}), ` +
      'which is gone (killed?); its status.json "running" was stale');
  }
  // config.json first: from here on the folder is recognisably this run. (On resume it is rewritten with the new
  // epoch count.) Then the vocabulary; both before any weights.
  writeRunConfig(dir, config);
  writeJsonAtomic(runFile(dir, 'vocab'), ds.prepared.vocab.toJSON());
  // 'running' from now on, while this process holds the lock (a resumed run too: it said interrupted or running)
  writeStatus(dir, {
    status: 'running', seconds: state.seconds, epochsCompleted: Math.max(0, state.epoch), epochsPlanned: train.epochs,
    bestEpoch: state.bestEpoch, stoppedEarly: state.stoppedEarly,
  });

  const outcomeBase = { dir, resumedFrom: resumeFrom ? state.epoch : null, alreadyFinished: false, train };
  // --data-parallel N: N − 1 worker threads, for training steps and for every evaluation (the final one too)
  const parallel = train.dataParallel !== undefined ? new DataParallel(model, train.dataParallel, { classWeights }) : null;
  let end;
  try {
    end = await trainLoop({
      dir, model, optimizer, scheduler, rng, data: ds.prepared, numClasses, train, log,
      bar: new EpochBar(hooks.progress ?? Boolean(process.stderr.isTTY)), onEpoch: hooks.onEpoch, signal: hooks.signal,
      classWeights, trainable, ema, parallel,
      evaluateTest, snapshots: hooks.snapshots === true,
    }, state);
  } catch (e) {
    parallel?.close();
    const reason = oneLine(e);
    writeStatus(dir, {
      status: 'failed', reason, seconds: state.seconds, epochsCompleted: Math.max(0, state.epoch),
      epochsPlanned: train.epochs, bestEpoch: state.bestEpoch, stoppedEarly: state.stoppedEarly,
    });
    throw e;
  }
  const common = {
    ...outcomeBase, seconds: state.seconds, epochsCompleted: Math.max(0, state.epoch), bestEpoch: state.bestEpoch,
    stoppedEarly: state.stoppedEarly, history: state.history,
  };
  if (end.status === 'interrupted') {
    parallel?.close();
    writeStatus(dir, {
      status: 'interrupted', seconds: state.seconds, epochsCompleted: Math.max(0, state.epoch), epochsPlanned: train.epochs,
      bestEpoch: state.bestEpoch, stoppedEarly: state.stoppedEarly,
    });
    return { ...common, status: 'interrupted', metrics: null };
  }

  // ---- final test metrics, from the best epoch's weights ----
  const t0 = performance.now();
  let metrics: RunMetrics | null = null;
  if (state.bestEpoch !== null && evaluateTest) {
    loadWeightsInto(model, loadSafetensors(runFile(dir, 'model')), runFile(dir, 'model'));
    const test = await evaluateSplitAsync(model, ds.prepared.test, numClasses, { collect: true, parallel }); // a signal is heard meanwhile
    if (Number.isFinite(test.loss)) {
      const base = majorityClassBaseline(ds.counts.train, ds.counts.test, ds.labels);
      metrics = {
        split: 'test', epoch: state.bestEpoch,
        ...computeMetrics(ds.prepared.test.labels, test.probs!, numClasses, ds.labels, { loss: test.loss }),
        baseline: { majority: { label: base.label, accuracy: base.accuracy } },
      };
      // without its wall time: a resumed run's metrics.json must equal a straight run's
      if (nbsvm) metrics.baseline.nbsvm = { ...nbsvm, seconds: undefined };
      writeJsonAtomic(runFile(dir, 'metrics'), metrics);
    }
  }
  parallel?.close();
  const seconds = state.seconds + (performance.now() - t0) / 1000;
  const reason = end.status === 'diverged' ? end.reason : undefined;
  writeHistory(dir, state.history);
  writeStatus(dir, {
    status: end.status, reason, seconds, epochsCompleted: Math.max(0, state.epoch), epochsPlanned: train.epochs,
    bestEpoch: state.bestEpoch, stoppedEarly: state.stoppedEarly,
  });
  const weak = keptNoBetterThanBaseline(state.history, state.bestEpoch, ds);
  if (weak) log(`warning: ${weak}`);
  if (metrics) {
    log(`best epoch ${metrics.epoch}: test accuracy ${(100 * metrics.accuracy).toFixed(2)}%, macro-F1 ${metrics.macroF1.toFixed(4)} ` +
      `(majority baseline ${(100 * metrics.baseline.majority.accuracy).toFixed(2)}%)`);
    if (nbsvm) log(`NBSVM baseline: test accuracy ${(100 * nbsvm.accuracy).toFixed(2)}%`);
  }
  return { ...common, seconds, status: end.status, reason, metrics };
}


/**
 * A one-line warning when the kept epoch's validation accuracy does not beat always predicting the training
 * split's majority class on validation (the model learned nothing usable); null otherwise or without validation.
 */
export function keptNoBetterThanBaseline(history: readonly EpochRecord[], bestEpoch: number | null,
  ds: Pick<PreparedDataset, 'counts' | 'labels'>): string | null {
  const kept = history.find((h) => h.epoch === bestEpoch);
  if (!kept || kept.valAccuracy === null) return null;
  const base = majorityClassBaseline(ds.counts.train, ds.counts.val, ds.labels);
  if (kept.valAccuracy > base.accuracy) return null;
  return `the kept model (epoch ${kept.epoch}) is no better than always predicting "${base.label}" on the validation ` +
    `split (${(100 * kept.valAccuracy).toFixed(2)}% vs ${(100 * base.accuracy).toFixed(2)}%); train longer, change --lr, or check the data`;
}

const evaluateTestOf = (hooks: RunHooks): boolean => hooks.evaluateTest !== false;

export { RUN_FILES };
