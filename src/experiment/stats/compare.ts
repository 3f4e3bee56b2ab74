/**
 * Statistics over seeds: per-cell distributions, and which cells the numbers cannot tell apart from the best.
 *
 * The leader is the cell with the highest MEAN VALIDATION accuracy (selection never looks at test). Each other cell
 * is compared with it on test accuracy over seeds by a one-sided Welch t-test (H1: the leader's mean is higher;
 * unequal variances, Satterthwaite degrees of freedom: @stdlib/stats-ttest2), and the p-values are corrected for
 * the k − 1 comparisons by Holm's step-down method. A cell whose corrected p-value is above α is "tied with the
 * best": the data do not show the leader to be better. With fewer than two seeds on either side there is no
 * spread to test against, so every cell counts as tied (differences below the seed spread are not evidence).
 *
 * Checked against SciPy (scipy.stats.ttest_ind(equal_var=False, alternative='greater') and Holm by hand) in
 * fixtures/stats/welch-holm.json, made by scripts/stats-ref.py.
 */
import ttest2 from '@stdlib/stats-ttest2';

export const ALPHA = 0.05;
export const TEST_NAME = 'one-sided Welch t-test on test accuracy over seeds, Holm-corrected over the comparisons with the leader';

export type Distribution = {
  mean: number;
  /** sample standard deviation (n − 1); null with one value */
  std: number | null;
  min: number;
  max: number;
  n: number;
};

export function describe(xs: readonly number[]): Distribution | null {
  const n = xs.length;
  if (n === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : null;
  return { mean, std, min: Math.min(...xs), max: Math.max(...xs), n };
}

/** One-sided Welch p-value for H1: mean(a) > mean(b); null when either side has fewer than two values. */
export function welchGreater(a: readonly number[], b: readonly number[]): number | null {
  if (a.length < 2 || b.length < 2) return null;
  const da = describe(a)!;
  const db = describe(b)!;
  if (da.std === 0 && db.std === 0) {
    // no spread at all: the t statistic is ±∞ (or undefined when the means are equal)
    return da.mean > db.mean ? 0 : 1;
  }
  return ttest2([...a], [...b], { alternative: 'greater' }).pValue;
}

/** Holm's step-down adjusted p-values, in the input's order (nulls stay null and do not count as comparisons). */
export function holm(ps: readonly (number | null)[]): (number | null)[] {
  const idx = ps.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null)
    .sort((x, y) => x.p - y.p || x.i - y.i);
  const m = idx.length;
  const out: (number | null)[] = ps.map(() => null);
  let running = 0;
  idx.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}

export interface Contender {
  key: string;
  /** mean validation accuracy: decides the leader */
  valMean: number;
  /** test accuracies over seeds: the comparison */
  test: readonly number[];
}

export interface Verdict {
  key: string;
  leader: boolean;
  pValue: number | null;
  pAdjusted: number | null;
  tiedWithBest: boolean;
}

/** The leader (highest mean validation accuracy; ties: first given) and each cell's verdict against it. */
export function compareWithLeader(cells: readonly Contender[], alpha = ALPHA): Verdict[] {
  if (cells.length === 0) return [];
  let leader = 0;
  cells.forEach((c, i) => { if (c.valMean > cells[leader]!.valMean) leader = i; });
  const raw = cells.map((c, i) => (i === leader ? null : welchGreater(cells[leader]!.test, c.test)));
  const adjusted = holm(raw);
  return cells.map((c, i) => ({
    key: c.key,
    leader: i === leader,
    pValue: raw[i] ?? null,
    pAdjusted: adjusted[i] ?? null,
    tiedWithBest: i === leader || adjusted[i] === null || adjusted[i]! > alpha,
  }));
}
