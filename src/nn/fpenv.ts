/**
 * Subnormal (denormal) floats: the engine flushes them to zero, on every CPU, unless told to keep them.
 *
 * Why: gradients shrinking through hundreds of steps of backpropagation through time fall below the smallest normal
 * float32, 1.1754944e-38. On Intel cores every multiply-add that reads or makes such a subnormal takes a ~100-cycle
 * microcode assist: on a Sapphire Rapids Xeon the backward GEMMs of a W1 LSTM step ran at 5–9 GFLOP/s instead of
 * ~200, and PyTorch has the same stall until `torch.set_flush_denormal(True)`. Values that small carry no
 * information for training (a gradient of 1e-39 moves no float32 weight), so they are set to 0, as PyTorch, JAX and
 * most audio/DSP code do.
 *
 * How, in two layers that give the same semantics ("a value below 1.1754944e-38 in magnitude becomes ±0"):
 *  1. x86-64 Linux: the FTZ (flush-to-zero, bit 15) and DAZ (denormals-are-zero, bit 6) bits of the MXCSR register,
 *     set with glibc/musl `fegetenv` + `fesetenv` through koffi. MXCSR is per thread, and a new thread starts with
 *     its creator's, so it must be set BEFORE OpenBLAS is loaded: OpenBLAS starts its worker threads when the library
 *     loads (blas.ts calls applyDenormalMode() first thing). It covers everything on this thread: OpenBLAS, the WASM
 *     kernels (V8 compiles WebAssembly f32 arithmetic to SSE/AVX, which obeys MXCSR) and JavaScript's own float
 *     arithmetic (so in a training process a JavaScript double below 2.2e-308 also becomes 0; the engine never
 *     relies on one). Measured here: a 256×256×256 sgemm of 1e-20 values (exact result 2.56e-38, subnormal) gives 0
 *     in every element with two OpenBLAS threads; loaded before the bits were set, half the elements (those of the
 *     worker thread) stayed subnormal (test/nn/fpenv.test.ts checks the first).
 *  2. Everywhere (arm64, macOS, a libc without fenv): the backward WASM kernels store any gradient below the normal
 *     range as 0 (assembly/kernels.ts `ftz`), so the GEMMs that read those gradients never see a subnormal.
 *
 * RNNLAB_DENORMALS=keep (or applyDenormalMode('keep') before the engine starts) keeps IEEE subnormals, for
 * comparison; the default is 'flush'.
 */
import { UserError } from '../util/errors.ts';
import { setKernelDenormalFlush } from './kernels.ts';
import { loadKoffi } from './blas/native.ts';

export type DenormalMode = 'flush' | 'keep';

export interface FloatEnvInfo {
  mode: DenormalMode;
  /** whether this thread's MXCSR has FTZ and DAZ set (x86-64 Linux only) */
  mxcsrFlush: boolean;
  /** why MXCSR could not be set, when mode is 'flush' and it is not */
  mxcsrNote?: string;
  /** whether the backward WASM kernels flush the gradients they write */
  kernelFlush: boolean;
}

const MXCSR_FTZ = 0x8000;
const MXCSR_DAZ = 0x0040;
/** glibc and musl x86-64: fenv_t is the 28-byte x87 environment (fnstenv) followed by the 32-bit MXCSR. */
const FENV_BYTES = 32;
const MXCSR_OFFSET = 28;

let applied: FloatEnvInfo | null = null;
/** set once a native BLAS is loaded: its threads have inherited the mode, which can no longer change */
let blasLoaded = false;

/** The mode named by RNNLAB_DENORMALS (unset or empty: 'flush'); anything else is a one-line UserError. */
export function denormalModeFromEnv(env: NodeJS.ProcessEnv = process.env): DenormalMode {
  const raw = env.RNNLAB_DENORMALS;
  if (raw === undefined || raw === '' || raw === 'flush') return 'flush';
  if (raw === 'keep') return 'keep';
  throw new UserError(`RNNLAB_DENORMALS must be 'flush' (the default) or 'keep', got '${raw}'; unset it`);
}

interface Fenv {
  get(): number;
  set(mxcsr: number): void;
}

let fenv: Fenv | null | undefined;
let fenvNote = '';

function libcFenv(): Fenv | null {
  if (fenv !== undefined) return fenv;
  fenv = null;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fenvNote = `no MXCSR on ${process.platform}-${process.arch}; the WASM kernels flush the gradients`;
    return null;
  }
  const koffi = loadKoffi();
  if (!koffi) {
    fenvNote = 'koffi could not load; the WASM kernels flush the gradients';
    return null;
  }
  try {
    const libm = koffi.load('libm.so.6');
    const fegetenv = libm.func('int fegetenv(_Out_ uint8_t *envp)') as (b: Uint8Array) => number;
    const fesetenv = libm.func('int fesetenv(const uint8_t *envp)') as (b: Uint8Array) => number;
    const read = (): Uint8Array => {
      const b = new Uint8Array(FENV_BYTES);
      if (fegetenv(b) !== 0) throw new Error('fegetenv failed');
      return b;
    };
    fenv = {
      get: () => new DataView(read().buffer).getUint32(MXCSR_OFFSET, true),
      set: (mxcsr) => {
        const b = read();
        new DataView(b.buffer).setUint32(MXCSR_OFFSET, mxcsr, true);
        if (fesetenv(b) !== 0) throw new Error('fesetenv failed');
      },
    };
  } catch (e) {
    fenvNote = `libm's fegetenv/fesetenv unusable (${(e as Error).message.split('\n')[0]}); the WASM kernels flush`;
    fenv = null;
  }
  return fenv;
}

/** This thread's MXCSR, or null where it cannot be read (not x86-64 Linux). */
export function readMxcsr(): number | null {
  const f = libcFenv();
  return f ? f.get() : null;
}

/**
 * Sets (flush) or clears (keep) FTZ and DAZ on the calling thread only; returns whether MXCSR now flushes.
 * Worker threads that run kernels or BLAS call it themselves.
 */
export function setThreadDenormals(mode: DenormalMode): boolean {
  const f = libcFenv();
  if (!f) return false;
  const before = f.get();
  const want = mode === 'flush' ? before | MXCSR_FTZ | MXCSR_DAZ : before & ~(MXCSR_FTZ | MXCSR_DAZ);
  if (want !== before) f.set(want);
  return (f.get() & (MXCSR_FTZ | MXCSR_DAZ)) === (MXCSR_FTZ | MXCSR_DAZ);
}

/**
 * Puts the engine in `mode` (default: RNNLAB_DENORMALS, else 'flush'): MXCSR of this thread, and the WASM kernels'
 * flush. Called by the BLAS loader before it opens the library and by every model constructor; the first call
 * decides. A later call asking for the other mode is an error once the BLAS is loaded, because OpenBLAS's threads
 * keep the environment they were created with.
 */
export function applyDenormalMode(mode?: DenormalMode): FloatEnvInfo {
  const want = mode ?? (applied ? applied.mode : denormalModeFromEnv());
  if (applied && applied.mode === want) return { ...applied };
  if (applied && blasLoaded) {
    throw new Error(`denormal mode is already '${applied.mode}' and the BLAS threads have inherited it; ` +
      `choose the mode before the first model or BLAS call`);
  }
  const mxcsrFlush = setThreadDenormals(want);
  setKernelDenormalFlush(want === 'flush');
  applied = { mode: want, mxcsrFlush, kernelFlush: want === 'flush' };
  if (want === 'flush' && !mxcsrFlush) applied.mxcsrNote = fenvNote || 'MXCSR did not take FTZ/DAZ';
  return { ...applied };
}

/** Called by blas.ts once a native BLAS has been loaded (its threads now carry this thread's environment). */
export function noteBlasLoaded(): void {
  blasLoaded = true;
}

/** The mode in effect (applies the default first if nothing has yet). */
export function floatEnvInfo(): FloatEnvInfo {
  return applyDenormalMode();
}

/** One line for `rnnlab info` and benchmark headers. */
export function floatEnvLine(f: FloatEnvInfo): string {
  if (f.mode === 'keep') return 'denormals kept (RNNLAB_DENORMALS=keep)';
  return f.mxcsrFlush
    ? 'denormals flushed to zero (MXCSR FTZ+DAZ on BLAS threads and kernels; backward kernels flush too)'
    : `denormals flushed to zero by the backward kernels only (${f.mxcsrNote ?? 'MXCSR not set'})`;
}
