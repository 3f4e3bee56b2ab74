/**
 * `rnnlab compare` end to end on real (tiny) experiments: experiment and run folders side by side as markdown, CSV
 * and HTML; a folder on other data is refused in one line with exit 2. Also checks that `rnnlab report` reads the
 * run folders (split sizes, confusion matrix) and writes results.csv / history.csv.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../src/data/csv.ts';
import { runCli, tempDir, tinyArgs, writeSyntheticCsv } from '../experiment/helpers.ts';

let dir: string;
let a: string;
let b: string;
let other: string;

before(() => {
  dir = tempDir('rnnlab-compare-');
  const csv = writeSyntheticCsv(dir, 120);
  a = join(dir, 'exp-a');
  b = join(dir, 'exp-b');
  other = join(dir, 'exp-other');
  const grid = ['--archs', 'rnn', '--optimizers', 'adam', '--epochs', '1'];
  for (const [out, extra] of [[a, []], [b, ['--lr', '0.01']], [other, ['--limit', '60']]] as const) {
    const r = runCli(tinyArgs(csv, out, [...grid, ...extra]));
    assert.equal(r.status, 0, r.stderr);
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('compare: two experiments and a run folder, as markdown, CSV and HTML', () => {
  const out = join(dir, 'cmp');
  const r = runCli(['compare', a, b, join(a, 'rnn-adam'), '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^# Comparison on tiny \(data-set fingerprint [0-9a-f]{12}\)/);
  const rows = r.stdout.split('\n').filter((l) => l.startsWith('| exp-') || l.startsWith('| rnn-adam'));
  assert.equal(rows.length, 3, r.stdout);
  assert.ok(rows.some((l) => l.startsWith('| exp-b | RNN · Adam · lr 0.01 |')), rows.join('\n'));
  for (const f of ['compare.md', 'compare.csv', 'compare.html', 'compare.svg', 'compare.png']) {
    assert.ok(existsSync(join(out, f)), `${f} missing`);
  }
  const table = parseCsv(readFileSync(join(out, 'compare.csv'), 'utf8'), 'compare.csv');
  assert.equal(table.rows.length, 3);
  const col = (name: string) => table.header.indexOf(name);
  assert.deepEqual(table.rows.map((row) => row[col('folder')]), ['exp-a', 'exp-b', 'rnn-adam']);
  // the run folder is the experiment's cell: the same numbers
  assert.equal(table.rows[2]![col('test_accuracy')], table.rows[0]![col('test_accuracy')]);
  assert.match(readFileSync(join(out, 'compare.html'), 'utf8'), /<table class="data">/);
});

test('compare: another data set is one line and exit 2; one folder is not enough', () => {
  const r = runCli(['compare', a, other]);
  assert.equal(r.status, 2, r.stdout);
  assert.match(r.stderr, /^rnnlab: cannot compare: .*exp-a used data set tiny \(fingerprint [0-9a-f]+\) but .*exp-other used tiny \(fingerprint [0-9a-f]+\)[^\n]*\n$/);
  const one = runCli(['compare', a]);
  assert.equal(one.status, 2);
  assert.match(one.stderr, /^rnnlab: rnnlab compare needs two or more folders[^\n]*\n$/);
  const none = runCli(['compare', a, join(dir, 'no-such')]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /^rnnlab: .*no-such is not a folder[^\n]*\n$/);
});

test('the experiment report reads its run folders and writes results.csv and history.csv', () => {
  const html = readFileSync(join(a, 'report.html'), 'utf8');
  assert.match(html, /section class="run" id="run-rnn-adam"/);
  assert.match(html, /Split sizes<\/dt><dd>\d+ train \/ \d+ validation \/ \d+ test/);
  assert.match(html, /id="chart-confusion"/);
  const results = parseCsv(readFileSync(join(a, 'results.csv'), 'utf8'), 'results.csv');
  assert.equal(results.rows.length, 1);
  const history = parseCsv(readFileSync(join(a, 'history.csv'), 'utf8'), 'history.csv');
  assert.equal(history.rows.length, 2); // epoch 0 (before training) and epoch 1
  assert.ok(existsSync(join(a, 'curves.png')) && existsSync(join(a, 'confusion.png')));
});
