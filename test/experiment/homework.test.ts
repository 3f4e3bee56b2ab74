/**
 * --preset homework's notes: they state what the results show (numbers taken from them, never made up), explain the
 * label bug, and compare with another experiment only when one is given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homeworkNotes } from '../../src/experiment/homework.ts';
import { parseResults, type Results } from '../../src/report/results.ts';

function run(arch: string, lr: number, valAcc: number[], valLoss: number[]) {
  return {
    arch, optimizer: 'adam', lr, status: 'ok', seconds: 1, bestEpoch: valAcc.length - 1,
    history: valAcc.map((a, epoch) => ({
      epoch, trainLoss: epoch ? 0.6931 : null, trainAccuracy: epoch ? 0.5 : null, valLoss: valLoss[epoch]!,
      valAccuracy: a, testLoss: 0.69, testAccuracy: a, seconds: 1,
    })),
    test: { accuracy: valAcc[valAcc.length - 1]!, loss: 0.69, macroF1: 0.33 },
  };
}

function results(runs: unknown[], settings: Record<string, unknown> = { dataset: 'imdb', maxLen: 200 }): Results {
  return parseResults({
    runs, baseline: { majority: { accuracy: 0.5, label: 'neg' } }, settings,
    machine: { cpu: 'x', cores: 2, blas: 'openblas', threads: 2, node: 'v20' },
  });
}

const stuck = results([
  run('rnn', 1e-7, [0.5, 0.5012], [0.69315, 0.69314]),
  run('gru', 1e-9, [0.49, 0.49], [0.6932, 0.6932]),
  run('lstm', 1e-10, [0.5, 0.5], [0.6931, 0.6931]),
]);

test('without a comparison: explains the label bug, says the models do not learn, and says no comparison exists', () => {
  const notes = homeworkNotes(stuck, null, []);
  const text = notes.join('\n');
  assert.match(text, /99\.2–99\.9 %/);
  assert.match(text, /torchtext >= 0\.14 yields integer labels/);
  assert.match(text, /majority-class baseline on this data is 50\.0 %/);
  assert.match(text, /RNN \(Adam, lr 1e-7\): validation accuracy 50\.0 % before training → 50\.1 % after 1 epoch/);
  assert.match(text, /LSTM \(Adam, lr 1e-10\)/);
  assert.match(text, /At these learning rates the models do not learn/);
  assert.match(text, /No comparison experiment was given \(--compare DIR\)/);
  assert.doesNotMatch(text, /deviates/);
});

test('a run that does learn is reported as such, and deviations are listed', () => {
  const learned = results([run('rnn', 1e-3, [0.5, 0.8], [0.69, 0.45])]);
  const text = homeworkNotes(learned, null, ['--epochs 1 instead of 5']).join('\n');
  assert.match(text, /30\.0 % above the majority baseline/);
  assert.match(text, /At least one model moved clearly above the majority baseline/);
  assert.match(text, /This run deviates from the homework: --epochs 1 instead of 5\./);
});

test('with a comparison: its best runs per architecture, chosen by validation accuracy, and a data caution', () => {
  const defaults = results([
    run('lstm', 0.001, [0.5, 0.86], [0.69, 0.33]),
    run('gru', 0.001, [0.5, 0.84], [0.69, 0.35]),
  ], { dataset: 'imdb', maxLen: 200, epochs: 5, hidden: 128 });
  const same = homeworkNotes(stuck, { dir: 'runs/full', results: defaults }, []).join('\n');
  assert.match(same, /The comparison experiment in runs\/full \(epochs 5, hidden 128, maxLen 200\) reaches/);
  assert.match(same, /GRU 84\.0 % validation \/ 84\.0 % test \(Adam, lr 0\.001\); LSTM 86\.0 % validation/);
  assert.match(same, /Overall best: LSTM with Adam, test accuracy 86\.0 %/);
  assert.match(same, /It used the same data settings\./);

  const limited = results(defaults.runs, { dataset: 'imdb', maxLen: 200, limit: 2000 });
  const other = homeworkNotes(stuck, { dir: 'runs/small', results: limited }, []).join('\n');
  assert.match(other, /Caution: its data settings differ \(limit 2000 vs null here\)/);
});
