/**
 * Gradient clipping by global L2 norm, as torch.nn.utils.clip_grad_norm_ (norm_type 2):
 *
 *   norm = ‖concat(all grads)‖₂
 *   coef = maxNorm / (norm + 1e-6);  if coef < 1: every grad *= coef
 *
 * The norm is accumulated in double precision (PyTorch sums in float32; the two agree to ~1e-7 relative).
 */
import type { Param } from '../nn/param.ts';
import { DivergedError, UserError } from '../util/errors.ts';

/**
 * Global L2 norm of all gradients, summed element by element in order. A sparse gradient (Param.gradRows: the
 * embedding's) is summed over its rows only: the entries skipped are +0, so the sum is bit-identical.
 */
export function gradNorm(params: readonly Param[]): number {
  let sum = 0;
  for (const p of params) {
    const g = p.grad;
    const rows = p.gradRows;
    if (rows) {
      const w = p.shape[1]!;
      for (const r of rows) {
        for (let j = r * w, end = j + w; j < end; j++) sum += g[j] * g[j];
      }
    } else {
      for (let j = 0; j < g.length; j++) sum += g[j] * g[j];
    }
  }
  return Math.sqrt(sum);
}

/**
 * Scales all gradients in place so their global norm is at most maxNorm; returns the norm before clipping.
 * A non-finite norm means training has diverged: that throws a DivergedError (a UserError) instead of spreading NaN into the
 * weights (PyTorch 1.13 would silently multiply by NaN).
 */
export function clipGradNorm(params: readonly Param[], maxNorm: number): number {
  if (!(Number.isFinite(maxNorm) && maxNorm > 0)) {
    throw new UserError(`gradient clip norm ${maxNorm} is invalid; use a number > 0 (or disable clipping)`);
  }
  const norm = gradNorm(params);
  if (!Number.isFinite(norm)) {
    throw new DivergedError(`gradient norm is ${norm}: training diverged; lower the learning rate or the clip norm`, norm);
  }
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    const c = Math.fround(coef); // PyTorch multiplies by a float32 scalar tensor
    for (const p of params) {
      const g = p.grad;
      const rows = p.gradRows;
      if (rows) {
        const w = p.shape[1]!;
        for (const r of rows) for (let j = r * w, end = j + w; j < end; j++) g[j] *= c;
      } else {
        for (let j = 0; j < g.length; j++) g[j] *= c;
      }
    }
  }
  return norm;
}
