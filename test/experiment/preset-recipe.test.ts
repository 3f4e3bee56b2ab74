/**
 * `rnnlab experiment --preset strong`: the training recipe of `train --preset strong` is the preset layer of every
 * cell (so the cells stay on equal terms), a config file's "all" and the command line still override it, and its
 * data option (--max-len) is shared by the grid unless given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeSyntheticCsv } from './helpers.ts';
import { TRAIN_PRESETS } from '../../src/train/presets.ts';

test('--preset strong applies to every cell; "all" in a config and flags override it', { timeout: 120_000 }, () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir);
  const out = join(dir, 'exp');
  const config = join(dir, 'grid.json');
  writeFileSync(config, JSON.stringify({ all: { dropout: 0.1 } }));
  const r = runCli(['experiment', '--dataset', csv, '--embed', '6', '--hidden', '5', '--batch-size', '16',
    '--archs', 'rnn,gru', '--optimizers', 'adam', '--epochs', '1', '--no-baseline', '--preset', 'strong',
    '--config', config, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^preset strong: --bidirectional --pooling last\+max\+mean/m);
  for (const cell of ['rnn-adam', 'gru-adam']) {
    const c = JSON.parse(readFileSync(join(out, cell, 'config.json'), 'utf8'));
    assert.equal(c.train.pooling, TRAIN_PRESETS.strong.options.pooling, cell);
    assert.equal(c.train.bidirectional, true, cell);
    assert.equal(c.train.embedDropout, Number(TRAIN_PRESETS.strong.options.embedDropout), cell);
    assert.equal(c.train.dropout, 0.1, `${cell}: the config file's "all" wins over the preset`);
    assert.equal(c.train.epochs, 1, `${cell}: the flag wins over the preset`);
    assert.equal(c.data.spec.prepare.maxLen, Number(TRAIN_PRESETS.strong.options.maxLen), `${cell}: the data option`);
  }
});

test('--preset strong beside a cell\'s --step-size: that cell runs the step schedule it asked for, the others the preset\'s cosine', { timeout: 120_000 }, () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir);
  const out = join(dir, 'exp');
  const config = join(dir, 'grid.json');
  writeFileSync(config, JSON.stringify({ cells: { 'gru/adam': { stepSize: 1 } } }));
  const r = runCli(['experiment', '--dataset', csv, '--embed', '6', '--hidden', '5', '--batch-size', '16',
    '--archs', 'rnn,gru', '--optimizers', 'adam', '--epochs', '2', '--no-baseline', '--preset', 'strong',
    '--config', config, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const read = (cell: string) => JSON.parse(readFileSync(join(out, cell, 'config.json'), 'utf8')).train;
  assert.deepEqual(read('gru-adam').schedule, { kind: 'step', options: { stepSize: 1, gamma: 0.1 } });
  assert.equal(read('rnn-adam').schedule.kind, TRAIN_PRESETS.strong.options.schedule);
});
