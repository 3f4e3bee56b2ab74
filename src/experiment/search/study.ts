/**
 * The study: every cell's learning-rate search and final runs, planned as trials. planStudy is a pure function of
 * the finished trials (read from their run folders), called again after each round of jobs:
 *
 *   plan → run the pending trials (any executor) → read their folders → plan again … until nothing is pending
 *
 * Per cell: with --lr-search off the cell's own rate (today's grid); with halving, search/halving.ts decides which
 * search trials run and which rate wins. Then the chosen rate trains `seeds` times with model seeds first,
 * first+1, … (the first seed is the data seed, as today), each a full-length run that is evaluated on test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../optim/index.ts';
import { ARCHS } from '../../train/options.ts';
import { UserError } from '../../util/errors.ts';
import { configLrGrid, type ExperimentConfig } from '../overrides.ts';
import { readHistory, readStatus } from '../../train/run-dir.ts';
import { readRunConfig } from '../../train/run-dir.ts';
import type { PlannedCell } from '../plan.ts';
import { defaultGrid, rungBudgets } from './grid.ts';
import { CHANCE_MARGIN, planHalving, type SearchState, type TrialScore } from './halving.ts';
import { finalTrial, isPrefixOfFull, searchTrial, type Trial } from './trial.ts';
import { compareWithLeader } from '../stats/compare.ts';

export const LR_SEARCH_MODES = ['off', 'halving'] as const;
/** The most final runs per cell: enough for any claim (10 is what DeepOBS and Crowded Valley use), bounded. */
export const MAX_SEEDS = 50;
export type LrSearchMode = (typeof LR_SEARCH_MODES)[number];

/** What decides the study's numbers (recorded in experiment.json; a change is a different experiment). */
export interface StudySettings {
  lrSearch: LrSearchMode;
  seeds: number;
  /**
   * Racing: after every cell has `seeds` runs, the leader and the cells still tied with it get one more seed at a
   * time, until none is tied or each reached this many runs. Absent: no racing.
   */
  raceTo?: number;
  /** halving: reduction factor, grid extensions per edge, rung budgets, each cell's starting grid */
  eta?: number;
  maxExtend?: number;
  budgets?: number[];
  grids?: Record<string, number[]>;
}

export const DEFAULT_ETA = 3;
export const DEFAULT_MAX_EXTEND = 2;

/** How a caller names the study options in its messages: the CLI's flags or the library's keys. */
export interface StudyOptionNames { lrSearch: string; seeds: string; raceTo: string }
export const CLI_STUDY_NAMES: StudyOptionNames = { lrSearch: '--lr-search', seeds: '--seeds', raceTo: '--race-to' };
export const API_STUDY_NAMES: StudyOptionNames = { lrSearch: 'lrSearch', seeds: 'seeds', raceTo: 'raceTo' };

/**
 * The one check of --lr-search / --seeds / --race-to, for the CLI and the library alike (numbers already parsed;
 * NaN for text that is not one). One-line UserErrors in the caller's names.
 */
export function checkStudyOptions(o: { lrSearch: string; seeds: number; raceTo?: number }, names: StudyOptionNames, raw: { seeds?: unknown; raceTo?: unknown } = o):
  { lrSearch: LrSearchMode; seeds: number; raceTo?: number } {
  if (!(LR_SEARCH_MODES as readonly string[]).includes(o.lrSearch)) {
    throw new UserError(`${names.lrSearch} must be one of ${LR_SEARCH_MODES.join(', ')} (got ${JSON.stringify(o.lrSearch)})`);
  }
  const { seeds, raceTo } = o;
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > MAX_SEEDS) {
    throw new UserError(`${names.seeds} must be a whole number from 1 to ${MAX_SEEDS} (got ${JSON.stringify(raw.seeds)})`);
  }
  if (raceTo !== undefined) {
    if (!Number.isInteger(raceTo) || raceTo < 2 || raceTo > MAX_SEEDS) {
      throw new UserError(`${names.raceTo} must be a whole number from 2 to ${MAX_SEEDS} (got ${JSON.stringify(raw.raceTo)})`);
    }
    if (seeds < 2) throw new UserError(`${names.raceTo} needs ${names.seeds} 2 or more: with one run per cell there is no spread to test`);
    if (raceTo <= seeds) throw new UserError(`${names.raceTo} ${raceTo} must be above ${names.seeds} ${seeds}`);
  }
  return { lrSearch: o.lrSearch as LrSearchMode, seeds, ...(raceTo !== undefined ? { raceTo } : {}) };
}

/** The study settings for these cells; `grids` overrides a cell's starting grid (e.g. from --config). */
export function studySettings(cells: PlannedCell[], lrSearch: LrSearchMode, seeds: number,
  grids: Record<string, number[]> = {}, raceTo?: number): StudySettings {
  const race = raceTo !== undefined && raceTo > seeds ? { raceTo } : {};
  if (lrSearch === 'off') return { lrSearch, seeds, ...race };
  const epochs = [...new Set(cells.map((c) => c.train.epochs))];
  return {
    lrSearch, seeds, ...race, eta: DEFAULT_ETA, maxExtend: DEFAULT_MAX_EXTEND,
    // cells may differ in epochs (--config); budgets are then per cell, derived the same way
    budgets: epochs.length === 1 ? rungBudgets(epochs[0]!, DEFAULT_ETA) : undefined,
    grids: Object.fromEntries(cells.map((c) => [c.name,
      grids[c.name] ?? defaultGrid(c.optimizer as OptimizerName, c.train.lr!)])),
  };
}

/**
 * The study settings an experiment's options ask for (the CLI's --lr-search/--seeds/--race-to and --config's
 * "lrGrid", the library's runExperiment options), or undefined for the plain grid (no search, one seed).
 */
export function studyFor(cells: PlannedCell[], lrSearch: LrSearchMode, seeds: number, raceTo: number | undefined,
  config: { source: string; config: ExperimentConfig } | null): StudySettings | undefined {
  const grids: Record<string, number[]> = {};
  for (const c of cells) {
    const grid = configLrGrid(config?.config, c.arch, c.optimizer,
      { specs: new Map(), knownArchs: ARCHS, knownOptimizers: OPTIMIZER_NAMES }, config?.source ?? '');
    if (grid) grids[c.name] = [...new Set(grid)].sort((a, b) => a - b);
  }
  if (Object.keys(grids).length > 0 && lrSearch === 'off') {
    throw new UserError(`${config!.source}: "lrGrid" needs the rate search, which is off (--lr-search halving; the library's lrSearch: 'halving')`);
  }
  return lrSearch !== 'off' || seeds > 1 ? studySettings(cells, lrSearch, seeds, grids, raceTo) : undefined;
}

/** Reads trials' results from the experiment folder. */
export interface TrialDisk {
  /** a search trial's score at its budget, or null while it has not got there */
  score(trial: Trial): TrialScore | null;
  /** a final run is finished (ok, stopped early, diverged), or failed in this invocation */
  finished(trial: Trial): boolean;
  /** a finished final run's validation accuracy (kept epoch) and test accuracy; null unless it ended ok */
  finalScore(trial: Trial): { val: number; test: number } | null;
}

export interface StudyCell {
  cell: PlannedCell;
  /** null with --lr-search off */
  search: SearchState | null;
  /** the rate of the final runs (the cell's own with the search off); null while searching or when all failed */
  lr: number | null;
  /** the final runs, one per seed, once the rate is known */
  finals: Trial[];
  /** search trials, by id, that exist so far (for timings) */
  searchTrials: Trial[];
}

export interface StudyPlan {
  cells: StudyCell[];
  /** trials to run next (all independent of each other) */
  pending: Trial[];
}

export function budgetsFor(cell: PlannedCell, s: StudySettings): number[] {
  return s.budgets ?? rungBudgets(cell.train.epochs, s.eta ?? DEFAULT_ETA);
}

export function planStudy(cells: PlannedCell[], s: StudySettings, disk: TrialDisk): StudyPlan {
  const firstSeed = (cells[0]?.train.seed) ?? 0;
  const out: StudyCell[] = [];
  const pending: Trial[] = [];
  for (const cell of cells) {
    let search: SearchState | null = null;
    let lr: number | null = cell.train.lr!;
    const searchTrials = new Map<string, Trial>();
    if (s.lrSearch === 'halving') {
      const budgets = budgetsFor(cell, s);
      const trial = (rate: number, budget: number) =>
        searchTrial(cell.name, cell.arch, cell.optimizer, cell.train, rate, firstSeed, budget);
      search = planHalving(
        { grid: s.grids![cell.name]!, budgets, eta: s.eta ?? DEFAULT_ETA, maxExtend: s.maxExtend ?? DEFAULT_MAX_EXTEND },
        (rate, budget) => {
          const t = trial(rate, budget);
          searchTrials.set(t.id, t);
          return disk.score(t);
        },
      );
      for (const need of search.needed) pending.push(trial(need.lr, need.budget));
      lr = search.done ? search.chosen : null;
    }
    out.push({ cell, search, lr, finals: [], searchTrials: [...searchTrials.values()] });
  }

  // ---- final runs: `seeds` per cell, then (racing) more for the cells still tied with the leader ----
  const finalsOf = (c: StudyCell, n: number) => Array.from({ length: n }, (_, k) => {
    const t = finalTrial(c.cell.name, c.cell.arch, c.cell.optimizer, c.cell.train, c.lr!, firstSeed + k, firstSeed);
    // The first seed's run starts as the chosen rate's search trial (same seed: its first epochs), when that trial
    // is a prefix of the full run (search/adopt.ts checks the rest when the job runs).
    if (k === 0 && c.search?.done) {
      const trained = c.search.entries.filter((e) => e.lr === c.lr).map((e) => e.budget);
      if (trained.length > 0) {
        const src = searchTrial(c.cell.name, c.cell.arch, c.cell.optimizer, c.cell.train, c.lr!, firstSeed, Math.max(...trained));
        if (isPrefixOfFull(src.train, c.cell.train.epochs)) t.adoptFrom = src.id;
      }
    }
    return t;
  });
  const counts = new Map(out.map((c) => [c.cell.name, s.seeds]));
  const searchesDone = out.every((c) => c.search === null || c.search.done);
  for (;;) {
    let waiting = false;
    for (const c of out) {
      if (c.lr === null) continue;
      c.finals = finalsOf(c, counts.get(c.cell.name)!);
      for (const t of c.finals) {
        if (!disk.finished(t)) {
          pending.push(t);
          waiting = true;
        }
      }
    }
    if (waiting || !searchesDone || !(s.raceTo! > s.seeds)) break;
    const contenders = out.filter((c) => c.lr !== null).map((c) => {
      const scores = c.finals.map((t) => disk.finalScore(t)).filter((x) => x !== null);
      return { c, scores };
    }).filter((x) => x.scores.length > 0);
    const verdicts = compareWithLeader(contenders.map(({ c, scores }) => ({
      key: c.cell.name, valMean: scores.reduce((a, x) => a + x.val, 0) / scores.length, test: scores.map((x) => x.test),
    })));
    const tied = verdicts.filter((v) => !v.leader && v.tiedWithBest && counts.get(v.key)! < s.raceTo!);
    if (tied.length === 0) break;
    const leader = verdicts.find((v) => v.leader)!;
    for (const v of [...tied, leader]) counts.set(v.key, Math.min(s.raceTo!, counts.get(v.key)! + 1));
  }
  return { cells: out, pending };
}

/** Majority share of a run's validation split (from its config.json), for the at-chance rule. */
function majorityValShare(dir: string): number {
  const counts = readRunConfig(dir).data.classCounts.val;
  const total = counts.reduce((a, b) => a + b, 0);
  return total > 0 ? Math.max(...counts) / total : 0;
}

/**
 * A search trial's score at `budget` epochs from its run folder: the kept epoch up to the budget is the one with the
 * lowest validation loss (strictly lower; the earliest wins ties — the trainer's rule), so a folder that already
 * went on to a later rung still gives the same score for this one.
 */
export function scoreFromFolder(dir: string, budget: number, failedNow: boolean): TrialScore | null {
  const status = existsSync(dir) ? readStatus(dir) : null;
  if (status?.status === 'failed' || (failedNow && (status === null || status.epochsCompleted < budget))) {
    return { status: 'failed', valAccuracy: null, valLoss: null, epochs: status?.epochsCompleted ?? 0, bestEpoch: null };
  }
  if (!status) return null;
  const reached = status.epochsCompleted >= budget || status.stoppedEarly;
  if (status.status === 'diverged' && status.epochsCompleted < budget) {
    return { status: 'diverged', valAccuracy: null, valLoss: null, epochs: status.epochsCompleted, bestEpoch: null };
  }
  if (!reached) return null;
  let best: { epoch: number; valLoss: number; valAccuracy: number } | null = null;
  for (const h of readHistory(dir)) {
    if (h.epoch > budget || h.valLoss === null || h.valAccuracy === null) continue;
    if (best === null || h.valLoss < best.valLoss) best = { epoch: h.epoch, valLoss: h.valLoss, valAccuracy: h.valAccuracy };
  }
  if (!best) return { status: 'failed', valAccuracy: null, valLoss: null, epochs: status.epochsCompleted, bestEpoch: null };
  const epochs = Math.min(budget, status.epochsCompleted);
  const atChance = best.valAccuracy <= majorityValShare(dir) + CHANCE_MARGIN;
  return {
    status: atChance ? 'at-chance' : 'ok', valAccuracy: best.valAccuracy, valLoss: best.valLoss, epochs,
    bestEpoch: best.epoch,
  };
}

/** The TrialDisk of an experiment folder; `failedNow` holds trials whose job failed in this invocation. */
export function folderDisk(expDir: string, failedNow: ReadonlySet<string>,
  finalFinished: (dir: string, epochs: number) => boolean): TrialDisk {
  return {
    score: (t) => scoreFromFolder(join(expDir, t.id), t.epochs, failedNow.has(t.id)),
    finished: (t) => failedNow.has(t.id) || finalFinished(join(expDir, t.id), t.epochs),
    finalScore: (t) => finalScoreFromFolder(join(expDir, t.id)),
  };
}

/** A final run's kept-epoch validation accuracy and its test accuracy (metrics.json), if it ended ok. */
export function finalScoreFromFolder(dir: string): { val: number; test: number } | null {
  const status = existsSync(dir) ? readStatus(dir) : null;
  if (status?.status !== 'ok' || status.bestEpoch === null) return null;
  const val = readHistory(dir).find((h) => h.epoch === status.bestEpoch)?.valAccuracy;
  const metrics = join(dir, 'metrics.json');
  if (val === null || val === undefined || !existsSync(metrics)) return null;
  const m = JSON.parse(readFileSync(metrics, 'utf8')) as { accuracy?: number };
  return typeof m.accuracy === 'number' ? { val, test: m.accuracy } : null;
}
