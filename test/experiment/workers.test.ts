/**
 * --workers 2: cells train in two child processes. The parent is SIGKILLed mid-grid; its workers must stop on their
 * own (nothing keeps writing into the folder), and the rerun must end with the same results as a one-process run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, spawnCli, tempDir, tinyArgs, withoutTimings, writeSyntheticCsv } from './helpers.ts';

function epochsDone(cellDir: string): number {
  const path = join(cellDir, 'history.jsonl');
  if (!existsSync(path)) return 0;
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim());
  return lines.length === 0 ? 0 : JSON.parse(lines[lines.length - 1]!).epoch;
}

/** Newest modification time of any file in the cell folders. */
function newestWrite(dir: string, cells: string[]): number {
  let newest = 0;
  for (const c of cells) {
    if (!existsSync(join(dir, c))) continue;
    for (const f of readdirSync(join(dir, c))) newest = Math.max(newest, statSync(join(dir, c, f)).mtimeMs);
  }
  return newest;
}

test('--workers 2: killed parent leaves no worker behind; rerun equals a one-process run', { timeout: 90_000 }, async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 3000);
  const grid = ['--archs', 'gru,lstm', '--optimizers', 'adam', '--epochs', '2', '--max-len', '32'];
  const cells = ['gru-adam', 'lstm-adam'];
  const parallel = join(dir, 'parallel');
  const serial = join(dir, 'serial');

  const child = spawnCli(tinyArgs(csv, parallel, [...grid, '--workers', '2']));
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => { exited = true; resolve(); }));
  let killed = false;
  while (!exited) {
    if (cells.some((c) => epochsDone(join(parallel, c)) >= 1)) {
      child.kill('SIGKILL');
      killed = true;
      break;
    }
    await sleep(2);
  }
  await exit;
  assert.ok(killed, 'the run finished before it could be killed');
  assert.match(stdout, /2 worker processes, 1 BLAS thread\(s\) each/);

  // the workers notice the parent is gone (IPC disconnect) and exit: the folder stops changing
  await sleep(1500);
  const before = newestWrite(parallel, cells);
  await sleep(1500);
  assert.equal(newestWrite(parallel, cells), before, 'a worker kept training after its parent was killed');

  const [again, one] = [runCli(tinyArgs(csv, parallel, [...grid, '--workers', '2'])), runCli(tinyArgs(csv, serial, grid))];
  assert.equal(again.status, 0, again.stderr);
  assert.equal(one.status, 0, one.stderr);
  assert.match(again.stdout, /resuming/, again.stdout);
  const a = JSON.parse(readFileSync(join(parallel, 'results.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(serial, 'results.json'), 'utf8'));
  assert.equal(a.machine.workers, 2);
  assert.equal(b.machine.workers, 1);
  assert.deepEqual(withoutTimings(a), withoutTimings(b));
});
