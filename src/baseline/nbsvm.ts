/**
 * NBSVM (Wang & Manning 2012, "Baselines and Bigrams", §2.3): a linear classifier on Naive-Bayes-scaled binary
 * n-gram features.
 *
 *   x̂_i ∈ {0,1}^|V|      binarized uni+bigram indicators of text i (ngrams.ts)
 *   p = α + Σ_{i: y_i=+1} x̂_i,   q = α + Σ_{i: y_i=−1} x̂_i,   α = 1
 *   r = log( (p / ‖p‖₁) / (q / ‖q‖₁) )                         the log-count ratio, one per feature
 *   x̃_i = r ∘ x̂_i                                              the classifier's input
 *   w, b = argmin ½‖[w; b]‖² + C Σ_i loss(y_i (wᵀx̃_i + b))    linear.ts: squared hinge (the paper's L2-SVM) or
 *                                                              logistic (NB-LR, as in Mesnil et al. 2014's nbsvm.py)
 *   w' = (1 − β) w̄ + β w,   w̄ = ‖w‖₁ / |V|                    interpolation between MNB (β = 0) and the SVM (β = 1)
 *   score = w'ᵀx̃ + b;  binary: class 1 when score > 0;  K > 2 classes: one-vs-rest, argmax of the K scores.
 *
 * The paper's setting is the squared-hinge SVM with C = 1, β = 0.25. Here (loss, C, β) is chosen from a small grid
 * by accuracy on the validation split (ties: the earlier grid entry, the paper's setting first); the test split is
 * scored once, with the chosen setting. Without a validation split the paper's setting is used as is.
 */
import type { Example } from '../data/types.ts';
import { decisionValues, trainLinear, type LinearLoss, type ValuedRows } from './linear.ts';
import { NgramFeatures, type BinaryRows } from './ngrams.ts';

export interface NbsvmSetting {
  loss: LinearLoss;
  C: number;
  beta: number;
}

/** The paper's setting. */
export const PAPER_SETTING: NbsvmSetting = { loss: 'squared-hinge', C: 1, beta: 0.25 };

/** What `rnnlab baseline` searches: the paper's setting first, then its neighbours and NB-LR. */
export const DEFAULT_GRID: NbsvmSetting[] = (() => {
  const grid: NbsvmSetting[] = [PAPER_SETTING];
  const fits: [LinearLoss, number][] = [['squared-hinge', 1], ['squared-hinge', 0.1], ['logistic', 1], ['logistic', 10]];
  for (const [loss, C] of fits) {
    for (const beta of [0.25, 0.5, 1]) {
      if (loss === PAPER_SETTING.loss && C === PAPER_SETTING.C && beta === PAPER_SETTING.beta) continue;
      grid.push({ loss, C, beta });
    }
  }
  return grid;
})();

/** The log-count ratio r for "positive" rows (positive[i] = 1) vs the rest, with smoothing α. */
export function logCountRatio(x: BinaryRows, positive: Uint8Array, numFeatures: number, alpha = 1): Float64Array {
  const p = new Float64Array(numFeatures).fill(alpha);
  const q = new Float64Array(numFeatures).fill(alpha);
  for (let i = 0; i < x.rows; i++) {
    const counts = positive[i] ? p : q;
    for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) counts[x.indices[k]!]!++;
  }
  let pSum = 0;
  let qSum = 0;
  for (let j = 0; j < numFeatures; j++) { pSum += p[j]!; qSum += q[j]!; }
  const r = new Float64Array(numFeatures);
  const shift = Math.log(qSum) - Math.log(pSum);
  for (let j = 0; j < numFeatures; j++) r[j] = Math.log(p[j]!) - Math.log(q[j]!) + shift;
  return r;
}

/** x̃ = r ∘ x̂: the binary rows with each entry valued r_j. */
export function scaleRows(x: BinaryRows, r: Float64Array): ValuedRows {
  const values = new Float64Array(x.indices.length);
  for (let k = 0; k < values.length; k++) values[k] = r[x.indices[k]!]!;
  return { ...x, values };
}

/** One binary task (class c vs the rest; for two classes, class 1 vs class 0). */
export interface NbsvmTask {
  r: Float64Array;
  /** The interpolated weights w' and the bias. */
  w: Float64Array;
  b: number;
}

export class NbsvmModel {
  constructor(
    readonly features: NgramFeatures,
    readonly tasks: NbsvmTask[],
    readonly numClasses: number,
    readonly setting: NbsvmSetting,
  ) {}

  /** Scores per task for each text: scores[t][i]. */
  decision(texts: Iterable<string>): Float64Array[] {
    const x = this.features.transform(texts);
    return this.tasks.map((t) => decisionValues(scaleRows(x, t.r), t.w, t.b));
  }

  predict(texts: Iterable<string>): Int32Array {
    return predictFromScores(this.decision(texts), this.numClasses);
  }
}

/** Binary: class 1 when the score is > 0; else the first class with the highest one-vs-rest score. */
export function predictFromScores(scores: Float64Array[], numClasses: number): Int32Array {
  const n = scores[0]?.length ?? 0;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (numClasses === 2) {
      out[i] = scores[0]![i]! > 0 ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let c = 1; c < scores.length; c++) if (scores[c]![i]! > scores[best]![i]!) best = c;
    out[i] = best;
  }
  return out;
}

function accuracy(pred: Int32Array, labels: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) ok++;
  return pred.length ? ok / pred.length : 0;
}

export interface FitOptions {
  /** Settings to choose from by validation accuracy (default DEFAULT_GRID; without val texts, only the first). */
  grid?: NbsvmSetting[];
  /** Solver tolerance and sweep limit (linear.ts). */
  eps?: number;
  maxIter?: number;
  seed?: number;
  /** Log-count-ratio smoothing (default 1). */
  alpha?: number;
}

export interface Candidate extends NbsvmSetting {
  valAccuracy: number;
}

export interface FitResult {
  model: NbsvmModel;
  /** Validation accuracy of every grid setting, in grid order (empty without a validation split). */
  candidates: Candidate[];
  valAccuracy: number | null;
  /** Seconds spent building features, and fitting + selecting. */
  seconds: { features: number; fit: number };
}

const labelsOf = (examples: readonly Example[]): Int32Array => Int32Array.from(examples, (e) => e.label);

/** Trains NBSVM on `train`, choosing the setting on `val` (which may be empty). */
export function fitNbsvm(train: readonly Example[], val: readonly Example[], numClasses: number, opts: FitOptions = {}): FitResult {
  const t0 = performance.now();
  const grid = val.length > 0 ? (opts.grid ?? DEFAULT_GRID) : [(opts.grid ?? DEFAULT_GRID)[0]!];
  if (grid.length === 0) throw new RangeError('fitNbsvm: empty grid');
  const features = new NgramFeatures();
  const xTrain = features.fit(train.map((e) => e.text));
  const xVal = features.transform(val.map((e) => e.text));
  const F = features.size;
  const yTrain = labelsOf(train);
  const yVal = labelsOf(val);
  const t1 = performance.now();

  const classes = numClasses === 2 ? [1] : Array.from({ length: numClasses }, (_, c) => c);
  const tasks = classes.map((c) => {
    const positive = Uint8Array.from(yTrain, (l) => (l === c ? 1 : 0));
    const r = logCountRatio(xTrain, positive, F, opts.alpha ?? 1);
    return { c, r, y: Int8Array.from(positive, (p) => (p ? 1 : -1)), xt: scaleRows(xTrain, r), xv: scaleRows(xVal, r) };
  });

  // One fit per (loss, C); β only rescales, so every β of that fit is scored from the same two sums per row.
  const accuracies = new Array<number>(grid.length).fill(NaN);
  let best = -1;
  let bestTasks: NbsvmTask[] = [];
  const fits = [...new Map(grid.map((s) => [`${s.loss}/${s.C}`, s] as const)).values()];
  for (const fit of fits) {
    const models = tasks.map((t) => {
      const m = trainLinear(t.xt, t.y, F, { loss: fit.loss, C: fit.C, eps: opts.eps, maxIter: opts.maxIter, seed: opts.seed });
      let l1 = 0;
      for (let j = 0; j < F; j++) l1 += Math.abs(m.w[j]!);
      const wx = decisionValues(t.xv, m.w, 0); // wᵀx̃ without bias
      const rx = new Float64Array(t.xv.rows); // Σ_j x̃_j = 1ᵀx̃
      for (let i = 0; i < t.xv.rows; i++) for (let k = t.xv.indptr[i]!; k < t.xv.indptr[i + 1]!; k++) rx[i]! += t.xv.values[k]!;
      return { m, wBar: F ? l1 / F : 0, wx, rx, r: t.r };
    });
    grid.forEach((s, g) => {
      if (s.loss !== fit.loss || s.C !== fit.C) return;
      const scores = models.map((m) => m.wx.map((v, i) => s.beta * v + (1 - s.beta) * m.wBar * m.rx[i]! + m.m.b));
      accuracies[g] = val.length ? accuracy(predictFromScores(scores, numClasses), yVal) : NaN;
      const better = best < 0 || accuracies[g]! > accuracies[best]! || (accuracies[g] === accuracies[best] && g < best);
      if (better) {
        best = g;
        bestTasks = models.map((m) => ({
          r: m.r, w: m.m.w.map((v) => (1 - s.beta) * m.wBar + s.beta * v), b: m.m.b,
        }));
      }
    });
  }
  const t2 = performance.now();
  const model = new NbsvmModel(features, bestTasks, numClasses, grid[best]!);
  return {
    model,
    candidates: val.length ? grid.map((s, g) => ({ ...s, valAccuracy: accuracies[g]! })) : [],
    valAccuracy: val.length ? accuracies[best]! : null,
    seconds: { features: (t1 - t0) / 1000, fit: (t2 - t1) / 1000 },
  };
}
