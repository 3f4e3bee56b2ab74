/**
 * Class-weighted losses (--class-weights): PyTorch 1.13's BCEWithLogitsLoss(pos_weight) and
 * CrossEntropyLoss(weight) (fixtures/torch/loss-class-weights.json, scripts/torch-ref-class-weights.py), the gradient
 * against finite differences, and the 'balanced' weights.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { balancedClassWeights, classificationLoss } from '../../src/nn/loss.ts';
import { UserError } from '../../src/util/errors.ts';

interface Case { name: string; numClasses: number; weights: number[]; logits: number[]; labels: number[]; loss: number; grad: number[] }
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/torch/loss-class-weights.json', import.meta.url), 'utf8')) as { cases: Case[] };

const close = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

for (const c of fixture.cases) {
  test(`${c.name}: loss and gradient equal PyTorch's`, () => {
    const logits = Float32Array.from(c.logits);
    const labels = Int32Array.from(c.labels);
    const d = new Float32Array(logits.length);
    const r = classificationLoss(logits, labels, labels.length, c.numClasses, d, c.weights);
    close(r.loss, c.loss, 1e-6, 'loss');
    c.grad.forEach((g, i) => close(d[i]!, g, 1e-6, `grad[${i}]`));
    // negative control: unweighted differs from PyTorch's weighted numbers
    const plain = classificationLoss(logits, labels, labels.length, c.numClasses);
    assert.ok(Math.abs(plain.loss - c.loss) > 1e-3);
  });

  test(`${c.name}: gradient matches central finite differences`, () => {
    const x = Float64Array.from(c.logits);
    const labels = Int32Array.from(c.labels);
    const d = new Float32Array(x.length);
    classificationLoss(Float32Array.from(x), labels, labels.length, c.numClasses, d, c.weights);
    const h = 1e-2;
    for (let i = 0; i < x.length; i++) {
      const at = (v: number): number => {
        const y = Float32Array.from(x);
        y[i] = v;
        return classificationLoss(y, labels, labels.length, c.numClasses, undefined, c.weights).loss;
      };
      const fd = (at(x[i]! + h) - at(x[i]! - h)) / (2 * h);
      assert.ok(Math.abs(fd - d[i]!) < 2e-3, `d/dx[${i}]: finite difference ${fd} vs ${d[i]}`);
    }
  });
}

test("balanced weights: PyTorch's pos_weight for two classes, n/(C·n_c) for more", () => {
  assert.deepEqual(balancedClassWeights([300, 100]), [1, 3]);
  assert.deepEqual(balancedClassWeights([10, 20, 70]), [100 / 30, 100 / 60, 100 / 210]);
  assert.deepEqual(balancedClassWeights([5, 0, 5]), [10 / 15, 1, 10 / 15]);
});

test('bad class weights are one-line UserErrors', () => {
  const l = new Float32Array([0.1, -0.2]);
  const y = Int32Array.from([0, 1]);
  assert.throws(() => classificationLoss(l, y, 2, 2, undefined, [1]), UserError);
  assert.throws(() => classificationLoss(l, y, 2, 2, undefined, [1, -2]), UserError);
  assert.throws(() => classificationLoss(l, y, 2, 2, undefined, [1, NaN]), UserError);
});
