/**
 * Label strings → class indices, in a stable, documented order:
 *  - IMDB: neg = 0, pos = 1 (fixed).
 *  - Otherwise the distinct labels sorted: numerically if every label is a number ("1", "2", "10" → 1, 2, 10),
 *    else by Unicode code point ("neg" < "neutral" < "pos"). Ties between numerically equal spellings ("1" vs
 *    "1.0") fall back to code-point order.
 * The resulting list (class index → label string) is saved with the model.
 */
import { compareCodePoints } from './vocab.ts';

function asNumber(label: string): number | undefined {
  if (label.trim() === '') return undefined;
  const v = Number(label);
  return Number.isFinite(v) ? v : undefined;
}

/** The distinct labels in class-index order. */
export function orderLabels(labels: Iterable<string>): string[] {
  const distinct = [...new Set(labels)];
  const numeric = distinct.every((l) => asNumber(l) !== undefined);
  return distinct.sort((a, b) => (numeric ? asNumber(a)! - asNumber(b)! : 0) || compareCodePoints(a, b));
}

/** label string → class index for an ordered label list. */
export function labelIndex(labels: readonly string[]): Map<string, number> {
  return new Map(labels.map((l, i) => [l, i]));
}
