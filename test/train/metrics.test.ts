/** computeMetrics on small hand-computed cases (values worked out in the comments). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryRocAuc, computeMetrics } from '../../src/train/metrics.ts';
import { Rng } from '../../src/util/rng.ts';
import { UserError } from '../../src/util/errors.ts';

const near = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

/** Binary probs rows [1-p, p] from p(class 1). */
const binary = (p1: number[]): Float32Array => Float32Array.from(p1.flatMap((p) => [1 - p, p]));

/** Multi-class probs whose argmax is `pred`. */
const oneHotish = (pred: number[], k: number): Float32Array =>
  Float32Array.from(pred.flatMap((c) => Array.from({ length: k }, (_, j) => (j === c ? 0.6 : 0.4 / (k - 1)))));

test('binary case with a tied score across classes', () => {
  // labels 1 1 0 0 1 0, p1 .9 .4 .4 .2 .6 .7 → predictions 1 0 0 0 1 1
  const m = computeMetrics(Int32Array.from([1, 1, 0, 0, 1, 0]), binary([0.9, 0.4, 0.4, 0.2, 0.6, 0.7]), 2, ['neg', 'pos'],
    { loss: 0.5 });
  assert.deepEqual(m.confusion, [[2, 1], [1, 2]]);
  near(m.accuracy, 4 / 6, 'accuracy');
  for (const c of m.perClass) {
    near(c.precision, 2 / 3, 'precision');
    near(c.recall, 2 / 3, 'recall');
    near(c.f1, 2 / 3, 'f1');
    assert.equal(c.support, 3);
  }
  assert.deepEqual(m.perClass.map((c) => c.label), ['neg', 'pos']);
  near(m.macroF1, 2 / 3, 'macroF1');
  near(m.majorityBaseline, 0.5, 'majority');
  assert.equal(m.loss, 0.5);
  assert.equal(m.n, 6);
  // Pairs (pos, neg): .9 beats all 3; .4 ties .4 (½), beats .2, loses to .7 → 1.5; .6 beats .4 .2 → 2. 6.5/9.
  near(m.rocAuc!, 6.5 / 9, 'auc');
});

test('three classes, one never predicted: precision 0 by zero division, and in the macro average', () => {
  // labels 0 0 1 1 2 2 2; predictions 0 1 1 1 0 1 0
  const m = computeMetrics(Int32Array.from([0, 0, 1, 1, 2, 2, 2]), oneHotish([0, 1, 1, 1, 0, 1, 0], 3), 3);
  assert.deepEqual(m.confusion, [[1, 1, 0], [0, 2, 0], [2, 1, 0]]);
  near(m.accuracy, 3 / 7, 'accuracy');
  const [c0, c1, c2] = m.perClass;
  near(c0.precision, 1 / 3, 'p0'); near(c0.recall, 1 / 2, 'r0'); near(c0.f1, 0.4, 'f0');
  near(c1.precision, 1 / 2, 'p1'); near(c1.recall, 1, 'r1'); near(c1.f1, 2 / 3, 'f1');
  assert.deepEqual(c2, { label: '2', precision: 0, recall: 0, f1: 0, support: 3 });
  near(m.macroF1, (0.4 + 2 / 3 + 0) / 3, 'macro');
  near(m.majorityBaseline, 3 / 7, 'majority');
  assert.equal(m.rocAuc, null);
  assert.equal('loss' in m, false);
});

test('a class absent from labels and predictions is left out of macroF1 (sklearn default)', () => {
  // labels 0 1 0, predictions 0 1 1: f1(0) = 2/3, f1(1) = 2/3, class 2 not averaged in → 2/3, not 4/9
  const m = computeMetrics(Int32Array.from([0, 1, 0]), oneHotish([0, 1, 1], 3), 3);
  near(m.macroF1, 2 / 3, 'macro');
  assert.equal(m.perClass[2].support, 0);
});

test('argmax ties go to the lower class; AUC edge cases', () => {
  const m = computeMetrics(Int32Array.from([1, 0]), binary([0.5, 0.5]), 2);
  assert.deepEqual(m.confusion, [[1, 0], [1, 0]]);
  assert.equal(m.rocAuc, 0.5); // all scores tied
  assert.equal(computeMetrics(Int32Array.from([0, 1, 1]), binary([0.1, 0.8, 0.9]), 2).rocAuc, 1);
  assert.equal(computeMetrics(Int32Array.from([1, 0, 0]), binary([0.1, 0.8, 0.9]), 2).rocAuc, 0);
  assert.equal(computeMetrics(Int32Array.from([1, 1]), binary([0.1, 0.8]), 2).rocAuc, null); // one class only
});

test('AUC with many ties equals the pairwise definition', () => {
  const rng = new Rng(7);
  const n = 300;
  const labels = Int32Array.from({ length: n }, () => rng.int(2));
  const p1 = Array.from({ length: n }, () => rng.int(11) / 10); // 11 distinct scores → lots of ties
  let wins = 0, pairs = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    if (labels[i] !== 1 || labels[j] !== 0) continue;
    pairs++;
    const a = Math.fround(p1[i]), b = Math.fround(p1[j]);
    wins += a > b ? 1 : a === b ? 0.5 : 0;
  }
  near(binaryRocAuc(labels, binary(p1))!, wins / pairs, 'auc');
});

test('bad input is reported, never a silent NaN', () => {
  assert.throws(() => computeMetrics(new Int32Array(0), new Float32Array(0), 2), UserError);
  assert.throws(() => computeMetrics(Int32Array.from([0]), Float32Array.from([NaN, 0.5]), 2),
    (e: unknown) => e instanceof UserError && /non-finite/.test(e.message));
  assert.throws(() => computeMetrics(Int32Array.from([0]), Float32Array.from([0.5, 0.5]), 2, undefined, { loss: NaN }), UserError);
  assert.throws(() => computeMetrics(Int32Array.from([2]), Float32Array.from([0.5, 0.5]), 2), /outside/);
  assert.throws(() => computeMetrics(Int32Array.from([0]), Float32Array.from([0.5]), 2), /expected/);
});
