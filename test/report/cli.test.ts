/** `rnnlab report DIR` end to end, through the real CLI entry point. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportCommand } from '../../src/cli/commands/report.ts';
import { UserError } from '../../src/util/errors.ts';
import { sampleResults } from './fixture.ts';

function rnnlab(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/rnnlab.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('rnnlab report DIR rebuilds every output from results.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-cli-report-'));
  try {
    writeFileSync(join(dir, 'results.json'), JSON.stringify(sampleResults()));
    const r = rnnlab('report', dir);
    assert.equal(r.code, 0, r.stderr);
    for (const name of ['summary.md', 'report.html', 'loss.png', 'loss.svg', 'accuracy.png', 'accuracy.svg',
      'best.png', 'best.svg']) {
      assert.ok(existsSync(join(dir, name)), `${name} missing`);
      assert.match(r.stdout, new RegExp(`wrote .*${name.replace('.', '\\.')}`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rnnlab report: a missing folder exits 2 with one line and no stack trace', () => {
  const r = rnnlab('report', join(tmpdir(), 'rnnlab-no-such-folder'));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^rnnlab: folder .*rnnlab-no-such-folder does not exist[^\n]*\n$/);
});

// The other bad inputs go through the same command function in-process (spawning costs seconds each).
test('reportCommand: one-line UserErrors for a missing file, bad JSON and bad contents', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-cli-report-'));
  const fails = async (pattern: RegExp) => {
    await assert.rejects(reportCommand(dir), (e: unknown) => {
      assert.ok(e instanceof UserError, String(e));
      assert.ok(!e.message.includes('\n'), e.message);
      assert.match(e.message, pattern);
      return true;
    });
  };
  try {
    await fails(/cannot read .*results\.json/);
    writeFileSync(join(dir, 'results.json'), '{"runs": [');
    await fails(/results\.json is not valid JSON/);
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ ...sampleResults(), runs: [{ arch: 'gru' }] }));
    await fails(/results\.json is not a valid rnnlab results file \(.*runs\[0\]\.lr/);
    writeFileSync(join(dir, 'plain-file'), 'x');
    await assert.rejects(reportCommand(join(dir, 'plain-file')), /is not a folder/);
    assert.ok(!existsSync(join(dir, 'summary.md')), 'no partial output on bad input');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
