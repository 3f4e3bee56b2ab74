/**
 * The queue worker's training process (src/experiment/queue/trainer-child.ts) waits after each epoch until the
 * worker has read that epoch's files: the snapshot a worker uploads is one epoch, never a mix with the next (a worker
 * killed after uploading epoch 1 must be taken over "after epoch 1", however slow the worker is to read the folder).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrainerChild } from '../../../src/experiment/queue/trainer-child.ts';
import { tempDir, writeSyntheticCsv } from '../helpers.ts';

test('TrainerChild: the training process writes nothing after an epoch until the epoch hook has returned', { timeout: 60_000 }, async () => {
  const dir = tempDir('rnnlab-trainer-child-');
  const csv = writeSyntheticCsv(dir);
  const runDir = join(dir, 'rnn-sgd');
  const trainer = new TrainerChild();
  const seen: { epoch: number; recorded: number; after: number }[] = [];
  const recorded = (): number => JSON.parse(readFileSync(join(runDir, 'status.json'), 'utf8')).epochsCompleted;
  try {
    const outcome = await trainer.run({
      name: 'rnn-sgd', arch: 'rnn', optimizer: 'sgd', runDir,
      train: { arch: 'rnn', optimizer: 'sgd', epochs: 3, embed: 8, hidden: 8, batchSize: 16 },
      data: { load: { dataset: csv }, prepare: { maxLen: 16 } },
    }, {
      line: () => {},
      epoch: (epoch) => {
        const before = recorded();
        // a slow reader: 300 ms during which an unheld trainer would finish the next (tiny) epoch
        const until = Date.now() + 300;
        while (Date.now() < until);
        seen.push({ epoch, recorded: before, after: recorded() });
      },
    });
    assert.equal(outcome.status, 'ok', outcome.reason);
  } finally {
    trainer.close();
  }
  // epoch 0 (the evaluation before training) is reported too; each hook saw its own epoch's status, before and after
  assert.deepEqual(seen.map((s) => s.epoch), [0, 1, 2, 3]);
  for (const s of seen.filter((x) => x.epoch > 0)) assert.deepEqual([s.recorded, s.after], [s.epoch, s.epoch], `epoch ${s.epoch}`);
});
