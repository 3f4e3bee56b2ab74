/** Shared test helpers for the engine tests: random batches and a finite-difference gradient checker. */
import { Rng } from '../../src/util/rng.ts';
import type { Batch } from '../../src/data/types.ts';
import type { RnnClassifier } from '../../src/nn/model.ts';
import { classificationLoss } from '../../src/nn/loss.ts';

/** A padded batch with the given lengths; padding positions hold `pad` (0 = <pad>, or garbage ids). */
export function makeBatch(lengths: number[], vocab: number, numClasses: number, seed: number,
  pad: (rng: Rng) => number = () => 0): Batch {
  const rng = new Rng(seed);
  const padRng = new Rng(seed + 7919); // separate stream: the padding must not shift the real tokens
  const B = lengths.length;
  const maxLen = Math.max(...lengths);
  const tokens = new Int32Array(B * maxLen);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < maxLen; t++) tokens[b * maxLen + t] = t < lengths[b]! ? 1 + rng.int(vocab - 1) : pad(padRng);
  }
  const labels = new Int32Array(B);
  for (let b = 0; b < B; b++) labels[b] = rng.int(numClasses);
  return { size: B, maxLen, tokens, lengths: Int32Array.from(lengths), labels };
}

/** Loss of one training-mode forward; dropout masks come from a fresh Rng(dropSeed) so every call uses the same. */
export function lossOf(model: RnnClassifier, batch: Batch, dropSeed: number, dLogits?: Float32Array): number {
  const logits = model.forward(batch, true, new Rng(dropSeed));
  return classificationLoss(logits, batch.labels, batch.size, model.config.numClasses, dLogits).loss;
}

/** Analytic gradients of every parameter (copies), from forward + backward. */
export function analyticGrads(model: RnnClassifier, batch: Batch, dropSeed: number): Map<string, Float64Array> {
  model.zeroGrad();
  const dLogits = new Float32Array(batch.size * model.outDim);
  lossOf(model, batch, dropSeed, dLogits);
  model.backward(dLogits);
  return new Map(model.params.map((p) => [p.name, Float64Array.from(p.grad)]));
}

/**
 * Numerical gradients by the fourth-order central difference
 *   f'(x) ≈ [8(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))] / 12h
 * whose truncation error is O(h⁴), so a fairly large h (which keeps float32 rounding of the loss small relative to
 * the differences) still gives ~1e-6 accuracy. Losses are accumulated in float64 by classificationLoss.
 */
export function numericGrads(model: RnnClassifier, batch: Batch, dropSeed: number, h = 2 ** -5): Map<string, Float64Array> {
  // h is a power of two so that x ± h, x ± 2h are (almost always) exact in float32.
  const res = new Map<string, Float64Array>();
  for (const p of model.params) {
    const g = new Float64Array(p.data.length);
    for (let i = 0; i < p.data.length; i++) {
      const v = p.data[i]!;
      const at = (d: number): number => {
        p.data[i] = v + d;
        return lossOf(model, batch, dropSeed);
      };
      const fp1 = at(h);
      const fm1 = at(-h);
      const fp2 = at(2 * h);
      const fm2 = at(-2 * h);
      p.data[i] = v;
      g[i] = (8 * (fp1 - fm1) - (fp2 - fm2)) / (12 * h);
    }
    res.set(p.name, g);
  }
  return res;
}

/** ‖a − b‖ / max(‖a‖, ‖b‖) (0 when both are zero). */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0; let na = 0; let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i]! - b[i]!) ** 2;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  const den = Math.sqrt(Math.max(na, nb));
  return den === 0 ? 0 : Math.sqrt(d) / den;
}
