/**
 * planStudy as a pure function of a fake disk: with the search off it plans the cells' own runs; seeds get their
 * own folders; racing gives extra seeds only to the leader and the cells still tied with it, up to the cap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrainOptions } from '../../../src/train/options.ts';
import { planStudy, studySettings, type TrialDisk } from '../../../src/experiment/search/study.ts';
import type { PlannedCell } from '../../../src/experiment/plan.ts';
import type { Trial } from '../../../src/experiment/search/trial.ts';

const cell = (arch: string, optimizer: string, lr: number): PlannedCell => ({
  name: `${arch}-${optimizer}`, arch, optimizer, train: parseTrainOptions({ arch, optimizer, lr, epochs: 2, seed: 42 }),
});

/** Runs the plan round by round against a fake disk whose final runs score by `score(cell, seed)`. */
function race(cells: PlannedCell[], settings: ReturnType<typeof studySettings>, score: (cell: string, seed: number) => number) {
  const done = new Set<string>();
  const disk: TrialDisk = {
    score: () => null,
    finished: (t: Trial) => done.has(t.id),
    finalScore: (t: Trial) => (done.has(t.id) ? { val: score(t.cell, t.seed), test: score(t.cell, t.seed) } : null),
  };
  let rounds = 0;
  for (;;) {
    const plan = planStudy(cells, settings, disk);
    if (plan.pending.length === 0) return { plan, rounds };
    for (const t of plan.pending) done.add(t.id);
    rounds++;
    assert.ok(rounds < 50, 'racing must end');
  }
}

test('search off: the cells\' own rates, seeds in their own folders (first seed = today\'s folder)', () => {
  const cells = [cell('rnn', 'adam', 0.001), cell('lstm', 'sgd', 2)];
  const { plan, rounds } = race(cells, studySettings(cells, 'off', 3), () => 0.8);
  assert.equal(rounds, 1);
  assert.deepEqual(plan.cells[0]!.finals.map((t) => [t.id, t.seed, t.group.lr]),
    [['rnn-adam', 42, 0.001], ['rnn-adam-seed43', 43, 0.001], ['rnn-adam-seed44', 44, 0.001]]);
  assert.equal(plan.cells[0]!.finals[0]!.train, cells[0]!.train, 'the first seed is exactly the plain grid\'s run');
  assert.equal(plan.cells[0]!.finals[1]!.train.seed, 43);
});

test('racing: extra seeds go to the leader and the cells tied with it, up to the cap; a separated cell gets none', () => {
  const cells = [cell('gru', 'adam', 0.001), cell('lstm', 'adam', 0.001), cell('rnn', 'sgd', 2)];
  const wiggle = (seed: number) => 0.005 * (seed % 2);
  const score = (c: string, seed: number) =>
    c === 'gru-adam' ? 0.88 - wiggle(seed) : c === 'lstm-adam' ? 0.878 - wiggle(seed) : 0.5 + 2 * wiggle(seed);
  const { plan } = race(cells, studySettings(cells, 'off', 2, {}, 5), score);
  const n = Object.fromEntries(plan.cells.map((c) => [c.cell.name, c.finals.length]));
  assert.deepEqual(n, { 'gru-adam': 5, 'lstm-adam': 5, 'rnn-sgd': 2 });

  // without a cap above --seeds there is no racing
  const plain = race(cells, studySettings(cells, 'off', 2), score).plan;
  assert.deepEqual(plain.cells.map((c) => c.finals.length), [2, 2, 2]);
});
