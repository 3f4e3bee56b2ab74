/**
 * Row-major single-precision GEMM for the whole engine:
 *
 *   C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C
 *
 * op(A) = A (m×k, leading dimension lda) or Aᵀ (A stored k×m) when transA; likewise B. All arrays are Float32Array
 * views whose element 0 is the matrix's first element (use subarray for offsets).
 *
 * Backend, chosen lazily on the first call (or by blasInfo/setBlasThreads):
 *   1. env RNNLAB_BLAS: a path to a shared library exporting cblas_sgemm (an unloadable path is a UserError), or
 *      `typescript` to force the pure-TypeScript GEMM (no warning; used by tests and for comparisons);
 *   2. OpenBLAS: libopenblas.so.0, then libopenblas.so; on macOS libopenblas.dylib on the loader's path, then
 *      Homebrew's (/opt/homebrew, /usr/local) and MacPorts' paths; on Windows libopenblas.dll, then openblas.dll (the
 *      OpenBLAS release zip names it the first, vcpkg the second), found by LoadLibrary's search, PATH included;
 *   3. a generic CBLAS (Linux): libcblas.so.3, then libblas.so.3 (Debian's libblas3 alternatives export cblas_*);
 *   4. Apple Accelerate on macOS;
 *   The macOS and Windows paths are reviewed against the platforms' loader documentation but untested (README).
 *   5. otherwise the TypeScript GEMM (src/nn/blas/typescript.ts), with one warning on stderr.
 * Before any library is opened, the engine's denormal mode is applied to this thread (src/nn/fpenv.ts): OpenBLAS
 * starts its threads when it loads, and they inherit the loading thread's flush-to-zero bits.
 * Threads: env RNNLAB_BLAS_THREADS (or setBlasThreads) sets the most OpenBLAS threads a product may use (default: the
 * library's own, i.e. the cores); products below PARALLEL_MIN_WORK run on one thread. Other backends report theirs.
 */
import { availableParallelism } from 'node:os';
import { UserError } from '../util/errors.ts';
import { openNativeBlas, type NativeBlas, type SgemmFn } from './blas/native.ts';
import { sgemmTs } from './blas/typescript.ts';
import { applyDenormalMode, noteBlasLoaded } from './fpenv.ts';

export type BlasBackend = 'openblas' | 'cblas' | 'accelerate' | 'typescript';

export interface BlasInfo {
  backend: BlasBackend;
  /** the shared library in use (native backends only) */
  path?: string;
  threads: number;
  /** extra detail: OpenBLAS build configuration, or why the TypeScript fallback is in use */
  detail?: string;
}

/**
 * Products with fewer multiply-adds (m·n·k) than this stay in TypeScript even with a native BLAS: a koffi call costs
 * ~0.35 µs, and the TypeScript kernel is faster than that below ~8×8×8 (measured on a 2-core EPYC with OpenBLAS
 * 0.3.21: 4×4×4 takes 0.1 µs in TS vs 0.33 µs native; 8×8×8 is a tie at ~0.45 µs; 12×12×12 is 1.3 µs vs 0.5 µs).
 */
const NATIVE_MIN_WORK = 512;

interface Active {
  info: BlasInfo;
  native: NativeBlas | null;
  gemm: SgemmFn;
  /** The thread count last set in the library (0: not yet); info.threads is the most a product may use. */
  threadsInEffect: number;
}

/**
 * Products with at least this many multiply-adds run on all BLAS threads (info.threads), smaller ones on one thread,
 * where a second thread costs more in hand-over than it saves. Measured on 2 cores (W1 LSTM, `rnnlab bench`, same
 * session): 2^20, which lets the 64×512×128 per-step products (4.2M) use both cores, gave 202–224 ms/step against
 * 223–256 ms with 2^24 (one thread for them); W2's 1000×32×8 per-step products (256k) stay on one thread.
 */
const PARALLEL_MIN_WORK = 1 << 20;

/**
 * PARALLEL_MIN_WORK, or env RNNLAB_BLAS_PARALLEL_MIN (multiply-adds) for measuring other thresholds. Read when the
 * backend is chosen (first sgemm / blasInfo), never at import: importing rnnlab must not throw on the environment.
 */
function parallelMinWork(): number {
  const raw = process.env.RNNLAB_BLAS_PARALLEL_MIN;
  if (raw === undefined || raw === '') return PARALLEL_MIN_WORK;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new UserError(`RNNLAB_BLAS_PARALLEL_MIN must be a whole number of multiply-adds, got '${raw}'; unset it`);
  }
  return n;
}

let active: Active | null = null;

const FALLBACK_WARNING =
  'rnnlab: warning: no BLAS library found (tried OpenBLAS, libcblas, Accelerate); using the pure-TypeScript GEMM, ' +
  'training will be much slower. Install OpenBLAS (Debian/Ubuntu: sudo apt-get install libopenblas0-pthread; ' +
  'macOS: brew install openblas; Windows: put libopenblas.dll on PATH) or set RNNLAB_BLAS=/path/to/the/library.\n';

function linuxCandidates(): string[] {
  return ['libopenblas.so.0', 'libopenblas.so', 'libcblas.so.3', 'libblas.so.3'];
}

function macCandidates(): string[] {
  return [
    'libopenblas.dylib',
    '/opt/homebrew/opt/openblas/lib/libopenblas.dylib',
    '/usr/local/opt/openblas/lib/libopenblas.dylib',
    '/opt/local/lib/libopenblas.dylib', // MacPorts
    '/System/Library/Frameworks/Accelerate.framework/Accelerate',
  ];
}

function windowsCandidates(): string[] {
  return ['libopenblas.dll', 'openblas.dll'];
}

function platformCandidates(): string[] {
  if (process.platform === 'darwin') return macCandidates();
  if (process.platform === 'win32') return windowsCandidates();
  return linuxCandidates();
}

function envThreads(): number | undefined {
  const raw = process.env.RNNLAB_BLAS_THREADS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new UserError(`RNNLAB_BLAS_THREADS must be a positive integer, got '${raw}'; unset it or set e.g. 2`);
  }
  return n;
}

function makeActive(native: NativeBlas): Active {
  const parallelMin = parallelMinWork();
  const info: BlasInfo = { backend: native.backend, path: native.path, threads: 1 };
  if (native.config) info.detail = native.config;
  const nativeGemm = native.sgemm;
  const setThreads = native.setThreads;
  const gemm: SgemmFn = (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
    const work = m * n * k;
    if (work < NATIVE_MIN_WORK) {
      sgemmTs(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      return;
    }
    if (setThreads) {
      // Only the big products are worth a second thread: the per-time-step ones are too short to split, and
      // OpenBLAS's helper thread would only spin against our own element-wise work.
      const want = work >= parallelMin ? info.threads : 1;
      if (want !== act.threadsInEffect) {
        setThreads(want);
        act.threadsInEffect = want;
      }
    }
    nativeGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  };
  const act: Active = { info, native, gemm, threadsInEffect: 0 };
  return act;
}

function tsActive(detail: string): Active {
  return { info: { backend: 'typescript', threads: 1, detail }, native: null, gemm: sgemmTs, threadsInEffect: 1 };
}

function resolveBackend(): Active {
  applyDenormalMode(); // before the library loads and starts its threads
  const forced = process.env.RNNLAB_BLAS;
  let chosen: Active | null = null;
  if (forced !== undefined && forced !== '') {
    if (['typescript', 'ts', 'js', 'none'].includes(forced.toLowerCase())) {
      chosen = tsActive('forced by RNNLAB_BLAS');
    } else {
      let reason = '';
      const native = openNativeBlas(forced, (r) => (reason = r));
      if (!native) {
        throw new UserError(
          `RNNLAB_BLAS=${forced} could not be used as a BLAS library (${reason}); point it at a shared library ` +
            `exporting cblas_sgemm (e.g. /usr/lib/x86_64-linux-gnu/libopenblas.so.0), set it to 'typescript', or unset it`,
        );
      }
      chosen = makeActive(native);
    }
  } else {
    const candidates = platformCandidates();
    for (const name of candidates) {
      const native = openNativeBlas(name);
      if (native) {
        chosen = makeActive(native);
        break;
      }
    }
    if (!chosen) {
      process.stderr.write(FALLBACK_WARNING);
      chosen = tsActive('no BLAS library found');
    }
  }
  if (chosen.native) noteBlasLoaded();
  const threads = envThreads();
  if (threads !== undefined && chosen.native?.setThreads) chosen.native.setThreads(threads);
  chosen.info.threads = currentThreads(chosen);
  return chosen;
}

function currentThreads(a: Active): number {
  if (a.native?.getThreads) return a.native.getThreads();
  if (a.info.backend === 'accelerate') {
    const v = Number(process.env.VECLIB_MAXIMUM_THREADS);
    return Number.isInteger(v) && v > 0 ? v : availableParallelism();
  }
  return 1; // TypeScript, or a reference CBLAS: single-threaded
}

function backend(): Active {
  if (active === null) active = resolveBackend();
  return active;
}

/** Which BLAS the engine uses, where it was loaded from, and its thread count. Loads the backend if needed. */
export function blasInfo(): BlasInfo {
  return { ...backend().info };
}

/**
 * Sets the number of BLAS threads (OpenBLAS only; other backends ignore it). Returns the thread count in effect,
 * which for a non-OpenBLAS backend may differ from n.
 */
export function setBlasThreads(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new UserError(`BLAS thread count must be a positive integer, got ${n}`);
  const a = backend();
  if (a.native?.setThreads) {
    a.native.setThreads(n);
    a.threadsInEffect = n;
  }
  a.info.threads = currentThreads(a);
  return a.info.threads;
}

/**
 * Drops the chosen backend so the next call re-reads RNNLAB_BLAS (tests use it to compare backends in one process).
 * Not for normal use.
 */
export function resetBlasForTests(): void {
  active = null;
}

function checkArgs(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float32Array, lda: number, b: Float32Array, ldb: number, c: Float32Array, ldc: number,
): void {
  // A native BLAS would read/write out of bounds on a bad size, corrupting memory instead of throwing: check here.
  const aRows = transA ? k : m, aCols = transA ? m : k;
  const bRows = transB ? n : k, bCols = transB ? k : n;
  if (
    !(m >= 0 && n >= 0 && k >= 0) ||
    lda < Math.max(1, aCols) || ldb < Math.max(1, bCols) || ldc < Math.max(1, n) ||
    (aRows > 0 && aCols > 0 && a.length < (aRows - 1) * lda + aCols) ||
    (bRows > 0 && bCols > 0 && b.length < (bRows - 1) * ldb + bCols) ||
    (m > 0 && n > 0 && c.length < (m - 1) * ldc + n)
  ) {
    throw new Error(
      `sgemm: bad arguments (transA=${transA} transB=${transB} m=${m} n=${n} k=${k} lda=${lda} ldb=${ldb} ` +
        `ldc=${ldc}, lengths a=${a.length} b=${b.length} c=${c.length})`,
    );
  }
}

/** Time spent in sgemm per call shape, collected while timing is enabled (see `rnnlab bench --profile`). */
export interface SgemmShapeStats {
  shape: string; // e.g. "NT 64x512x128"
  calls: number;
  ms: number;
  flops: number;
}

let timing: Map<string, SgemmShapeStats> | null = null;

/** Starts (true) or stops (false) per-shape timing of sgemm calls; starting clears earlier numbers. */
export function setSgemmTiming(on: boolean): void {
  timing = on ? new Map() : null;
}

/** The numbers collected since setSgemmTiming(true), most expensive shape first. */
export function sgemmTimings(): SgemmShapeStats[] {
  return timing ? [...timing.values()].sort((x, y) => y.ms - x.ms) : [];
}

export function sgemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number,
  beta: number, c: Float32Array, ldc: number,
): void {
  checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
  if (m === 0 || n === 0) return;
  const impl = (active ?? backend()).gemm;
  if (timing === null) {
    impl(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  const t0 = process.hrtime.bigint();
  impl(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const shape = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}x${n}x${k}`;
  const s = timing.get(shape);
  if (s) {
    s.calls++;
    s.ms += ms;
    s.flops += 2 * m * n * k;
  } else timing.set(shape, { shape, calls: 1, ms, flops: 2 * m * n * k });
}
