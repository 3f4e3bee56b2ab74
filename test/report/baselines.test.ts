/** The NBSVM baseline in the report: summary.md, report.html and a rule on the accuracy chart; nothing without it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summaryMarkdown } from '../../src/report/summary.ts';
import { reportHtml } from '../../src/report/html.ts';
import { chartSpec } from '../../src/report/charts.ts';
import { parseResults, type Results } from '../../src/report/results.ts';
import { sampleResults } from './fixture.ts';

const NBSVM = {
  accuracy: 0.9101, valAccuracy: 0.9176, setting: { loss: 'squared-hinge', C: 1, beta: 0.5 }, selectedOn: 'val',
  features: 1297292, seconds: 12.8,
};

function withNbsvm(): Results {
  const r = sampleResults() as unknown as Record<string, unknown>;
  return parseResults({ ...r, baseline: { ...(r.baseline as object), nbsvm: NBSVM } });
}

type Layer = { mark: { type: string; strokeDash?: number[] }; encoding?: { y?: { datum?: number } } };
/** The first accuracy panel's layers (every optimizer panel draws the same baselines; charts.test.ts checks all). */
const layers = (results: Results): Layer[] =>
  (chartSpec(results, 'accuracy') as unknown as { concat: { layer: Layer[] }[] }).concat[0]!.layer;

test('results.json accepts baseline.nbsvm and rejects a malformed one', () => {
  assert.equal(withNbsvm().baseline.nbsvm!.accuracy, 0.9101);
  const r = sampleResults() as unknown as Record<string, unknown>;
  assert.throws(() => parseResults({ ...r, baseline: { ...(r.baseline as object), nbsvm: { ...NBSVM, accuracy: 'high' } } }), /not a valid rnnlab results file/);
});

test('summary.md and report.html state the NBSVM baseline next to the majority one', () => {
  const results = withNbsvm();
  const md = summaryMarkdown(results);
  assert.match(md, /## Baseline\n\nMajority-class baseline.*\n\nNBSVM baseline \(Wang & Manning 2012.*chosen by validation accuracy \(91\.76%\)\): 91\.01% test accuracy/);
  const html = reportHtml(results);
  assert.match(html, /<p id="baseline-nbsvm">NBSVM baseline .*91\.01% test accuracy/);
});

test('the accuracy chart draws NBSVM as a second horizontal rule at its test accuracy', () => {
  const rules = layers(withNbsvm()).filter((l) => l.mark.type === 'rule');
  assert.deepEqual(rules.map((l) => l.encoding?.y?.datum), [0.5, 0.9101]);
  assert.notDeepEqual(rules[0]!.mark.strokeDash, rules[1]!.mark.strokeDash, 'the two baselines look different');
});

test('without baseline.nbsvm: no sentence, no element, one rule only', () => {
  const results = sampleResults();
  assert.doesNotMatch(summaryMarkdown(results), /NBSVM/);
  assert.doesNotMatch(reportHtml(results), /baseline-nbsvm/);
  assert.equal(layers(results).filter((l) => l.mark.type === 'rule').length, 1);
});
