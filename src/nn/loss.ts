/**
 * Classification losses over a batch of logits, with their gradient (d mean loss / d logits).
 *
 * Binary (numClasses === 2): ONE logit x per example, p(class 1) = σ(x), BCE-with-logits
 *   loss = max(x, 0) − x·y + log(1 + e^(−|x|))          (the overflow-free form PyTorch uses)
 *   dloss/dx = σ(x) − y
 * Multi-class: numClasses logits per example, softmax cross-entropy
 *   loss = logsumexp(x) − x_y                            (max subtracted first)
 *   dloss/dx_c = softmax(x)_c − [c = y]
 * Both are averaged over the batch (PyTorch reduction='mean'), so the gradients are divided by the batch size.
 *
 * Class weights w (optional, one per class; `balancedClassWeights` makes them), with PyTorch's semantics:
 *   binary       loss = mean_b w[y_b]·bce_b, dloss/dx_b = w[y_b]·(σ(x_b) − y_b)/B. With w = [1, p] this is
 *                BCEWithLogitsLoss(pos_weight=p) (Keras' class_weight={0: 1, 1: p} gives the same).
 *   multi-class  loss = Σ_b w[y_b]·ce_b / Σ_b w[y_b] (CrossEntropyLoss(weight=w), a weighted mean),
 *                dloss/dx_bc = w[y_b]·(softmax(x_b)_c − [c = y_b]) / Σ_b w[y_b].
 * Checked against PyTorch 1.13: fixtures/class-weights.json (scripts/torch-ref-class-weights.py).
 *
 * `denominator` (data parallelism, src/train/parallel/): a shard of a batch divides by the WHOLE batch's size (or, for
 * weighted multi-class, its total weight) instead of its own, so the shards' losses and gradients add up to the batch's.
 */
import { DivergedError, UserError } from '../util/errors.ts';

export interface LossResult {
  /** Mean loss over the batch. */
  loss: number;
  /** Number of examples whose predicted class (argmax; binary: logit > 0) equals the label. */
  correct: number;
}

/**
 * What the batch mean divides by: the batch size, or for weighted multi-class the batch's total weight
 * (CrossEntropyLoss(weight=w) is a weighted mean). A data-parallel shard passes its whole batch's as `denominator`.
 */
export function lossDenominator(labels: Int32Array, size: number, numClasses: number,
  classWeights?: readonly number[] | null): number {
  if (!classWeights || numClasses === 2) return size;
  let wSum = 0;
  for (let b = 0; b < size; b++) wSum += classWeights[checkLabel(labels[b]!, b, numClasses)]!;
  return wSum;
}

export function classificationLoss(
  logits: Float32Array, labels: Int32Array, size: number, numClasses: number, dLogits?: Float32Array,
  classWeights?: readonly number[] | null, denominator?: number,
): LossResult {
  if (!(size >= 1)) throw new UserError(`empty batch (size ${size}); give at least one example`);
  const w = classWeights ?? null;
  if (w && (w.length !== numClasses || w.some((v) => !(v > 0 && Number.isFinite(v))))) {
    throw new UserError(`class weights must be ${numClasses} positive numbers, got [${w.join(', ')}]`);
  }
  // Without weights every w[y] is 1: multiplying by 1 is exact, so the unweighted results are bit-identical to a
  // loop written without them.
  const weightOf = (y: number): number => (w ? w[y]! : 1);
  let total = 0;
  let correct = 0;
  if (denominator !== undefined && !(denominator > 0)) throw new Error(`classificationLoss: denominator ${denominator} must be positive`);
  const inv = 1 / (denominator ?? lossDenominator(labels, size, numClasses, w));
  if (numClasses === 2) {
    for (let b = 0; b < size; b++) {
      const y = checkLabel(labels[b]!, b, numClasses);
      const x = logits[b]!;
      const wy = weightOf(y);
      total += wy * (Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))));
      if ((x > 0 ? 1 : 0) === y) correct++;
      if (dLogits) dLogits[b] = wy * (sigmoid(x) - y) * inv;
    }
  } else {
    const C = numClasses;
    for (let b = 0; b < size; b++) {
      const y = checkLabel(labels[b]!, b, C);
      const wy = weightOf(y);
      const base = b * C;
      let max = -Infinity;
      let arg = 0;
      for (let c = 0; c < C; c++) {
        const v = logits[base + c]!;
        if (v > max) { max = v; arg = c; }
      }
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(logits[base + c]! - max);
      total += wy * (Math.log(sum) + max - logits[base + y]!);
      if (arg === y) correct++;
      if (dLogits) {
        for (let c = 0; c < C; c++) {
          dLogits[base + c] = wy * (Math.exp(logits[base + c]! - max) / sum - (c === y ? 1 : 0)) * inv;
        }
      }
    }
  }
  const loss = total * inv;
  if (!Number.isFinite(loss)) {
    throw new DivergedError('the loss is not finite (the model diverged); lower the learning rate or clip gradients', loss);
  }
  return { loss, correct };
}

/**
 * 'balanced' class weights from the training set's class counts. Two classes: [1, n₀/n₁], PyTorch's recommended
 * pos_weight (negatives / positives). More: n / (C · n_c), sklearn's and Keras' 'balanced' (under CrossEntropyLoss's
 * weighted mean only their ratios matter). A class with no examples gets weight 1 (it never occurs in a batch).
 */
export function balancedClassWeights(counts: readonly number[]): number[] {
  if (counts.length === 2) {
    const [n0, n1] = counts as [number, number];
    return [1, n0 > 0 && n1 > 0 ? n0 / n1 : 1];
  }
  const n = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (c > 0 ? n / (counts.length * c) : 1));
}

/** Class probabilities [size * numClasses] from logits (binary: one logit → [1 − σ(x), σ(x)]). */
export function probabilities(logits: Float32Array, size: number, numClasses: number): Float32Array {
  const out = new Float32Array(size * numClasses);
  if (numClasses === 2) {
    for (let b = 0; b < size; b++) {
      const p = sigmoid(logits[b]!);
      out[2 * b] = 1 - p;
      out[2 * b + 1] = p;
    }
    return out;
  }
  const C = numClasses;
  for (let b = 0; b < size; b++) {
    const base = b * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[base + c]!);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[base + c]! - max);
    for (let c = 0; c < C; c++) out[base + c] = Math.exp(logits[base + c]! - max) / sum;
  }
  return out;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function checkLabel(y: number, b: number, numClasses: number): number {
  if (!(Number.isInteger(y) && y >= 0 && y < numClasses)) {
    throw new UserError(`label ${y} of example ${b} is outside 0..${numClasses - 1}; check the dataset's label set`);
  }
  return y;
}
