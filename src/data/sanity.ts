/**
 * Label sanity checks, run before training. (The homework this project grew out of reported 99.9 % accuracy
 * because every label was 0: a one-class data set makes any classifier look perfect.)
 *
 *  - A split (train, val or test) with examples of only one class is an error naming that label.
 *  - An empty train or test split is an error (an empty val split is allowed: --val-split 0).
 *  - A class above 90 % of a split, or a class absent from a split, is a warning.
 *  - The majority-class accuracy on each split is the baseline every report should beat.
 */
import { UserError } from '../util/errors.ts';
import type { EncodedSplit, Example } from './types.ts';

export const MAJORITY_WARN_SHARE = 0.9;

/** Number of examples per class index. */
export function classCounts(items: readonly Example[] | EncodedSplit | Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  if (items instanceof Int32Array) for (const l of items) counts[l]!++;
  else if (Array.isArray(items)) for (const e of items as readonly Example[]) counts[e.label]!++;
  else for (const l of (items as EncodedSplit).labels) counts[l]!++;
  return counts;
}

export interface Baseline {
  /** Class index of the most frequent class (lowest index on ties). */
  classIndex: number;
  label: string;
  /** Accuracy of always predicting that class; 0 for an empty split. */
  accuracy: number;
}

export function majorityBaseline(counts: readonly number[], labels: readonly string[]): Baseline {
  let best = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c]! > counts[best]!) best = c;
  const total = counts.reduce((a, b) => a + b, 0);
  return { classIndex: best, label: labels[best]!, accuracy: total ? counts[best]! / total : 0 };
}

/**
 * Checks class counts per split (e.g. { train: [...], val: [...], test: [...] }); throws a UserError for a
 * single-class or empty train/test split, returns warnings (one line each) otherwise.
 */
export function checkClassBalance(splits: Record<string, readonly number[]>, labels: readonly string[]): string[] {
  const warnings: string[] = [];
  if (labels.length < 2) {
    throw new UserError(
      `the data set has a single label (${JSON.stringify(labels[0] ?? '')}): a classifier needs at least two; ` +
        'check --label-column (is it the right column?) and that the file holds every class',
    );
  }
  for (const [name, counts] of Object.entries(splits)) {
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) {
      if (name === 'val') continue;
      throw new UserError(`the ${name} split is empty; check the data set (and --limit, --test)`);
    }
    const present = counts.map((n, c) => [c, n] as const).filter(([, n]) => n > 0);
    if (present.length === 1) {
      const [c, n] = present[0]!;
      throw new UserError(
        `the ${name} split has only one class: all ${n} examples are labelled ${JSON.stringify(labels[c])}; ` +
          'likely the wrong --label-column, a file sorted by label and cut short, or a broken export',
      );
    }
    const base = majorityBaseline(counts, labels);
    if (base.accuracy > MAJORITY_WARN_SHARE) {
      warnings.push(
        `${name} split: ${(100 * base.accuracy).toFixed(1)} % of examples are labelled ${JSON.stringify(base.label)}; ` +
          'accuracy will look high even for a useless model (compare with the majority baseline)',
      );
    }
    for (let c = 0; c < counts.length; c++) {
      if (counts[c] === 0) warnings.push(`${name} split: no examples of class ${JSON.stringify(labels[c])}`);
    }
  }
  return warnings;
}

/** Class counts and check for a loaded data set's three splits. */
export function checkSplits(
  data: { labels: readonly string[]; train: readonly Example[]; val: readonly Example[]; test: readonly Example[] },
): { counts: { train: number[]; val: number[]; test: number[] }; warnings: string[] } {
  const k = data.labels.length;
  const counts = { train: classCounts(data.train, k), val: classCounts(data.val, k), test: classCounts(data.test, k) };
  return { counts, warnings: checkClassBalance(counts, data.labels) };
}
