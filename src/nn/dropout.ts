/**
 * Inverted dropout (PyTorch semantics): in training each element is zeroed with probability p and the survivors are
 * scaled by 1/(1−p), so nothing needs rescaling at evaluation time (where dropout is the identity).
 *
 *   forward:  y = x ⊙ m,   m_i = 0 with probability p, else 1/(1−p)
 *   backward: dx = dy ⊙ m
 */
import type { Rng } from '../util/rng.ts';

/** Draws a fresh mask into `mask` and writes y = x ⊙ mask for the first n elements. */
export function dropoutForward(y: Float32Array, x: Float32Array, mask: Float32Array, n: number, p: number, rng: Rng): void {
  const scale = 1 / (1 - p);
  for (let i = 0; i < n; i++) {
    const m = rng.next() < p ? 0 : scale;
    mask[i] = m;
    y[i] = x[i]! * m;
  }
}

/** dx = dy ⊙ mask (dx may be dy: in place). */
export function dropoutBackward(dx: Float32Array, dy: Float32Array, mask: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) dx[i] = dy[i]! * mask[i]!;
}
