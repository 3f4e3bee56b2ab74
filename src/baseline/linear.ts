/**
 * L2-regularized linear classifiers on sparse rows, solved by dual coordinate descent as LIBLINEAR does
 * (Hsieh et al. 2008 for the SVM, Yu, Huang & Lin 2011 for logistic regression). Labels y_i ∈ {−1, +1}; the bias
 * is LIBLINEAR's `-B 1`: a constant feature 1 appended to every row, regularized like the other weights (this is
 * also what scikit-learn's LinearSVC and LogisticRegression(solver='liblinear') do, intercept_scaling = 1):
 *
 *   squared-hinge (L2-loss SVM):  min_w ½‖w‖² + C Σ_i max(0, 1 − y_i wᵀx_i)²
 *     dual: min_α ½αᵀQ̄α − Σα_i, α_i ≥ 0, Q̄ = Q + I/(2C), Q_ij = y_i y_j x_iᵀx_j; w = Σ α_i y_i x_i.
 *     One coordinate: G = y_i wᵀx_i − 1 + α_i/(2C);  α_i ← max(0, α_i − G / Q̄_ii).
 *     Stop when the projected gradients' spread max PG − min PG over a sweep ≤ eps.
 *   logistic:  min_w ½‖w‖² + C Σ_i log(1 + exp(−y_i wᵀx_i))
 *     dual: min_α ½αᵀQα + Σ_i [α_i log α_i + (C − α_i) log(C − α_i)], 0 < α_i < C; w = Σ α_i y_i x_i.
 *     One coordinate: a few Newton steps on the one-variable sub-problem (LIBLINEAR's solve_l2r_lr_dual), keeping
 *     α_i and C − α_i apart so neither is lost to rounding near the bounds. Stop when max |gradient| ≤ eps.
 *
 * Both objectives are strictly convex in w, so any solver that converges reaches the same w; the tests compare
 * with scikit-learn (fixtures/baseline/) at a tight eps. Coordinates are visited in a fresh seeded random order
 * every sweep. No npm package offers this (see README, "NBSVM baseline"), so it is written here, small.
 */
import { Rng } from '../util/rng.ts';
import type { BinaryRows } from './ngrams.ts';

export type LinearLoss = 'squared-hinge' | 'logistic';

export interface LinearOptions {
  loss: LinearLoss;
  /** Inverse regularization strength (LIBLINEAR's / scikit-learn's C). */
  C: number;
  /** Stopping tolerance (see the header); LIBLINEAR's command-line default is 0.1. */
  eps?: number;
  maxIter?: number;
  seed?: number;
}

export interface LinearModel {
  /** One weight per feature. */
  w: Float64Array;
  /** The bias (the appended constant feature's weight). */
  b: number;
  iterations: number;
  converged: boolean;
}

/** Sparse rows with a real value per stored entry: row i is values[k] at column indices[k], k in its range. */
export interface ValuedRows extends BinaryRows {
  values: Float64Array;
}

/** wᵀx_i + b for every row. */
export function decisionValues(x: ValuedRows, w: Float64Array, b: number): Float64Array {
  const out = new Float64Array(x.rows);
  const { indptr, indices, values } = x;
  for (let i = 0; i < x.rows; i++) {
    let s = b;
    for (let k = indptr[i]!; k < indptr[i + 1]!; k++) s += w[indices[k]!]! * values[k]!;
    out[i] = s;
  }
  return out;
}

function shuffle(order: Int32Array, rng: Rng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}

export function trainLinear(x: ValuedRows, y: Int8Array, numFeatures: number, opts: LinearOptions): LinearModel {
  if (!(opts.C > 0)) throw new RangeError(`C must be > 0, got ${opts.C}`);
  if (y.length !== x.rows) throw new RangeError('one label per row');
  return opts.loss === 'squared-hinge' ? svmDual(x, y, numFeatures, opts) : lrDual(x, y, numFeatures, opts);
}

/** x_iᵀx_i + 1 (the bias feature). */
function squaredNorms(x: ValuedRows): Float64Array {
  const q = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = 1;
    for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) s += x.values[k]! * x.values[k]!;
    q[i] = s;
  }
  return q;
}

function svmDual(x: ValuedRows, y: Int8Array, numFeatures: number, opts: LinearOptions): LinearModel {
  const { indptr, indices, values } = x;
  const l = x.rows;
  const eps = opts.eps ?? 0.1;
  const maxIter = opts.maxIter ?? 1000;
  const diag = 0.5 / opts.C;
  const w = new Float64Array(numFeatures);
  let b = 0;
  const alpha = new Float64Array(l);
  const qd = squaredNorms(x);
  for (let i = 0; i < l; i++) qd[i]! += diag;
  const order = Int32Array.from({ length: l }, (_, i) => i);
  const rng = new Rng(opts.seed ?? 1);
  let iter = 0;
  let converged = false;
  while (iter < maxIter) {
    shuffle(order, rng);
    let pgMax = -Infinity;
    let pgMin = Infinity;
    for (let s = 0; s < l; s++) {
      const i = order[s]!;
      const yi = y[i]!;
      const k0 = indptr[i]!;
      const k1 = indptr[i + 1]!;
      let wx = b;
      for (let k = k0; k < k1; k++) wx += w[indices[k]!]! * values[k]!;
      const a = alpha[i]!;
      const g = yi * wx - 1 + a * diag;
      const pg = a === 0 ? Math.min(g, 0) : g;
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        const next = Math.max(a - g / qd[i]!, 0);
        alpha[i] = next;
        const d = (next - a) * yi;
        for (let k = k0; k < k1; k++) w[indices[k]!]! += d * values[k]!;
        b += d;
      }
    }
    iter++;
    if (pgMax - pgMin <= eps) {
      converged = true;
      break;
    }
  }
  return { w, b, iterations: iter, converged };
}

function lrDual(x: ValuedRows, y: Int8Array, numFeatures: number, opts: LinearOptions): LinearModel {
  const { indptr, indices, values } = x;
  const l = x.rows;
  const C = opts.C;
  const eps = opts.eps ?? 0.1;
  const maxIter = opts.maxIter ?? 1000;
  const maxInner = 100;
  const innerEpsMin = Math.min(1e-8, eps);
  let innerEps = 1e-2;
  const w = new Float64Array(numFeatures);
  let b = 0;
  // alpha[2i] = α_i, alpha[2i+1] = C − α_i, both kept so that neither loses precision near a bound
  const alpha = new Float64Array(2 * l);
  const xsq = squaredNorms(x);
  for (let i = 0; i < l; i++) {
    alpha[2 * i] = Math.min(0.001 * C, 1e-8);
    alpha[2 * i + 1] = C - alpha[2 * i]!;
    const d = y[i]! * alpha[2 * i]!;
    for (let k = indptr[i]!; k < indptr[i + 1]!; k++) w[indices[k]!]! += d * values[k]!;
    b += d;
  }
  const order = Int32Array.from({ length: l }, (_, i) => i);
  const rng = new Rng(opts.seed ?? 1);
  let iter = 0;
  let converged = false;
  while (iter < maxIter) {
    shuffle(order, rng);
    let newtonIter = 0;
    let gMax = 0;
    for (let s = 0; s < l; s++) {
      const i = order[s]!;
      const yi = y[i]!;
      const k0 = indptr[i]!;
      const k1 = indptr[i + 1]!;
      let wx = b;
      for (let k = k0; k < k1; k++) wx += w[indices[k]!]! * values[k]!;
      const a = xsq[i]!;
      const bb = yi * wx;
      // minimize over whichever of α_i, C − α_i is further from its bound
      let ind1 = 2 * i;
      let ind2 = 2 * i + 1;
      let sign = 1;
      if (0.5 * a * (alpha[ind2]! - alpha[ind1]!) + bb < 0) {
        ind1 = 2 * i + 1;
        ind2 = 2 * i;
        sign = -1;
      }
      const old = alpha[ind1]!;
      let z = old;
      if (C - z < 0.5 * C) z *= 0.1;
      let gp = a * (z - old) + sign * bb + Math.log(z / (C - z));
      gMax = Math.max(gMax, Math.abs(gp));
      let inner = 0;
      while (inner <= maxInner) {
        if (Math.abs(gp) < innerEps) break;
        const gpp = a + C / (C - z) / z;
        const tmp = z - gp / gpp;
        z = tmp <= 0 ? z * 0.1 : tmp;
        gp = a * (z - old) + sign * bb + Math.log(z / (C - z));
        newtonIter++;
        inner++;
      }
      if (inner > 0) {
        alpha[ind1] = z;
        alpha[ind2] = C - z;
        const d = sign * (z - old) * yi;
        for (let k = k0; k < k1; k++) w[indices[k]!]! += d * values[k]!;
        b += d;
      }
    }
    iter++;
    if (gMax < eps) {
      converged = true;
      break;
    }
    if (newtonIter <= l / 10) innerEps = Math.max(innerEpsMin, 0.1 * innerEps);
  }
  return { w, b, iterations: iter, converged };
}
