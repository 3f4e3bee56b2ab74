/**
 * The NBSVM baseline in the report (summary.md, report.html, the accuracy charts), next to the majority-class one.
 * Absent from results made with --no-baseline (or before it existed): then every helper here gives nothing.
 */
import { formatPercent } from './format.ts';
import type { Results } from './results.ts';

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
