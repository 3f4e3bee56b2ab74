/**
 * `rnnlab train --recompute` (options.recompute): the run's numbers and weights are those of the same run without
 * it, bit for bit; it is recorded in config.json but is not part of the run's identity, so a run started without it
 * resumes with it (and the other way round) and still ends as the straight run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainRun } from '../../src/train/run.ts';
import { collector, dataSpec, smallTrain, tmpDir, writeSyntheticCsv } from './helpers.ts';

test('trainRun with recompute: the same bits as without, recorded, and free to change on resume', async () => {
  const root = tmpDir('rnnlab-recompute-');
  const spec = dataSpec(writeSyntheticCsv(root, 160));
  const quiet = { log: collector().log, progress: false, baseline: false };
  const opts = (epochs: number, recompute?: boolean) => smallTrain({
    epochs, layers: 3, bidirectional: true, dropout: 0.2, arch: 'lstm', optimizer: 'adam', threads: 1,
    ...(recompute === undefined ? {} : { recompute }),
  });
  const plain = await trainRun({ dir: join(root, 'plain'), train: opts(4), data: spec }, quiet);
  const lean = await trainRun({ dir: join(root, 'lean'), train: opts(4, true), data: spec }, quiet);
  const half = await trainRun({ dir: join(root, 'mixed'), train: opts(2), data: spec }, quiet);
  const rest = await trainRun({ dir: join(root, 'mixed'), train: opts(4, true), data: spec }, quiet);
  assert.equal(half.epochsCompleted, 2);
  assert.equal(rest.resumedFrom, 2);
  const numbers = (h: typeof plain.history) => h.map(({ seconds: _s, tokensPerSecond: _t, evalTokensPerSecond: _e, ...r }) => r);
  const weights = (dir: string) => readFileSync(join(root, dir, 'model.safetensors'));
  for (const other of [lean, rest]) {
    assert.deepEqual(numbers(other.history), numbers(plain.history));
    assert.deepEqual(other.metrics, plain.metrics);
  }
  assert.ok(weights('lean').equals(weights('plain')));
  assert.ok(weights('mixed').equals(weights('plain')));
  const config = (dir: string) => JSON.parse(readFileSync(join(root, dir, 'config.json'), 'utf8'));
  assert.equal(config('lean').train.recompute, true);
  assert.equal(config('plain').train.recompute, undefined);
  assert.equal(config('mixed').train.recompute, true, 'config.json records the last invocation, as --threads');
});
