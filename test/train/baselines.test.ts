import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { majorityClassBaseline } from '../../src/train/baselines.ts';
import { trainRun } from '../../src/train/run.ts';
import { majorityFromRunConfigs } from '../../src/experiment/collect.ts';
import { dataSpec, smallTrain, tmpDir } from './helpers.ts';

test('majority baseline: the training split\'s majority class, scored on the evaluated split', () => {
  // the test split's own majority (pos, 70 %) would peek at the test labels; the training majority is neg
  assert.deepEqual(majorityClassBaseline([60, 40], [30, 70], ['neg', 'pos']), { label: 'neg', accuracy: 0.3 });
  assert.deepEqual(majorityClassBaseline([5, 5, 9], [1, 1, 2], ['a', 'b', 'c']), { label: 'c', accuracy: 0.5 });
  assert.deepEqual(majorityClassBaseline([5, 5], [1, 3], ['a', 'b']), { label: 'a', accuracy: 0.25 }, 'ties: lowest index');
  assert.equal(majorityClassBaseline([1, 0], [0, 0], ['a', 'b']).accuracy, 0);
});

test("train's metrics.json and the experiment's baseline agree (one definition)", async () => {
  const root = tmpDir('rnnlab-baseline-');
  // 2:1 neg:pos with a separate test file that is 1:2: the two definitions give different numbers here
  const rows = (n: number, negShare: number) => ['text,label', ...Array.from({ length: n }, (_, i) =>
    i < n * negShare ? `an awful film ${i},neg` : `a great film ${i},pos`)].join('\n') + '\n';
  const train = join(root, 'train.csv');
  const test = join(root, 'test.csv');
  writeFileSync(train, rows(90, 2 / 3));
  writeFileSync(test, rows(30, 1 / 3));
  const cell = join(root, 'lstm-adam');
  const out = await trainRun({ dir: cell, train: smallTrain({ epochs: 1 }), data: dataSpec(train, { test }) }, { log: () => {}, progress: false });
  assert.deepEqual(out.metrics!.baseline.majority, { label: 'neg', accuracy: 10 / 30 });
  const fromExperiment = majorityFromRunConfigs(root, [{ name: 'lstm-adam' } as never]);
  assert.deepEqual(fromExperiment, out.metrics!.baseline.majority);
});
