/**
 * What a run folder adds to results.json: the confusion matrix and per-class precision / recall / F1 of the kept
 * weights (metrics.json), the split sizes, labels and resolved schedule (config.json), and a fingerprint of the data
 * set the run saw. results.json keeps its compact per-run summary; the report reads these details from the folders
 * it links to, so `rnnlab report` on an older experiment gains them too.
 *
 * Reading is lenient for the report (a missing or older file gives no detail, not an error) and strict for
 * `rnnlab compare` on a run folder (readRunFolder: one-line errors).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readJsonIfPresent } from '../util/fs.ts';
import { basename, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../util/errors.ts';
import type { EpochRecord, Results, Run } from './results.ts';
import { parseResults } from './results.ts';

/**
 * The run folder's files (src/train/run-dir.ts's RUN_FILES). Named here rather than imported: run-dir.ts pulls in
 * the model and the BLAS binding, which `rnnlab report` and `rnnlab compare` have no use for.
 */
const RUN_FILES = { config: 'config.json', metrics: 'metrics.json', status: 'status.json', history: 'history.jsonl' };

const sizes = z.object({ train: z.number(), val: z.number(), test: z.number() });
const configSchema = z.looseObject({
  format: z.literal('rnnlab-run'),
  labels: z.array(z.string()),
  seed: z.number().optional(),
  train: z.looseObject({
    arch: z.string(),
    optimizer: z.string(),
    optimizerOptions: z.looseObject({ lr: z.number() }),
    epochs: z.number(),
    seed: z.number().optional(),
    schedule: z.looseObject({ kind: z.string(), options: z.record(z.string(), z.unknown()) }).optional(),
  }),
  data: z.looseObject({
    name: z.string(),
    description: z.string().optional(),
    sizes,
    classCounts: z.object({ train: z.array(z.number()), val: z.array(z.number()), test: z.array(z.number()) })
      .optional(),
    spec: z.looseObject({ load: z.record(z.string(), z.unknown()) }).optional(),
  }),
});
const metricsSchema = z.looseObject({
  accuracy: z.number(),
  macroF1: z.number(),
  loss: z.number().nullable().optional(),
  confusion: z.array(z.array(z.number())),
  perClass: z.array(z.looseObject({
    label: z.string(), precision: z.number(), recall: z.number(), f1: z.number(), support: z.number(),
  })),
});
type RunConfigFile = z.infer<typeof configSchema>;

export interface ClassRow {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface RunDetail {
  /** the data set's short name (config.json data.name: "imdb", a file's name, …) */
  dataset: string;
  labels: string[];
  sizes: { train: number; val: number; test: number };
  /** identifies the examples the run saw (see datasetFingerprint) */
  fingerprint: string;
  seed: number | null;
  /** resolved schedule options, e.g. { stepSize: 2, gamma: 0.1 } for the step schedule */
  schedule: { kind: string; options: Record<string, unknown> } | null;
  /** test confusion matrix of the kept weights, rows = true class, columns = predicted; null before it exists */
  confusion: number[][] | null;
  perClass: ClassRow[] | null;
}

/**
 * The data set's identity, without its contents (which the folder does not keep): its name, the archive's sha256
 * when the loader recorded one, the file name (not the path, so the same file elsewhere matches), the options that
 * choose the examples (--limit, --val-split, --val, --val-groups, --test, seed) and the resulting labels, split sizes and class counts.
 * Two runs with equal fingerprints trained, validated and tested on the same examples.
 */
export function datasetFingerprint(c: RunConfigFile): string {
  const load = c.data.spec?.load ?? {};
  const file = (v: unknown) => (typeof v === 'string' ? basename(v) : v ?? null);
  const identity = {
    name: c.data.name,
    sha256: /sha256 ([0-9a-f]{64})/.exec(c.data.description ?? '')?.[1] ?? null,
    dataset: file(load.dataset),
    test: file(load.test),
    limit: load.limit ?? null,
    valSplit: load.valSplit ?? null,
    // only when set, so the fingerprints of runs recorded before these options stay what they were
    ...(load.val !== undefined ? { val: file(load.val) } : {}),
    ...(load.valGroups !== undefined ? { valGroups: load.valGroups } : {}),
    seed: load.seed ?? null,
    labels: c.labels,
    sizes: c.data.sizes,
    classCounts: c.data.classCounts ?? null,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 12);
}

function readConfig(dir: string): RunConfigFile | undefined {
  const parsed = configSchema.safeParse(readJsonIfPresent(join(dir, RUN_FILES.config)));
  return parsed.success ? parsed.data : undefined;
}

/** The run folder's details, or null when it has no readable config.json. */
export function readRunDetail(dir: string): RunDetail | null {
  const c = readConfig(dir);
  if (!c) return null;
  const raw = readJsonIfPresent(join(dir, RUN_FILES.metrics)) as Record<string, unknown> | undefined;
  // metrics.json is flat today; older writers nested the numbers under "test"
  const m = metricsSchema.safeParse(raw && typeof raw.test === 'object' ? raw.test : raw);
  return {
    dataset: c.data.name,
    labels: c.labels,
    sizes: c.data.sizes,
    fingerprint: datasetFingerprint(c),
    seed: c.train.seed ?? c.seed ?? null,
    schedule: c.train.schedule ?? null,
    confusion: m.success ? m.data.confusion : null,
    perClass: m.success ? m.data.perClass : null,
  };
}

/** Where a run's folder is: results.json's `dir` is relative to the experiment folder. */
export function runFolder(expDir: string, run: Run): string | undefined {
  if (run.dir === undefined) return undefined;
  return isAbsolute(run.dir) ? run.dir : join(expDir, run.dir);
}

/** Details of every run whose folder is readable (runs without a folder or config are left out). */
export function readRunDetails(expDir: string, results: Results): Map<Run, RunDetail> {
  const out = new Map<Run, RunDetail>();
  for (const run of results.runs) {
    const dir = runFolder(expDir, run);
    const detail = dir === undefined ? null : readRunDetail(dir);
    if (detail) out.set(run, detail);
  }
  return out;
}

const finiteOrNull = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/**
 * A single `rnnlab train` folder as a one-run Results (for `rnnlab compare`): history.jsonl, status.json,
 * metrics.json and config.json; the majority baseline is the training majority scored on the test split, as in
 * results.json.
 */
export function readRunFolder(dir: string): { results: Results; detail: RunDetail } {
  const c = readConfig(dir);
  if (!c) {
    throw new UserError(`${dir} is neither an experiment folder (no results.json) nor a run folder (no readable ` +
      `${RUN_FILES.config}); pass folders written by rnnlab experiment or rnnlab train`);
  }
  const detail = readRunDetail(dir)!;
  const status = (readJsonIfPresent(join(dir, RUN_FILES.status)) ?? {}) as Record<string, unknown>;
  const historyPath = join(dir, RUN_FILES.history);
  const lines = existsSync(historyPath) ? readFileSync(historyPath, 'utf8').split('\n').filter((l) => l.trim()) : [];
  let history: EpochRecord[];
  try {
    history = lines.map((l) => JSON.parse(l) as Record<string, unknown>).map((h) => ({
      epoch: Number(h.epoch), trainLoss: finiteOrNull(h.trainLoss), trainAccuracy: finiteOrNull(h.trainAccuracy),
      valLoss: finiteOrNull(h.valLoss), valAccuracy: finiteOrNull(h.valAccuracy) ?? 0,
      testLoss: finiteOrNull(h.testLoss), testAccuracy: finiteOrNull(h.testAccuracy) ?? 0,
      seconds: finiteOrNull(h.seconds) ?? 0, lr: h.lr,
    }));
  } catch (e) {
    throw new UserError(`${historyPath} is damaged (${(e as Error).message}); rerun rnnlab train --out ${dir}`);
  }
  const metrics = readJsonIfPresent(join(dir, RUN_FILES.metrics)) as Record<string, unknown> | undefined;
  const runStatus = ['ok', 'diverged', 'failed', 'running'].includes(String(status.status))
    ? String(status.status) : 'running';
  const counts = c.data.classCounts;
  let majority = 0;
  if (counts) {
    let best = 0;
    for (let k = 1; k < counts.train.length; k++) if (counts.train[k]! > counts.train[best]!) best = k;
    const total = counts.test.reduce((a, b) => a + b, 0);
    majority = total > 0 ? counts.test[best]! / total : 0;
  }
  const run = {
    arch: c.train.arch, optimizer: c.train.optimizer, lr: c.train.optimizerOptions.lr, status: runStatus,
    ...(typeof status.reason === 'string' ? { reason: status.reason } : {}),
    seconds: finiteOrNull(status.seconds) ?? 0, history,
    bestEpoch: typeof status.bestEpoch === 'number' ? status.bestEpoch : null,
    test: runStatus === 'ok' && metrics && typeof metrics.accuracy === 'number' && typeof metrics.macroF1 === 'number'
      ? { accuracy: metrics.accuracy, loss: finiteOrNull(metrics.loss), macroF1: metrics.macroF1 } : null,
    dir, cell: basename(dir), seed: detail.seed ?? undefined, epochsPlanned: c.train.epochs,
  };
  const results = parseResults({
    title: basename(dir), runs: [run], baseline: { majority }, settings: {},
    machine: { cpu: 'unknown', cores: 1, blas: 'unknown', threads: 1, node: 'unknown' },
  }, join(dir, RUN_FILES.config));
  return { results, detail };
}

/** True when `dir` is a folder (for one-line errors before any reading). */
export function isFolder(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
