import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseResults, readResults } from '../../src/report/results.ts';
import { UserError } from '../../src/util/errors.ts';
import { sampleResults } from './fixture.ts';

/** What the experiment writes: the fixture after a JSON round trip. */
const json = () => JSON.parse(JSON.stringify(sampleResults()));

function userErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${e}`);
    assert.ok(!e.message.includes('\n'), `message is not one line: ${JSON.stringify(e.message)}`);
    return e.message;
  }
  assert.fail('no error thrown');
}

test('a well-formed results file parses, keeping unknown extra fields', () => {
  const value = json();
  value.createdBy = 'rnnlab 0.1.0';
  value.runs[0].extra = { note: 'kept' };
  const results = parseResults(value);
  assert.equal(results.runs.length, 12);
  assert.equal(results.runs[0].history[0].trainLoss, null);
  assert.equal((results as Record<string, unknown>).createdBy, 'rnnlab 0.1.0');
  assert.deepEqual((results.runs[0] as Record<string, unknown>).extra, { note: 'kept' });
});

test('the baseline may be a number or an object with accuracy and label', () => {
  const value = json();
  value.baseline = { majority: { accuracy: 0.52, label: 'pos' } };
  assert.deepEqual(parseResults(value).baseline.majority, { accuracy: 0.52, label: 'pos' });
});

test('a bad field gives a one-line UserError naming the file and the paths', () => {
  const value = json();
  value.runs[0].status = 'exploded';
  value.runs[2].history[1].valAccuracy = 'high';
  const message = userErrorMessage(() => parseResults(value, 'out/results.json'));
  assert.match(message, /^out\/results\.json is not a valid rnnlab results file/);
  assert.match(message, /runs\[0\]\.status/);
  assert.match(message, /runs\[2\]\.history\[1\]\.valAccuracy/);
});

test('missing sections and wrong types are rejected', () => {
  for (const mutate of [
    (v: any) => delete v.machine,
    (v: any) => (v.runs = 'all of them'),
    (v: any) => (v.runs[3].lr = -1),
    (v: any) => (v.runs[3].history[2].epoch = 1.5),
  ]) {
    const value = json();
    mutate(value);
    userErrorMessage(() => parseResults(value));
  }
});

test('readResults: missing file and invalid JSON give one-line UserErrors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-results-'));
  try {
    assert.match(userErrorMessage(() => readResults(join(dir, 'results.json'))), /cannot read .*results\.json/);
    writeFileSync(join(dir, 'results.json'), '{"runs": [');
    assert.match(userErrorMessage(() => readResults(join(dir, 'results.json'))), /is not valid JSON/);
    writeFileSync(join(dir, 'results.json'), JSON.stringify(sampleResults()));
    assert.equal(readResults(join(dir, 'results.json')).runs.length, 12);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
