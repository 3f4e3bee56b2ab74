/**
 * Host side of the WebAssembly element-wise kernels (source: assembly/kernels.ts, built into
 * src/nn/kernels/kernels.wasm by `npm run build:kernels`).
 *
 * The kernels read and write a WebAssembly.Memory, so every buffer they touch is allocated here, from that memory,
 * as an ordinary Float32Array/Int32Array view (allocF32 / allocI32). The same views go to the BLAS (koffi passes
 * their address), so nothing is ever copied between JavaScript, BLAS and WASM.
 *
 * The memory is *shared* (SharedArrayBuffer-backed): growing it then keeps every view already handed out valid
 * (a plain WebAssembly memory detaches its old ArrayBuffer on grow), and worker threads can map the same memory.
 * It is limited to wasm32's 4 GiB.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../util/errors.ts';

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit (the module is built with --maximumMemory 65536)
const ALIGN = 16; // v128 alignment
const RESERVED = 1024; // offset 0 means "no buffer" to the kernels

const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });

/**
 * The kernel module is read and compiled on first use, not at import, so that importing rnnlab (as a library, or a
 * CLI command that never trains) costs nothing. kernels.wasm sits next to this file in src/ and in dist/.
 */
let instance: WasmExports | null = null;
function wasm(): WasmExports {
  if (instance === null) {
    const wasmModule = new WebAssembly.Module(readFileSync(new URL('./kernels/kernels.wasm', import.meta.url)));
    instance = new WebAssembly.Instance(wasmModule, {
      env: { memory, abort: () => { throw new Error('wasm kernel abort'); } },
    }).exports as unknown as WasmExports;
  }
  return instance;
}

interface WasmExports {
  lstm_forward(g: number, cPrev: number, c: number, out: number, ld: number, n: number, mPrev: number, H: number): void;
  lstm_backward(g: number, c: number, cPrev: number, dOut: number, ld: number, dhRec: number, dcRec: number, n: number, valid: number, mPrev: number, H: number): void;
  gru_forward(g: number, sc: number, bhn: number, hp: number, hn: number, out: number, ld: number, n: number, mPrev: number, H: number): void;
  gru_backward(g: number, hn: number, hp: number, dOut: number, ld: number, dhRec: number, n: number, valid: number, H: number): void;
  rnn_forward(g: number, out: number, ld: number, n: number, H: number): void;
  rnn_backward(g: number, dOut: number, ld: number, dhRec: number, n: number, valid: number, H: number): void;
  fill_rows(dst: number, row: number, rows: number, cols: number): void;
  copy_rows(dst: number, src: number, ld: number, rows: number, cols: number): void;
  add_col_sums(db: number, src: number, rows: number, cols: number, ld: number): void;
  tanh_f32(x: number): number;
  gather_rows(out: number, weight: number, ids: number, n: number, E: number): void;
  scatter_add_rows(dW: number, dOut: number, ids: number, n: number, E: number): void;
  adam_update(data: number, grad: number, m: number, v: number, n: number, decay: number, l2: number,
    b1: number, c1: number, b2: number, c2: number, stepSize: number, bc2Sqrt: number, eps: number): void;
  sgd_update(data: number, grad: number, buf: number, n: number, lr: number, wd: number, mu: number,
    first: number, nesterov: number): void;
  adadelta_update(data: number, grad: number, s: number, a: number, n: number, lr: number, wd: number,
    rho: number, c: number, eps: number): void;
  rmsprop_update(data: number, grad: number, s: number, b: number, n: number, lr: number, wd: number,
    alpha: number, c: number, eps: number, mu: number): void;
  set_denormal_flush(on: number): void;
  flush_f32(x: number): number;
}

// ---- allocator: first-fit free list over [RESERVED, memory size), blocks aligned to 16 bytes -------------------
interface Block { start: number; size: number }
const free: Block[] = [];
const live = new Map<number, number>(); // start → size
let top = RESERVED; // everything at or above `top` is unused
/**
 * The memory's buffer, read once per growth: once the memory has been posted to another thread (a data-parallel
 * replica, src/train/parallel/), each read of `memory.buffer` may return a new SharedArrayBuffer object over the
 * same bytes, and `ours` recognises views by their buffer object.
 */
let buffer = memory.buffer;
const ours = new WeakSet<ArrayBufferLike>([buffer]);

function allocBytes(bytes: number): number {
  const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  for (let i = 0; i < free.length; i++) {
    const b = free[i]!;
    if (b.size >= size) {
      const start = b.start;
      if (b.size === size) free.splice(i, 1);
      else { b.start += size; b.size -= size; }
      live.set(start, size);
      return start;
    }
  }
  const start = top;
  const end = start + size;
  const have = buffer.byteLength;
  if (end > have) {
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) {
      throw new UserError(
        `the model's activations need more than 4 GiB (WebAssembly's limit): lower --batch-size, --max-len, ` +
        `--hidden or --layers`);
    }
    memory.grow(pages);
    buffer = memory.buffer;
    ours.add(buffer);
  }
  top = end;
  live.set(start, size);
  return start;
}

/** A zero-filled float32 buffer in kernel memory. */
export function allocF32(n: number): Float32Array {
  const start = allocBytes(n * 4);
  const v = new Float32Array(buffer, start, n);
  v.fill(0);
  return v;
}

/** A zero-filled int32 buffer in kernel memory. */
export function allocI32(n: number): Int32Array {
  const start = allocBytes(n * 4);
  const v = new Int32Array(buffer, start, n);
  v.fill(0);
  return v;
}

/** Returns a buffer from allocF32/allocI32 to the free list (the view must not be used afterwards). */
export function release(view: Float32Array | Int32Array): void {
  const start = ptr(view);
  const size = live.get(start);
  if (size === undefined) throw new Error('release: not the start of a live kernel buffer');
  live.delete(start);
  // insert sorted, then merge with neighbours
  let i = 0;
  while (i < free.length && free[i]!.start < start) i++;
  free.splice(i, 0, { start, size });
  if (i + 1 < free.length && start + size === free[i + 1]!.start) {
    free[i]!.size += free[i + 1]!.size;
    free.splice(i + 1, 1);
  }
  if (i > 0 && free[i - 1]!.start + free[i - 1]!.size === start) {
    free[i - 1]!.size += free[i]!.size;
    free.splice(i, 1);
    i--;
  }
  if (free[i]!.start + free[i]!.size === top) { top = free[i]!.start; free.splice(i, 1); }
}

/**
 * The kernels' memory itself, for a data-parallel replica on a worker thread (src/train/parallel/): the memory is
 * shared, so the replica reads this thread's parameters and this thread reads its gradients with no copy.
 */
export function kernelMemory(): WebAssembly.Memory {
  return memory;
}

/** Bytes currently allocated (for tests and memory reports). */
export function kernelMemoryInUse(): number {
  let s = 0;
  for (const v of live.values()) s += v;
  return s;
}

/** The address of a kernel-memory view; throws for any other array (a bug: kernels can only see their memory). */
export function ptr(view: Float32Array | Int32Array): number {
  if (!ours.has(view.buffer)) throw new Error('kernel argument is not in kernel memory (allocate it with allocF32)');
  return view.byteOffset;
}

/** Whether `view` lies in this thread's kernel memory (so the kernels can take it). */
export function inKernelMemory(view: Float32Array | Int32Array): boolean {
  return ours.has(view.buffer);
}

/** null → 0: "no buffer" to the kernels. */
function optPtr(view: Float32Array | null): number {
  return view === null ? 0 : ptr(view);
}

// ---- typed wrappers: argument meanings in assembly/kernels.ts. Views' element 0 is where the kernel starts. ----
type F = Float32Array;

export function lstmForward(g: F, cPrev: F, c: F, out: F, ld: number, n: number, mPrev: number, H: number): void {
  wasm().lstm_forward(ptr(g), ptr(cPrev), ptr(c), ptr(out), ld, n, mPrev, H);
}
export function lstmBackward(g: F, c: F, cPrev: F, dOut: F, ld: number, dhRec: F, dcRec: F,
  n: number, valid: number, mPrev: number, H: number): void {
  wasm().lstm_backward(ptr(g), ptr(c), ptr(cPrev), ptr(dOut), ld, ptr(dhRec), ptr(dcRec), n, valid, mPrev, H);
}
export function gruForward(g: F, sc: F, bhn: F, hp: F, hn: F, out: F, ld: number, n: number, mPrev: number, H: number): void {
  wasm().gru_forward(ptr(g), ptr(sc), ptr(bhn), ptr(hp), ptr(hn), ptr(out), ld, n, mPrev, H);
}
export function gruBackward(g: F, hn: F, hp: F, dOut: F, ld: number, dhRec: F, n: number, valid: number, H: number): void {
  wasm().gru_backward(ptr(g), ptr(hn), ptr(hp), ptr(dOut), ld, ptr(dhRec), n, valid, H);
}
export function rnnForward(g: F, out: F, ld: number, n: number, H: number): void {
  wasm().rnn_forward(ptr(g), ptr(out), ld, n, H);
}
export function rnnBackward(g: F, dOut: F, ld: number, dhRec: F, n: number, valid: number, H: number): void {
  wasm().rnn_backward(ptr(g), ptr(dOut), ld, ptr(dhRec), n, valid, H);
}
/** dst[r,:] = row for r < rows. */
export function fillRows(dst: F, row: F, rows: number, cols: number): void {
  wasm().fill_rows(ptr(dst), ptr(row), rows, cols);
}
/** dst[r,:] = src[r*ld …+cols) for r < rows. */
export function copyRows(dst: F, src: F, ld: number, rows: number, cols: number): void {
  wasm().copy_rows(ptr(dst), ptr(src), ld, rows, cols);
}
/** db[j] += Σ_r src[r*ld + j] for j < cols. */
export function addColSums(db: F, src: F, rows: number, cols: number, ld: number): void {
  wasm().add_col_sums(ptr(db), ptr(src), rows, cols, ld);
}
/** out[r,:] = weight[ids[r],:] for r < n (ids must be valid rows). */
export function gatherRows(out: F, weight: F, ids: Int32Array, n: number, E: number): void {
  wasm().gather_rows(ptr(out), ptr(weight), ptr(ids), n, E);
}
/** dW[ids[r],:] += dOut[r,:] for r < n. */
export function scatterAddRows(dW: F, dOut: F, ids: Int32Array, n: number, E: number): void {
  wasm().scatter_add_rows(ptr(dW), ptr(dOut), ptr(ids), n, E);
}
/**
 * Whether the backward kernels store gradients below the smallest normal float32 as 0 (on by default; src/nn/fpenv.ts
 * decides, from RNNLAB_DENORMALS). Applies to this thread's kernel instance.
 */
export function setKernelDenormalFlush(on: boolean): void {
  wasm().set_denormal_flush(on ? 1 : 0);
}
/** x as the backward kernels would store it (for tests). */
export function kernelFlush(x: number): number {
  return wasm().flush_f32(x);
}
/** The kernels' tanh approximation, one value (for tests). */
export function kernelTanh(x: number): number {
  return wasm().tanh_f32(x);
}

// ---- optimizer updates (formulas: src/optim/*.ts; scalars must already be rounded to float32 where PyTorch does)
export function adamUpdate(data: F, grad: F, m: F, v: F, decay: number, l2: number, b1: number, c1: number,
  b2: number, c2: number, stepSize: number, bc2Sqrt: number, eps: number): void {
  wasm().adam_update(ptr(data), ptr(grad), ptr(m), ptr(v), data.length, decay, l2, b1, c1, b2, c2, stepSize, bc2Sqrt, eps);
}
export function sgdUpdate(data: F, grad: F, buf: F | null, lr: number, wd: number, mu: number, first: boolean,
  nesterov: boolean): void {
  wasm().sgd_update(ptr(data), ptr(grad), optPtr(buf), data.length, lr, wd, mu, first ? 1 : 0, nesterov ? 1 : 0);
}
export function adadeltaUpdate(data: F, grad: F, s: F, a: F, lr: number, wd: number, rho: number, c: number,
  eps: number): void {
  wasm().adadelta_update(ptr(data), ptr(grad), ptr(s), ptr(a), data.length, lr, wd, rho, c, eps);
}
export function rmspropUpdate(data: F, grad: F, s: F, b: F | null, lr: number, wd: number, alpha: number, c: number,
  eps: number, mu: number): void {
  wasm().rmsprop_update(ptr(data), ptr(grad), ptr(s), optPtr(b), data.length, lr, wd, alpha, c, eps, mu);
}
