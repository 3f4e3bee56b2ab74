/**
 * Measures the sgemm backend's throughput on a square product: the headline number of `rnnlab info`.
 */
import { sgemm } from '../nn/blas.ts';
import { Rng } from '../util/rng.ts';

export interface GemmMeasurement {
  size: number;
  reps: number;
  /** median seconds per product */
  seconds: number;
  /** 2·size³ / seconds / 1e9 */
  gflops: number;
}

/** Times C = A·B for size×size matrices: one untimed warm-up, then `reps` timed products; reports the median. */
export function measureSgemm(size = 512, reps = 5): GemmMeasurement {
  const rng = new Rng(1);
  const a = new Float32Array(size * size), b = new Float32Array(size * size), c = new Float32Array(size * size);
  for (let i = 0; i < a.length; i++) {
    a[i] = rng.uniform(-1, 1);
    b[i] = rng.uniform(-1, 1);
  }
  sgemm(false, false, size, size, size, 1, a, size, b, size, 0, c, size);
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    sgemm(false, false, size, size, size, 1, a, size, b, size, 0, c, size);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const seconds = median(times);
  return { size, reps, seconds, gflops: (2 * size ** 3) / seconds / 1e9 };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
