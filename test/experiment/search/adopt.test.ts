/**
 * A final run that continues its rate's search trial (src/experiment/search/adopt.ts) must end exactly as the same
 * run trained from scratch: same history (test figures of the adopted epochs included), same kept weights, same
 * metrics.json. And a study really does continue the trial, then deletes the trials' per-epoch weights.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrainCli } from '../../../src/cli/options/train.ts';
import { withoutTestSplit } from '../../../src/experiment/cell.ts';
import { adoptionBlocker, adoptTrial } from '../../../src/experiment/search/adopt.ts';
import { searchTrain } from '../../../src/experiment/search/trial.ts';
import { prepareDataset, trainRun } from '../../../src/train/run.ts';
import { readHistory, snapshotFile } from '../../../src/train/run-dir.ts';
import { tempDir, withoutTimings, writeSyntheticCsv } from '../helpers.ts';
import { runTinyStudy } from './helpers.ts';

const quiet = { log: () => {}, progress: false };

for (const [what, extra] of [['gru + adam', { arch: 'gru', optimizer: 'adam' }],
  ['lstm + nag, dropout, --ema', { arch: 'lstm', optimizer: 'nag', dropout: '0.3', ema: '0.9' }]] as const) {
  test(`a final run continued from its search trial equals the run trained from scratch (${what})`, { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const csv = writeSyntheticCsv(dir, 300);
    const { train, data } = parseTrainCli({ dataset: csv, maxLen: '16', embed: '8', hidden: '8', batchSize: '16', epochs: '4', ...extra });
    const ds = await prepareDataset(data);
    const trial = join(dir, 'search', 'lr-x');
    const r = await trainRun({ dir: trial, train: searchTrain(train, train.lr!, train.seed!, 2), data },
      { ...quiet, dataset: withoutTestSplit(ds), evaluateTest: false, snapshots: true });
    assert.equal(r.status, 'ok');
    for (const e of [0, 1, 2]) assert.ok(existsSync(snapshotFile(trial, e)), `snapshot of epoch ${e}`);

    const adopted = join(dir, 'final');
    assert.equal(adoptTrial(trial, adopted, ds, train, data), true);
    assert.equal(adoptionBlocker(trial, adopted, train, data), 'the final run has started');
    const a = await trainRun({ dir: adopted, train, data }, { ...quiet, dataset: ds });
    assert.equal(a.resumedFrom, 2, 'it continued after the trial\'s last epoch');
    const b = await trainRun({ dir: join(dir, 'scratch'), train, data }, { ...quiet, dataset: ds });
    assert.equal(b.resumedFrom, null);

    assert.deepEqual(withoutTimings(readHistory(adopted)), withoutTimings(readHistory(join(dir, 'scratch'))));
    assert.ok(readHistory(adopted).every((h) => typeof h.testAccuracy === 'number'), 'every epoch has its test figures');
    const file = (d: string, f: string) => readFileSync(join(d, f));
    assert.ok(file(adopted, 'model.safetensors').equals(file(join(dir, 'scratch'), 'model.safetensors')));
    assert.deepEqual(JSON.parse(file(adopted, 'metrics.json').toString()), JSON.parse(file(join(dir, 'scratch'), 'metrics.json').toString()));
    assert.equal(JSON.parse(file(adopted, 'config.json').toString()).testHeldBack, undefined);
  });
}

test('nothing is adopted from a trial without its per-epoch weights, of another run, or into a started folder', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 200);
  const { train, data } = parseTrainCli({ dataset: csv, maxLen: '16', embed: '8', hidden: '8', batchSize: '16', epochs: '3', lr: '0.001' });
  const ds = await prepareDataset(data);
  const plain = join(dir, 'plain');
  await trainRun({ dir: plain, train: searchTrain(train, train.lr!, train.seed!, 1), data },
    { ...quiet, dataset: withoutTestSplit(ds), evaluateTest: false });
  assert.equal(adoptionBlocker(plain, join(dir, 'f1'), train, data), 'no per-epoch weights');
  assert.equal(adoptTrial(plain, join(dir, 'f1'), ds, train, data), false);
  assert.equal(existsSync(join(dir, 'f1')), false, 'nothing written');

  const other = join(dir, 'other');
  await trainRun({ dir: other, train: searchTrain(train, train.lr! * 3, train.seed!, 1), data },
    { ...quiet, dataset: withoutTestSplit(ds), evaluateTest: false, snapshots: true });
  assert.equal(adoptionBlocker(other, join(dir, 'f2'), train, data), 'a different run');

  const ok = join(dir, 'ok');
  await trainRun({ dir: ok, train: searchTrain(train, train.lr!, train.seed!, 1), data },
    { ...quiet, dataset: withoutTestSplit(ds), evaluateTest: false, snapshots: true });
  const started = join(dir, 'f3');
  mkdirSync(started);
  writeFileSync(join(started, 'config.json'), '{}');
  assert.equal(adoptionBlocker(ok, started, train, data), 'the final run has started');
  assert.equal(adoptionBlocker(ok, join(dir, 'f4'), { ...train, patience: 2 }, data), 'early stopping depends on the run length');
  assert.equal(adoptionBlocker(ok, join(dir, 'f4'), train, data), null);
});

test('a study continues each chosen trial as its first final run, then drops the trials\' per-epoch weights and checkpoints', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 200);
  const out = join(dir, 'exp');
  await runTinyStudy({ csv, out, lrSearch: 'halving', seeds: 1, optimizers: ['adam'], epochs: 3 });
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  const chosen = results.cells[0].lr as number;
  const trial = join(out, 'search', 'rnn-adam', `lr-${chosen}`);
  const trialHistory = readHistory(trial);
  const final = readHistory(join(out, 'rnn-adam'));
  assert.equal(final.length, 4);
  // the trial's epochs were copied (their wall times too), not trained again
  for (const h of trialHistory) assert.equal(final[h.epoch]!.seconds, h.seconds, `epoch ${h.epoch}`);
  assert.ok(trialHistory.length >= 2 && trialHistory.length < final.length);
  for (const t of readdirSync(join(out, 'search', 'rnn-adam'))) {
    assert.equal(existsSync(join(out, 'search', 'rnn-adam', t, 'snapshots')), false, `${t} still holds snapshots`);
    assert.equal(existsSync(join(out, 'search', 'rnn-adam', t, 'checkpoint.safetensors')), false, `${t} still holds its checkpoint`);
    assert.ok(existsSync(join(out, 'search', 'rnn-adam', t, 'history.jsonl')), `${t} lost its record`);
  }
});
