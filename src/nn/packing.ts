/**
 * Packed, time-major sequence layout — the same idea as PyTorch's PackedSequence.
 *
 * A padded batch (batch-major, variable lengths) is reordered so that sequences are sorted by length, longest first.
 * Then at time step t the sequences that are still running are exactly the first batchSizes[t] rows, and the rows
 * of all steps can be stored back to back:
 *
 *   packed row  offsets[t] + j   =   time step t of sorted sequence j      (0 ≤ j < batchSizes[t])
 *
 * Why packed and not a padded [T, B, ·] buffer: padded steps then cost nothing (no wasted GEMM rows, no masking
 * branch in the gate loops), the per-layer input projection is one GEMM over exactly N = Σ lengths rows, and the
 * masking semantics of pack_padded_sequence fall out of the layout (a finished sequence simply has no row).
 */
import { UserError } from '../util/errors.ts';

export interface PackedLayout {
  /** Batch size, and the number of time steps (= the longest length in the batch, ≤ the padded maxLen). */
  B: number;
  T: number;
  /** Total number of packed rows, Σ lengths. */
  N: number;
  /** order[j] = index in the original batch of the j-th longest sequence. */
  order: Int32Array;
  /** Sorted lengths: sortedLengths[j] = lengths[order[j]] (non-increasing). */
  sortedLengths: Int32Array;
  /** batchSizes[t] = number of sequences with length > t (non-increasing in t). */
  batchSizes: Int32Array;
  /** offsets[t] = first packed row of step t; offsets[T] = N. */
  offsets: Int32Array;
}

/** Builds the layout into `into` (reused when its capacity fits) from per-sequence lengths. */
export function packLayout(lengths: Int32Array, B: number, T: number, into?: PackedLayout): PackedLayout {
  if (!(B >= 1) || !(T >= 1)) throw new UserError(`empty batch (size ${B}, maxLen ${T}); give at least one example`);
  const lay: PackedLayout = into && into.order.length >= B && into.batchSizes.length >= T
    ? into
    : {
      B, T, N: 0,
      order: new Int32Array(B), sortedLengths: new Int32Array(B),
      batchSizes: new Int32Array(T), offsets: new Int32Array(T + 1),
    };
  if (lay.offsets.length < T + 1) lay.offsets = new Int32Array(T + 1);
  lay.B = B;
  lay.T = T;
  for (let b = 0; b < B; b++) {
    const len = lengths[b]!;
    if (!(len >= 1 && len <= T)) {
      throw new UserError(`sequence ${b} of the batch has length ${len}, outside 1..${T}; fix the batch builder`);
    }
    lay.order[b] = b;
  }
  // Stable sort by length, descending (insertion sort is fine at batch sizes of a few hundred; it runs once a batch).
  const order = lay.order;
  for (let i = 1; i < B; i++) {
    const v = order[i]!;
    const lv = lengths[v]!;
    let j = i - 1;
    while (j >= 0 && lengths[order[j]!]! < lv) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = v;
  }
  for (let j = 0; j < B; j++) lay.sortedLengths[j] = lengths[order[j]!]!;
  // Steps past the longest sequence would have no rows at all; drop them so the time loops never see an empty step.
  T = lay.sortedLengths[0]!;
  lay.T = T;
  let n = B;
  let off = 0;
  for (let t = 0; t < T; t++) {
    while (n > 0 && lay.sortedLengths[n - 1]! <= t) n--;
    lay.batchSizes[t] = n;
    lay.offsets[t] = off;
    off += n;
  }
  lay.offsets[T] = off;
  lay.N = off;
  return lay;
}
