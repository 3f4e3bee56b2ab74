/**
 * Successive halving as a pure planner: a planted problem (validation accuracy peaks at a known rate) must be solved,
 * failed rates (diverged, at chance) recorded and never promoted, an edge optimum must grow the grid, and the
 * planner asks only for what it needs, rung by rung.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { beyond, defaultGrid, rungBudgets, roundLr } from '../../../src/experiment/search/grid.ts';
import { planHalving, type ScoreReader, type TrialScore } from '../../../src/experiment/search/halving.ts';

/** A planted landscape: accuracy falls off with distance (in decades) from `peak`; more epochs help a little. */
function planted(peak: number, opts: { divergeAbove?: number; chanceBelow?: number } = {}) {
  const asked: { lr: number; budget: number }[] = [];
  const score = (lr: number, budget: number): TrialScore => {
    if (opts.divergeAbove !== undefined && lr > opts.divergeAbove) {
      return { status: 'diverged', valAccuracy: null, valLoss: null, epochs: 0, bestEpoch: null };
    }
    const acc = Math.max(0.5, 0.9 - 0.1 * Math.abs(Math.log10(lr / peak))) + 0.01 * budget;
    const status = opts.chanceBelow !== undefined && lr < opts.chanceBelow ? 'at-chance' : 'ok';
    return { status, valAccuracy: status === 'ok' ? acc : 0.5, valLoss: 1 - acc, epochs: budget, bestEpoch: budget };
  };
  return { asked, score };
}

/** Runs the planner to the end, "training" whatever it asks for in rounds, like the study loop. */
function solve(opts: Parameters<typeof planHalving>[0], score: (lr: number, budget: number) => TrialScore) {
  const done = new Map<string, TrialScore>();
  const rounds: { lr: number; budget: number }[][] = [];
  const read: ScoreReader = (lr, budget) => done.get(`${lr}@${budget}`) ?? null;
  for (let i = 0; i < 20; i++) {
    const state = planHalving(opts, read);
    if (state.done) return { state, rounds };
    rounds.push(state.needed);
    for (const n of state.needed) done.set(`${n.lr}@${n.budget}`, score(n.lr, n.budget));
  }
  throw new Error('the planner did not finish');
}

test('grids: half-decade points plus the default rate; budgets ⌈E/9⌉, ⌈E/3⌉, E', () => {
  assert.deepEqual(defaultGrid('sgd', 2), [0.01, 0.0316, 0.1, 0.316, 1, 2, 3.16]);
  assert.deepEqual(defaultGrid('adam', 0.001), [0.0001, 0.000316, 0.001, 0.00316, 0.01]);
  assert.deepEqual(defaultGrid('nag', 0.2), [0.00316, 0.01, 0.0316, 0.1, 0.2, 0.316, 1]);
  assert.deepEqual(rungBudgets(5, 3), [1, 2, 5]);
  assert.deepEqual(rungBudgets(9, 3), [1, 3, 9]);
  assert.deepEqual(rungBudgets(1, 3), [1]);
  assert.equal(beyond([0.01, 0.0316], false), 0.1);
  assert.equal(beyond([0.0001, 0.001], true), 0.0000316);
  assert.equal(beyond([2], false), roundLr(2 * Math.sqrt(10)));
});

test('the search picks the rate the planted problem makes best, rung by rung', () => {
  const grid = defaultGrid('sgd', 2);
  const { score } = planted(0.316);
  const { state, rounds } = solve({ grid, budgets: [1, 2, 5], eta: 3, maxExtend: 2 }, score);
  assert.equal(state.chosen, 0.316);
  // rung 0: every rate at 1 epoch; rung 1: the best ⌈7/3⌉ = 3 at 2 epochs; then one is left, so no rung 2
  assert.deepEqual(rounds[0]!.map((n) => n.budget), grid.map(() => 1));
  assert.deepEqual(rounds[1]!.map((n) => n.lr).sort((a, b) => a - b), [0.1, 0.316, 1]);
  assert.deepEqual(rounds[1]!.map((n) => n.budget), [2, 2, 2]);
  assert.equal(rounds.length, 2);
  assert.equal(state.entries.filter((e) => e.rung === 0).length, grid.length);
  assert.equal(state.entries.filter((e) => e.rung === 1).length, 3);
});

test('diverged and at-chance rates are recorded as failed and never promoted', () => {
  const grid = [0.001, 0.01, 0.1, 1, 10];
  const { score } = planted(10, { divergeAbove: 0.5, chanceBelow: 0.005 });
  const { state, rounds } = solve({ grid, budgets: [1, 3], eta: 3, maxExtend: 0 }, score);
  const r0 = new Map(state.entries.filter((e) => e.rung === 0).map((e) => [e.lr, e.score.status]));
  assert.equal(r0.get(1), 'diverged');
  assert.equal(r0.get(10), 'diverged');
  assert.equal(r0.get(0.001), 'at-chance');
  // the planted peak (10) diverges, so the best working rate is the largest one that did not
  assert.equal(state.chosen, 0.1);
  for (const n of rounds[1] ?? []) assert.ok(n.lr === 0.01 || n.lr === 0.1, `promoted a failed rate ${n.lr}`);
});

test('a best rate on the edge grows the grid past it (bounded)', () => {
  const { score } = planted(100);
  const { state } = solve({ grid: [0.01, 0.1, 1], budgets: [1], eta: 3, maxExtend: 2 }, score);
  assert.deepEqual(state.grid, [0.01, 0.1, 1, 3.16, 10]);
  assert.equal(state.chosen, 10, 'two steps up, then the edge rule stops');

  const low = solve({ grid: [0.01, 0.1, 1], budgets: [1], eta: 3, maxExtend: 2 }, planted(0.003).score);
  assert.equal(low.state.chosen, 0.00316);
  // 0.00316 was best on the new edge, so one more step down; then the best sits inside the grid
  assert.deepEqual(low.state.grid, [0.001, 0.00316, 0.01, 0.1, 1]);
});

test('every rate failing is said, not hidden', () => {
  const { state } = solve({ grid: [1, 10], budgets: [1, 2], eta: 3, maxExtend: 1 }, planted(1, { divergeAbove: 0.5 }).score);
  assert.equal(state.chosen, null);
  assert.match(state.note!, /every rate diverged/);
});

test('no rate above chance at the short budget: the best of them get the longer one instead of a verdict', () => {
  // every rate is at chance after 1 epoch; with 2 epochs the rate 0.1 learns
  const score = (lr: number, budget: number): TrialScore => {
    const learns = budget >= 2 && lr === 0.1;
    const acc = learns ? 0.8 : 0.5;
    return { status: learns ? 'ok' : 'at-chance', valAccuracy: acc, valLoss: learns ? 0.4 : 0.69 + lr / 100,
      epochs: budget, bestEpoch: budget };
  };
  const { state, rounds } = solve({ grid: [0.01, 0.1, 1, 10], budgets: [1, 2], eta: 3, maxExtend: 0 }, score);
  assert.deepEqual(rounds[1]!.map((n) => n.lr), [0.01, 0.1], 'the best ⌈4/3⌉ = 2 at-chance rates went on');
  assert.equal(state.chosen, 0.1);
  assert.equal(state.note, undefined);
});
