/**
 * One line `rnnlab: …`, exit 2, no stack trace: commander's own usage errors and every kind of bad output path,
 * found before any data is read (each case also names a data set that does not exist: the path error must win).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneLineError, REPO, rnnlabAsync, type CliResult } from './helpers.ts';
import { tmpDir } from '../train/helpers.ts';

const root = tmpDir('rnnlab-cli-errors-');
const file = join(root, 'a-file');
writeFileSync(file, 'not a folder');
const missing = join(root, 'no-such.csv');

test("commander's errors go through the same one-line format, exit 2", async () => {
  const cases: [string[], RegExp][] = [
    [['train', '--bogus', '--out', join(root, 'x')], /^rnnlab: unknown option '--bogus'; see rnnlab train --help$/],
    [['train'], /^rnnlab: required option '--out <dir>' not specified; see rnnlab train --help$/],
    [['evaluate'], /required option '--model <dir>' not specified/],
    [['predict', '--model'], /option '--model <dir>' argument missing/],
    [['experiment', '--epochs'], /option '--epochs <n>' argument missing/],
    [['no-such-command'], /^rnnlab: unknown command 'no-such-command'/],
    [['report'], /missing required argument 'dir'/],
    [['experiment', '--data-parallel', '2', '--out', join(root, 'e')], /^rnnlab: --data-parallel is for rnnlab train; an experiment uses the cores with --workers/],
  ];
  const results = await Promise.all(cases.map(([args]) => rnnlabAsync(args)));
  results.forEach((r, i) => oneLineError(r, cases[i]![1]));
  const help = await rnnlabAsync(['train', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: rnnlab train/);
});

test('bad --out paths: one line, exit 2, before the data set is read', async () => {
  const cases: [string[], RegExp][] = [
    [['train', '--dataset', missing, '--out', file], /--out .*a-file is an existing file, not a folder/],
    [['train', '--dataset', missing, '--out', join(file, 'sub')], /goes through .*a-file, which is a file, not a folder/],
    [['experiment', '--dataset', missing, '--out', file], /--out .*a-file is an existing file, not a folder/],
    [['experiment', '--dataset', missing, '--out', '/proc/rnnlab-nope'], /on proc .*pseudo-filesystem/],
    [['train', '--dataset', missing, '--out', '/sys/rnnlab-nope'], /on sysfs/],
    [['evaluate', '--model', join(root, 'no-run'), '--out', join(file, 'm.json')], /goes through .*a-file, which is a file/],
    [['evaluate', '--model', join(root, 'no-run'), '--out', '/proc/m.json'], /on proc/],
  ];
  const results = await Promise.all(cases.map(([args]) => rnnlabAsync(args)));
  results.forEach((r, i) => oneLineError(r, cases[i]![1]));
  assert.ok(!existsSync(join(file + '-sub')));
});

test('train --out /proc/nope ends at once (it used to spin at 100 % CPU in mkdir -p)', () => {
  const r = spawnSync(process.execPath, ['bin/rnnlab.js', 'train', '--dataset', missing, '--out', '/proc/rnnlab-nope/run'], {
    cwd: REPO, encoding: 'utf8', timeout: 60_000,
  });
  const res: CliResult = { code: r.status, stdout: r.stdout, stderr: r.stderr };
  assert.notEqual(r.signal, 'SIGTERM', 'killed by the timeout: it spun');
  oneLineError(res, /--out \/proc\/rnnlab-nope\/run is on proc/);
});

test('a reader that closes stdout early (rnnlab train --help | head) gets a quiet stop, not a stack trace', async () => {
  const r = await new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/rnnlab.js', 'train', '--help'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // closed before rnnlab writes a byte: its first write meets EPIPE
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: '', stderr }));
  });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
});
