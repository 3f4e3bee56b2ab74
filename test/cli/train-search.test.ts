/**
 * `rnnlab train --lr-search halving`: the search runs its trials beside --out (test split held back), the chosen
 * rate trains the run in --out, and a bad mode is one line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { oneLineError, rnnlab } from './helpers.ts';
import { tempDir, writeSyntheticCsv } from '../experiment/helpers.ts';

test('train --lr-search halving chooses a rate on validation and trains --out with it', { timeout: 120_000 }, () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 200);
  const out = join(dir, 'run');
  const args = ['train', '--dataset', csv, '--embed', '8', '--hidden', '8', '--batch-size', '16', '--max-len', '16',
    '--epochs', '1', '--optimizer', 'adam', '--lr-search', 'halving', '--out', out];
  const r = rnnlab(args);
  assert.equal(r.code, 0, r.stderr);
  const chosen = Number(/chosen learning rate ([0-9.e-]+)/.exec(r.stdout)?.[1]);
  assert.ok(chosen > 0, r.stdout);
  assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).train.optimizerOptions.lr, chosen);
  assert.ok(existsSync(join(out, 'metrics.json')));
  const trials = readdirSync(`${out}.search`);
  assert.ok(trials.length >= 5 && trials.includes(`lr-${chosen}`), trials.join(', '));
  for (const t of trials) assert.equal(existsSync(join(`${out}.search`, t, 'metrics.json')), false, `${t} read the test split`);

  oneLineError(rnnlab([...args.slice(0, -4), '--lr-search', 'grid', '--out', join(dir, 'x')]), /--lr-search must be one of off, halving/);
});
