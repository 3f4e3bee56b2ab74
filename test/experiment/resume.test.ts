/**
 * Resumability, end to end: a real `rnnlab experiment` child process is SIGKILLed in the middle of the grid (one cell
 * finished, the next half-done), the same command is run again, and its results.json must equal an uninterrupted
 * run's, timings aside. Finished cells must not be retrained, the half-done one must continue from its checkpoint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, spawnCli, tempDir, tinyArgs, withoutTimings, writeSyntheticCsv } from './helpers.ts';

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function epochsDone(cellDir: string): number {
  const path = join(cellDir, 'history.jsonl');
  if (!existsSync(path)) return 0;
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim());
  return lines.length === 0 ? 0 : JSON.parse(lines[lines.length - 1]!).epoch;
}

function status(cellDir: string): string | null {
  try {
    return readJson(join(cellDir, 'status.json')).status;
  } catch {
    return null; // absent, or being renamed into place right now
  }
}

test('an experiment killed mid-grid resumes and ends exactly like an uninterrupted one', { timeout: 90_000 }, async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 3000);
  const grid = ['--archs', 'rnn,lstm', '--optimizers', 'adam', '--epochs', '2', '--max-len', '32'];
  const killedDir = join(dir, 'killed');
  const cleanDir = join(dir, 'clean');

  // The uninterrupted reference runs at the same time as the one we kill (the machine has cores to spare).
  const clean = spawnCli(tinyArgs(csv, cleanDir, grid));
  const cleanDone = new Promise<number | null>((resolve) => clean.on('exit', (code) => resolve(code)));

  const child = spawnCli(tinyArgs(csv, killedDir, grid));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let exitedEarly = false;
  void exited.then(() => { exitedEarly = true; });

  // Kill once the first cell is finished and the second has at least one completed epoch but is not done.
  const first = join(killedDir, 'rnn-adam');
  const second = join(killedDir, 'lstm-adam');
  let killedAt: { firstModelMtime: number; secondEpochs: number } | null = null;
  while (!exitedEarly) {
    if (status(first) === 'ok' && status(second) === 'running' && epochsDone(second) >= 1) {
      child.kill('SIGKILL');
      killedAt = { firstModelMtime: statSync(join(first, 'model.safetensors')).mtimeMs, secondEpochs: epochsDone(second) };
      break;
    }
    await sleep(2);
  }
  await exited;
  assert.ok(killedAt, `the run finished before it could be killed mid-grid (make the data larger); stderr: ${stderr}`);
  assert.equal(existsSync(join(killedDir, 'results.json')) && readJson(join(killedDir, 'results.json')).runs.length, 2,
    'a partial grid already has results.json after its first finished cell');

  const again = runCli(tinyArgs(csv, killedDir, grid));
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /resuming .*1 of 2 cells finished/);
  assert.match(again.stdout, new RegExp(`\\[lstm-adam\\] resuming .* after epoch ${killedAt.secondEpochs}`));
  assert.doesNotMatch(again.stdout, /\[rnn-adam\] epoch/, 'the finished cell must not be trained again');
  assert.equal(statSync(join(first, 'model.safetensors')).mtimeMs, killedAt.firstModelMtime);

  assert.equal(await cleanDone, 0);
  const a = readJson(join(killedDir, 'results.json'));
  const b = readJson(join(cleanDir, 'results.json'));
  assert.deepEqual(withoutTimings(a), withoutTimings(b));
  assert.ok(a.runs.every((r: { status: string }) => r.status === 'ok'));
});
