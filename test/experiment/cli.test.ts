/**
 * `rnnlab experiment` end to end on a tiny synthetic CSV: the default 12-cell grid produces every file, results.json
 * validates, a diverging cell is recorded while the rest goes on, a rerun does nothing, and bad input is one line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseResults } from '../../src/report/results.ts';
import { runCli, tempDir, tinyArgs, writeSyntheticCsv } from './helpers.ts';

const RUN_FILES = ['config.json', 'vocab.json', 'model.safetensors', 'history.jsonl', 'metrics.json', 'status.json'];
const REPORT_FILES = ['results.json', 'experiment.json', 'summary.md', 'report.html',
  ...['loss', 'accuracy', 'best'].flatMap((c) => [`${c}.svg`, `${c}.png`])];

test('default grid: every file, valid results, a diverging cell recorded, the rest trained', { timeout: 120_000 }, () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir);
  const out = join(dir, 'exp');
  const config = join(dir, 'grid.json');
  // an absurd learning rate for one cell: it must diverge, and the grid must go on
  writeFileSync(config, JSON.stringify({ cells: { 'rnn/sgd': { lr: 1e38, clip: 0 } }, all: { epochs: 1 } }));
  const r = runCli(tinyArgs(csv, out, ['--config', config]));
  assert.equal(r.status, 0, r.stderr);

  for (const f of REPORT_FILES) assert.ok(existsSync(join(out, f)), `missing ${f}`);
  const results = parseResults(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
  const cells = ['rnn', 'gru', 'lstm'].flatMap((a) => ['sgd', 'nag', 'adadelta', 'adam'].map((o) => `${a}-${o}`));
  assert.deepEqual(results.runs.map((x) => x.dir), cells);
  for (const c of cells) for (const f of RUN_FILES.slice(0, 4)) {
    if (c === 'rnn-sgd' && f === 'model.safetensors') continue;
    assert.ok(existsSync(join(out, c, f)), `missing ${c}/${f}`);
  }
  // diverged in epoch 1: the untrained epoch 0 is never kept, so there are no weights to predict with
  assert.ok(!existsSync(join(out, 'rnn-sgd', 'model.safetensors')));

  const diverged = results.runs.find((x) => x.dir === 'rnn-sgd')!;
  assert.equal(diverged.status, 'diverged');
  assert.match(diverged.reason!, /diverged/);
  assert.equal(diverged.lr, 1e38);
  for (const run of results.runs.filter((x) => x.dir !== 'rnn-sgd')) {
    assert.equal(run.status, 'ok', `${run.dir}: ${run.reason}`);
    assert.deepEqual(run.history.map((h) => h.epoch), [0, 1]);
    assert.ok(run.test && run.test.accuracy >= 0 && run.test.accuracy <= 1);
    for (const f of RUN_FILES) assert.ok(existsSync(join(out, run.dir!, f)), `missing ${run.dir}/${f}`);
  }
  assert.equal(results.runs.find((x) => x.dir === 'lstm-adam')!.lr, 0.001);
  assert.equal(results.runs.find((x) => x.dir === 'gru-adadelta')!.lr, 1);

  // best overall = highest validation accuracy at the kept epoch among ok runs
  const best = (results.best as { overall: { cell: string; valAccuracy: number } }).overall;
  const ok = results.runs.filter((x) => x.status === 'ok');
  const valAt = (x: (typeof ok)[number]) => x.history.find((h) => h.epoch === x.bestEpoch)!.valAccuracy;
  assert.equal(best.valAccuracy, Math.max(...ok.map(valAt)));
  assert.equal(typeof (results.baseline.majority as { accuracy: number }).accuracy, 'number');
  assert.ok(results.machine.cores >= 1 && results.machine.node.startsWith('v'));

  // one line per finished epoch per cell, prefixed with the cell's name
  for (const c of cells.filter((c) => c !== 'rnn-sgd')) assert.match(r.stdout, new RegExp(`^\\[${c}\\] epoch 1/1 `, 'm'));

  // the same command again: nothing left to train
  const again = runCli(tinyArgs(csv, out, ['--config', config]));
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /12 of 12 cells finished/);
  assert.doesNotMatch(again.stdout, /\] epoch /);

  // different settings, same folder: one line, exit 2
  const changed = runCli(tinyArgs(csv, out, ['--config', config, '--hidden', '4']));
  assert.equal(changed.status, 2);
  assert.match(changed.stderr, /^rnnlab: .* holds an experiment with different settings \(hidden: 8 → 4 \(all cells\)\)/);
  assert.equal(changed.stderr.trim().split('\n').length, 1);
});
