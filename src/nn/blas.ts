/**
 * PLACEHOLDER (to be replaced by the BLAS backend work): row-major single-precision GEMM.
 *
 *   C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C
 *
 * op(A) = A (m×k, leading dimension lda) or Aᵀ (A stored k×m) when transA; likewise B. All arrays are Float32Array
 * views whose element 0 is the matrix's first element (use subarray for offsets).
 */
export function sgemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number,
  beta: number, c: Float32Array, ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * lda + i]! : a[i * lda + p]!;
        const bv = transB ? b[j * ldb + p]! : b[p * ldb + j]!;
        s += av * bv;
      }
      c[i * ldc + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * ldc + j]!);
    }
  }
}
