/**
 * `--workers 2` equals a serial run with the real OpenBLAS, not only with the TypeScript GEMM the other end-to-end
 * tests force — compared like with like: the serial run gets the BLAS thread count each worker got. OpenBLAS's
 * result can depend on its thread count (its Haswell and Zen kernels give different low bits on 1 and 2 threads, its
 * SkylakeX and Cooperlake ones do not: 2026-11-29, AMD EPYC, OpenBLAS 0.3.21), so a serial run on more threads is NOT promised to
 * match; README ("Reproducibility") says so. RNNLAB_BLAS_PARALLEL_MIN=1 makes every product use all the threads
 * it is given, so a machine with 4+ cores (2+ threads per worker) compares multi-threaded products too.
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

test('--workers 2 gives bit-identical results to a serial run with OpenBLAS on the same thread count', { skip, timeout: 180_000 }, (t) => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 600);
  const grid = ['--archs', 'gru,lstm', '--optimizers', 'adam', '--epochs', '2', '--max-len', '32', '--embed', '32', '--hidden', '32'];
  const env = { RNNLAB_BLAS_PARALLEL_MIN: '1' };
  const workers = cli(tinyArgs(csv, join(dir, 'workers'), [...grid, '--workers', '2']), env);
  assert.equal(workers.status, 0, workers.stderr);
  const b = JSON.parse(readFileSync(join(dir, 'workers', 'results.json'), 'utf8'));
  const threads = b.machine.threadsPerWorker as number;
  const serial = cli(tinyArgs(csv, join(dir, 'serial'), grid), { ...env, RNNLAB_BLAS_THREADS: String(threads) });
  assert.equal(serial.status, 0, serial.stderr);
  const a = JSON.parse(readFileSync(join(dir, 'serial', 'results.json'), 'utf8'));
  assert.match(a.machine.blas, /^openblas/);
  assert.deepEqual([a.machine.workers, a.machine.threads], [1, threads]);
  assert.equal(b.machine.workers, 2);
  t.diagnostic(`${threads} OpenBLAS thread(s) per process (${a.machine.cpu}, ${a.machine.cores} cores)`);
  assert.ok(a.runs.every((r: { status: string }) => r.status === 'ok'));
  assert.deepEqual(withoutTimings(b), withoutTimings(a));
});
