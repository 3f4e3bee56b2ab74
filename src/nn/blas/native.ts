/**
 * Calls a system CBLAS (OpenBLAS, a generic libcblas, or Apple Accelerate) through the koffi FFI.
 *
 * Why these choices:
 *  - Float32Arrays (including subarray views) are passed straight to `float *` parameters: koffi hands C a pointer to
 *    the view's first element (it honours byteOffset; test/nn/blas.test.ts checks it) without copying, and writes
 *    through a plain `float *` land in the JS buffer. An `_Inout_` or `void *` declaration measured slower per call.
 *  - The prototype is declared once; a call costs ~0.4 µs of FFI overhead on a 2-core EPYC, negligible next to the
 *    RNN's per-time-step GEMMs (tens of µs), but not for tiny products, which blas.ts keeps in TypeScript.
 *  - koffi is required lazily (createRequire) so that a platform without a koffi prebuild still runs, on the
 *    TypeScript fallback.
 */
import { createRequire } from 'node:module';
import { readFileSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';

export type SgemmFn = (
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number,
  beta: number, c: Float32Array, ldc: number,
) => void;

export interface NativeBlas {
  backend: 'openblas' | 'cblas' | 'accelerate';
  /** the file actually mapped (resolved through symlinks when it can be found), else the name given to dlopen */
  path: string;
  sgemm: SgemmFn;
  /** OpenBLAS only */
  setThreads?: (n: number) => void;
  getThreads?: () => number;
  /** OpenBLAS build line, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64" */
  config?: string;
}

const CBLAS_ROW_MAJOR = 101;
const CBLAS_NO_TRANS = 111;
const CBLAS_TRANS = 112;

type Koffi = typeof import('koffi');

let koffiModule: Koffi | null | undefined;
let koffiError = '';

/** koffi, or null when its native binary cannot load on this platform. */
export function loadKoffi(): Koffi | null {
  if (koffiModule !== undefined) return koffiModule;
  try {
    koffiModule = createRequire(import.meta.url)('koffi') as Koffi;
  } catch (e) {
    koffiModule = null;
    koffiError = (e as Error).message.split('\n')[0] ?? '';
  }
  return koffiModule;
}

export function koffiLoadError(): string {
  return koffiError;
}

/**
 * Opens `name` (a path or a soname for the dynamic loader) and binds cblas_sgemm. Returns null when the library
 * cannot be opened or lacks cblas_sgemm; `why` receives the reason.
 */
export function openNativeBlas(name: string, why?: (reason: string) => void): NativeBlas | null {
  const koffi = loadKoffi();
  if (!koffi) {
    why?.(`the koffi FFI module failed to load (${koffiError})`);
    return null;
  }
  let lib: ReturnType<Koffi['load']>;
  try {
    lib = koffi.load(name);
  } catch (e) {
    why?.((e as Error).message.split('\n')[0] ?? 'dlopen failed');
    return null;
  }
  let fn: (...args: unknown[]) => unknown;
  try {
    fn = lib.func(
      'void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, ' +
        'const float *b, int ldb, float beta, float *c, int ldc)',
    ) as (...args: unknown[]) => unknown;
  } catch {
    why?.('it has no cblas_sgemm symbol');
    return null;
  }
  const sgemm: SgemmFn = (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
    fn(CBLAS_ROW_MAJOR, transA ? CBLAS_TRANS : CBLAS_NO_TRANS, transB ? CBLAS_TRANS : CBLAS_NO_TRANS,
      m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  };
  const optional = (proto: string): ((...args: unknown[]) => unknown) | null => {
    try {
      return lib.func(proto) as (...args: unknown[]) => unknown;
    } catch {
      return null;
    }
  };
  const setT = optional('void openblas_set_num_threads(int n)');
  const getT = optional('int openblas_get_num_threads(void)');
  const getConfig = optional('const char *openblas_get_config(void)');
  const isAccelerate = name.includes('Accelerate.framework');
  const backend = setT && getT ? 'openblas' : isAccelerate ? 'accelerate' : 'cblas';
  const blas: NativeBlas = { backend, path: resolveMappedPath(name), sgemm };
  if (setT && getT) {
    blas.setThreads = (n) => void setT(n);
    blas.getThreads = () => getT() as number;
  }
  if (getConfig) {
    const s = getConfig();
    if (typeof s === 'string') blas.config = s.trim();
  }
  return blas;
}

/**
 * The real file behind a soname: on Linux, the mapping in /proc/self/maps whose file name starts like the requested
 * one (libopenblas.so.0 → …/openblas-pthread/libopenblasp-r0.3.21.so). Falls back to realpath, then to the name.
 */
function resolveMappedPath(name: string): string {
  if (name.includes('/')) {
    try {
      return realpathSync(name);
    } catch {
      return name;
    }
  }
  const stem = basename(name).split('.so')[0] ?? name;
  try {
    for (const line of readFileSync('/proc/self/maps', 'utf8').split('\n')) {
      const at = line.indexOf('/');
      if (at < 0) continue;
      const file = line.slice(at);
      if (basename(file).startsWith(stem)) return file;
    }
  } catch {
    // not Linux: keep the soname
  }
  return name;
}
