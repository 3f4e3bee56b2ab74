/**
 * Pure-TypeScript SGEMM: the fallback when no system BLAS can be loaded (or when RNNLAB_BLAS=typescript).
 *
 *   C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C          (row-major, like cblas_sgemm(CblasRowMajor, …))
 *
 * V8 does not vectorise, so the goal is a scalar loop with few loads and stores per multiply-add:
 *  - the micro-kernel updates FOUR rows of C at once from FOUR rows of op(B): every B value loaded is used four times
 *    and every C value is loaded/stored once per 4 products (16 multiply-adds per 4 B loads + 4 C loads/stores);
 *    this measured ~1.4× faster than a 2-row block and a 4-row × 2-p block;
 *  - the inner loop runs over j, contiguous in both C and the B panel, and its iterations are independent (no
 *    loop-carried accumulator, unlike a dot-product formulation), so it is throughput- rather than latency-bound;
 *  - work is blocked into KB×JB panels of op(B) (64 KiB) that stay in L2 while all m rows of A stream past them.
 *
 * The four transpose cases:
 *  - A vs Aᵀ only changes the strides used to read the 8 scalars of A per kernel step (outside the inner loop), so one
 *    kernel serves both: element (i,p) of op(A) is a[i·ai + p·ap].
 *  - B (not transposed) is read in place: a panel row is a contiguous row of B.
 *  - Bᵀ is packed panel by panel into a contiguous KB×JB scratch buffer first (cost kb·nb per panel, amortised over
 *    m rows). When m is tiny (m < 4) packing would cost as much as the product, so op(A)·Bᵀ is computed as plain dot
 *    products of contiguous rows instead.
 * Products accumulate in float64 (JS numbers) and are rounded to float32 when stored into C.
 */

const KB = 64; // rows of op(B) per panel (the k block)
const JB = 256; // columns of op(B) per panel (the n block)
const pack = new Float32Array(KB * JB);

export function sgemmTs(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number,
  beta: number, c: Float32Array, ldc: number,
): void {
  scaleC(m, n, beta, c, ldc);
  if (alpha === 0 || k === 0) return;
  const ai = transA ? 1 : lda;
  const ap = transA ? lda : 1;
  if (transB && m < 4) {
    dotKernel(m, n, k, alpha, a, ai, ap, b, ldb, c, ldc);
    return;
  }
  for (let j0 = 0; j0 < n; j0 += JB) {
    const nb = Math.min(JB, n - j0);
    for (let p0 = 0; p0 < k; p0 += KB) {
      const kb = Math.min(KB, k - p0);
      if (transB) {
        packTransposed(b, ldb, p0, j0, kb, nb);
        kernel(m, nb, kb, alpha, a, ai, ap, p0, pack, 0, nb, c, ldc, j0);
      } else {
        kernel(m, nb, kb, alpha, a, ai, ap, p0, b, p0 * ldb + j0, ldb, c, ldc, j0);
      }
    }
  }
}

/** C ← beta·C. beta = 0 overwrites (so NaN/garbage in C never leaks through, as in reference BLAS). */
function scaleC(m: number, n: number, beta: number, c: Float32Array, ldc: number): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const row = i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else for (let j = row; j < row + n; j++) c[j] *= beta;
  }
}

/** pack[p·nb + j] = op(B)[p0+p, j0+j] = B[j0+j, p0+p] for B stored n×k (reads contiguous runs of B's rows). */
function packTransposed(b: Float32Array, ldb: number, p0: number, j0: number, kb: number, nb: number): void {
  for (let j = 0; j < nb; j++) {
    const src = (j0 + j) * ldb + p0;
    for (let p = 0; p < kb; p++) pack[p * nb + j] = b[src + p];
  }
}

/**
 * C[0..m, j0..j0+nb] += alpha · op(A)[0..m, p0..p0+kb] · panel, where panel row p starts at bp[bOff + p·ldp].
 * Rows of C go four at a time (the 4×4 register block: 16 A scalars held across the inner loop), leftovers one at a
 * time.
 */
function kernel(
  m: number, nb: number, kb: number, alpha: number,
  a: Float32Array, ai: number, ap: number, p0: number,
  bp: Float32Array, bOff: number, ldp: number,
  c: Float32Array, ldc: number, j0: number,
): void {
  const kb4 = kb - (kb % 4);
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const c0 = i * ldc + j0, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    const a0 = i * ai + p0 * ap, a1 = a0 + ai, a2 = a1 + ai, a3 = a2 + ai;
    let p = 0;
    for (; p < kb4; p += 4) {
      const q0 = p * ap, q1 = q0 + ap, q2 = q1 + ap, q3 = q2 + ap;
      const x00 = alpha * a[a0 + q0], x01 = alpha * a[a0 + q1], x02 = alpha * a[a0 + q2], x03 = alpha * a[a0 + q3];
      const x10 = alpha * a[a1 + q0], x11 = alpha * a[a1 + q1], x12 = alpha * a[a1 + q2], x13 = alpha * a[a1 + q3];
      const x20 = alpha * a[a2 + q0], x21 = alpha * a[a2 + q1], x22 = alpha * a[a2 + q2], x23 = alpha * a[a2 + q3];
      const x30 = alpha * a[a3 + q0], x31 = alpha * a[a3 + q1], x32 = alpha * a[a3 + q2], x33 = alpha * a[a3 + q3];
      const b0 = bOff + p * ldp, b1 = b0 + ldp, b2 = b1 + ldp, b3 = b2 + ldp;
      for (let j = 0; j < nb; j++) {
        const y0 = bp[b0 + j], y1 = bp[b1 + j], y2 = bp[b2 + j], y3 = bp[b3 + j];
        c[c0 + j] += x00 * y0 + x01 * y1 + x02 * y2 + x03 * y3;
        c[c1 + j] += x10 * y0 + x11 * y1 + x12 * y2 + x13 * y3;
        c[c2 + j] += x20 * y0 + x21 * y1 + x22 * y2 + x23 * y3;
        c[c3 + j] += x30 * y0 + x31 * y1 + x32 * y2 + x33 * y3;
      }
    }
    for (; p < kb; p++) {
      const q = p * ap;
      const x0 = alpha * a[a0 + q], x1 = alpha * a[a1 + q], x2 = alpha * a[a2 + q], x3 = alpha * a[a3 + q];
      const b0 = bOff + p * ldp;
      for (let j = 0; j < nb; j++) {
        const y = bp[b0 + j];
        c[c0 + j] += x0 * y;
        c[c1 + j] += x1 * y;
        c[c2 + j] += x2 * y;
        c[c3 + j] += x3 * y;
      }
    }
  }
  for (; i < m; i++) {
    const c0 = i * ldc + j0;
    const a0 = i * ai + p0 * ap;
    let p = 0;
    for (; p < kb4; p += 4) {
      const q = p * ap;
      const x0 = alpha * a[a0 + q], x1 = alpha * a[a0 + q + ap];
      const x2 = alpha * a[a0 + q + 2 * ap], x3 = alpha * a[a0 + q + 3 * ap];
      const b0 = bOff + p * ldp, b1 = b0 + ldp, b2 = b1 + ldp, b3 = b2 + ldp;
      for (let j = 0; j < nb; j++) {
        c[c0 + j] += x0 * bp[b0 + j] + x1 * bp[b1 + j] + x2 * bp[b2 + j] + x3 * bp[b3 + j];
      }
    }
    for (; p < kb; p++) {
      const x = alpha * a[a0 + p * ap];
      const b0 = bOff + p * ldp;
      for (let j = 0; j < nb; j++) c[c0 + j] += x * bp[b0 + j];
    }
  }
}

/** Small-m op(A)·Bᵀ: C[i,j] += alpha · Σ_p op(A)[i,p]·B[j,p], four independent accumulators per dot product. */
function dotKernel(
  m: number, n: number, k: number, alpha: number,
  a: Float32Array, ai: number, ap: number, b: Float32Array, ldb: number, c: Float32Array, ldc: number,
): void {
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const a0 = i * ai;
    for (let j = 0; j < n; j++) {
      const b0 = j * ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let p = 0;
      for (; p < k4; p += 4) {
        s0 += a[a0 + p * ap] * b[b0 + p];
        s1 += a[a0 + (p + 1) * ap] * b[b0 + p + 1];
        s2 += a[a0 + (p + 2) * ap] * b[b0 + p + 2];
        s3 += a[a0 + (p + 3) * ap] * b[b0 + p + 3];
      }
      for (; p < k; p++) s0 += a[a0 + p * ap] * b[b0 + p];
      c[i * ldc + j] += alpha * (s0 + s1 + s2 + s3);
    }
  }
}
