import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneLineError, rnnlab, rnnlabAsync } from './helpers.ts';
import { setCheckpointParam, tmpDir, writeSyntheticCsv } from '../train/helpers.ts';

const root = tmpDir('rnnlab-cli-train-');
const csv = writeSyntheticCsv(root, 200);
const small = ['--dataset', csv, '--embed', '8', '--hidden', '8', '--batch-size', '16', '--max-len', '20', '--val-split', '0.2'];

test('bad option values exit 2 with one line that lists the allowed values', async () => {
  const out = join(root, 'never');
  // (every value rule is tested in-process in test/train/options.test.ts; these check the CLI's exit code and format)
  const cases: [string[], RegExp][] = [
    [['train', '--arch', 'cnn', '--out', out], /--arch must be one of rnn, gru, lstm \(got "cnn"\)/],
    [['train', '--optimizer', 'lion', '--epochs', 'many', '--out', out], /--optimizer must be one of sgd, nag, adadelta, adam, adamw, rmsprop.*; --epochs must be a number/],
    [['train', '--optimizer', 'adam', '--momentum', '0.9', '--out', out], /--momentum does not apply to adam/],
    [['train', '--truncate', 'middle', '--out', out], /--truncate/],
    [['train', '--data-parallel', '0', '--out', out], /--data-parallel must be/],
    [['train', ...small, '--threads', '2', '--data-parallel', '2', '--out', out], /--threads 2 and --data-parallel 2: give one/],
  ];
  const results = await Promise.all(cases.map(([args]) => rnnlabAsync(args)));
  results.forEach((r, i) => oneLineError(r, cases[i]![1]));
  assert.ok(!existsSync(out), 'nothing written on a bad option');
});

test('a diverging run exits 1 with a one-line reason and stays usable (weights turned NaN, deterministically)', () => {
  const out = join(root, 'diverged');
  const first = rnnlab(['train', ...small, '--epochs', '1', '--out', out]);
  assert.equal(first.code, 0, first.stderr);
  setCheckpointParam(out, 'fc.bias', NaN); // as if epoch 1's last update had overflowed: NaN on every CPU
  const r = rnnlab(['train', ...small, '--epochs', '2', '--resume', '--out', out]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^rnnlab: training diverged at epoch 2, step 1: the loss is NaN \(no finite loss yet this epoch\); lower --lr or --clip \[run marked diverged; .*model\.safetensors keeps epoch 1\]$/);
  assert.equal(JSON.parse(readFileSync(join(out, 'status.json'), 'utf8')).status, 'diverged');
  const p = rnnlab(['predict', '--model', out, 'a great film']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /^(neg|pos)\t0\.\d{4}\ta great film\n$/);
});

test('sgd --lr 1e6 --clip 0 (a huge loss that stays finite on the kernels tried) exits 1 as diverged', () => {
  const out = join(root, 'exploded');
  const r = rnnlab(['train', ...small, '--epochs', '2', '--optimizer', 'sgd', '--lr', '1e6', '--clip', '0', '--out', out]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  // the bound's message where the loss stays finite (every OPENBLAS_CORETYPE tried); NaN's where a kernel overflows
  assert.match(lines[0]!, /^rnnlab: training diverged (in epoch 1: the mean training loss is \S+, over 100 × the chance-level loss ln 2 \(69\.3\)|at epoch 1, step \d+: the loss is (NaN|-?Infinity) .*); lower --lr or set --clip/);
  assert.equal(JSON.parse(readFileSync(join(out, 'status.json'), 'utf8')).status, 'diverged');
  // diverged in epoch 1: the untrained epoch 0 is never kept, so predict says so in one line instead of guessing
  oneLineError(rnnlab(['predict', '--model', out, 'a great film']), /no training epoch finished/);
});

