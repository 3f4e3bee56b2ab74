/** `rnnlab baseline`, and the NBSVM baseline that `rnnlab train` computes by default (and skips with --no-baseline). */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneLineError, rnnlab } from './helpers.ts';
import { tmpDir, writeSyntheticCsv } from '../train/helpers.ts';
import { DEFAULT_GRID } from '../../src/baseline/index.ts';

const root = tmpDir('rnnlab-cli-baseline-');
const csv = writeSyntheticCsv(root, 200);
const csv3 = writeSyntheticCsv(tmpDir('rnnlab-cli-baseline3-'), 240, { classes: 3 });

test('rnnlab baseline --json: majority from train, NBSVM chosen on val over the whole grid, scored on test', () => {
  const r = rnnlab(['baseline', '--dataset', csv, '--val-split', '0.2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.sizes, { train: 128, val: 32, test: 40 }); // no test split in the CSV: 20 % held out, then 20 % val
  assert.equal(j.majority.testAccuracy, 0.5);
  assert.equal(j.nbsvm.candidates.length, DEFAULT_GRID.length);
  assert.equal(j.nbsvm.selectedOn, 'val');
  // every text carries its class's cue word: a bag of words separates them
  assert.ok(j.nbsvm.accuracy >= 0.95, `NBSVM test accuracy ${j.nbsvm.accuracy}`);
});

test('rnnlab baseline: three classes (one-vs-rest), text output', () => {
  const r = rnnlab(['baseline', '--dataset', csv3]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /majority class \("\w+", from train\): val [\d.]+%, test [\d.]+%/);
  assert.match(r.stdout, /← chosen/);
  const acc = Number(/chosen .*test ([\d.]+)%/.exec(r.stdout)![1]);
  assert.ok(acc >= 95, `3-class NBSVM test accuracy ${acc}`);
});

test('rnnlab baseline: a bad data option is one line', () => {
  oneLineError(rnnlab(['baseline', '--dataset', csv, '--val-split', '2']), /--val-split/);
});

const small = ['--dataset', csv, '--embed', '8', '--hidden', '8', '--batch-size', '16', '--max-len', '20', '--val-split', '0.2', '--epochs', '1'];

test('rnnlab train reports NBSVM beside the majority baseline (terminal, metrics.json); --no-baseline skips it', () => {
  const on = join(root, 'on');
  const r = rnnlab(['train', ...small, '--out', on]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /baseline to beat: NBSVM \(uni\+bigrams, .* chosen on val [\d.]+%\): test [\d.]+%/);
  assert.match(r.stdout, /NBSVM baseline: test accuracy [\d.]+%/);
  const m = JSON.parse(readFileSync(join(on, 'metrics.json'), 'utf8'));
  assert.equal(typeof m.baseline.majority.accuracy, 'number');
  assert.ok(m.baseline.nbsvm.accuracy >= 0.95, JSON.stringify(m.baseline.nbsvm));
  assert.equal(m.baseline.nbsvm.selectedOn, 'val');
  assert.equal(m.baseline.nbsvm.seconds, undefined, 'no wall time in a run record (resume must equal a straight run)');

  const off = join(root, 'off');
  const r2 = rnnlab(['train', ...small, '--out', off, '--no-baseline']);
  assert.equal(r2.code, 0, r2.stderr);
  assert.doesNotMatch(r2.stdout, /NBSVM/);
  const m2 = JSON.parse(readFileSync(join(off, 'metrics.json'), 'utf8'));
  assert.equal(m2.baseline.nbsvm, undefined);
});
