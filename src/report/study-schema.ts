/**
 * results.json's fair-comparison part (rnnlab experiment --lr-search / --seeds): per cell the learning-rate search
 * and the distribution of its final runs over seeds, the ranking with its statistics, and the study's settings and
 * time. Optional in the file (older results have none); src/report/results.ts adds these to its schema.
 */
import { z } from 'zod';

const finite = z.number();

export const distributionSchema = z.looseObject({
  mean: finite,
  /** sample standard deviation; null with one run */
  std: finite.nullable(),
  min: finite,
  max: finite,
  n: z.number().int().positive(),
});

export const SEARCH_STATUSES = ['ok', 'diverged', 'failed', 'at-chance'] as const;

/** One search trial at one rung: scored on validation only (its test split was never read). */
export const searchEntrySchema = z.looseObject({
  lr: finite.positive(),
  /** validation accuracy / loss at the kept epoch up to the budget; null when the run diverged or failed */
  valAccuracy: finite.nullable(),
  valLoss: finite.nullable(),
  /** epochs trained for this rung */
  epochs: z.number().int().nonnegative(),
  status: z.enum(SEARCH_STATUSES),
  rung: z.number().int().nonnegative(),
  budget: z.number().int().positive(),
});

export const cellRunSchema = z.looseObject({
  seed: z.number().int().nonnegative(),
  /** the run folder, relative to the experiment folder */
  dir: z.string(),
  status: z.string(),
  val: z.looseObject({ accuracy: finite }).nullable(),
  test: z.looseObject({ accuracy: finite }).nullable(),
});

export const cellSchema = z.looseObject({
  arch: z.string(),
  optimizer: z.string(),
  /** the rate of the final runs: chosen by the search, or the cell's own with the search off; null if none */
  lr: finite.positive().nullable(),
  /** the rate the cell would use without a search (the optimizer's default, or --lr / --config) */
  defaultLr: finite.positive(),
  lrSearch: z.array(searchEntrySchema),
  /** a remark on the search (e.g. every rate failed) */
  searchNote: z.string().optional(),
  runs: z.array(cellRunSchema),
  val: distributionSchema.nullable(),
  test: distributionSchema.nullable(),
  /** wall time of the search trials and of the final runs, seconds */
  searchSeconds: finite.nonnegative(),
  finalSeconds: finite.nonnegative(),
});

export const rankingSchema = z.looseObject({
  arch: z.string(),
  optimizer: z.string(),
  lr: finite.positive(),
  valMean: finite,
  testMean: finite,
  testStd: finite.nullable(),
  n: z.number().int().positive(),
  leader: z.boolean(),
  /** one-sided Welch p-value against the leader, and Holm-corrected; null for the leader or with n < 2 */
  pValue: finite.nullable(),
  pAdjusted: finite.nullable(),
  tiedWithBest: z.boolean(),
});

export const studySchema = z.looseObject({
  lrSearch: z.string(),
  seeds: z.number().int().positive(),
  /** how the ranking's ties were decided */
  test: z.string(),
  alpha: finite,
  searchSeconds: finite.nonnegative(),
  finalSeconds: finite.nonnegative(),
});

export type CellResult = z.infer<typeof cellSchema>;
export type RankingEntry = z.infer<typeof rankingSchema>;
export type StudyResult = z.infer<typeof studySchema>;
export type SearchEntryResult = z.infer<typeof searchEntrySchema>;
