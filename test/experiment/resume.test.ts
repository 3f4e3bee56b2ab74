/**
 * Resumability, end to end: a real `rnnlab experiment` child process is SIGKILLed in the middle of the grid (one cell
 * finished, the next half-done), the same command is run again, and its results.json must equal an uninterrupted
 * run's, timings aside. Finished cells must not be retrained, the half-done one must continue from its checkpoint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runCliUntilKilled, spawnCli, tempDir, tinyArgs, withoutTimings, writeSyntheticCsv } from './helpers.ts';

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

test('an experiment killed (kill -9) mid-grid resumes and ends exactly like an uninterrupted one', { timeout: 90_000 }, async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 600); // no timing window to widen: the kill point is fixed
  const grid = ['--archs', 'rnn,lstm', '--optimizers', 'adam', '--epochs', '2', '--max-len', '32'];
  const killedDir = join(dir, 'killed');
  const cleanDir = join(dir, 'clean');

  // The uninterrupted reference runs at the same time as the one we kill (the machine has cores to spare).
  const clean = spawnCli(tinyArgs(csv, cleanDir, grid));
  const cleanDone = new Promise<number | null>((resolve) => clean.on('exit', (code) => resolve(code)));

  // Killed the moment it prints the second cell's first epoch line: the first cell is finished, the second has
  // epoch 1 on disk (the line follows the epoch's files) and epoch 2 to go. (The LSTM cell, the longer one, starts
  // first: src/experiment/order.ts.)
  const first = join(killedDir, 'lstm-adam');
  const second = join(killedDir, 'rnn-adam');
  const killedRun = await runCliUntilKilled(tinyArgs(csv, killedDir, grid), /^\[rnn-adam\] epoch 1\/2 /);
  assert.ok(killedRun.killed, `the run was not killed at the second cell's first epoch; stdout: ${killedRun.stdout}`);
  assert.equal(status(first), 'ok');
  assert.equal(status(second), 'running');
  assert.equal(epochsDone(second), 1);
  const killedAt = { firstModel: statSync(join(first, 'model.safetensors')), secondEpochs: epochsDone(second) };
  assert.equal(existsSync(join(killedDir, 'results.json')) && readJson(join(killedDir, 'results.json')).runs.length, 2,
    'a partial grid already has results.json after its first finished cell');

  const again = runCli(tinyArgs(csv, killedDir, grid));
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /resuming .*1 of 2 cells finished/);
  assert.match(again.stdout, new RegExp(`\\[rnn-adam\\] resuming .* after epoch ${killedAt.secondEpochs}`));
  assert.doesNotMatch(again.stdout, /\[lstm-adam\] epoch/, 'the finished cell must not be trained again');
  // not rewritten: every write is a rename to a new inode
  const firstModel = statSync(join(first, 'model.safetensors'));
  assert.deepEqual([firstModel.ino, firstModel.mtimeMs], [killedAt.firstModel.ino, killedAt.firstModel.mtimeMs]);

  assert.equal(await cleanDone, 0);
  const a = readJson(join(killedDir, 'results.json'));
  const b = readJson(join(cleanDir, 'results.json'));
  assert.deepEqual(withoutTimings(a), withoutTimings(b));
  assert.ok(a.runs.every((r: { status: string }) => r.status === 'ok'));
});
