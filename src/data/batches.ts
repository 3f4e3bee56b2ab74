/**
 * Batches from an EncodedSplit, per epoch.
 *
 * The order is a pure function of (seed, epoch, split lengths, options): epoch e's order is drawn from an Rng
 * seeded with hash(seed, e), never from a generator that earlier epochs advanced, so a run resumed at epoch e,
 * batch b (`startBatch: b`) sees exactly the batches it would have seen without stopping.
 *
 *  - shuffle (default true): Fisher–Yates over example indices. shuffle false: source order (for evaluation).
 *  - bucket (default false): length bucketing. After shuffling, every chunk of `bucketChunk` (default 50) batches'
 *    worth of examples is sorted by length, cut into batches, and then the list of all batches is shuffled. Each
 *    batch then holds similar lengths, so short reviews don't pay for padding, and batches still arrive in random
 *    order. Without shuffle, bucketing sorts each chunk and keeps the batches in order.
 *  - Every batch's maxLen is the longest sequence in it (not the split's maxLen); shorter rows are padded with 0.
 *  - dropLast (default false): drop a final batch smaller than batchSize.
 *
 * Memory: one token buffer of batchSize × split.maxLen is reused for every batch (`reuse`, default true), so a
 * yielded batch is valid only until the next one is requested. Pass reuse: false to get fresh arrays per batch.
 */
import { Rng } from '../util/rng.ts';
import type { Batch, EncodedSplit } from './types.ts';

export interface BatchOptions {
  batchSize: number;
  seed: number;
  epoch: number;
  shuffle?: boolean;
  bucket?: boolean;
  bucketChunk?: number;
  dropLast?: boolean;
}

/** A Batch plus where it came from. */
export interface EpochBatch extends Batch {
  /** Example indices into the split, one per row. */
  indices: Int32Array;
  /** Position of this batch within its epoch (0-based). */
  batchIndex: number;
}

/** A 32-bit hash of (seed, epoch): murmur3's finalizer over a combined word. Different epochs → unrelated seeds. */
export function epochSeed(seed: number, epoch: number): number {
  let h = (seed >>> 0) ^ Math.imul((epoch >>> 0) + 0x632be5ab, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The batches of one epoch as lists of example indices. Pure: same arguments, same answer. */
export function epochPlan(lengths: Int32Array, opts: BatchOptions): Int32Array[] {
  const { batchSize } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const shuffle = opts.shuffle ?? true;
  const n = lengths.length;
  const rng = new Rng(epochSeed(opts.seed, opts.epoch));
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (shuffle) rng.shuffle(order);

  if (opts.bucket) {
    const chunk = Math.max(1, opts.bucketChunk ?? 50) * batchSize;
    for (let start = 0; start < n; start += chunk) {
      const part = order.subarray(start, Math.min(n, start + chunk));
      // Stable by construction: ties keep their (shuffled) order because we sort (length, position) pairs.
      const keyed = Array.from(part, (idx, pos) => [lengths[idx]!, pos, idx] as const);
      keyed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (let k = 0; k < keyed.length; k++) part[k] = keyed[k]![2];
    }
  }

  const batches: Int32Array[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    if (end - start < batchSize && opts.dropLast) break;
    batches.push(order.slice(start, end));
  }
  if (opts.bucket && shuffle) rng.shuffle(batches);
  return batches;
}

/** Number of batches per epoch (for progress bars and schedules). */
export function batchCount(count: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/** Fills padded batches from a split. One builder, one token buffer: see the module comment on reuse. */
export class BatchBuilder {
  private tokens: Int32Array;
  private lengths: Int32Array;
  private labels: Int32Array;

  constructor(private readonly split: EncodedSplit, capacity: number, private readonly reuse = true) {
    this.tokens = new Int32Array(reuse ? capacity * split.maxLen : 0);
    this.lengths = new Int32Array(reuse ? capacity : 0);
    this.labels = new Int32Array(reuse ? capacity : 0);
  }

  build(indices: Int32Array, batchIndex = 0): EpochBatch {
    const s = this.split;
    const size = indices.length;
    let maxLen = 1;
    for (let b = 0; b < size; b++) maxLen = Math.max(maxLen, s.lengths[indices[b]!]!);
    if (!this.reuse || size * s.maxLen > this.tokens.length) {
      this.tokens = new Int32Array(size * (this.reuse ? s.maxLen : maxLen));
      this.lengths = new Int32Array(size);
      this.labels = new Int32Array(size);
    }
    const tokens = this.tokens.subarray(0, size * maxLen);
    const lengths = this.lengths.subarray(0, size);
    const labels = this.labels.subarray(0, size);
    tokens.fill(0);
    for (let b = 0; b < size; b++) {
      const i = indices[b]!;
      const len = s.lengths[i]!;
      const off = s.offsets[i]!;
      tokens.set(s.ids.subarray(off, off + len), b * maxLen);
      lengths[b] = len;
      labels[b] = s.labels[i]!;
    }
    return { size, maxLen, tokens, lengths, labels, indices, batchIndex };
  }
}

/**
 * The batches of one epoch, in order, starting at batch `startBatch` (to resume mid-epoch).
 * With reuse (default), each yielded batch is overwritten by the next.
 */
export function* epochBatches(
  split: EncodedSplit,
  opts: BatchOptions & { startBatch?: number; reuse?: boolean },
): Generator<EpochBatch> {
  const plan = epochPlan(split.lengths, opts);
  const builder = new BatchBuilder(split, opts.batchSize, opts.reuse ?? true);
  for (let k = opts.startBatch ?? 0; k < plan.length; k++) yield builder.build(plan[k]!, k);
}
