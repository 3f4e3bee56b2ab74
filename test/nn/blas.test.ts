import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sgemm, blasInfo, setBlasThreads, resetBlasForTests } from '../../src/nn/blas.ts';
import { sgemmTs } from '../../src/nn/blas/typescript.ts';
import { openNativeBlas, type SgemmFn } from '../../src/nn/blas/native.ts';
import { UserError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/rng.ts';

/** Straightforward triple loop in float64: the reference every backend is compared with. */
function reference(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        s += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
      }
      c[i * ldc + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * ldc + j]);
    }
  }
}

interface Case { m: number; n: number; k: number; alpha: number; beta: number; pad: number; offset: number }

const CASES: Case[] = [
  { m: 1, n: 1, k: 1, alpha: 1, beta: 0, pad: 0, offset: 0 },
  { m: 3, n: 5, k: 7, alpha: 1, beta: 0, pad: 0, offset: 0 }, // below the native-dispatch threshold
  { m: 7, n: 9, k: 13, alpha: 0.5, beta: 1, pad: 3, offset: 5 }, // odd m, k not a multiple of 4
  { m: 33, n: 17, k: 70, alpha: -1.25, beta: 0.75, pad: 2, offset: 11 }, // k > one k-panel (64)
  { m: 2, n: 300, k: 9, alpha: 1, beta: 0.5, pad: 5, offset: 1 }, // n > one j-panel (256), tiny m (dot path)
  { m: 64, n: 96, k: 40, alpha: 1, beta: 0, pad: 1, offset: 3 },
  { m: 20, n: 8, k: 0, alpha: 1, beta: 0.5, pad: 1, offset: 0 }, // k = 0: C = beta·C (BLAS wants ld ≥ 1)
  { m: 6, n: 10, k: 8, alpha: 0, beta: 2, pad: 2, offset: 2 }, // alpha = 0
];

/** Fills a buffer of `offset + rows·ld` random values; returns the buffer and the view starting at `offset`. */
function matrix(rng: Rng, rows: number, ld: number, offset: number): { buf: Float32Array; view: Float32Array } {
  const buf = new Float32Array(offset + Math.max(1, rows * ld));
  for (let i = 0; i < buf.length; i++) buf[i] = rng.uniform(-1, 1);
  return { buf, view: buf.subarray(offset) };
}

function checkBackend(name: string, gemm: SgemmFn): void {
  const rng = new Rng(1234);
  for (const cs of CASES) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const { m, n, k, alpha, beta, pad, offset } = cs;
        const lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
        const A = matrix(rng, transA ? k : m, lda, offset);
        const B = matrix(rng, transB ? n : k, ldb, offset + 1);
        const C = matrix(rng, m, ldc, offset + 2);
        const aBefore = A.buf.slice(), bBefore = B.buf.slice();
        const expected = C.buf.slice();
        reference(transA, transB, m, n, k, alpha, A.view, lda, B.view, ldb, beta, expected.subarray(offset + 2), ldc);
        gemm(transA, transB, m, n, k, alpha, A.view, lda, B.view, ldb, beta, C.view, ldc);
        const label = `${name} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${JSON.stringify(cs)}`;
        for (let i = 0; i < C.buf.length; i++) {
          // includes the elements before the view and the padding columns, which must be untouched
          const tol = 1e-5 * (1 + Math.abs(expected[i])) * Math.max(1, Math.sqrt(k));
          assert.ok(Math.abs(C.buf[i] - expected[i]) <= tol, `${label}: C[${i}] = ${C.buf[i]}, want ${expected[i]}`);
        }
        assert.deepEqual(A.buf, aBefore, `${label}: A modified`);
        assert.deepEqual(B.buf, bBefore, `${label}: B modified`);
      }
    }
  }
}

test('TypeScript GEMM matches the reference (4 transpose cases, alpha/beta, padded ld, subarray offsets)', () => {
  checkBackend('typescript', sgemmTs);
});

const native = openNativeBlas(process.platform === 'darwin'
  ? '/System/Library/Frameworks/Accelerate.framework/Accelerate' : 'libopenblas.so.0')
  ?? openNativeBlas('libcblas.so.3') ?? openNativeBlas('libblas.so.3');

test('native CBLAS through koffi matches the reference', { skip: native ? false : 'no system BLAS' }, () => {
  checkBackend(`native ${native!.path}`, native!.sgemm);
});

test('koffi passes a subarray at its byteOffset and writes only inside the view', { skip: !native }, () => {
  // A = [[1,2,3],[4,5,6]] at element 5 of a buffer full of 99s; B = [[1,0],[0,1],[1,1]] at 7; C at 3.
  const abuf = new Float32Array(16).fill(99), bbuf = new Float32Array(16).fill(99), cbuf = new Float32Array(12).fill(-1);
  abuf.set([1, 2, 3, 4, 5, 6], 5);
  bbuf.set([1, 0, 0, 1, 1, 1], 7);
  native!.sgemm(false, false, 2, 2, 3, 1, abuf.subarray(5), 3, bbuf.subarray(7), 2, 0, cbuf.subarray(3), 2);
  assert.deepEqual(Array.from(cbuf), [-1, -1, -1, 4, 5, 10, 11, -1, -1, -1, -1, -1]);
  // and a subarray of a subarray, with ldc > n (the gap must stay untouched)
  const outer = new Float32Array(40).fill(-1).subarray(4);
  native!.sgemm(false, false, 2, 2, 3, 1, abuf.subarray(5), 3, bbuf.subarray(7), 2, 0, outer.subarray(6), 5);
  assert.deepEqual(Array.from(outer.subarray(5, 13)), [-1, 4, 5, -1, -1, -1, 10, 11]);
});

test('beta = 0 overwrites C even when it holds NaN (both backends)', () => {
  for (const gemm of [sgemmTs, ...(native ? [native.sgemm] : [])]) {
    const a = new Float32Array(16 * 16).fill(1), b = new Float32Array(16 * 16).fill(2);
    const c = new Float32Array(16 * 16).fill(NaN);
    gemm(false, false, 16, 16, 16, 1, a, 16, b, 16, 0, c, 16);
    assert.ok(c.every((v) => v === 32));
  }
});

test('sgemm dispatches to the configured backend; RNNLAB_BLAS=typescript forces the fallback', () => {
  const saved = process.env.RNNLAB_BLAS;
  try {
    process.env.RNNLAB_BLAS = 'typescript';
    resetBlasForTests();
    assert.deepEqual(blasInfo(), { backend: 'typescript', threads: 1, detail: 'forced by RNNLAB_BLAS' });
    checkBackend('sgemm/typescript', sgemm);

    delete process.env.RNNLAB_BLAS;
    resetBlasForTests();
    const info = blasInfo();
    if (native) {
      assert.notEqual(info.backend, 'typescript');
      assert.ok(info.path && info.path.length > 0);
    }
    assert.ok(Number.isInteger(info.threads) && info.threads >= 1);
    checkBackend(`sgemm/${info.backend}`, sgemm);
  } finally {
    if (saved === undefined) delete process.env.RNNLAB_BLAS;
    else process.env.RNNLAB_BLAS = saved;
    resetBlasForTests();
  }
});

test('RNNLAB_BLAS pointing at a missing library is a UserError naming it', () => {
  const saved = process.env.RNNLAB_BLAS;
  try {
    process.env.RNNLAB_BLAS = '/nonexistent/libnotblas.so';
    resetBlasForTests();
    assert.throws(() => blasInfo(), (e: unknown) => e instanceof UserError && e.message.includes('/nonexistent/libnotblas.so'));
  } finally {
    if (saved === undefined) delete process.env.RNNLAB_BLAS;
    else process.env.RNNLAB_BLAS = saved;
    resetBlasForTests();
  }
});

test('setBlasThreads changes OpenBLAS threads and validates its argument', () => {
  resetBlasForTests();
  const before = blasInfo();
  assert.throws(() => setBlasThreads(0), UserError);
  assert.throws(() => setBlasThreads(1.5), UserError);
  const now = setBlasThreads(1);
  if (before.backend === 'openblas') {
    assert.equal(now, 1);
    assert.equal(blasInfo().threads, 1);
    setBlasThreads(before.threads);
    assert.equal(blasInfo().threads, before.threads);
  }
});

test('sgemm rejects sizes that would read or write outside the arrays', () => {
  const a = new Float32Array(6), b = new Float32Array(6), c = new Float32Array(4);
  assert.throws(() => sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c.subarray(1), 2), /bad arguments/);
  assert.throws(() => sgemm(false, false, 2, 2, 3, 1, a, 2, b, 2, 0, c, 2), /bad arguments/); // lda < k
  assert.throws(() => sgemm(true, false, 2, 2, 4, 1, a, 2, b, 2, 0, c, 2), /bad arguments/); // A too short
  sgemm(false, false, 0, 2, 3, 1, a, 3, b, 2, 0, c, 2); // empty product is fine
});
