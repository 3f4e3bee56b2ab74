/**
 * Sequence → fixed-size feature, read from the last layer's packed outputs `out` [N, D] (D = H · directions).
 * Features are written in the ORIGINAL batch order (row b), undoing the length sort of the packed layout.
 *
 *  last: PyTorch's h_n of the last layer: forward direction at t = len−1 ‖ reverse direction at t = 0
 *        (the reverse direction's final state, since it runs from len−1 down to 0).
 *  mean: average of the outputs over the valid steps t < len.
 *  max:  element-wise maximum over the valid steps (the gradient goes to the arg-max step).
 *
 * Several kinds joined by '+' are concatenated in the order given: 'last+max+mean' is ULMFiT's concat pooling
 * (Howard & Ruder 2018), feature [last ‖ max ‖ mean] of width D · 3. Each part is D wide.
 */
import { UserError } from '../util/errors.ts';
import type { PackedLayout } from './packing.ts';

export type PoolKind = 'last' | 'mean' | 'max';
export const POOL_KINDS: readonly PoolKind[] = ['last', 'mean', 'max'];
/** One kind, or several joined by '+' (e.g. 'max+mean'). */
export type Pooling = string;

/** The kinds of a pooling spec, in feature order; a one-line UserError names a bad one. */
export function poolKinds(pooling: Pooling): PoolKind[] {
  const parts = String(pooling).split('+').map((s) => s.trim());
  for (const p of parts) {
    if (!(POOL_KINDS as readonly string[]).includes(p)) {
      throw new UserError(`unknown pooling '${pooling}'; use ${POOL_KINDS.join(', ')}, or several joined by '+' (e.g. last+max+mean)`);
    }
  }
  if (new Set(parts).size !== parts.length) throw new UserError(`pooling '${pooling}' names a kind twice`);
  return parts as PoolKind[];
}

/**
 * feat [B, F] with F = D · kinds.length (kinds: poolKinds of the spec, parsed once by the model, not per batch).
 * argmax [B, D]: for 'max', the packed row each max came from (for the backward).
 */
export function poolForward(
  kinds: readonly PoolKind[], feat: Float32Array, out: Float32Array, lay: PackedLayout, H: number, dirs: number,
  argmax: Int32Array,
): void {
  const D = H * dirs;
  const F = D * kinds.length;
  const { order, sortedLengths, offsets } = lay;
  for (let j = 0; j < lay.B; j++) {
    const b = order[j]!;
    const len = sortedLengths[j]!;
    for (let part = 0; part < kinds.length; part++) {
      const fb = b * F + part * D;
      const kind = kinds[part]!;
      if (kind === 'last') {
        const rowF = (offsets[len - 1]! + j) * D;
        for (let k = 0; k < H; k++) feat[fb + k] = out[rowF + k]!;
        if (dirs === 2) {
          const rowR = (offsets[0]! + j) * D;
          for (let k = H; k < D; k++) feat[fb + k] = out[rowR + k]!;
        }
      } else if (kind === 'mean') {
        feat.fill(0, fb, fb + D);
        for (let t = 0; t < len; t++) {
          const row = (offsets[t]! + j) * D;
          for (let k = 0; k < D; k++) feat[fb + k] += out[row + k]!;
        }
        const inv = 1 / len;
        for (let k = 0; k < D; k++) feat[fb + k] *= inv;
      } else {
        const ab = b * D;
        const r0 = offsets[0]! + j;
        for (let k = 0; k < D; k++) {
          feat[fb + k] = out[r0 * D + k]!;
          argmax[ab + k] = r0;
        }
        for (let t = 1; t < len; t++) {
          const r = offsets[t]! + j;
          for (let k = 0; k < D; k++) {
            const v = out[r * D + k]!;
            if (v > feat[fb + k]!) {
              feat[fb + k] = v;
              argmax[ab + k] = r;
            }
          }
        }
      }
    }
  }
}

/** Writes d(loss)/d(out) [N, D] from d(loss)/d(feat) [B, F] (dOut is fully overwritten). */
export function poolBackward(
  kinds: readonly PoolKind[], dOut: Float32Array, dFeat: Float32Array, lay: PackedLayout, H: number, dirs: number,
  argmax: Int32Array,
): void {
  const D = H * dirs;
  const F = D * kinds.length;
  const { order, sortedLengths, offsets } = lay;
  dOut.fill(0, 0, lay.N * D);
  for (let j = 0; j < lay.B; j++) {
    const b = order[j]!;
    const len = sortedLengths[j]!;
    for (let part = 0; part < kinds.length; part++) {
      const fb = b * F + part * D;
      const kind = kinds[part]!;
      if (kind === 'last') {
        const rowF = (offsets[len - 1]! + j) * D;
        for (let k = 0; k < H; k++) dOut[rowF + k] += dFeat[fb + k]!;
        if (dirs === 2) {
          const rowR = (offsets[0]! + j) * D;
          for (let k = H; k < D; k++) dOut[rowR + k] += dFeat[fb + k]!;
        }
      } else if (kind === 'mean') {
        const inv = 1 / len;
        for (let t = 0; t < len; t++) {
          const row = (offsets[t]! + j) * D;
          for (let k = 0; k < D; k++) dOut[row + k] += dFeat[fb + k]! * inv;
        }
      } else {
        const ab = b * D;
        for (let k = 0; k < D; k++) dOut[argmax[ab + k]! * D + k] += dFeat[fb + k]!;
      }
    }
  }
}
