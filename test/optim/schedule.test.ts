/** LR schedules vs torch.optim.lr_scheduler (fixtures/torch/optim-schedules.json), resume, and errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { makeParam } from '../../src/nn/param.ts';
import { createOptimizer, createScheduler, type ScheduleKind, type ScheduleOptions } from '../../src/optim/index.ts';
import { UserError } from '../../src/util/errors.ts';

interface Case { kind: ScheduleKind; baseLr: number; epochs: number; options: ScheduleOptions; valLosses?: number[];
  lrs: number[] }
const fx = JSON.parse(readFileSync(new URL('../../fixtures/torch/optim-schedules.json', import.meta.url), 'utf8')) as
  { cases: Case[] };

/** lr in force during each epoch, stepping the scheduler after each, as the fixture script does. */
function run(c: Case): number[] {
  const opt = createOptimizer('sgd', [makeParam('w', [1])], { lr: c.baseLr });
  const sched = createScheduler(c.kind, opt, c.options);
  const lrs: number[] = [];
  for (let e = 0; e < c.epochs; e++) {
    lrs.push(opt.lr);
    const returned = sched.step(e, c.valLosses?.[e]);
    assert.equal(returned, opt.lr);
  }
  return lrs;
}

for (const c of fx.cases) {
  test(`${c.kind} ${JSON.stringify(c.options)} matches torch lr per epoch`, () => {
    const lrs = run(c);
    assert.equal(lrs.length, c.lrs.length);
    // Closed forms vs torch's recursive (chainable) updates differ only in the last bits of a double.
    lrs.forEach((lr, e) => assert.ok(Math.abs(lr - c.lrs[e]) <= 1e-12 * c.lrs[e], `epoch ${e}: ${lr} vs ${c.lrs[e]}`));
    if (c.kind !== 'constant') assert.notEqual(lrs.at(-1), lrs[0]); // the schedule did something
  });
}

test('constant keeps the lr', () => {
  const opt = createOptimizer('adam', [makeParam('w', [1])], { lr: 0.02 });
  const s = createScheduler('constant', opt);
  for (let e = 0; e < 5; e++) assert.equal(s.step(e, 1), 0.02);
});

test('state round trip: a resumed schedule continues exactly', () => {
  for (const c of fx.cases) {
    const straight = run(c);
    const opt = createOptimizer('sgd', [makeParam('w', [1])], { lr: c.baseLr });
    let sched = createScheduler(c.kind, opt, c.options);
    const half = Math.floor(c.epochs / 2);
    const lrs: number[] = [];
    for (let e = 0; e < half; e++) { lrs.push(opt.lr); sched.step(e, c.valLosses?.[e]); }
    const saved = JSON.parse(JSON.stringify({ opt: opt.stateDict(), sched: sched.stateDict() }));
    const opt2 = createOptimizer('sgd', [makeParam('w', [1])], { lr: 123 }); // lr comes back from the state
    opt2.loadStateDict(saved.opt);
    sched = createScheduler(c.kind, opt2, c.options);
    sched.loadStateDict(saved.sched);
    for (let e = half; e < c.epochs; e++) { lrs.push(opt2.lr); sched.step(e, c.valLosses?.[e]); }
    assert.deepEqual(lrs, straight, `${c.kind} ${JSON.stringify(c.options)}`);
  }
});

test('bad schedule use is reported clearly', () => {
  const opt = createOptimizer('sgd', [makeParam('w', [1])]);
  assert.throws(() => createScheduler('step', opt, {}), (e: unknown) => e instanceof UserError && /step size/.test(e.message));
  assert.throws(() => createScheduler('cosine', opt, {}), (e: unknown) => e instanceof UserError && /total epochs/.test(e.message));
  assert.throws(() => createScheduler('plateau', opt, { factor: 1 }), UserError);
  assert.throws(() => createScheduler('warmup' as ScheduleKind, opt), UserError);
  const p = createScheduler('plateau', opt);
  assert.throws(() => p.step(0), (e: unknown) => e instanceof UserError && /validation loss/.test(e.message));
  assert.throws(() => p.step(0, NaN), UserError);
  const s = createScheduler('cosine', opt, { totalEpochs: 3 });
  s.step(0);
  assert.throws(() => s.step(0), /once per epoch/);
  const other = createScheduler('step', opt, { stepSize: 2 });
  assert.throws(() => other.loadStateDict(s.stateDict()), (e: unknown) => e instanceof UserError && /'cosine'/.test(e.message));
});
