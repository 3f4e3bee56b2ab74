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
 */
import { UserError } from '../util/errors.ts';

export interface LossResult {
  /** Mean loss over the batch. */
  loss: number;
  /** Number of examples whose predicted class (argmax; binary: logit > 0) equals the label. */
  correct: number;
}

export function classificationLoss(
  logits: Float32Array, labels: Int32Array, size: number, numClasses: number, dLogits?: Float32Array,
): LossResult {
  if (!(size >= 1)) throw new UserError(`empty batch (size ${size}); give at least one example`);
  let total = 0;
  let correct = 0;
  const inv = 1 / size;
  if (numClasses === 2) {
    for (let b = 0; b < size; b++) {
      const y = checkLabel(labels[b]!, b, numClasses);
      const x = logits[b]!;
      total += Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
      if ((x > 0 ? 1 : 0) === y) correct++;
      if (dLogits) dLogits[b] = (sigmoid(x) - y) * inv;
    }
  } else {
    const C = numClasses;
    for (let b = 0; b < size; b++) {
      const y = checkLabel(labels[b]!, b, C);
      const base = b * C;
      let max = -Infinity;
      let arg = 0;
      for (let c = 0; c < C; c++) {
        const v = logits[base + c]!;
        if (v > max) { max = v; arg = c; }
      }
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(logits[base + c]! - max);
      total += Math.log(sum) + max - logits[base + y]!;
      if (arg === y) correct++;
      if (dLogits) {
        for (let c = 0; c < C; c++) {
          dLogits[base + c] = (Math.exp(logits[base + c]! - max) / sum - (c === y ? 1 : 0)) * inv;
        }
      }
    }
  }
  const loss = total * inv;
  if (!Number.isFinite(loss)) {
    throw new UserError('the loss is not finite (the model diverged); lower the learning rate or clip gradients');
  }
  return { loss, correct };
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
