/** `rnnlab experiment` computes the NBSVM baseline once per folder (baselines.json), reports it, keeps it on rerun. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseResults } from '../../src/report/results.ts';
import { runCli, tempDir, tinyArgs, writeSyntheticCsv } from './helpers.ts';

const ONE_CELL = ['--archs', 'gru', '--optimizers', 'adam', '--epochs', '1'];

test('experiment: NBSVM in results.json, summary.md and the terminal; kept on a rerun; --no-baseline leaves it out', { timeout: 120_000 }, () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir);
  const out = join(dir, 'exp');
  const r = runCli(tinyArgs(csv, out, ONE_CELL));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /baseline to beat: NBSVM \(uni\+bigrams/);
  assert.match(r.stdout, /NBSVM baseline: test [\d.]+%/);
  const results = parseResults(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
  const nb = results.baseline.nbsvm!;
  assert.ok(nb.accuracy >= 0.9, `NBSVM on cue words: ${nb.accuracy}`); // each text holds its class's cue word
  assert.equal(nb.selectedOn, 'val');
  assert.ok(existsSync(join(out, 'baselines.json')));
  assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), /NBSVM baseline .*test accuracy/);
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /id="baseline-nbsvm"/);

  // rerun: nothing to train, no data loaded, the baseline read back from baselines.json
  const again = runCli(tinyArgs(csv, out, ONE_CELL));
  assert.equal(again.status, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /baseline to beat/);
  assert.deepEqual(parseResults(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))).baseline.nbsvm, nb);

  const off = join(dir, 'off');
  const r2 = runCli(tinyArgs(csv, off, [...ONE_CELL, '--no-baseline']));
  assert.equal(r2.status, 0, r2.stderr);
  assert.equal(parseResults(JSON.parse(readFileSync(join(off, 'results.json'), 'utf8'))).baseline.nbsvm, undefined);
  assert.ok(!existsSync(join(off, 'baselines.json')));
  assert.doesNotMatch(r2.stdout, /NBSVM/);
});
