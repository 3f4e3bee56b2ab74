/**
 * Optimizer state dicts: 5 steps, save (through JSON), restore into a fresh optimizer over fresh parameter
 * buffers, 5 more steps == 10 straight steps, bit for bit, for every optimizer and the momentum variants.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeParam, type Param } from '../../src/nn/param.ts';
import { createOptimizer, type OptimizerName, type OptimizerOptions } from '../../src/optim/index.ts';
import { UserError } from '../../src/util/errors.ts';

function makeParams(): Param[] {
  const ps = [makeParam('w', [3, 5]), makeParam('b', [7])];
  ps.forEach((p, k) => p.data.forEach((_, j) => { p.data[j] = Math.cos(j + 3 * k) * 0.7; }));
  return ps;
}

function setGrads(ps: Param[], step: number): void {
  ps.forEach((p, k) => p.grad.forEach((_, j) => { p.grad[j] = Math.sin(1.7 * j + step + k) * (1 + step / 4); }));
}

const variants: [OptimizerName, OptimizerOptions][] = [
  ['sgd', { lr: 0.1 }], ['sgd', { lr: 0.05, momentum: 0.9, weightDecay: 0.01 }], ['nag', {}],
  ['adam', { weightDecay: 0.1 }], ['adamw', {}], ['adadelta', {}], ['rmsprop', {}], ['rmsprop', { momentum: 0.5 }],
];

for (const [name, opts] of variants) {
  test(`resume is bit-identical: ${name} ${JSON.stringify(opts)}`, () => {
    const straight = makeParams();
    const a = createOptimizer(name, straight, opts);
    for (let s = 0; s < 10; s++) {
      if (s === 7) a.lr = a.lr / 2; // lr set by a scheduler mid-run must survive the round trip too
      setGrads(straight, s);
      a.step();
    }

    const first = makeParams();
    const b = createOptimizer(name, first, opts);
    for (let s = 0; s < 5; s++) { setGrads(first, s); b.step(); }
    const json = JSON.stringify(b.stateDict());
    const second = makeParams();
    second.forEach((p, i) => p.data.set(first[i].data)); // the weights come from the checkpoint
    const c = createOptimizer(name, second, opts);
    c.loadStateDict(JSON.parse(json));
    assert.equal(c.lr, b.lr);
    for (let s = 5; s < 10; s++) {
      if (s === 7) c.lr = c.lr / 2;
      setGrads(second, s);
      c.step();
    }
    second.forEach((p, i) => assert.deepEqual(p.data, straight[i].data, p.name));
    assert.notDeepEqual(Array.from(second[0].data), Array.from(makeParams()[0].data));
    assert.deepEqual(c.stateDict(), a.stateDict());
  });
}

test('state without the restore would differ (the round trip carries real state)', () => {
  const straight = makeParams();
  const a = createOptimizer('adam', straight);
  for (let s = 0; s < 10; s++) { setGrads(straight, s); a.step(); }
  const first = makeParams();
  const b = createOptimizer('adam', first);
  for (let s = 0; s < 5; s++) { setGrads(first, s); b.step(); }
  const c = createOptimizer('adam', first); // fresh moments, step 0
  for (let s = 5; s < 10; s++) { setGrads(first, s); c.step(); }
  assert.notDeepEqual(first[0].data, straight[0].data);
});

test('loading a mismatched or corrupt state is a UserError and changes nothing', () => {
  const ps = makeParams();
  const adam = createOptimizer('adam', ps);
  setGrads(ps, 0);
  adam.step();
  const good = adam.stateDict();
  const fresh = createOptimizer('adam', makeParams());
  const before = JSON.stringify(fresh.stateDict());
  const bad = (mutate: (s: any) => void, re: RegExp): void => {
    const s = structuredClone(good) as any;
    mutate(s);
    assert.throws(() => fresh.loadStateDict(s), (e: unknown) => e instanceof UserError && re.test(e.message), String(re));
    assert.equal(JSON.stringify(fresh.stateDict()), before);
  };
  bad((s) => { s.name = 'sgd'; }, /optimizer 'sgd'/);
  bad((s) => { s.format = 'x'; }, /not an rnnlab optimizer state/);
  bad((s) => { s.params[1].size = 3; }, /does not match the model/);
  bad((s) => { s.buffers.exp_avg[0] = 'AAAA'; }, /corrupt/);
  bad((s) => { delete s.buffers.exp_avg_sq; }, /buffers/);
  bad((s) => { s.options.betas = [2, 0]; }, /betas/);
  bad((s) => { s.step = -1; }, /step count/);
  const sgd = createOptimizer('sgd', makeParams());
  const sgdMomentum = createOptimizer('sgd', makeParams(), { momentum: 0.9 });
  assert.throws(() => sgd.loadStateDict(sgdMomentum.stateDict()), (e: unknown) => e instanceof UserError && /momentum/.test(e.message));
});
