import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneLineError, rnnlab } from './helpers.ts';
import { tmpDir, writeSyntheticCsv } from '../train/helpers.ts';

const root = tmpDir('rnnlab-cli-train-');
const csv = writeSyntheticCsv(root, 200);
const small = ['--dataset', csv, '--embed', '8', '--hidden', '8', '--batch-size', '16', '--max-len', '20', '--val-split', '0.2'];

test('rnnlab train writes a run directory and prints one line per epoch', () => {
  const out = join(root, 'run');
  const r = rnnlab(['train', ...small, '--epochs', '2', '--lr', '0.01', '--arch', 'gru', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const epochLines = r.stdout.split('\n').filter((l) => /^epoch \d\/2 /.test(l));
  assert.equal(epochLines.length, 3);
  assert.match(epochLines[0]!, /^epoch 0\/2  \(before training\)  val loss \d\.\d{4} acc [\d.]+%  test loss/);
  assert.match(epochLines[1]!, /train loss \d\.\d{4} acc [\d.]+%/);
  assert.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');
  for (const f of ['config.json', 'vocab.json', 'model.safetensors', 'history.jsonl', 'metrics.json', 'status.json', 'checkpoint.safetensors']) {
    assert.ok(existsSync(join(out, f)), f);
  }
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.equal(config.model.arch, 'gru');
  assert.equal(config.train.epochs, 2);
  assert.equal(config.data.spec.load.dataset, csv);
  assert.equal(readFileSync(join(out, 'history.jsonl'), 'utf8').trim().split('\n').length, 3);

  // the same --out again: refused without --resume, one line
  oneLineError(rnnlab(['train', ...small, '--epochs', '2', '--lr', '0.01', '--arch', 'gru', '--out', out]), /already holds this run; pass --resume/);
  // --resume on the finished run: nothing to do, exit 0
  const again = rnnlab(['train', ...small, '--epochs', '2', '--lr', '0.01', '--arch', 'gru', '--out', out, '--resume']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already holds this finished run/);
});

test('train --help shows examples', () => {
  const r = rnnlab(['train', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:\n\s+\$ rnnlab train/);
  for (const flag of ['--arch', '--optimizer', '--lr', '--clip', '--schedule', '--patience', '--resume', '--limit', '--max-len', '--threads']) {
    assert.ok(r.stdout.includes(flag), flag);
  }
});
