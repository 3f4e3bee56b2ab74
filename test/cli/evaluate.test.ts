import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneLineError, rnnlabAsync } from './helpers.ts';
import { dataSpec, smallTrain, tmpDir, writeSyntheticCsv } from '../train/helpers.ts';
import { hashDir } from '../util/hash-dir.ts';
import { trainRun } from '../../src/train/run.ts';

test('evaluate: the recorded split, another data set scored whole, --out only outside the run, run directory untouched', async () => {
  const root = tmpDir('rnnlab-cli-evaluate-');
  const csv = writeSyntheticCsv(root, 200);
  const model = join(root, 'run');
  const trained = await trainRun({ dir: model, train: smallTrain({ epochs: 5, lr: 0.03, embed: 16, hidden: 16 }), data: dataSpec(csv) }, { log: () => {}, progress: false });
  // another data set whose label column is ordered differently (pos first): labels are matched by name
  const other = join(root, 'other.csv');
  writeFileSync(other, 'text,label\nthe film was great,pos\nreally awful,neg\ngreat music,pos\nawful awful plot,neg\n');
  const copy = join(root, 'renamed.csv');
  copyFileSync(csv, copy); // the run's own data under another name: recognised by its fingerprint
  const otherOut = join(root, 'other-metrics.json');
  const before = hashDir(model);

  const [own, json, theirs, renamed, renamedSeed, help] = await Promise.all([
    rnnlabAsync(['evaluate', '--model', model]),
    rnnlabAsync(['evaluate', '--model', model, '--json', '--out', join(root, 'copy.json')]),
    rnnlabAsync(['evaluate', '--model', model, '--dataset', other, '--out', otherOut]),
    rnnlabAsync(['evaluate', '--model', model, '--dataset', copy, '--json']),
    rnnlabAsync(['evaluate', '--model', model, '--dataset', copy, '--seed', '7']),
    rnnlabAsync(['evaluate', '--help']),
  ]);
  assert.equal(own.code, 0, own.stderr);
  assert.match(own.stdout, /^the run's own test split of data \(seed 42\): 40 examples\naccuracy \d+\.\d\d%  loss \d\.\d{4}  macro-F1 \d\.\d{4}  ROC AUC/);
  assert.match(own.stdout, /majority baseline \(always "neg", the training split's majority class\): 50\.00%/);
  assert.doesNotMatch(own.stdout, /written to/);

  assert.equal(json.code, 0, json.stderr);
  const j = JSON.parse(json.stdout);
  // same weights, same split: evaluate reproduces what training recorded
  assert.equal(j.accuracy, trained.metrics!.accuracy);
  assert.equal(j.loss, trained.metrics!.loss);
  assert.deepEqual(j.confusion, trained.metrics!.confusion);
  assert.deepEqual(j.baseline, trained.metrics!.baseline);
  assert.equal(j.epoch, trained.bestEpoch);
  assert.deepEqual(JSON.parse(readFileSync(join(root, 'copy.json'), 'utf8')), j);

  assert.equal(theirs.code, 0, theirs.stderr);
  assert.match(theirs.stdout, new RegExp(`^every row of ${other.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 4 examples\n`));
  const t = JSON.parse(readFileSync(otherOut, 'utf8'));
  assert.equal(t.n, 4, 'all 4 rows scored, not a 20 % split');
  assert.equal(t.accuracy, 1, 'cue words classified right, whatever the label order of the file');

  assert.equal(renamed.code, 0, renamed.stderr);
  assert.equal(JSON.parse(renamed.stdout).accuracy, trained.metrics!.accuracy, 'a renamed copy is still the recorded split');
  oneLineError(renamedSeed, /--seed does not apply: the run's own data set is scored on the test split recorded.*seed 42/);

  assert.equal(help.code, 0);
  for (const flag of ['--limit', '--val-split', '--max-len', '--truncate', '--vocab-size', '--min-freq', '--test ']) {
    assert.ok(!help.stdout.includes(flag), `${flag} is not in evaluate --help`);
  }
  assert.match(help.stdout, /--seed <n> +with --split test on another data set: the seed[\s\S]{0,150}\(default: 42\)/);
  assert.doesNotMatch(help.stdout, /default: "0"/);

  assert.equal(hashDir(model), before, 'evaluate wrote nothing into the run directory');
  assert.ok(!existsSync(join(model, 'copy.json')));
});

test('evaluate: split settings cannot be overridden, --out never inside the run, a changed data set is refused', async () => {
  const root = tmpDir('rnnlab-cli-evaluate2-');
  const csv = writeSyntheticCsv(root, 120);
  const model = join(root, 'run');
  await trainRun({ dir: model, train: smallTrain({ epochs: 1 }), data: dataSpec(csv) }, { log: () => {}, progress: false });
  const before = hashDir(model);
  const cases: [string[], RegExp][] = [
    [['--seed', '7'], /--seed does not apply: .*seed 42/],
    [['--limit', '10'], /--limit does not apply to evaluate/],
    [['--val-split', '0.5'], /--val-split does not apply to evaluate/],
    [['--max-len', '5'], /--max-len does not apply to evaluate/],
    [['--truncate', 'tail'], /--truncate does not apply to evaluate/],
    [['--test', csv], /--test does not apply to evaluate: to score a file, pass it as --dataset/],
    [['--out', join(model, 'metrics.json')], /--out .* is inside the run directory .*only train writes/],
    [['--out', join(model, 'sub', 'x.json')], /is inside the run directory/],
    [['--out', join(model, '.')], /is inside the run directory/],
    [['--out', root], /--out .* is a folder; give a file name/],
  ];
  const results = await Promise.all(cases.map(([args]) => rnnlabAsync(['evaluate', '--model', model, ...args])));
  results.forEach((r, i) => oneLineError(r, cases[i]![1]));

  writeFileSync(csv, readFileSync(csv, 'utf8') + 'a great extra row,pos\n');
  oneLineError(await rnnlabAsync(['evaluate', '--model', model]), /changed since .* was trained .*cannot be rebuilt/);
  assert.equal(hashDir(model), before);
});
