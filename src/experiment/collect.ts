/**
 * Building results.json from the cells' run folders (what each cell's trainer wrote), so the file always describes
 * what is on disk: after each finished cell, after a resume, and at the end.
 *
 *   runs[]     one per grid cell, in grid order: status (ok / diverged / failed / running / pending) and reason from
 *              status.json (or this process's record of a cell whose worker died), history from history.jsonl,
 *              the kept epoch and its test metrics from status.json and metrics.json
 *   best       per architecture and overall, chosen by VALIDATION accuracy (src/report/select.ts)
 *   baseline   majority class of the training split, scored on the test split (from a cell's config.json counts);
 *              baseline.nbsvm: the NBSVM baseline, when the experiment computed it (baselines.ts)
 *   settings   the experiment's settings (experiment.json), machine: cpu, cores, BLAS backend + threads, node
 */
import { existsSync } from 'node:fs';
import { readJsonIfPresent } from '../util/fs.ts';
import { cpus, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { blasInfo } from '../nn/blas.ts';
import { parseResults, type EpochRecord, type Results, type Run, type RunStatus } from '../report/results.ts';
import { bestPerArch, selectBest } from '../report/select.ts';
import { readHistory, readStatus, runFile, type RunStatus as TrainStatus } from '../train/run-dir.ts';
import type { RunConfig } from '../train/config.ts';
import { majorityClassBaseline } from '../train/baselines.ts';
import type { CellOutcome } from './protocol.ts';
import type { PlannedCell } from './plan.ts';
import type { NbsvmRecord } from '../baseline/index.ts';

export interface MachineInfo {
  cpu: string;
  cores: number;
  blas: string;
  threads: number;
  node: string;
  /** --workers as given, and the BLAS threads each worker process had (this invocation) */
  workers: number;
  threadsPerWorker: number;
}

/** `used`: worker processes this invocation actually started (fewer when fewer cells were left to train). */
export function machineInfo(workers: number, used: number, threadsPerWorker: number): MachineInfo {
  const info = blasInfo();
  const cores = availableParallelism();
  return {
    cpu: cpus()[0]?.model?.trim() || 'unknown',
    cores,
    blas: info.path ? `${info.backend} (${info.path})` : info.backend,
    // in-process (one worker) the BLAS runs with its own count; in workers, each has its share
    threads: used > 1 ? threadsPerWorker : info.threads,
    node: process.version,
    workers,
    threadsPerWorker: used > 1 ? threadsPerWorker : info.threads,
  };
}

/** JSON cannot hold NaN/Infinity; the schema wants null there. */
const finiteOrNull = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function toEpochRecord(h: ReturnType<typeof readHistory>[number]): EpochRecord {
  return {
    epoch: h.epoch,
    trainLoss: finiteOrNull(h.trainLoss),
    trainAccuracy: finiteOrNull(h.trainAccuracy),
    valLoss: finiteOrNull(h.valLoss),
    // experiments always have a validation split (checked up front), so valAccuracy is a number
    valAccuracy: h.valAccuracy ?? 0,
    testLoss: finiteOrNull(h.testLoss),
    // final runs always evaluate the test split; NaN (rejected by the schema) would flag a search trial here
    testAccuracy: h.testAccuracy ?? NaN,
    seconds: h.seconds,
    lr: h.lr,
    tokensPerSecond: h.tokensPerSecond,
  };
}

/** metrics.json's test metrics, whatever nesting the trainer used ({test: {...}} or flat). */
function testMetrics(dir: string): Run['test'] {
  const m = readJsonIfPresent(runFile(dir, 'metrics')) as Record<string, unknown> | undefined;
  if (!m) return null;
  const t = (m.test && typeof m.test === 'object' ? m.test : m) as Record<string, unknown>;
  if (typeof t.accuracy !== 'number' || typeof t.macroF1 !== 'number') return null;
  return { accuracy: t.accuracy, loss: finiteOrNull(t.loss), macroF1: t.macroF1 };
}

/** One results.json run for a cell, from its folder; `outcome` is this process's record when the folder lacks one. */
export function collectRun(expDir: string, cell: PlannedCell, outcome: CellOutcome | undefined,
  running: boolean): Run {
  const dir = join(expDir, cell.name);
  const status: TrainStatus | null = existsSync(dir) ? readStatus(dir) : null;
  const history = existsSync(dir) ? readHistory(dir).map(toEpochRecord) : [];
  let s: RunStatus;
  let reason: string | undefined;
  if (status && status.status !== 'running' && status.status !== 'interrupted') {
    s = status.status;
    reason = status.reason;
  } else if (outcome && (outcome.status === 'failed' || outcome.status === 'diverged')) {
    // the worker died (or the trainer could not even write its status): this process knows why
    s = outcome.status;
    reason = outcome.reason;
  } else {
    // an interrupted cell waits for the next run, like one not started
    s = running ? 'running' : status?.status === 'running' ? 'running' : 'pending';
  }
  const test = s === 'ok' ? testMetrics(dir) : null;
  const run: Run = {
    arch: cell.arch,
    optimizer: cell.optimizer,
    lr: cell.train.lr!,
    status: s,
    seconds: status?.seconds ?? 0,
    history,
    bestEpoch: status?.bestEpoch ?? null,
    test,
    dir: cell.name,
    cell: cell.name,
    epochsPlanned: cell.train.epochs,
    stoppedEarly: status?.stoppedEarly ?? false,
    train: cell.train,
  };
  if (reason !== undefined) run.reason = reason;
  return run;
}

/** Majority class of the training split scored on the test split, from any cell's config.json. */
export function majorityFromRunConfigs(expDir: string, cells: PlannedCell[]):
  { accuracy: number; label: string } | null {
  for (const cell of cells) {
    const c = readJsonIfPresent(runFile(join(expDir, cell.name), 'config')) as RunConfig | undefined;
    const counts = c?.data?.classCounts;
    if (!counts) continue;
    if (counts.test.reduce((a, b) => a + b, 0) === 0) continue;
    return majorityClassBaseline(counts.train, counts.test, c.labels);
  }
  return null;
}

export interface CollectInput {
  expDir: string;
  cells: PlannedCell[];
  outcomes: Map<string, CellOutcome>;
  running: Set<string>;
  /** results.json's settings (flat, for the report) */
  settings: Record<string, unknown>;
  machine: MachineInfo;
  baseline: { accuracy: number; label: string };
  /** the NBSVM baseline (experiment/baselines.ts), shown next to the majority one */
  nbsvm?: NbsvmRecord;
  title: string;
  notes?: string[];
}

/** The results object (validated against the report's schema: a mismatch here is a bug, not bad input). */
export function collectResults(input: CollectInput): Results {
  const runs = input.cells.map((c) => collectRun(input.expDir, c, input.outcomes.get(c.name), input.running.has(c.name)));
  const draft = {
    title: input.title,
    runs,
    baseline: { majority: input.baseline },
    settings: input.settings,
    machine: input.machine,
    ...(input.notes ? { notes: input.notes } : {}),
  };
  if (input.nbsvm) (draft.baseline as Record<string, unknown>).nbsvm = input.nbsvm;
  const results = parseResults(draft, 'results.json (as built by rnnlab experiment)');
  const best = selectBest(results.runs);
  const perArch = bestPerArch(results);
  const pick = (b: { run: Run; record: EpochRecord }) => ({
    cell: b.run.dir, arch: b.run.arch, optimizer: b.run.optimizer, lr: b.run.lr, epoch: b.record.epoch,
    valAccuracy: b.record.valAccuracy, testAccuracy: b.run.test?.accuracy ?? null,
  });
  results.best = {
    selectedBy: 'validation accuracy at the kept epoch',
    overall: best ? pick(best) : null,
    perArch: Object.fromEntries(perArch.map((b) => [b.run.arch, pick(b)])),
  };
  return results;
}
