/**
 * Classification metrics for one split, with sklearn's conventions so numbers compare with a Python baseline:
 *
 *   prediction     argmax of the class probabilities (first index on ties, like numpy.argmax)
 *   precision_c    TP / (TP + FP),  recall_c = TP / (TP + FN),  f1_c = 2TP / (2TP + FP + FN)
 *                  — 0 when the denominator is 0 (sklearn's default zero_division, minus the warning)
 *   macroF1        mean f1 over the classes that occur in the labels or the predictions (sklearn's default
 *                  `labels = unique_labels(y_true, y_pred)`; a class absent from both is not averaged in)
 *   confusion      rows = true class, columns = predicted class
 *   rocAuc         binary only: P(score of a random positive > score of a random negative), ties counting 1/2,
 *                  computed from average ranks (Mann–Whitney U), which equals sklearn's roc_auc_score; null when
 *                  the split holds one class only (sklearn raises) or for more than two classes
 *   majorityBaseline  accuracy of always predicting this split's most frequent class
 */
import { UserError } from '../util/errors.ts';

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  n: number;
  accuracy: number;
  /** Mean loss, present only when passed in (it is computed from logits during evaluation, not from probs). */
  loss?: number;
  perClass: ClassMetrics[];
  macroF1: number;
  confusion: number[][];
  rocAuc: number | null;
  majorityBaseline: number;
}

/**
 * @param labels  true class per example, in [0, numClasses)
 * @param probs   [n*numClasses] class probabilities, row-major (for binary: [p(0), p(1)] per example)
 */
export function computeMetrics(labels: Int32Array, probs: Float32Array, numClasses: number, labelNames?: string[],
  opts: { loss?: number } = {}): Metrics {
  const n = labels.length;
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new Error(`numClasses must be >= 2, got ${numClasses}`);
  if (probs.length !== n * numClasses) {
    throw new Error(`probs has ${probs.length} values, expected ${n} examples x ${numClasses} classes`);
  }
  if (labelNames !== undefined && labelNames.length !== numClasses) {
    throw new Error(`${labelNames.length} label names for ${numClasses} classes`);
  }
  if (n === 0) throw new UserError('cannot compute metrics on an empty split; check the split sizes');
  if (opts.loss !== undefined && !Number.isFinite(opts.loss)) {
    throw new UserError(`loss is ${opts.loss}: training diverged; lower the learning rate or clip gradients`);
  }

  const confusion: number[][] = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < numClasses)) throw new Error(`label ${y} of example ${i} is outside 0..${numClasses - 1}`);
    let best = 0;
    let bestP = probs[i * numClasses];
    for (let c = 0; c < numClasses; c++) {
      const p = probs[i * numClasses + c];
      if (!Number.isFinite(p)) {
        throw new UserError(`the model produced a non-finite probability (${p}); training diverged, ` +
          'lower the learning rate or clip gradients');
      }
      if (p > bestP) { bestP = p; best = c; }
    }
    confusion[y][best]++;
  }

  let correct = 0;
  let majority = 0;
  let f1Sum = 0;
  let f1Count = 0;
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < numClasses; c++) {
    const tp = confusion[c][c];
    let support = 0; // row sum: true c
    let predicted = 0; // column sum: predicted c
    for (let k = 0; k < numClasses; k++) {
      support += confusion[c][k];
      predicted += confusion[k][c];
    }
    const fp = predicted - tp;
    const fn = support - tp;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
    perClass.push({ label: labelNames?.[c] ?? String(c), precision, recall, f1, support });
    correct += tp;
    majority = Math.max(majority, support);
    if (support > 0 || predicted > 0) { f1Sum += f1; f1Count++; }
  }

  const out: Metrics = {
    n,
    accuracy: correct / n,
    perClass,
    macroF1: f1Sum / f1Count, // f1Count >= 1 since n > 0
    confusion,
    rocAuc: numClasses === 2 ? binaryRocAuc(labels, probs) : null,
    majorityBaseline: majority / n,
  };
  if (opts.loss !== undefined) out.loss = opts.loss;
  return out;
}

/**
 * ROC AUC of score p(class 1) via the rank-sum statistic: AUC = (R₊ − n₊(n₊+1)/2) / (n₊·n₋), where R₊ is the
 * sum of the positives' ranks (1-based, tied scores share their average rank). Null when one class is missing.
 */
export function binaryRocAuc(labels: Int32Array, probs: Float32Array): number | null {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[2 * a + 1] - probs[2 * b + 1]);
  let nPos = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) nPos++;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  let rankSumPos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    const s = probs[2 * order[i] + 1];
    while (j + 1 < n && probs[2 * order[j + 1] + 1] === s) j++;
    const avgRank = (i + j) / 2 + 1; // ranks i+1 .. j+1
    for (let k = i; k <= j; k++) if (labels[order[k]] === 1) rankSumPos += avgRank;
    i = j + 1;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
