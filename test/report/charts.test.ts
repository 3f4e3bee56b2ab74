/** The grid charts' specs: named baselines as lines, per-panel log scale, short titles, per-seed labels. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartSpec, gridCharts, seriesLabel } from '../../src/report/charts.ts';
import { sampleDetails, sampleResults } from './fixture.ts';

type Panel = { title: { text: string }; layer: { mark: { type: string }; encoding: Record<string, { datum?: number; scale?: { type?: string } }> }[] };
const panels = (spec: unknown) => (spec as { concat: Panel[] }).concat;

test('every named baseline is a dashed line in each accuracy panel', () => {
  const results = sampleResults();
  (results.baseline as Record<string, unknown>).nbsvm = { accuracy: 0.8812 };
  for (const panel of panels(chartSpec(results, 'accuracy'))) {
    const rules = panel.layer.filter((l) => l.mark.type === 'rule').map((l) => l.encoding.y!.datum);
    assert.deepEqual(rules, [0.5, 0.8812], panel.title.text);
  }
  const subtitle = JSON.stringify((chartSpec(results, 'accuracy') as { title: unknown }).title);
  assert.match(subtitle, /Majority class 50\.00% \(dashed grey\), NBSVM 88\.12% \(dotted red\)/);
});

test('loss goes to a log scale only in the panel with a spike', () => {
  const results = sampleResults();
  const rnnSgd = results.runs.find((r) => r.arch === 'rnn' && r.optimizer === 'sgd')!;
  rnnSgd.status = 'ok'; // a spike that recovers: not a diverged run, so no cap either
  rnnSgd.history[3]!.testLoss = 0.5;
  rnnSgd.history[2]!.testLoss = 4.2;
  const scales = Object.fromEntries(panels(chartSpec(results, 'loss')).map((p) =>
    [p.title.text, p.layer[0]!.encoding.y!.scale?.type ?? 'linear']));
  assert.deepEqual(scales, { SGD: 'log', NAG: 'linear', AdaDelta: 'linear', Adam: 'linear' });
});

test('titles name the data set, not its path', () => {
  const results = sampleResults();
  results.settings.dataset = '/data/shared/imdb/aclImdb_v1-train-test.tar.gz';
  results.title = 'RNN × Adam on /data/shared/imdb/aclImdb_v1-train-test.tar.gz';
  const text = JSON.stringify(chartSpec(results, 'loss'));
  assert.ok(!text.includes('/data/shared'), 'path in a chart');
  assert.match(text, /RNN × Adam on IMDB/);
});

test('runs of one cell with several seeds are labelled by seed', () => {
  const results = sampleResults();
  const twin = structuredClone(results.runs[5]!);
  Object.assign(results.runs[5]!, { seed: 1 });
  Object.assign(twin, { seed: 2 });
  results.runs.push(twin);
  assert.match(seriesLabel(twin, results.runs), / · seed 2$/);
  assert.doesNotMatch(seriesLabel(results.runs[0]!, sampleResults().runs), /seed/);
});

test('the confusion chart appears when the best run has its matrix, with the counts as its table', () => {
  const results = sampleResults();
  assert.ok(!gridCharts(results).some((c) => c.id === 'confusion'));
  const confusion = gridCharts(results, sampleDetails(results)).find((c) => c.id === 'confusion')!;
  assert.match(confusion.title, /GRU · Adam/);
  assert.deepEqual(confusion.table.columns, ['True \\ predicted', 'neg', 'pos']);
  assert.equal(confusion.table.rows.length, 2);
});
