/**
 * The learning-rate search space: a log-spaced grid per optimizer, in half-decade steps (×√10 ≈ ×3.16), around the
 * scale where that optimizer's rate usually works, plus the optimizer's default rate (so the search always compares
 * against today's choice), and the successive-halving budgets (rungs) in epochs.
 *
 * Why these ranges (../shared/notes/fair-comparison.md §8): SGD and NAG rates that train RNNs lie around 0.1–3
 * (DeepOBS: ≈0.1 for a char-LSTM; Crowded Valley: 0.76; rnnlab's own probe: 2 for the LSTM), NAG a notch lower
 * because momentum 0.9 multiplies the step by ~10; AdaDelta's rate multiplies an already normalised step (PyTorch
 * default 1); Adam-like methods work around 1e-3. A best rate on the edge of its grid makes the search extend the
 * grid (search/halving.ts), so the ranges are starting points, not limits.
 */
import type { OptimizerName } from '../../optim/index.ts';

/** One half-decade: the grid's step factor. */
export const STEP = Math.sqrt(10);

/** Rates rounded to 3 significant digits, so folder names and reports show 0.316, not 0.31622776601683794. */
export const roundLr = (lr: number): number => Number(lr.toPrecision(3));

/** Half-decade exponents (lr = 10^(k/2)) of each optimizer's starting grid, lowest first. */
const GRID_EXPONENTS: Record<OptimizerName, [number, number]> = {
  sgd: [-4, 1], //      0.01 … 3.16
  nag: [-5, 0], //      0.00316 … 1
  adadelta: [-3, 1], // 0.0316 … 3.16
  adam: [-8, -4], //    1e-4 … 0.01
  adamw: [-8, -4], //   1e-4 … 0.01
  rmsprop: [-8, -3], // 1e-4 … 0.0316
};

/** The starting grid of an optimizer, with `defaultLr` (the rate used without a search) added if not already on it. */
export function defaultGrid(optimizer: OptimizerName, defaultLr: number): number[] {
  const [lo, hi] = GRID_EXPONENTS[optimizer];
  const grid: number[] = [];
  for (let k = lo; k <= hi; k++) grid.push(roundLr(10 ** (k / 2)));
  return withRate(grid, defaultLr);
}

/** `grid` with `lr` added (sorted, no duplicates after rounding). */
export function withRate(grid: number[], lr: number): number[] {
  return [...new Set([...grid, roundLr(lr)])].sort((a, b) => a - b);
}

/**
 * One step beyond the grid's edge, below (`down`) or above. An edge on the half-decade lattice (0.0316, 0.1, …) steps
 * to the next lattice point, so rounding does not drift (0.0316 × √10 is 0.1, not 0.0999).
 */
export function beyond(grid: number[], down: boolean): number {
  const edge = down ? grid[0]! : grid[grid.length - 1]!;
  const k = 2 * Math.log10(edge);
  if (Math.abs(k - Math.round(k)) < 0.01) return roundLr(10 ** ((Math.round(k) + (down ? -1 : 1)) / 2));
  return roundLr(down ? edge / STEP : edge * STEP);
}

/**
 * Successive-halving budgets for runs of `epochs` epochs with reduction factor `eta`: ⌈E/η²⌉, ⌈E/η⌉, E, without
 * repeats (5 epochs, η 3: 1, 2, 5). Every rate gets the first budget, the best 1/η of them the next, and so on.
 */
export function rungBudgets(epochs: number, eta: number): number[] {
  const out = [Math.ceil(epochs / (eta * eta)), Math.ceil(epochs / eta), epochs].map((b) => Math.max(1, b));
  return [...new Set(out)].sort((a, b) => a - b);
}
