/**
 * Baselines drawn beside every result. results.json's `baseline` object holds one entry per named baseline, each
 * either a bare test accuracy or an object with `accuracy`: `majority` always, `nbsvm` (uni+bigram NBSVM, src/baseline)
 * unless --no-baseline, and any later one by name. namedBaselines lists them all, so the charts draw a new baseline
 * without a change here; nbsvmText describes NBSVM's setting in words for summary.md and report.html.
 */
import { formatPercent } from './format.ts';
import type { Results } from './results.ts';

export interface NamedBaseline {
  /** key in results.json's baseline object */
  key: string;
  /** what the charts and tables print */
  name: string;
  accuracy: number;
}

const NAMES: Record<string, string> = { majority: 'Majority class', nbsvm: 'NBSVM' };

function accuracyOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value && typeof value === 'object') {
    const a = (value as { accuracy?: unknown }).accuracy;
    if (typeof a === 'number' && Number.isFinite(a)) return a;
  }
  return undefined;
}

/** Every baseline with a test accuracy, majority first, the others in file order. */
export function namedBaselines(results: Results): NamedBaseline[] {
  const entries = Object.entries(results.baseline as Record<string, unknown>);
  entries.sort(([a], [b]) => Number(b === 'majority') - Number(a === 'majority'));
  const out: NamedBaseline[] = [];
  for (const [key, value] of entries) {
    const accuracy = accuracyOf(value);
    if (accuracy !== undefined) out.push({ key, name: NAMES[key] ?? key, accuracy });
  }
  return out;
}

/** NBSVM's test accuracy, or null when the results have none. */
export function nbsvmAccuracy(results: Results): number | null {
  return results.baseline.nbsvm?.accuracy ?? null;
}

/** One sentence for summary.md and report.html, or null. */
export function nbsvmText(results: Results): string | null {
  const b = results.baseline.nbsvm;
  if (!b) return null;
  const s = b.setting;
  const how = b.selectedOn === 'val'
    ? `${s.loss}, C = ${s.C}, β = ${s.beta}, chosen by validation accuracy (${formatPercent(b.valAccuracy)})`
    : `the paper's setting (${s.loss}, C = ${s.C}, β = ${s.beta}); no validation split to choose on`;
  return `NBSVM baseline (Wang & Manning 2012: binary uni+bigrams of the whole text, log-count-ratio scaled, ` +
    `linear classifier; ${how}): ${formatPercent(b.accuracy)} test accuracy, ${b.features.toLocaleString('en-US')} ` +
    `features${b.seconds === undefined ? '' : `, ${b.seconds.toFixed(1)} s`}.`;
}

/** The accuracy chart's horizontal rule for NBSVM (dotted), or nothing. */
export function nbsvmRules(results: Results): object[] {
  const acc = nbsvmAccuracy(results);
  if (acc === null) return [];
  return [{ mark: { type: 'rule', strokeDash: [2, 3], color: '#b03a2e', strokeWidth: 1.5 }, encoding: { y: { datum: acc } } }];
}
