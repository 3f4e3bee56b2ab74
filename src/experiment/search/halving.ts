/**
 * Successive halving over a learning-rate grid, for one (arch, optimizer) cell, as a pure function of the trials
 * finished so far: given what is on disk it says which trials are needed next, or which rate won. Because nothing
 * else is remembered, an experiment killed mid-search and run again re-derives the same decisions from the same
 * finished trials and ends exactly like an uninterrupted one.
 *
 *   rung 0   every rate of the grid trains the first budget (e.g. 1 of 5 epochs);
 *            if the best rate sits on the edge of the grid, the grid grows one step (×√10) past that edge and the
 *            new rate trains too (at most `maxExtend` steps per side): the optimum must be inside the grid
 *   rung i   the best ⌈n/η⌉ rates of rung i−1 train on to budget i (the same folder continues when it can)
 *            ... until one rate is left, or the last rung (the full length) ranked them
 *
 * A rate is ranked by VALIDATION accuracy at its kept epoch (the lowest validation loss up to the budget, the
 * trainer's own rule), then lower validation loss, then the smaller rate. A rate whose run diverged or failed, or whose
 * validation accuracy is at chance (≤ the validation split's majority share + CHANCE_MARGIN), is a failed rate: it
 * is ranked last and never promoted — except that when no rate of a rung got above chance, the best ⌈n/η⌉ of the
 * rates at chance go on (the budget may be too short to show learning; a diverged run stays failed). The test split
 * plays no part (search trials never evaluate it).
 */
import { beyond } from './grid.ts';

/** Validation accuracy at most this far above the majority share counts as "learned nothing". */
export const CHANCE_MARGIN = 0.02;

export type TrialStatus = 'ok' | 'diverged' | 'failed' | 'at-chance';

/** A search trial's result at its budget. */
export interface TrialScore {
  status: TrialStatus;
  valAccuracy: number | null;
  valLoss: number | null;
  /** epochs trained (≤ the budget: a diverged run stops early) */
  epochs: number;
  /** the kept epoch (lowest validation loss so far) */
  bestEpoch: number | null;
}

/** What the planner needs to know about a trial: its score, or null while it has not reached its budget. */
export type ScoreReader = (lr: number, budget: number) => TrialScore | null;

export interface HalvingOptions {
  /** the starting grid, ascending */
  grid: number[];
  /** rung budgets in epochs, ascending (grid.ts rungBudgets) */
  budgets: number[];
  /** reduction factor: the best 1/eta go on to the next rung */
  eta: number;
  /** grid extensions allowed past each edge */
  maxExtend: number;
}

export interface SearchEntry {
  lr: number;
  rung: number;
  /** epochs budgeted for this rung */
  budget: number;
  score: TrialScore;
}

export interface SearchState {
  /** (lr, budget) trials that must finish before the search can go on; empty when done */
  needed: { lr: number; budget: number }[];
  done: boolean;
  /** the chosen rate once done; null when every rate diverged or failed */
  chosen: number | null;
  /** every finished trial, by rung then rate */
  entries: SearchEntry[];
  /** the grid as searched (extensions included) */
  grid: number[];
  note?: string;
}

export const isFailed = (s: TrialScore): boolean => s.status !== 'ok';

/** Best first: working before failed, then validation accuracy, validation loss, smaller rate. */
export function rankRates(scores: { lr: number; score: TrialScore }[]): { lr: number; score: TrialScore }[] {
  return [...scores].sort((a, b) => {
    const fa = isFailed(a.score) ? 1 : 0;
    const fb = isFailed(b.score) ? 1 : 0;
    if (fa !== fb) return fa - fb;
    const va = a.score.valAccuracy ?? -1;
    const vb = b.score.valAccuracy ?? -1;
    if (va !== vb) return vb - va;
    const la = a.score.valLoss ?? Infinity;
    const lb = b.score.valLoss ?? Infinity;
    if (la !== lb) return la - lb;
    return a.lr - b.lr;
  });
}

export function planHalving(opts: HalvingOptions, read: ScoreReader): SearchState {
  const entries: SearchEntry[] = [];
  const grid = [...opts.grid].sort((a, b) => a - b);
  const budgets = opts.budgets;
  let extendedDown = 0;
  let extendedUp = 0;

  // ---- rung 0: the whole grid, growing past an edge that holds the best rate ----
  let ranked: { lr: number; score: TrialScore }[];
  for (;;) {
    const scores = grid.map((lr) => ({ lr, score: read(lr, budgets[0]!) }));
    const missing = scores.filter((s) => s.score === null);
    if (missing.length > 0) {
      return { needed: missing.map((s) => ({ lr: s.lr, budget: budgets[0]! })), done: false, chosen: null,
        entries: finishedEntries(scores, 0, budgets[0]!), grid };
    }
    ranked = rankRates(scores as { lr: number; score: TrialScore }[]);
    const best = ranked[0]!;
    if (isFailed(best.score)) break;
    if (best.lr === grid[0] && extendedDown < opts.maxExtend) {
      grid.unshift(beyond(grid, true));
      extendedDown++;
      continue;
    }
    if (best.lr === grid[grid.length - 1] && extendedUp < opts.maxExtend) {
      grid.push(beyond(grid, false));
      extendedUp++;
      continue;
    }
    break;
  }
  entries.push(...ranked.map((r) => ({ lr: r.lr, rung: 0, budget: budgets[0]!, score: r.score }))
    .sort((a, b) => a.lr - b.lr));

  const pick = (rs: typeof ranked): SearchState => {
    const best = rs[0];
    if (!best || best.score.valAccuracy === null) {
      return { needed: [], done: true, chosen: null, entries, grid, note: 'every rate diverged or failed' };
    }
    const note = isFailed(best.score) ? 'no rate in the grid trained above chance; the best of them was kept' : undefined;
    return { needed: [], done: true, chosen: best.lr, entries, grid, ...(note ? { note } : {}) };
  };

  // ---- later rungs: the best ⌈n/η⌉ working rates go on ----
  for (let rung = 1; rung < budgets.length; rung++) {
    let working = ranked.filter((r) => !isFailed(r.score));
    // No rate above chance yet: the budget may be too short to show learning, so the best of the rates that did
    // not diverge get the longer budget (a diverged run stays failed).
    if (working.length === 0) working = ranked.filter((r) => r.score.status === 'at-chance');
    if (working.length <= 1) return pick(ranked);
    const survivors = working.slice(0, Math.ceil(working.length / opts.eta));
    if (survivors.length <= 1) return pick(ranked);
    const budget = budgets[rung]!;
    const scores = survivors.map((s) => ({ lr: s.lr, score: read(s.lr, budget) }));
    const missing = scores.filter((s) => s.score === null);
    entries.push(...finishedEntries(scores, rung, budget));
    if (missing.length > 0) {
      return { needed: missing.map((s) => ({ lr: s.lr, budget })), done: false, chosen: null, entries, grid };
    }
    ranked = rankRates(scores as { lr: number; score: TrialScore }[]);
  }
  return pick(ranked);
}

function finishedEntries(scores: { lr: number; score: TrialScore | null }[], rung: number, budget: number): SearchEntry[] {
  return scores.filter((s) => s.score !== null).map((s) => ({ lr: s.lr, rung, budget, score: s.score! }))
    .sort((a, b) => a.lr - b.lr);
}
