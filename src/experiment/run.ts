/**
 * runExperiment: trains a planned grid into an experiment folder, resumably, and keeps results.json and the report
 * up to date after every finished cell.
 *
 *   DIR/experiment.json          settings (manifest.ts): a rerun with the same settings resumes
 *   DIR/<arch>-<optimizer>/      one normal run folder per cell (what `rnnlab train --out` writes)
 *   DIR/results.json             every cell's status, history and test metrics; best runs; baseline; machine
 *   DIR/summary.md, *.svg/png, report.html   the report (src/report writeReport)
 *
 * Who trains the cells is an Executor (executor.ts): in this process, a local process pool (--workers N), or a Redis
 * job queue served by `rnnlab worker` processes (queue/, --queue URL). Each leaves every cell's run folder where a
 * local run would; everything below reads only those folders.
 *
 * Resuming needs nothing from this process: a finished cell is recognised from its status.json, a half-done one is
 * continued by the trainer from its last checkpoint, and results.json is rebuilt from the folders each time, so the
 * final files of a killed-and-rerun experiment equal those of an uninterrupted one (timings aside).
 */
import { join, resolve } from 'node:path';
import type { Results } from '../report/results.ts';
import type { DataSpec } from '../train/config.ts';
import { readStatus } from '../train/run-dir.ts';
import { majorityClassBaseline } from '../train/baselines.ts';
import { writeJsonAtomic } from '../util/fs.ts';
import { ensureDir } from '../util/paths.ts';
import { datasetFor, forgetDatasets } from './cell.ts';
import { experimentNbsvm } from './baselines.ts';
import { collectResults, machineInfo, majorityFromRunConfigs } from './collect.ts';
import { lockExperimentDir, prepareExperimentDir, type ExperimentSettings } from './manifest.ts';
import type { PlannedCell } from './plan.ts';
import { inlineExecutor, poolExecutor, type Executor } from './executor.ts';
import { threadsPerWorker } from './pool.ts';
import { ExperimentProgress } from './progress.ts';
import type { CellJob, CellOutcome } from './protocol.ts';
import { availableParallelism } from 'node:os';

export interface ExperimentRequest {
  out: string;
  cells: PlannedCell[];
  settings: ExperimentSettings;
  data: DataSpec;
  workers: number;
  force: boolean;
  title: string;
  /** extra notes for results.json, computed from the results so far (e.g. the homework preset's) */
  notes?: (results: Results) => string[];
  /** Stops the grid after the current batch (the cells stay resumable), as Ctrl-C does. */
  signal?: AbortSignal;
  /** who trains the jobs (default: in this process for one worker, else a local process pool; see executor.ts) */
  executor?: Executor;
  /**
   * Also stop on SIGINT / SIGTERM (the CLI sets it). Off by default: a library call must not take over the
   * process's signals.
   */
  handleSignals?: boolean;
  /** Compute the NBSVM baseline (once per folder, kept in baselines.json); default false, the CLI's default true. */
  baseline?: boolean;
  /** stdout / stderr (tests pass their own) */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream;
}

export interface ExperimentSummary {
  dir: string;
  results: Results;
  interrupted: boolean;
  /** cells trained (or continued) by this call */
  trained: string[];
}

/** True when the cell's folder holds a finished run (ok with all epochs or stopped early, or diverged). */
export function cellFinished(dir: string, epochs: number): boolean {
  const s = readStatus(dir);
  if (!s) return false;
  if (s.status === 'diverged') return true;
  return s.status === 'ok' && (s.stoppedEarly || s.epochsCompleted >= epochs);
}

export async function runExperiment(req: ExperimentRequest): Promise<ExperimentSummary> {
  const dir = resolve(req.out);
  const stdout = req.stdout ?? process.stdout;
  const stderr = req.stderr ?? process.stderr;
  const say = (line: string): void => void stdout.write(line + '\n');
  const cellDir = (name: string): string => join(dir, name);

  ensureDir(dir);
  const unlock = lockExperimentDir(dir);
  try {
    const prep = prepareExperimentDir(dir, req.settings, req.force, cellDir);
    if (prep.reset.length > 0) say(`--force: starting over ${prep.reset.join(', ')} (their settings changed)`);

    const finished = new Set(req.cells.filter((c) => cellFinished(cellDir(c.name), c.train.epochs)).map((c) => c.name));
    const pending = req.cells.filter((c) => !finished.has(c.name));
    if (prep.resumed) say(`resuming ${dir}: ${finished.size} of ${req.cells.length} cells finished`);
    else say(`experiment ${dir}: ${req.cells.length} cells (${req.cells.map((c) => c.name).join(', ')})`);

    const cores = availableParallelism();
    const workers = Math.max(1, Math.min(req.workers, pending.length));
    const perWorker = threadsPerWorker(cores, workers);
    const machine = machineInfo(req.workers, workers, perWorker);
    const executor = req.executor
      ?? (workers === 1 ? inlineExecutor() : poolExecutor({ workers, threadsPerWorker: perWorker }));

    // The parent reads the data once even when workers train: a bad --dataset is then one error before any cell
    // starts (not one failure per cell), and its class counts give the baseline before any cell has a folder.
    let baseline = majorityFromRunConfigs(dir, req.cells);
    if (pending.length > 0) {
      const ds = await datasetFor(req.data);
      for (const w of ds.warnings) stderr.write(`rnnlab: warning: ${w}\n`);
      say(`data: ${ds.description}; train ${ds.prepared.train.count}, val ${ds.prepared.val.count}, ` +
        `test ${ds.prepared.test.count} examples, vocabulary ${ds.prepared.vocab.size}`);
      baseline ??= majorityClassBaseline(ds.counts.train, ds.counts.test, ds.labels);
      if (!executor.inProcess) forgetDatasets(); // the workers load their own copy; let this one be collected
    }
    const nbsvm = await experimentNbsvm(dir, req.data, req.baseline === true, say);

    const outcomes = new Map<string, CellOutcome>();
    const running = new Set<string>();
    let lastReport = { at: 0, took: 0 };
    const writeAll = async (final: boolean): Promise<Results | null> => {
      if (!baseline) baseline = majorityFromRunConfigs(dir, req.cells);
      if (!baseline) return null;
      let results = collectResults({
        expDir: dir, cells: req.cells, outcomes, running, settings: reportSettings(req.settings, req.data), machine,
        baseline, title: req.title, nbsvm,
      });
      if (req.notes) results = { ...results, notes: req.notes(results) };
      writeJsonAtomic(join(dir, 'results.json'), results);
      // The report (charts rendered to PNG) takes about a second; after a cell it is only rewritten when that keeps
      // its cost under ~10 % of the time since the last one, so a grid of tiny cells is not dominated by it while
      // a real grid (minutes per cell) gets a fresh report after every cell. The final one is always written.
      if (!final && performance.now() - lastReport.at < 10 * lastReport.took) return results;
      const t0 = performance.now();
      try {
        // loaded on first use: the chart libraries take a while to import, and training does not need them
        const { writeReport } = await import('../report/index.ts');
        await writeReport(dir, results);
        lastReport = { at: performance.now(), took: performance.now() - t0 };
      } catch (e) {
        if (final) throw e;
        stderr.write(`rnnlab: warning: could not write the report yet (${(e as Error).message}); it is retried ` +
          'after the next cell\n');
      }
      return results;
    };

    const progress = new ExperimentProgress({
      cellsTotal: req.cells.length,
      cellsDone: finished.size,
      epochsTotal: req.cells.reduce((a, c) => a + c.train.epochs, 0),
      epochsDone: req.cells.reduce((a, c) => {
        const s = readStatus(cellDir(c.name));
        return a + (finished.has(c.name) ? c.train.epochs : Math.min(s?.epochsCompleted ?? 0, c.train.epochs));
      }, 0),
      out: stdout,
      err: stderr,
    });

    const abort = new AbortController();
    const onSignal = (sig: NodeJS.Signals): void => {
      if (abort.signal.aborted) return;
      progress.line(`${sig}: ${executor.onStop}`);
      abort.abort();
    };
    if (req.handleSignals) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    const onCallerAbort = (): void => abort.abort();
    if (req.signal?.aborted) abort.abort();
    else req.signal?.addEventListener('abort', onCallerAbort, { once: true });

    const epochsOf = new Map(req.cells.map((c) => [c.name, c.train.epochs]));
    const onDone = async (o: CellOutcome): Promise<void> => {
      running.delete(o.name);
      outcomes.set(o.name, o);
      if (o.status === 'interrupted') return;
      const s = readStatus(cellDir(o.name));
      progress.cellDone(Math.max(0, epochsOf.get(o.name)! - Math.min(s?.epochsCompleted ?? 0, epochsOf.get(o.name)!)));
      progress.line(`[${o.name}] ${o.status}${o.reason ? `: ${o.reason}` : ''}`);
      await writeAll(false);
    };

    const jobs: CellJob[] = pending.map((c) => ({
      name: c.name, arch: c.arch, optimizer: c.optimizer, runDir: cellDir(c.name), train: c.train, data: req.data,
    }));
    try {
      if (jobs.length > 0 && !abort.signal.aborted) {
        const how = executor.describe(jobs.length);
        if (how) say(how);
        let chain = Promise.resolve();
        await executor.run(jobs, {
          onLine: (t) => progress.line(t),
          onEpoch: (e) => {
            running.add(e.name);
            progress.epoch(e);
          },
          // results are rebuilt one at a time, in the order cells finish
          onDone: (o) => { chain = chain.then(() => onDone(o)); },
        }, abort.signal);
        await chain;
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      req.signal?.removeEventListener('abort', onCallerAbort);
      progress.stop();
    }

    const results = await writeAll(true);
    if (!results) throw new Error('runExperiment: no baseline (no data loaded and no cell folder)');
    return {
      dir, results, interrupted: abort.signal.aborted, trained: jobs.map((j) => j.name),
    };
  } finally {
    unlock();
  }
}

/**
 * results.json's settings, flat enough to read in the report's table: the data options, the grid, and each training
 * option as one value when every cell shares it, or "per cell" (each run's own `train` holds the details).
 */
export function reportSettings(settings: ExperimentSettings, data: DataSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    dataset: data.load.dataset,
    ...(data.load.limit !== undefined ? { limit: data.load.limit } : {}),
    ...(data.load.test !== undefined ? { test: data.load.test } : {}),
    ...(data.load.val !== undefined ? { val: data.load.val } : { valSplit: data.load.valSplit }),
    vocabSize: data.prepare.maxSize,
    minFreq: data.prepare.minFreq,
    maxLen: data.prepare.maxLen,
    truncate: data.prepare.truncate,
    archs: settings.archs.join(', '),
    optimizers: settings.optimizers.join(', '),
  };
  if (settings.preset) out.preset = settings.preset;
  const cells = Object.values(settings.cells);
  const keys = [...new Set(cells.flatMap((c) => Object.keys(c.train)))].filter((k) => k !== 'arch' && k !== 'optimizer');
  for (const key of keys) {
    const values = [...new Set(cells.map((c) => JSON.stringify(c.train[key] ?? null)))];
    out[key] = values.length === 1 ? (c0(cells, key) ?? null) : 'per cell';
  }
  return out;
}

const c0 = (cells: { train: Record<string, unknown> }[], key: string): unknown => cells[0]?.train[key];
