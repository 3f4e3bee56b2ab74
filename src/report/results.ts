/**
 * results.json: what `rnnlab experiment` writes and `rnnlab report` reads. The zod schema below is the single
 * definition of the file; the TypeScript types are inferred from it so the two cannot drift apart.
 *
 * Objects are "loose": unknown extra fields are kept (newer writers may add fields), but every field listed here
 * must be present with the right type. Losses may be null: JSON has no NaN/Infinity, so a diverged run's
 * non-finite loss is written as null. trainLoss/trainAccuracy are null at epoch 0 (evaluation before training).
 */
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { UserError, zodOneLine } from '../util/errors.ts';
import { cellSchema, rankingSchema, studySchema } from './study-schema.ts';

export const RUN_STATUSES = ['ok', 'diverged', 'failed', 'running', 'pending'] as const;

const finite = z.number(); // zod 4 numbers already reject NaN and ±Infinity
const nullableLoss = finite.nullable();

export const epochRecordSchema = z.looseObject({
  epoch: z.number().int().nonnegative(),
  trainLoss: nullableLoss,
  trainAccuracy: finite.nullable(),
  valLoss: nullableLoss,
  valAccuracy: finite,
  testLoss: nullableLoss,
  testAccuracy: finite,
  /** wall time of this epoch (training + evaluation), seconds */
  seconds: finite.nonnegative(),
});

export const runSchema = z.looseObject({
  arch: z.string().min(1),
  optimizer: z.string().min(1),
  lr: finite.positive(),
  status: z.enum(RUN_STATUSES),
  /** why a run diverged or failed (one line) */
  reason: z.string().optional(),
  /** total wall time of the run, seconds */
  seconds: finite.nonnegative(),
  history: z.array(epochRecordSchema),
  /** epoch whose weights were kept (the trainer keeps the lowest validation loss); null when the run produced none */
  bestEpoch: z.number().int().nonnegative().nullable(),
  /** test-set metrics of the kept weights; null for runs that never finished an epoch */
  test: z.looseObject({ accuracy: finite, loss: nullableLoss, macroF1: finite }).nullable(),
  /** the run's output folder, relative to the experiment folder */
  dir: z.string().optional(),
});

/** NBSVM on uni+bigrams (src/baseline), as `rnnlab train` / `experiment` record it; optional (--no-baseline). */
const nbsvmSchema = z.looseObject({
  accuracy: finite,
  valAccuracy: finite.nullable(),
  setting: z.looseObject({ loss: z.string(), C: finite, beta: finite }),
  selectedOn: z.enum(['val', 'none']),
  features: z.number().int().nonnegative(),
  seconds: finite.optional(),
});

/** The majority-class baseline: the test accuracy of always predicting the most frequent training label. */
const baselineSchema = z.looseObject({
  nbsvm: nbsvmSchema.optional(),
  majority: z.union([
    finite,
    z.looseObject({ accuracy: finite, label: z.union([z.string(), z.number()]).optional() }),
  ]),
});

export const resultsSchema = z.looseObject({
  runs: z.array(runSchema),
  /** what the experiment considered best; the report recomputes it (see selectBest) and only echoes extras */
  best: z.looseObject({}).nullable().optional(),
  baseline: baselineSchema,
  settings: z.record(z.string(), z.unknown()),
  machine: z.looseObject({
    cpu: z.string(),
    cores: z.number().int().positive(),
    blas: z.string(),
    threads: z.number().int().positive(),
    node: z.string(),
  }),
  title: z.string().optional(),
  notes: z.array(z.string()).optional(),
  /** the fair comparison (src/report/study-schema.ts): per-cell search and seeds, ranking, study settings */
  cells: z.array(cellSchema).optional(),
  ranking: z.array(rankingSchema).optional(),
  study: studySchema.optional(),
});

export type RunStatus = (typeof RUN_STATUSES)[number];
export type EpochRecord = z.infer<typeof epochRecordSchema>;
export type Run = z.infer<typeof runSchema>;
export type Results = z.infer<typeof resultsSchema>;

/** The baseline's accuracy whichever of the two accepted shapes the file used. */
export function majorityAccuracy(results: Results): number {
  const m = results.baseline.majority;
  return typeof m === 'number' ? m : m.accuracy;
}

/** Validates parsed JSON; `source` names the file in the one-line error. */
export function parseResults(value: unknown, source = 'results.json'): Results {
  const parsed = resultsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const detail = zodOneLine(parsed.error);
  const short = detail.length > 300 ? detail.slice(0, 297) + '...' : detail;
  throw new UserError(`${source} is not a valid rnnlab results file (${short}); regenerate it with rnnlab experiment`);
}

/** Reads and validates a results.json file, with one-line errors for a missing file or bad JSON. */
export function readResults(path: string): Results {
  let text: string;
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`cannot read ${path}: no such file (run rnnlab experiment first, or point at its folder)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path} is not valid JSON (${(e as Error).message}); regenerate it with rnnlab experiment`);
  }
  return parseResults(json, path);
}
