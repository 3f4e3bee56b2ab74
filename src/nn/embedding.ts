/**
 * Embedding lookup, written straight into the packed time-major layout (see packing.ts).
 *
 *   forward:  out[offsets[t] + j, :] = W[tokens[order[j] * maxLen + t], :]        for t < len(j)
 *   backward: dW[id, :] += dOut[row, :]                                             for every packed row
 *
 * Padding positions (t ≥ length) are never read, so whatever token ids sit there cannot influence the result.
 * The backward is a scatter-add that touches only the rows of W that were used in the batch.
 */
import { UserError } from '../util/errors.ts';
import type { PackedLayout } from './packing.ts';
import { gatherRows, inKernelMemory, scatterAddRows } from './kernels.ts';

/** Gathers embeddings of the batch-major `tokens` into `out` [N, E]; fills `ids` [N] with the token id of each row. */
export function embeddingForward(
  out: Float32Array, ids: Int32Array, weight: Float32Array, vocab: number, E: number,
  tokens: Int32Array, maxLen: number, lay: PackedLayout,
): void {
  for (let t = 0; t < lay.T; t++) {
    const n = lay.batchSizes[t]!;
    const r0 = lay.offsets[t]!;
    for (let j = 0; j < n; j++) {
      const id = tokens[lay.order[j]! * maxLen + t]!;
      if (!(id >= 0 && id < vocab)) {
        throw new UserError(
          `token id ${id} at position ${t} of example ${lay.order[j]} is outside the vocabulary (size ${vocab}); ` +
          'rebuild the vocabulary or the model with a matching vocabSize',
        );
      }
      ids[r0 + j] = id;
    }
  }
  if (inKernelMemory(weight)) {
    gatherRows(out, weight, ids, lay.N, E); // the row copies, in WASM (out, weight, ids in kernel memory)
  } else {
    // a table in another thread's memory (ModelInit.sharedEmbedding), which the kernels cannot address: the same copies
    for (let r = 0; r < lay.N; r++) out.set(weight.subarray(ids[r]! * E, ids[r]! * E + E), r * E);
  }
}

/** Scatter-adds the packed gradient `dOut` [N, E] into `dWeight` [V, E], using the ids saved by the forward. */
export function embeddingBackward(dWeight: Float32Array, dOut: Float32Array, ids: Int32Array, N: number, E: number): void {
  scatterAddRows(dWeight, dOut, ids, N, E); // in WASM, rows in order (all three in kernel memory)
}
