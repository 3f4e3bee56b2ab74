/**
 * results.csv / history.csv: RFC 4180 quoting that a strict reader (rnnlab's own CSV loader, the one that reads
 * training data) reads back exactly; one row per run / per epoch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../../src/data/csv.ts';
import { HISTORY_CSV_HEADER, RESULTS_CSV_HEADER, csvText, historyCsv, resultsCsv } from '../../src/report/csv.ts';
import { sampleResults } from './fixture.ts';

/** Rows as objects keyed by the header. */
function parse(text: string): Record<string, string>[] {
  const table = parseCsv(text, 'test.csv');
  return table.rows.map((row) => Object.fromEntries(table.header.map((h, i) => [h, row[i]!])));
}

test('fields with commas, quotes and line breaks survive a round trip through csv-parse', () => {
  const nasty = ['a,b', 'say "hi"', 'two\nlines', 'cr\r\nlf', '', 'plain', '=1+2'];
  const text = csvText(['i', 'x'], nasty.map((v, i) => [i, v]));
  assert.deepEqual(parse(text).map((r) => r.x), nasty);
  assert.equal(csvText(['n'], [[null], [NaN], [0.1 + 0.2]]), 'n\r\n\r\n\r\n0.30000000000000004\r\n');
});

test('results.csv has one row per run with the kept epoch, validation and test numbers', () => {
  const results = sampleResults();
  results.runs[0]!.reason = 'loss, "NaN" at\nepoch 3';
  const rows = parse(resultsCsv(results));
  assert.deepEqual(Object.keys(rows[0]!), RESULTS_CSV_HEADER);
  assert.equal(rows.length, results.runs.length);
  const gru = rows.find((r) => r.arch === 'gru' && r.optimizer === 'adam')!;
  assert.equal(gru.best_epoch, '4');
  assert.equal(gru.val_accuracy, '0.8891');
  assert.equal(gru.test_accuracy, '0.8602');
  assert.equal(gru.test_macro_f1, '0.8597');
  const failed = rows.find((r) => r.status === 'failed')!;
  assert.equal(failed.test_accuracy, '');
  assert.equal(rows.find((r) => r.status === 'diverged')!.reason, 'loss, "NaN" at\nepoch 3');
});

test('history.csv has one row per run per epoch, epoch 0 without training numbers', () => {
  const results = sampleResults();
  const rows = parse(historyCsv(results));
  assert.deepEqual(Object.keys(rows[0]!), HISTORY_CSV_HEADER);
  assert.equal(rows.length, results.runs.reduce((n, r) => n + r.history.length, 0));
  const first = rows.find((r) => r.arch === 'lstm' && r.optimizer === 'adam' && r.epoch === '0')!;
  assert.equal(first.train_loss, '');
  const last = rows.find((r) => r.arch === 'lstm' && r.optimizer === 'adam' && r.epoch === '5')!;
  assert.equal(last.val_accuracy, '0.8803');
});
