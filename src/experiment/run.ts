/**
 * runExperiment: trains a planned grid into an experiment folder, resumably, and keeps results.json and the report
 * up to date after every finished cell.
 *
 *   DIR/experiment.json          settings (manifest.ts): a rerun with the same settings resumes
 *   DIR/<arch>-<optimizer>/      one normal run folder per cell (what `rnnlab train --out` writes); with --seeds N
 *                                also <arch>-<optimizer>-seed<S>/, and with --lr-search the search trials under
 *                                search/ (search/trial.ts)
 *   DIR/results.json             every final run's status, history and test metrics; best runs; baseline; machine;
 *                                per cell the search and the seeds' distribution; the ranking (search/results.ts)
 *   DIR/summary.md, *.svg/png, report.html   the report (src/report writeReport)
 *
 * Every run is a trial handed to an executor as a job (executor.ts); which trials run is planned by the study
 * (search/study.ts) round by round from what the finished trials left on disk.
 *
 * Resuming needs nothing from this process: a finished cell is recognised from its status.json, a half-done one is
 * continued by the trainer from its last checkpoint, and results.json is rebuilt from the folders each time, so the
 * final files of a killed-and-rerun experiment equal those of an uninterrupted one (timings aside).
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Results } from '../report/results.ts';
import type { DataSpec } from '../train/config.ts';
import { dirHasFiles, readStatus } from '../train/run-dir.ts';
import { majorityClassBaseline } from '../train/baselines.ts';
import { writeJsonAtomic } from '../util/fs.ts';
import { ensureDir } from '../util/paths.ts';
import { datasetFor, forgetDatasets } from './cell.ts';
import { experimentNbsvm } from './baselines.ts';
import { collectResults, machineInfo, majorityFromRunConfigs } from './collect.ts';
import { lockExperimentDir, prepareExperimentDir, type ExperimentSettings } from './manifest.ts';
import type { PlannedCell } from './plan.ts';
import { threadsPerWorker } from './pool.ts';
import { ExperimentProgress } from './progress.ts';
import type { CellOutcome } from './protocol.ts';
import { inlineExecutor, poolExecutor, type Executor } from './executor.ts';
import { studyResults } from './search/results.ts';
import { dropTrialState } from './search/adopt.ts';
import { longestFirst } from './order.ts';
import { folderDisk, planStudy, type StudyPlan, type StudySettings } from './search/study.ts';
import { cellFolders, trialJob } from './search/trial.ts';
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
  /**
   * Also stop on SIGINT / SIGTERM (the CLI sets it). Off by default: a library call must not take over the
   * process's signals.
   */
  handleSignals?: boolean;
  /** Compute the NBSVM baseline (once per folder, kept in baselines.json); default false, the CLI's default true. */
  baseline?: boolean;
  /** runs each round of jobs (default: in this process, or --workers child processes) */
  executor?: Executor;
  /** stdout / stderr (tests pass their own) */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream;
}

export interface ExperimentSummary {
  dir: string;
  results: Results;
  interrupted: boolean;
  /** trials (run folders) trained, continued or looked up by this call */
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
  const study: StudySettings = req.settings.study ?? { lrSearch: 'off', seeds: 1 };

  ensureDir(dir);
  const unlock = lockExperimentDir(dir);
  try {
    const prep = prepareExperimentDir(dir, req.settings, req.force, (cell) => cellFolderPaths(dir, cell));
    if (prep.reset.length > 0) say(`--force: starting over ${prep.reset.join(', ')} (their settings changed)`);
    if (prep.moreSeeds) say(`continuing ${dir} with more final runs (${prep.moreSeeds}): its search and finished runs are kept`);

    // The study is re-planned from the run folders after every round of jobs (search/study.ts), so a resumed
    // experiment re-derives every decision from the trials already finished.
    const failedNow = new Set<string>();
    const disk = folderDisk(dir, failedNow, cellFinished);
    let plan = planStudy(req.cells, study, disk);
    const cellsDone = (p: StudyPlan) => p.cells.filter((c) => c.lr !== null &&
      c.finals.every((t) => disk.finished(t))).length;
    const searching = study.lrSearch !== 'off' || study.seeds > 1
      ? `; learning-rate search ${study.lrSearch}, ${study.seeds} seed(s) per cell` : '';
    if (prep.resumed) say(`resuming ${dir}: ${cellsDone(plan)} of ${req.cells.length} cells finished`);
    else say(`experiment ${dir}: ${req.cells.length} cells (${req.cells.map((c) => c.name).join(', ')})${searching}`);

    const cores = availableParallelism();
    const workers = Math.max(1, Math.min(req.workers, plan.pending.length));
    const perWorker = threadsPerWorker(cores, workers);
    const machine = machineInfo(req.workers, workers, perWorker);
    const executor = req.executor ?? (workers > 1 ? poolExecutor(workers, perWorker) : inlineExecutor());

    // The parent reads the data once even when workers train: a bad --dataset is then one error before any cell
    // starts (not one failure per cell), and its class counts give the baseline before any cell has a folder.
    const finalCells = (p: StudyPlan): PlannedCell[] => p.cells.flatMap((c) => c.finals.map((t) => ({
      name: t.id, arch: t.group.arch, optimizer: t.group.optimizer, train: t.train,
    })));
    let baseline = majorityFromRunConfigs(dir, finalCells(plan));
    if (plan.pending.length > 0) {
      const ds = await datasetFor(req.data);
      for (const w of ds.warnings) stderr.write(`rnnlab: warning: ${w}\n`);
      say(`data: ${ds.description}; train ${ds.prepared.train.count}, val ${ds.prepared.val.count}, ` +
        `test ${ds.prepared.test.count} examples, vocabulary ${ds.prepared.vocab.size}`);
      baseline ??= majorityClassBaseline(ds.counts.train, ds.counts.test, ds.labels);
      if (workers > 1) forgetDatasets(); // the workers load their own copy; let this one be collected
    }
    const nbsvm = await experimentNbsvm(dir, req.data, req.baseline === true, say);

    const outcomes = new Map<string, CellOutcome>();
    const running = new Set<string>();
    let lastReport = { at: 0, took: 0 };
    const writeAll = async (final: boolean): Promise<Results | null> => {
      const current = planStudy(req.cells, study, disk);
      const cells = finalCells(current);
      if (!baseline) baseline = majorityFromRunConfigs(dir, cells);
      if (!baseline) return null;
      let results = collectResults({
        expDir: dir, cells, outcomes, running, settings: reportSettings(req.settings, req.data), machine,
        baseline, title: req.title, nbsvm,
      });
      const runsById = new Map(results.runs.map((r) => [String(r.dir), r]));
      results = { ...results, ...studyResults(dir, current, study, runsById) };
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

    const abort = new AbortController();
    let progress: ExperimentProgress | null = null;
    const onSignal = (sig: NodeJS.Signals): void => {
      if (abort.signal.aborted) return;
      const line = `${sig}: stopping after the current batch; run the same command again to resume`;
      if (progress) progress.line(line);
      else say(line);
      abort.abort();
    };
    if (req.handleSignals) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    const onCallerAbort = (): void => abort.abort();
    if (req.signal?.aborted) abort.abort();
    else req.signal?.addEventListener('abort', onCallerAbort, { once: true });

    const trained: string[] = [];
    let told = false;
    try {
      // one round = the trials that can run now (every cell's next rung, or its final runs); the next round is
      // planned from what this one left on disk
      for (let round = 0; plan.pending.length > 0 && !abort.signal.aborted; round++) {
        const epochsDone = (t: { id: string; epochs: number }) =>
          Math.min(readStatus(join(dir, t.id))?.epochsCompleted ?? 0, t.epochs);
        const trials = longestFirst(plan.pending, epochsDone);
        const epochsOf = new Map(trials.map((t) => [t.id, t.epochs]));
        const p: ExperimentProgress = new ExperimentProgress({
          cellsTotal: trials.length,
          cellsDone: 0,
          epochsTotal: trials.reduce((a, t) => a + t.epochs, 0),
          epochsDone: trials.reduce((a, t) => a + epochsDone(t), 0),
          out: stdout,
          err: stderr,
        });
        progress = p;
        if (study.lrSearch !== 'off') {
          const kinds = [...new Set(trials.map((t) => t.role))].join(' and ');
          p.line(`round ${round + 1}: ${trials.length} ${kinds} trial(s)`);
        }
        const jobs = trials.map((t) => trialJob(t, dir, req.data));
        if (executor.concurrency > 1 && !told) {
          p.line(`training ${jobs.length} ${study.lrSearch === 'off' && study.seeds === 1 ? 'cells' : 'trials'} in ` +
            `${executor.concurrency} worker processes, ${perWorker} BLAS thread(s) each`);
          told = true;
        }
        trained.push(...jobs.map((j) => j.name));
        await executor.run(jobs, {
          signal: abort.signal,
          onLine: (t) => p.line(t),
          onEpoch: (e) => {
            running.add(e.name);
            p.epoch(e);
          },
          onDone: async (o) => {
            running.delete(o.name);
            outcomes.set(o.name, o);
            if (o.status === 'interrupted') return;
            if (o.status === 'failed') failedNow.add(o.name);
            const planned = epochsOf.get(o.name)!;
            p.cellDone(Math.max(0, planned - epochsDone({ id: o.name, epochs: planned })));
            p.line(`[${o.name}] ${o.status}${o.reason ? `: ${o.reason}` : ''}`);
            await writeAll(false);
          },
        });
        p.stop();
        progress = null;
        plan = planStudy(req.cells, study, disk);
        // search trials' per-epoch weights and checkpoints are kept only until their cell's first final run has started
        for (const c of plan.cells) {
          const first = c.finals[0];
          if (c.search?.done && (c.lr === null || (first && dirHasFiles(join(dir, first.id))))) {
            dropTrialState(dir, c.searchTrials.map((t) => t.id));
          }
        }
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      req.signal?.removeEventListener('abort', onCallerAbort);
      (progress as ExperimentProgress | null)?.stop();
    }

    const results = await writeAll(true);
    if (!results) throw new Error('runExperiment: no baseline (no data loaded and no cell folder)');
    return { dir, results, interrupted: abort.signal.aborted, trained: [...new Set(trained)] };
  } finally {
    unlock();
  }
}

/** Every folder a cell's runs may occupy: its final runs (every seed) and its search trials. */
function cellFolderPaths(dir: string, cell: string): string[] {
  const { exact, prefixes } = cellFolders(cell);
  const extra = existsSync(dir) ? readdirSync(dir).filter((f) => prefixes.some((p) => f.startsWith(p))) : [];
  return [...exact, ...extra].map((f) => join(dir, f));
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
    ...(data.load.valGroups !== undefined ? { valGroups: data.load.valGroups } : {}),
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
