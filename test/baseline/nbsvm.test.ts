/**
 * NBSVM against an independent scikit-learn reference (fixtures/baseline/nbsvm-*.json, made by
 * scripts/sklearn-ref-nbsvm.py), on a planted problem, and the n-gram features on hand-checked texts.
 *
 * Tolerances: the log-count ratios are the same float64 formula (fixture written to 12 significant digits):
 * |Δr| ≤ 1e-9. Scores come from two different solvers stopped at tight tolerances (1e-9 here, 1e-9 / 1e-12 in the
 * script): |Δscore| ≤ 1e-5 · max(1, |score|); predictions and accuracies must then be identical (the fixture's
 * smallest |score| is far above that, checked below).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fitNbsvm, type NbsvmSetting } from '../../src/baseline/nbsvm.ts';
import { NgramFeatures } from '../../src/baseline/ngrams.ts';
import { nbsvmBaseline } from '../../src/baseline/run.ts';
import type { Example } from '../../src/data/types.ts';
import { Rng } from '../../src/util/rng.ts';

interface Fixture {
  labels: string[];
  data: { train: Example[]; val: Example[]; test: Example[] };
  features: string[];
  ratios: number[][];
  grid: (NbsvmSetting & { valAccuracy: number; testScores: number[][]; testPredictions: number[]; testAccuracy: number })[];
  selected: number;
}

const TIGHT = { eps: 1e-9, maxIter: 200_000 };

for (const name of ['binary', '3class']) {
  const fx = JSON.parse(readFileSync(new URL(`../../fixtures/baseline/nbsvm-${name}.json`, import.meta.url), 'utf8')) as Fixture;
  const k = fx.labels.length;
  const { train, val, test: testSet } = fx.data;

  test(`nbsvm-${name}: features and log-count ratios equal scikit-learn's`, () => {
    const { model } = fitNbsvm(train, [], k, { grid: [fx.grid[0]!], ...TIGHT });
    const f = model.features;
    assert.equal(f.size, fx.features.length);
    const index = new Map<string, number>();
    for (let j = 0; j < f.size; j++) index.set(f.name(j), j);
    assert.equal(model.tasks.length, fx.ratios.length);
    let worst = 0;
    fx.features.forEach((feature, j) => {
      const ours = index.get(feature);
      assert.ok(ours !== undefined, `feature ${JSON.stringify(feature)} missing`);
      model.tasks.forEach((t, c) => { worst = Math.max(worst, Math.abs(t.r[ours]! - fx.ratios[c]![j]!)); });
    });
    assert.ok(worst <= 1e-9, `max |Δr| = ${worst}`);
  });

  test(`nbsvm-${name}: scores, predictions and accuracy of every grid setting equal scikit-learn's`, () => {
    for (const g of fx.grid) {
      const { model } = fitNbsvm(train, [], k, { grid: [g], ...TIGHT });
      const scores = model.decision(testSet.map((e) => e.text));
      let worst = 0;
      let smallest = Infinity;
      scores.forEach((row, c) => row.forEach((s, i) => {
        const ref = fx.grid[fx.grid.indexOf(g)]!.testScores[c]![i]!;
        worst = Math.max(worst, Math.abs(s - ref) / Math.max(1, Math.abs(ref)));
        smallest = Math.min(smallest, Math.abs(ref));
      }));
      const where = `${g.loss} C=${g.C} β=${g.beta}`;
      assert.ok(worst <= 1e-5, `${where}: max relative |Δscore| = ${worst}`);
      if (k === 2) assert.ok(smallest > 1e-3, `${where}: a score too close to 0 to compare predictions`);
      const pred = Array.from(model.predict(testSet.map((e) => e.text)));
      assert.deepEqual(pred, g.testPredictions, where);
      const acc = pred.filter((p, i) => p === testSet[i]!.label).length / testSet.length;
      assert.equal(acc, g.testAccuracy, where);
    }
  });

  test(`nbsvm-${name}: the setting chosen on validation and its test accuracy equal scikit-learn's`, () => {
    const grid = fx.grid.map(({ loss, C, beta }) => ({ loss, C, beta }));
    const r = nbsvmBaseline({ labels: fx.labels, train, val, test: testSet }, { grid, ...TIGHT });
    assert.deepEqual(r.candidates.map((c) => c.valAccuracy), fx.grid.map((g) => g.valAccuracy));
    assert.deepEqual(r.setting, grid[fx.selected]);
    assert.equal(r.selectedOn, 'val');
    assert.equal(r.testAccuracy, fx.grid[fx.selected]!.testAccuracy);
  });
}

/** Texts of random filler words; `planted` goes at the very start of every class-1 text of 300+ tokens. */
function planted(n: number, seed: number, plant: boolean): Example[] {
  const rng = new Rng(seed);
  const words = Array.from({ length: 200 }, (_, i) => `w${i}`);
  return Array.from({ length: n }, () => {
    const label = rng.int(2);
    const toks = Array.from({ length: 300 + rng.int(50) }, () => words[rng.int(words.length)]!);
    if (plant && label === 1) toks[0] = 'zqx';
    return { text: toks.join(' '), label };
  });
}

test('planted problem: a token that decides the label, at the start of long texts (no max-len cut), is learned', () => {
  const r = nbsvmBaseline({ labels: ['a', 'b'], train: planted(300, 1, true), val: planted(100, 2, true), test: planted(300, 3, true) });
  assert.ok(r.testAccuracy >= 0.99, `test accuracy ${r.testAccuracy}`);
  assert.ok(r.valAccuracy! >= 0.99, `val accuracy ${r.valAccuracy}`);
});

test('planted problem, negative control: without the token the labels are noise and accuracy stays near chance', () => {
  const r = nbsvmBaseline({ labels: ['a', 'b'], train: planted(300, 1, false), val: planted(100, 2, false), test: planted(300, 3, false) });
  assert.ok(r.testAccuracy < 0.62, `test accuracy ${r.testAccuracy}`);
});

test('n-gram features: binarized uni+bigrams of basic_english tokens; unseen n-grams dropped', () => {
  const f = new NgramFeatures();
  const x = f.fit(['Good, good film.', 'bad<br />film']);
  const names = (rows: typeof x, i: number): string[] =>
    Array.from(rows.indices.subarray(rows.indptr[i]!, rows.indptr[i + 1]!), (j) => f.name(j)).sort();
  assert.deepEqual(names(x, 0), ['film', 'good', 'good ,', 'good film', ', good', '.', 'film .', ','].sort());
  assert.deepEqual(names(x, 1), ['bad', 'film', 'bad film'].sort());
  const y = f.transform(['film good bad film', '']);
  assert.deepEqual(names(y, 0), ['film', 'good', 'bad', 'bad film'].sort());
  assert.equal(y.indptr[2]! - y.indptr[1]!, 0);
});
