/**
 * --workers 2: cells train in two child processes. The parent is SIGKILLed mid-grid; its workers must stop on their
 * own (nothing keeps writing into the folder), and the rerun must end with the same results as a one-process run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runCliUntilKilled, tempDir, tinyArgs, withoutTimings, writeSyntheticCsv } from './helpers.ts';

function epochsDone(cellDir: string): number {
  const path = join(cellDir, 'history.jsonl');
  if (!existsSync(path)) return 0;
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim());
  return lines.length === 0 ? 0 : JSON.parse(lines[lines.length - 1]!).epoch;
}

/** The last epoch line the parent printed for `cell` (0 if none). */
function lastPrinted(stdout: string, cell: string): number {
  const all = [...stdout.matchAll(new RegExp(`^\\[${cell}\\] epoch (\\d+)/`, 'gm'))];
  return all.length ? Number(all[all.length - 1]![1]) : 0;
}

test('--workers 2: killed parent leaves no worker behind; rerun equals a one-process run', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 300);
  const EPOCHS = 6;
  const grid = ['--archs', 'gru,lstm', '--optimizers', 'adam', '--epochs', String(EPOCHS), '--max-len', '32'];
  const cells = ['gru-adam', 'lstm-adam'];
  const parallel = join(dir, 'parallel');
  const serial = join(dir, 'serial');

  // kill -9 of the parent the moment it prints gru-adam's first epoch line; resolves once the parent AND both
  // workers have exited (they share its stderr pipe), so a worker that kept running would time the test out. Each
  // worker, once it has reported epoch 1, waits until the parent is dead: a parent that lags behind its workers (a
  // loaded machine) then cannot let them run ahead of the lines it printed.
  const killed = await runCliUntilKilled(tinyArgs(csv, parallel, [...grid, '--workers', '2']), /^\[gru-adam\] epoch 1\//,
    { holdWorkersAfterEpoch: 1 });
  assert.ok(killed.killed, `the parent was not killed at gru-adam's first epoch; stdout: ${killed.stdout}`);
  assert.match(killed.stdout, /2 worker processes, 1 BLAS thread\(s\) each/);
  // A worker notices the IPC disconnect at its next yield (every epoch, and every 100 ms within one): at most the
  // epoch whose line was in flight and the one in progress are added after the parent's last line — never the
  // whole cell, which is what a worker that ignored its parent's death would do.
  for (const c of cells) {
    const done = epochsDone(join(parallel, c));
    assert.ok(done <= lastPrinted(killed.stdout, c) + 2, `${c}: ${done} epochs on disk, parent printed ${lastPrinted(killed.stdout, c)}`);
  }
  assert.ok(epochsDone(join(parallel, 'gru-adam')) < EPOCHS, 'gru-adam was trained to the end after its parent was killed');

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
