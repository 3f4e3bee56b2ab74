/**
 * Sequence → fixed-size feature, read from the last layer's packed outputs `out` [N, D] (D = H · directions).
 * Features are written in the ORIGINAL batch order (row b), undoing the length sort of the packed layout.
 *
 *  last: PyTorch's h_n of the last layer: forward direction at t = len−1 ‖ reverse direction at t = 0
 *        (the reverse direction's final state, since it runs from len−1 down to 0).
 *  mean: average of the outputs over the valid steps t < len.
 *  max:  element-wise maximum over the valid steps (the gradient goes to the arg-max step).
 */
import type { PackedLayout } from './packing.ts';

export type Pooling = 'last' | 'mean' | 'max';

/** argmax [B, D]: for 'max', the packed row each feature came from (used by the backward). */
export function poolForward(
  kind: Pooling, feat: Float32Array, out: Float32Array, lay: PackedLayout, H: number, dirs: number, argmax: Int32Array,
): void {
  const D = H * dirs;
  const { order, sortedLengths, offsets } = lay;
  for (let j = 0; j < lay.B; j++) {
    const fb = order[j]! * D;
    const len = sortedLengths[j]!;
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
      const r0 = offsets[0]! + j;
      for (let k = 0; k < D; k++) {
        feat[fb + k] = out[r0 * D + k]!;
        argmax[fb + k] = r0;
      }
      for (let t = 1; t < len; t++) {
        const r = offsets[t]! + j;
        for (let k = 0; k < D; k++) {
          const v = out[r * D + k]!;
          if (v > feat[fb + k]!) {
            feat[fb + k] = v;
            argmax[fb + k] = r;
          }
        }
      }
    }
  }
}

/** Writes d(loss)/d(out) [N, D] from d(loss)/d(feat) [B, D] (dOut is fully overwritten). */
export function poolBackward(
  kind: Pooling, dOut: Float32Array, dFeat: Float32Array, lay: PackedLayout, H: number, dirs: number,
  argmax: Int32Array,
): void {
  const D = H * dirs;
  const { order, sortedLengths, offsets } = lay;
  if (kind !== 'mean') dOut.fill(0, 0, lay.N * D);
  for (let j = 0; j < lay.B; j++) {
    const fb = order[j]! * D;
    const len = sortedLengths[j]!;
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
        for (let k = 0; k < D; k++) dOut[row + k] = dFeat[fb + k]! * inv;
      }
    } else {
      for (let k = 0; k < D; k++) dOut[argmax[fb + k]! * D + k] += dFeat[fb + k]!;
    }
  }
}
