import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationLoss, probabilities } from '../../src/nn/loss.ts';
import { UserError } from '../../src/util/errors.ts';

test('BCE-with-logits: values, gradient, accuracy, no overflow', () => {
  const logits = Float32Array.of(0, 2, -3, 100);
  const labels = Int32Array.of(1, 1, 1, 0);
  const d = new Float32Array(4);
  const { loss, correct } = classificationLoss(logits, labels, 4, 2, d);
  const sp = (x: number): number => Math.log1p(Math.exp(x)); // softplus
  const want = (Math.log(2) + sp(-2) + sp(3) + 100) / 4;
  assert.ok(Math.abs(loss - want) < 1e-9, `${loss} vs ${want}`);
  assert.equal(correct, 1); // only logit 2 with label 1 (0 is not > 0)
  const sig = (x: number): number => 1 / (1 + Math.exp(-x));
  [sig(0) - 1, sig(2) - 1, sig(-3) - 1, sig(100)].forEach((g, i) => assert.ok(Math.abs(d[i]! - g / 4) < 1e-7));
});

test('softmax cross-entropy: values, gradient, accuracy, large logits', () => {
  const logits = Float32Array.of(0, 0, 0, 1000, 0, -1000);
  const labels = Int32Array.of(2, 0);
  const d = new Float32Array(6);
  const { loss, correct } = classificationLoss(logits, labels, 2, 3, d);
  assert.ok(Math.abs(loss - Math.log(3) / 2) < 1e-9);
  assert.equal(correct, 1); // first row ties → argmax 0 ≠ 2; second row right
  const third = 1 / 3;
  [third, third, third - 1, 0, 0, 0].forEach((g, i) => assert.ok(Math.abs(d[i]! - g / 2) < 1e-7, `d[${i}]`));
});

test('probabilities: binary expands one logit to two classes; softmax rows sum to 1', () => {
  const p = probabilities(Float32Array.of(0, Math.log(3)), 2, 2);
  assert.ok(Math.abs(p[0]! - 0.5) < 1e-7 && Math.abs(p[3]! - 0.75) < 1e-6 && Math.abs(p[2]! - 0.25) < 1e-6);
  const q = probabilities(Float32Array.of(1, 2, 3, -5, 0, 5), 2, 3);
  assert.ok(Math.abs(q[0]! + q[1]! + q[2]! - 1) < 1e-6 && q[2]! > q[1]! && q[5]! > 0.99);
});

test('bad labels and diverged logits are UserErrors, never a silent NaN', () => {
  assert.throws(() => classificationLoss(Float32Array.of(0), Int32Array.of(2), 1, 2), UserError);
  assert.throws(() => classificationLoss(Float32Array.of(0, 0, 0), Int32Array.of(-1), 1, 3), UserError);
  assert.throws(() => classificationLoss(Float32Array.of(NaN), Int32Array.of(0), 1, 2), UserError);
});
