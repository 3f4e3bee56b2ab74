/**
 * Baselines every reported number stands beside. One definition each, used by train's metrics.json, evaluate and
 * the experiment's results.json, so the files cannot disagree.
 *
 * majorityClassBaseline: always predict the TRAINING split's most frequent class (lowest index on ties) — the best
 * a model that ignores its input can learn — and score it on the evaluated split (test, or validation for the
 * "no better than the baseline" warning). Not the evaluated split's own majority class: that would peek at it.
 */

export interface MajorityBaseline {
  label: string;
  accuracy: number;
}

/**
 * @param trainCounts   examples per class index in the training split
 * @param scoredCounts  examples per class index in the split it is scored on
 * @param labels        class index → label
 */
export function majorityClassBaseline(trainCounts: readonly number[], scoredCounts: readonly number[],
  labels: readonly string[]): MajorityBaseline {
  let best = 0;
  for (let c = 1; c < trainCounts.length; c++) if (trainCounts[c]! > trainCounts[best]!) best = c;
  const total = scoredCounts.reduce((a, b) => a + b, 0);
  return { label: labels[best] ?? String(best), accuracy: total > 0 ? (scoredCounts[best] ?? 0) / total : 0 };
}
