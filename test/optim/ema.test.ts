import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { makeParam } from '../../src/nn/param.ts';
import { WeightAverage } from '../../src/optim/ema.ts';
import { UserError } from '../../src/util/errors.ts';

function param(name: string, values: number[]) {
  const p = makeParam(name, [values.length]);
  p.data.set(values);
  return p;
}

test('the average: the first step copies the weights, later steps mix in (1 − decay) of them (as Keras / PyTorch)', () => {
  const w = param('w', [10, -4]);
  const ema = new WeightAverage([w], 0.9);
  const seen = (): number[] => ema.withAverage(() => Array.from(w.data));
  assert.deepEqual(seen(), [10, -4], 'before any step the average is the model itself');
  w.data.set([2, 6]);
  ema.update();
  assert.deepEqual(seen(), [2, 6], 'the initial weights never enter');
  w.data.set([12, -4]);
  ema.update();
  const want1 = [Math.fround(0.9 * 2 + 0.1 * 12), Math.fround(0.9 * 6 + 0.1 * -4)];
  assert.deepEqual(seen(), want1);
  w.data.set([0, 0]);
  ema.update();
  assert.deepEqual(seen(), want1.map((a) => Math.fround(0.9 * a)));
  assert.deepEqual(Array.from(w.data), [0, 0], 'the trained weights are back after withAverage, exactly');
});

test('withAverage restores the weights even when the evaluation throws', () => {
  const w = param('w', [1, 2, 3]);
  const ema = new WeightAverage([w], 0.5);
  ema.update();
  w.data.set([7, 8, 9]);
  assert.throws(() => ema.withAverage(() => { throw new Error('boom'); }), /boom/);
  assert.deepEqual(Array.from(w.data), [7, 8, 9]);
});

test('state → load continues exactly; a different decay or model is refused with one line', () => {
  const w = param('w', [1, 2]);
  const a = new WeightAverage([w], 0.99);
  for (const v of [[3, 4], [5, 1], [0, 9]]) { w.data.set(v); a.update(); }
  const b = new WeightAverage([param('w', [0, 0])], 0.99);
  b.load(structuredClone(a.state()));
  for (const v of [[2, 2], [8, -1]]) {
    w.data.set(v);
    a.update();
  }
  const w2 = b.params[0]!;
  for (const v of [[2, 2], [8, -1]]) {
    w2.data.set(v);
    b.update();
  }
  assert.deepEqual(a.withAverage(() => Array.from(w.data)), b.withAverage(() => Array.from(w2.data)));
  assert.throws(() => new WeightAverage([param('w', [0, 0])], 0.9).load(a.state()), (e: unknown) => e instanceof UserError && /--ema 0\.99/.test(e.message));
  assert.throws(() => new WeightAverage([param('v', [0, 0])], 0.99).load(a.state()), /do not match the model/);
  assert.throws(() => new WeightAverage([w], 1), /--ema must be in \(0, 1\)/);
});

test('matches PyTorch 1.13 AveragedModel with an EMA avg_fn over 12 Adam steps (fixtures/torch/ema.json)', () => {
  const fx = JSON.parse(readFileSync(new URL('../../fixtures/torch/ema.json', import.meta.url), 'utf8')) as {
    decay: number; names: string[]; init: Record<string, number[]>;
    steps: { weights: Record<string, number[]>; average: Record<string, number[]> }[];
  };
  const params = fx.names.map((n) => param(n, fx.init[n]!));
  const ema = new WeightAverage(params, fx.decay);
  let worst = 0;
  for (const step of fx.steps) {
    params.forEach((p) => p.data.set(step.weights[p.name]!));
    ema.update();
    ema.withAverage(() => params.forEach((p) => p.data.forEach((v, j) => {
      const want = step.average[p.name]![j]!;
      worst = Math.max(worst, Math.abs(v - want) / Math.max(1e-6, Math.abs(want)));
    })));
  }
  // PyTorch rounds after each of its three float32 operations, rnnlab once: the low bits may differ
  assert.ok(worst < 1e-5, `worst relative difference ${worst}`);
});
