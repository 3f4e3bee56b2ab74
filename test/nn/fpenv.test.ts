import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { kernelFlush, setKernelDenormalFlush, allocF32, rnnBackward } from '../../src/nn/kernels.ts';
import { denormalModeFromEnv } from '../../src/nn/fpenv.ts';
import { UserError } from '../../src/util/errors.ts';

const MIN_NORMAL = 1.1754943508222875e-38; // 2^-126, the smallest normal float32
const SUB = Math.fround(1e-39); // a float32 subnormal

// This process never applies the engine's mode to MXCSR (no model, no BLAS), so the kernels' own flush is what is
// tested here; MXCSR is tested in child processes below.

test('backward kernels store |x| < 2^-126 as zero (sign kept), keep normals and NaN', () => {
  setKernelDenormalFlush(true);
  assert.equal(kernelFlush(SUB), 0);
  assert.ok(Object.is(kernelFlush(-SUB), -0));
  assert.equal(kernelFlush(Math.fround(MIN_NORMAL * 0.999999)), 0);
  assert.equal(kernelFlush(MIN_NORMAL), MIN_NORMAL);
  assert.equal(kernelFlush(-MIN_NORMAL), -MIN_NORMAL);
  assert.equal(kernelFlush(Math.fround(1e-30)), Math.fround(1e-30));
  assert.equal(kernelFlush(Infinity), Infinity);
  assert.ok(Number.isNaN(kernelFlush(NaN)));
  setKernelDenormalFlush(false);
  assert.equal(kernelFlush(SUB), SUB); // the negative control: keep mode passes subnormals through
  setKernelDenormalFlush(true);
});

test('rnn backward: a subnormal gradient is written as 0 with the flush, kept without', () => {
  const H = 6; // a partial last vector too
  const g = allocF32(H); // h = 0, so dG = dOut · (1 − 0²) = dOut
  const dOut = allocF32(H);
  const dhRec = allocF32(H);
  const run = (on: boolean): number[] => {
    setKernelDenormalFlush(on);
    g.fill(0);
    dOut.set([SUB, -SUB, 1e-30, SUB, 0.5, SUB]);
    rnnBackward(g, dOut, H, dhRec, 1, 0, H);
    return [...g];
  };
  assert.deepEqual(run(true), [0, -0, Math.fround(1e-30), 0, 0.5, 0]);
  assert.deepEqual(run(false), [SUB, -SUB, Math.fround(1e-30), SUB, 0.5, SUB]);
  setKernelDenormalFlush(true);
});

test('RNNLAB_DENORMALS: flush by default, keep on request, anything else a UserError', () => {
  assert.equal(denormalModeFromEnv({}), 'flush');
  assert.equal(denormalModeFromEnv({ RNNLAB_DENORMALS: '' }), 'flush');
  assert.equal(denormalModeFromEnv({ RNNLAB_DENORMALS: 'flush' }), 'flush');
  assert.equal(denormalModeFromEnv({ RNNLAB_DENORMALS: 'keep' }), 'keep');
  assert.throws(() => denormalModeFromEnv({ RNNLAB_DENORMALS: 'off' }), UserError);
});

// A child process: loads the engine's BLAS (which applies the mode first), then multiplies 256×256 by 256×256
// matrices of 1e-20 on two OpenBLAS threads. Every product term, 1e-40, is subnormal: flushed, each sum is 0; kept,
// 256 of them add up to 2.56e-38. Rows computed by OpenBLAS's worker thread are non-zero unless that thread
// inherited FTZ (loading OpenBLAS before setting MXCSR leaves half the matrix non-zero on this 2-core machine).
// It prints the count of non-zero elements, MXCSR's flush bits, and a JavaScript float32 multiply that underflows.
const CHILD = `
import { sgemm, blasInfo, setBlasThreads } from './src/nn/blas.ts';
import { readMxcsr, floatEnvInfo, applyDenormalMode } from './src/nn/fpenv.ts';
import { kernelFlush } from './src/nn/kernels.ts';
const info = blasInfo();
setBlasThreads(2);
const n = 256;
const a = new Float32Array(n * n).fill(1e-20), b = new Float32Array(n * n).fill(1e-20), c = new Float32Array(n * n);
sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
const bits = new Uint32Array(c.buffer);
let nonzero = 0;
for (const x of bits) if (x !== 0) nonzero++;
const f = new Float32Array(1); f[0] = 1e-30; f[0] *= 1e-10;
const mx = readMxcsr();
const env = floatEnvInfo();
let switchRefused = false;
try { applyDenormalMode(env.mode === 'flush' ? 'keep' : 'flush'); } catch { switchRefused = true; }
console.log(JSON.stringify({ backend: info.backend, nonzero, mxcsr: mx === null ? null : mx & 0x8040, js: f[0],
  env, switchRefused }));
`;

interface ChildReport {
  backend: string; nonzero: number; mxcsr: number | null; js: number; env: { mode: string; mxcsrFlush: boolean };
  switchRefused: boolean;
}

function child(env: NodeJS.ProcessEnv): ChildReport {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    env: { ...process.env, RNNLAB_BLAS: '', RNNLAB_BLAS_THREADS: '', ...env }, encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const x64Linux = process.platform === 'linux' && process.arch === 'x64';

test('flush mode sets FTZ+DAZ before OpenBLAS starts its threads: no subnormal survives a 2-thread sgemm', {
  skip: x64Linux ? false : 'MXCSR is x86-64 only',
}, (t) => {
  const flush = child({});
  if (flush.backend !== 'openblas') {
    t.skip(`no OpenBLAS here (backend ${flush.backend})`);
    return;
  }
  assert.equal(flush.env.mode, 'flush');
  assert.equal(flush.env.mxcsrFlush, true);
  assert.equal(flush.mxcsr, 0x8040);
  assert.equal(flush.nonzero, 0);
  assert.equal(flush.js, 0);
  assert.equal(flush.switchRefused, true); // OpenBLAS's threads have the flush: the mode can no longer change
  // negative control: with the mode off, the same product keeps its subnormal results
  const keep = child({ RNNLAB_DENORMALS: 'keep' });
  assert.equal(keep.env.mode, 'keep');
  assert.equal(keep.mxcsr, 0);
  assert.equal(keep.nonzero, 256 * 256);
  assert.equal(keep.js, Math.fround(Math.fround(1e-30) * 1e-10));
});
