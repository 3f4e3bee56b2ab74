/** The plain-words reading of a run's validation curve. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readRun } from '../../src/report/diagnose.ts';
import type { Run } from '../../src/report/results.ts';

function run(val: [number, number][], train: (number | null)[], bestEpoch: number): Run {
  return {
    arch: 'gru', optimizer: 'adam', lr: 0.001, status: 'ok', seconds: 1, bestEpoch,
    test: { accuracy: 0.8, loss: 0.4, macroF1: 0.8 },
    history: val.map(([loss, acc], epoch) => ({
      epoch, trainLoss: train[epoch] ?? null, trainAccuracy: null, valLoss: loss, valAccuracy: acc,
      testLoss: loss, testAccuracy: acc, seconds: 1,
    })),
  };
}

test('over-fitting: validation loss rises after the kept epoch while training loss falls', () => {
  const r = readRun(run([[0.69, 0.5], [0.4, 0.82], [0.45, 0.83], [0.55, 0.81]], [null, 0.5, 0.3, 0.1], 1), 0.5);
  assert.equal(r.verdict, 'over-fitting');
  assert.match(r.text, /rose from 0\.400 \(epoch 1\) to 0\.550 \(epoch 3\) while training loss kept falling/);
});

test('still improving: the last epoch is the best and gained at least half a point', () => {
  const r = readRun(run([[0.69, 0.5], [0.5, 0.7], [0.45, 0.76]], [null, 0.6, 0.5], 2), 0.5);
  assert.equal(r.verdict, 'still improving');
  assert.match(r.text, /rose 6\.0 points in the last epoch/);
  // a falling validation loss counts too; a last epoch that barely moves either does not
  assert.match(readRun(run([[0.69, 0.5], [0.5, 0.758], [0.45, 0.76]], [null, 0.6, 0.5], 2), 0.5).text,
    /validation loss still fell 10\.0%/);
  assert.equal(readRun(run([[0.69, 0.5], [0.5, 0.758], [0.498, 0.76]], [null, 0.6, 0.5], 2), 0.5).verdict,
    'levelled off');
});

test('at baseline: within 2 points of the majority class, whatever the curve', () => {
  assert.equal(readRun(run([[0.69, 0.5], [0.68, 0.51], [0.67, 0.515]], [null, 0.69, 0.68], 2), 0.5).verdict,
    'at baseline');
});

test('diverged, failed and unfinished runs say so', () => {
  const d = run([[0.69, 0.5]], [null], 0);
  assert.equal(readRun({ ...d, status: 'diverged', reason: 'loss became NaN' }, 0.5).text, 'loss became NaN');
  assert.equal(readRun({ ...d, status: 'failed' }, 0.5).verdict, 'failed');
  assert.equal(readRun({ ...d, status: 'running' }, 0.5).verdict, 'unfinished');
});
