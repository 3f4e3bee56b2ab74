/** Descriptive statistics of an encoded split, for `rnnlab data` and reports. */
import { UNK } from './vocab.ts';
import type { EncodedSplit } from './types.ts';

export interface SplitStats {
  total: number;
  /** Token counts before truncation: nearest-rank percentiles and extremes. */
  tokens: { min: number; p50: number; p90: number; p95: number; p99: number; max: number; mean: number };
  /** Share of (kept, after truncation) token positions that are <unk>. */
  unkShare: number;
  /** Share of examples with more than maxLen tokens (which truncation cuts). */
  longerThanMaxLen: number;
}

/** Nearest-rank percentile of ascending-sorted values (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function splitStats(split: EncodedSplit): SplitStats {
  const sorted = Int32Array.from(split.fullLengths).sort();
  let sum = 0;
  let long = 0;
  for (const n of sorted) { sum += n; if (n > split.maxLen) long++; }
  let unk = 0;
  for (const id of split.ids) if (id === UNK) unk++;
  const n = split.count;
  return {
    total: n,
    tokens: {
      min: n ? sorted[0]! : 0, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p95: percentile(sorted, 95),
      p99: percentile(sorted, 99), max: n ? sorted[n - 1]! : 0, mean: n ? sum / n : 0,
    },
    unkShare: split.ids.length ? unk / split.ids.length : 0,
    longerThanMaxLen: n ? long / n : 0,
  };
}
