import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rnnlabAsync } from './helpers.ts';
import { dataSpec, smallTrain, tmpDir, writeSyntheticCsv } from '../train/helpers.ts';
import { trainRun } from '../../src/train/run.ts';

test('evaluate: metrics on the recorded test split (= training\'s), another data set, --out FILE, --json', async () => {
  const root = tmpDir('rnnlab-cli-evaluate-');
  const csv = writeSyntheticCsv(root, 200);
  const model = join(root, 'run');
  const trained = await trainRun({ dir: model, train: smallTrain({ epochs: 5, lr: 0.03, embed: 16, hidden: 16 }), data: dataSpec(csv) }, { log: () => {}, progress: false });
  // another data set whose label column is ordered differently (pos first): labels are matched by name
  const other = join(root, 'other.csv');
  writeFileSync(other, 'text,label\nthe film was great,pos\nreally awful,neg\ngreat music,pos\nawful awful plot,neg\n');
  const otherOut = join(root, 'other-metrics.json');

  const [own, json, theirs, bad] = await Promise.all([
    rnnlabAsync(['evaluate', '--model', model]),
    rnnlabAsync(['evaluate', '--model', model, '--json', '--out', join(root, 'copy.json')]),
    rnnlabAsync(['evaluate', '--model', model, '--dataset', other, '--test', other, '--out', otherOut]),
    rnnlabAsync(['evaluate', '--model', join(root, 'missing')]),
  ]);
  assert.equal(own.code, 0, own.stderr);
  assert.match(own.stdout, /test split: 40 examples\naccuracy \d+\.\d\d%  loss \d\.\d{4}  macro-F1 \d\.\d{4}  ROC AUC/);
  assert.match(own.stdout, /majority baseline \(always "neg"\): 50\.00%/);
  assert.match(own.stdout, /confusion \(rows = true, columns = predicted\)/);
  // same weights, same split: evaluate reproduces what training recorded
  const written = JSON.parse(readFileSync(join(model, 'metrics.json'), 'utf8'));
  assert.equal(written.accuracy, trained.metrics!.accuracy);
  assert.equal(written.loss, trained.metrics!.loss);
  assert.deepEqual(written.confusion, trained.metrics!.confusion);
  assert.equal(written.epoch, trained.bestEpoch);

  assert.equal(json.code, 0, json.stderr);
  const j = JSON.parse(json.stdout);
  assert.equal(j.accuracy, trained.metrics!.accuracy);
  assert.deepEqual(JSON.parse(readFileSync(join(root, 'copy.json'), 'utf8')), j);

  assert.equal(theirs.code, 0, theirs.stderr);
  const t = JSON.parse(readFileSync(otherOut, 'utf8'));
  assert.equal(t.n, 4);
  assert.equal(t.accuracy, 1, 'cue words classified right, whatever the label order of the file');

  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^rnnlab: model directory .* does not exist[^\n]*\n$/);
});
