/**
 * Splitting a batch between data-parallel replicas. A shard is a contiguous run of the batch's rows (views, no copy);
 * the split balances real tokens, not sequences, because a packed step costs what its tokens cost (padding is free:
 * src/nn/packing.ts). Deterministic: the same batch always splits the same way, so a run stays bit-identical for a
 * given replica count.
 */
import type { Batch } from '../../data/types.ts';

/** Rows [start, end) of `batch`, as a Batch of views into it. */
export function batchRows(batch: Batch, start: number, end: number): Batch {
  const T = batch.maxLen;
  return {
    size: end - start,
    maxLen: T,
    tokens: batch.tokens.subarray(start * T, end * T),
    lengths: batch.lengths.subarray(start, end),
    labels: batch.labels.subarray(start, end),
  };
}

/**
 * Row boundaries of `parts` shards with token counts as equal as contiguous runs allow: a row goes before cut i when
 * its middle lies before i/parts of the total tokens. Every shard gets at least one row; a batch of fewer rows than parts
 * gives fewer shards.
 */
export function shardBounds(lengths: Int32Array, size: number, parts: number): number[] {
  const n = Math.max(1, Math.min(parts, size));
  let total = 0;
  for (let b = 0; b < size; b++) total += lengths[b]!;
  const bounds = [0];
  let seen = 0;
  let b = 0;
  for (let i = 1; i < n; i++) {
    const target = (total * i) / n;
    // leave at least one row for each shard still to come
    while (b < size - (n - i) && (b <= bounds[i - 1]! || seen + lengths[b]! / 2 <= target)) seen += lengths[b++]!;
    bounds.push(b);
  }
  bounds.push(size);
  return bounds;
}
