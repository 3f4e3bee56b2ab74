/**
 * `--workers 2` equals a serial run with the real OpenBLAS, not only with the TypeScript GEMM the other end-to-end
 * tests force. The two differ in BLAS threads: each worker gets max(1, floor(cores / 2)) (1 on two cores), while the
 * serial run here uses 2 threads for every product (RNNLAB_BLAS_PARALLEL_MIN=1 lifts the size threshold that would
 * otherwise keep these tiny products on one thread). OpenBLAS splits a product's rows and columns between its threads,
 * never a sum, so every output element is summed in the same order whatever the thread count: the results must be
 * bit-identical (timings aside). Same machine, same library, so this holds on any CPU.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, tempDir, tinyArgs, withoutTimings, writeSyntheticCsv } from './helpers.ts';

/** The CLI with this process's environment (no forced RNNLAB_BLAS: the system's OpenBLAS when it is installed). */
function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
}

const info = cli(['info', '--json', '--size', '32', '--reps', '1']);
const backend: string = info.status === 0 ? JSON.parse(info.stdout).blas.backend : `none (${info.stderr.trim()})`;
const skip = backend === 'openblas' ? false
  : `OpenBLAS is not in use (backend: ${backend}); install libopenblas0-pthread (scripts/setup-debian.sh) to run this check`;

test('--workers 2 (1 BLAS thread each) gives bit-identical results to a serial run on 2 OpenBLAS threads', { skip, timeout: 180_000 }, (t) => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 600);
  const grid = ['--archs', 'gru,lstm', '--optimizers', 'adam', '--epochs', '2', '--max-len', '32', '--embed', '32', '--hidden', '32'];
  const serial = cli(tinyArgs(csv, join(dir, 'serial'), grid), { RNNLAB_BLAS_THREADS: '2', RNNLAB_BLAS_PARALLEL_MIN: '1' });
  assert.equal(serial.status, 0, serial.stderr);
  const workers = cli(tinyArgs(csv, join(dir, 'workers'), [...grid, '--workers', '2']), { RNNLAB_BLAS_PARALLEL_MIN: '1' });
  assert.equal(workers.status, 0, workers.stderr);
  const a = JSON.parse(readFileSync(join(dir, 'serial', 'results.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(dir, 'workers', 'results.json'), 'utf8'));
  assert.match(a.machine.blas, /^openblas/);
  assert.equal(a.machine.workers, 1);
  assert.equal(b.machine.workers, 2);
  t.diagnostic(`serial: ${a.machine.threads} BLAS threads; workers: ${b.machine.threadsPerWorker} each (${a.machine.cpu}, ${a.machine.cores} cores)`);
  assert.ok(a.runs.every((r: { status: string }) => r.status === 'ok'));
  assert.deepEqual(withoutTimings(b), withoutTimings(a));
});
