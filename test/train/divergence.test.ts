import test from 'node:test';
import assert from 'node:assert/strict';
import { chanceLoss, epochLossDivergence, LOSS_BOUND_FACTOR, trainLossBound } from '../../src/train/divergence.ts';
import { batchLoss } from '../../src/train/evaluate.ts';
import { classificationLoss } from '../../src/nn/loss.ts';
import { DivergedError, UserError } from '../../src/util/errors.ts';

test('the bound is 100 × the chance-level loss: an untrained (uniform) model\'s loss, ln(classes)', () => {
  assert.equal(LOSS_BOUND_FACTOR, 100);
  // chance level = the loss of logits that predict the uniform distribution, binary and softmax alike
  assert.equal(chanceLoss(2), classificationLoss(new Float32Array([0, 0]), new Int32Array([0, 1]), 2, 2).loss);
  assert.ok(Math.abs(chanceLoss(3) - classificationLoss(new Float32Array(6), new Int32Array([0, 1, 2]), 2, 3).loss) < 1e-12);
  assert.ok(Math.abs(trainLossBound(2) - 69.3147) < 1e-4);
  assert.equal(epochLossDivergence(69.3, 2), null);
  assert.equal(epochLossDivergence(0.7, 2), null);
  assert.match(epochLossDivergence(69.4, 2)!, /^the mean training loss is 69\.4, over 100 × the chance-level loss ln 2 \(69\.3\)$/);
  assert.match(epochLossDivergence(137_400, 2)!, /loss is 1\.374e\+5, over/);
  assert.match(epochLossDivergence(NaN, 3)!, /loss is NaN, over 100 × the chance-level loss ln 3 \(109\.9\)/);
  assert.equal(epochLossDivergence(100, 3), null);
});

test('a non-finite loss is a typed DivergedError (still a one-line UserError); batchLoss turns it into data', () => {
  const logits = new Float32Array([0.5, NaN]);
  assert.throws(() => classificationLoss(logits, new Int32Array([1, 0]), 2, 2),
    (e: unknown) => e instanceof DivergedError && e instanceof UserError && Number.isNaN(e.value) && /diverged/.test(e.message));
  assert.throws(() => classificationLoss(new Float32Array([Infinity, 0]), new Int32Array([1]), 1, 2),
    (e: unknown) => e instanceof DivergedError);
  // the class-weighted path as well
  assert.throws(() => classificationLoss(logits, new Int32Array([1, 0]), 2, 2, undefined, [1, 3]),
    (e: unknown) => e instanceof DivergedError && Number.isNaN(e.value));
  assert.throws(() => classificationLoss(new Float32Array([0, NaN, 0]), new Int32Array([1]), 1, 3, undefined, [1, 2, 1]),
    (e: unknown) => e instanceof DivergedError);
  assert.ok(Number.isNaN(batchLoss(new Float32Array([NaN]), new Int32Array([0]), 1, 2).loss));
});
