import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneLineError, rnnlab, rnnlabAsync } from './helpers.ts';
import { tmpDir, writeSyntheticCsv } from '../train/helpers.ts';

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
  ];
  const results = await Promise.all(cases.map(([args]) => rnnlabAsync(args)));
  results.forEach((r, i) => oneLineError(r, cases[i]![1]));
  assert.ok(!existsSync(out), 'nothing written on a bad option');
});

test('a diverging run exits 1 with a one-line reason and stays usable', () => {
  const out = join(root, 'diverged');
  const r = rnnlab(['train', ...small, '--epochs', '2', '--optimizer', 'sgd', '--lr', '1e30', '--clip', '0', '--out', out]);
  assert.equal(r.code, 1);
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(lines[0]!, /^rnnlab: training diverged at epoch 1, step \d+: the loss is NaN \(last finite loss [\d.]+\); lower --lr or set --clip/);
  assert.equal(JSON.parse(readFileSync(join(out, 'status.json'), 'utf8')).status, 'diverged');
  const p = rnnlab(['predict', '--model', out, 'a great film']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /^(neg|pos)\t0\.\d{4}\ta great film\n$/);
});

