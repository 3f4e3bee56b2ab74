/** Axis choices: tick labels that differ, log scale only where a panel spans a wide range. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as vega from 'vega';
import { digitsFor, niceStep, numberFormat, percentFormat, wantsLogScale } from '../../src/report/axes.ts';
import { gridCharts } from '../../src/report/charts.ts';
import { sampleResults } from './fixture.ts';

test('niceStep follows d3 (1, 2, 5, 10 × 10^k) and digitsFor counts the decimals a step needs', () => {
  assert.equal(niceStep(0.04, 5), 0.01); // 0.008 rounds up to 0.01, as d3's tickIncrement does
  assert.equal(niceStep(0.3, 5), 0.05);
  assert.equal(niceStep(4, 5), 1);
  assert.equal(digitsFor(0.005), 3);
  assert.equal(digitsFor(1), 0);
  assert.equal(digitsFor(0.1), 1);
});

test('a narrow accuracy panel gets a decimal; a wide one none', () => {
  assert.equal(percentFormat([[0.50, 0.52]]), '.1%'); // ticks 0.5 % apart: 50.0%, 50.5%, … not 50%, 51%, 51%
  assert.equal(percentFormat([[0.49, 0.53]]), '.0%'); // ticks 1 % apart
  assert.equal(percentFormat([[0.5, 0.88]]), '.0%');
  assert.equal(percentFormat([[0.5, 0.88], [0.5, 0.51]]), '.1%'); // the narrowest panel decides
  assert.equal(numberFormat([[0.68, 0.72]]), '.2f');
  assert.equal(numberFormat([[0.688, 0.695]]), '.3f');
});

test('log scale only when a panel spans more than 4×', () => {
  assert.equal(wantsLogScale([[0.3, 0.35], [0.31, 4.2]]), true);
  assert.equal(wantsLogScale([[0.3, 0.69], [0.4, 0.7]]), false);
  assert.equal(wantsLogScale([[0, 3]]), false); // a zero cannot go on a log axis
});

/** Axis label texts of every axis in a rendered chart (vega's scenegraph, no browser). */
async function axisLabels(spec: vega.Spec): Promise<string[][]> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  await view.runAsync();
  const out: string[][] = [];
  const walk = (node: { role?: string; items?: unknown[]; text?: unknown; marktype?: string }) => {
    if (node.role === 'axis-label') {
      out.push((node.items ?? []).map((i) => String((i as { text: unknown }).text)));
      return;
    }
    for (const child of node.items ?? []) walk(child as typeof node);
  };
  walk((view.scenegraph() as unknown as { root: typeof walk extends (n: infer N) => void ? N : never }).root);
  view.finalize();
  return out;
}

test('no axis of any grid chart repeats a tick label, even on a 49–51 % experiment', async () => {
  const results = sampleResults();
  // squeeze every accuracy into about 49–51 %, where whole-percent labels used to repeat
  for (const run of results.runs) {
    for (const h of run.history) {
      h.testAccuracy = 0.49 + (h.testAccuracy - 0.5) / 20;
      h.valAccuracy = 0.49 + (h.valAccuracy - 0.5) / 20;
      if (h.trainAccuracy !== null) h.trainAccuracy = 0.49 + (h.trainAccuracy - 0.5) / 20;
    }
  }
  for (const chart of gridCharts(results)) {
    for (const spec of [chart.spec, chart.narrow].filter((s) => s !== undefined)) {
      const axes = await axisLabels(spec);
      assert.ok(axes.length > 0, `${chart.id}: no axes found`);
      for (const labels of axes) {
        const shown = labels.filter((l) => l !== '');
        assert.equal(new Set(shown).size, shown.length, `${chart.id}: repeated tick labels ${shown.join(', ')}`);
      }
    }
  }
});
