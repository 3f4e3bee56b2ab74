/**
 * The guard behind "the test split is not read during the search": a search job trains on a data set whose test
 * split throws on any access. With the trainer told to hold the test split back, training works; if anything read
 * it (the negative control: the same guarded data set with test evaluation on), the run fails loudly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrainCli } from '../../../src/cli/options/train.ts';
import { datasetFor, runCell, withoutTestSplit } from '../../../src/experiment/cell.ts';
import { trainRun } from '../../../src/train/run.ts';
import { tempDir, writeSyntheticCsv } from '../helpers.ts';

const tiny = (csv: string) => parseTrainCli({ dataset: csv, embed: '8', hidden: '8', batchSize: '16', maxLen: '16', epochs: '1' });

test('a guarded test split: held back it is never touched; evaluated, the read is caught', async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 120);
  const { train, data } = tiny(csv);
  const guarded = withoutTestSplit(await datasetFor(data));
  assert.throws(() => guarded.prepared.test.count, /test split was read/);

  const held = await trainRun({ dir: join(dir, 'held'), train, data },
    { dataset: guarded, evaluateTest: false, progress: false, log: () => {} });
  assert.equal(held.status, 'ok');
  assert.equal(held.metrics, null);
  assert.ok(held.history.every((h) => h.testAccuracy === null && h.valAccuracy !== null));

  await assert.rejects(trainRun({ dir: join(dir, 'read'), train, data }, { dataset: guarded, progress: false, log: () => {} }),
    /test split was read/);
});

test('a search job (evaluateTest false) runs on the guarded data set; its folder cannot be continued as a normal run', async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 120);
  const { train, data } = tiny(csv);
  const runDir = join(dir, 'trial');
  const lines: string[] = [];
  const job = { name: 'trial', arch: 'rnn', optimizer: 'adam', runDir, train, data, evaluateTest: false };
  const o = await runCell(job, { line: (t) => lines.push(t), epoch: () => {} });
  assert.equal(o.status, 'ok', lines.join('\n'));
  assert.equal(existsSync(join(runDir, 'metrics.json')), false);
  await assert.rejects(trainRun({ dir: runDir, train: { ...train, epochs: 2 }, data }, { progress: false, log: () => {} }),
    /selection-only run/);
});
