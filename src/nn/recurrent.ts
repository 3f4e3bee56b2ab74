/**
 * What the three cell files (rnn.ts, gru.ts, lstm.ts) share: the arguments of a one-direction, one-layer pass over a
 * packed batch, its preallocated buffers, and the pieces of work that do not depend on the cell equations
 * (the big input-projection GEMM before the time loop, the big weight-gradient GEMMs after it).
 *
 * Data layout (see packing.ts): every sequence tensor is packed time-major, row r = (step t, sorted sequence j).
 * Gate blocks follow PyTorch's row order of weight_ih / weight_hh: LSTM (i, f, g, o), GRU (r, z, n), RNN (one block).
 *
 * Masking falls out of the layout:
 *  - forward direction, step t: the previous state of row j is row j of step t−1 (it exists because lengths are
 *    sorted, so batchSizes[t−1] ≥ batchSizes[t]); at t = 0 it is zero.
 *  - reverse direction, step t (processed from T−1 down to 0): the previous state of row j is row j of step t+1
 *    if that sequence is still running there (j < batchSizes[t+1]), otherwise zero — so each sequence starts from a
 *    zero state at its own last valid step, exactly as PyTorch's packed reverse direction does.
 * In both cases the rows with a previous state are a prefix 0..mPrev−1 of the step's rows, so the per-step
 * recurrent GEMM is simply run on mPrev rows.
 */
import { sgemm } from './blas.ts';
import { addColSums, allocF32, copyRows, fillRows } from './kernels.ts';
import type { PackedLayout } from './packing.ts';

/** The four tensors of one direction of one layer, with their gradients (PyTorch shapes, row-major). */
export interface DirWeights {
  wIh: Float32Array; // [G*H, inDim]
  wHh: Float32Array; // [G*H, H]
  bIh: Float32Array; // [G*H]
  bHh: Float32Array; // [G*H]
  gwIh: Float32Array;
  gwHh: Float32Array;
  gbIh: Float32Array;
  gbHh: Float32Array;
}

/**
 * Cached row views of a flat [rows, ld] buffer: `at(r)` is the subarray starting at row r. The time loops need a
 * view per step (sgemm takes the matrix start as element 0); caching them keeps the loops allocation-free once
 * the views of a buffer have been made. Only the rows where a step starts are asked for (a few hundred of up to
 * 200,000), so the cache is a Map: an array indexed by row took 8 bytes per row of every buffer, 1.6 MB each for
 * the 200,000 rows of W2 (B1000 T200 H8 L25); its peak RSS fell from 825 to 701 MB (RNN) and from 1,473 to
 * 1,320 MB (LSTM) with the Map, one BLAS thread, 2026-12-06.
 */
export class Rows {
  private readonly cache = new Map<number, Float32Array>();
  constructor(readonly buf: Float32Array, readonly ld: number) {}
  at(r: number): Float32Array {
    let v = this.cache.get(r);
    if (v === undefined) {
      v = this.buf.subarray(r * this.ld);
      this.cache.set(r, v);
    }
    return v;
  }
}

/**
 * Preallocated work buffers of one direction of one layer; sized for `capRows` packed rows and `capB` sequences.
 *
 * Two kinds. For training (the default) every step's previous h and aux stay in [capRows, ·] buffers, because
 * backward reads them all. For a forward-only pass (`forInference`) nothing is kept for backward: the previous h and
 * aux live in [capB, ·] buffers reused step after step (aux alternates between two, since the LSTM reads the
 * previous step's c while writing this step's), and `gates` may be one buffer shared by every layer and direction.
 * The cells reach them through hPrevAt / auxAt, so one forward implementation serves both.
 */
export class DirBuffers {
  /** [capRows, G*H]: forward writes gate activations here; backward overwrites them with pre-activation grads. */
  readonly gates: Rows;
  /** [capRows, H]: the previous hidden state of every row (zero where there is none), kept for dW_hh. */
  readonly hPrev: Rows;
  /** [capRows, H]: LSTM cell state c; GRU W_hn·h + b_hn (overwritten by its gradient in backward); RNN unused. */
  readonly aux: Rows;
  /** [capB, G*H]: GRU's per-step W_hh·h (RNN/LSTM accumulate straight into `gates`). */
  readonly scratch: Float32Array;
  /** [capB, H]: gradient flowing into the previous step's h (and c for the LSTM) during backward. */
  readonly dhRec: Float32Array;
  readonly dcRec: Float32Array;
  /** forward-only: hPrev and aux are per-step [capB, H] buffers (aux: two, alternating) */
  readonly stepwise: boolean;
  private readonly auxSteps: Float32Array[];
  private readonly owned: Float32Array[];

  constructor(readonly G: number, readonly H: number, readonly capRows: number, readonly capB: number,
    kind: 'rnn' | 'gru' | 'lstm', inference?: { gates: Float32Array }) {
    // In kernel memory: the WASM gate kernels read and write all of these (src/nn/kernels.ts).
    this.stepwise = inference !== undefined;
    const hasAux = kind !== 'rnn';
    if (inference) {
      if (inference.gates.length < capRows * G * H) throw new Error('DirBuffers: shared gates buffer too small');
      this.gates = new Rows(inference.gates, G * H);
      this.hPrev = new Rows(allocF32(capB * H), H);
      this.aux = new Rows(allocF32(0), H);
      this.auxSteps = hasAux ? [allocF32(capB * H), allocF32(capB * H)] : [this.aux.buf, this.aux.buf];
      this.dhRec = allocF32(0);
      this.dcRec = allocF32(0);
    } else {
      this.gates = new Rows(allocF32(capRows * G * H), G * H);
      this.hPrev = new Rows(allocF32(capRows * H), H);
      this.aux = new Rows(allocF32(hasAux ? capRows * H : 0), H);
      this.auxSteps = [];
      this.dhRec = allocF32(capB * H);
      this.dcRec = allocF32(kind === 'lstm' ? capB * H : 0);
    }
    this.scratch = allocF32(kind === 'gru' ? capB * G * H : 0);
    this.owned = [
      ...(inference ? [] : [this.gates.buf]), this.hPrev.buf, this.aux.buf, this.scratch, this.dhRec, this.dcRec,
      ...(inference && hasAux ? this.auxSteps : []),
    ];
  }

  /** A forward-only set (see the class comment); `gates` ([capRows, G*H] or larger) is the caller's. */
  static forInference(G: number, H: number, capRows: number, capB: number, kind: 'rnn' | 'gru' | 'lstm',
    gates: Float32Array): DirBuffers {
    return new DirBuffers(G, H, capRows, capB, kind, { gates });
  }

  /** Where the previous h of the step processed s-th (its first packed row r0) is gathered. */
  hPrevAt(s: number, r0: number): Float32Array {
    return this.stepwise ? this.hPrev.buf : this.hPrev.at(r0);
  }

  /** Where the aux rows (c, or W_hn·h + b_hn) of the step processed s-th (first packed row r0) live. */
  auxAt(s: number, r0: number): Float32Array {
    return this.stepwise ? this.auxSteps[s & 1]! : this.aux.at(r0);
  }

  /** The kernel-memory buffers this set allocated, for the owner to release (src/nn/kernels.ts release). */
  buffers(): Float32Array[] {
    return this.owned;
  }
}

/** Everything a one-direction pass needs. `out` is a view whose element 0 is this direction's first column. */
export interface DirCall {
  lay: PackedLayout;
  reverse: boolean;
  H: number;
  inDim: number;
  /** Layer input, packed [N, inDim]. */
  x: Float32Array;
  w: DirWeights;
  /** Layer output rows: h of row r at out[r * ldOut + k] (ldOut = H * directions; both directions share rows). */
  out: Rows;
  buf: DirBuffers;
}

/** The packed step holding the previous state of step t, or −1 when there is none (first step processed). */
export function prevStepOf(lay: PackedLayout, reverse: boolean, t: number): number {
  if (!reverse) return t > 0 ? t - 1 : -1;
  return t + 1 < lay.T ? t + 1 : -1;
}

/** How many of step t's rows (a prefix) have a previous state. */
export function mPrevOf(lay: PackedLayout, reverse: boolean, t: number): number {
  if (!reverse) return t > 0 ? lay.batchSizes[t]! : 0;
  return t + 1 < lay.T ? lay.batchSizes[t + 1]! : 0;
}

/**
 * Copies the previous hidden state of step t (processed s-th) into its hPrev rows (zero for rows without one) and
 * returns mPrev.
 * The copy makes the recurrent GEMM's A operand contiguous and is what the single dW_hh GEMM reads afterwards.
 */
export function gatherPrev(c: DirCall, t: number, s: number): number {
  const { lay, H, out, buf } = c;
  const n = lay.batchSizes[t]!;
  const dst = buf.hPrevAt(s, lay.offsets[t]!);
  const prevStep = prevStepOf(lay, c.reverse, t);
  const mPrev = mPrevOf(lay, c.reverse, t);
  if (mPrev > 0) copyRows(dst, out.at(lay.offsets[prevStep]!), out.ld, mPrev, H);
  dst.fill(0, mPrev * H, n * H);
  return mPrev;
}

/**
 * gates[r, :] = x[r, :] · W_ihᵀ + b_ih (+ foldHh · b_hh) for all N rows at once — the one big GEMM per layer and
 * direction, done before the time loop. RNN and LSTM fold b_hh in here (it is added at every step either way);
 * the GRU cannot for its n block (b_hn sits inside r ⊙ (…)), so it folds only the r and z parts.
 */
export function inputProjection(c: DirCall, G: number, hhBiasBlocks: number): void {
  const { lay, H, inDim, x, w } = c;
  const GH = G * H;
  const N = lay.N;
  const g = c.buf.gates.buf;
  if (N === 0) return;
  const foldEnd = hhBiasBlocks * H;
  for (let q = 0; q < foldEnd; q++) g[q] = w.bIh[q]! + w.bHh[q]!;
  for (let q = foldEnd; q < GH; q++) g[q] = w.bIh[q]!;
  fillRows(c.buf.gates.at(1), g, N - 1, GH); // row 0 → rows 1..N−1
  sgemm(false, true, N, GH, inDim, 1, x, inDim, w.wIh, inDim, 1, g, GH);
}

/**
 * After the backward time loop, with dGi = d(pre-activations) w.r.t. the input projection in `gates`:
 *   dW_ih += dGiᵀ · X,   db_ih += Σ_rows dGi,   dX (+)= dGi · W_ih      (three GEMM-sized jobs over all N rows)
 * The hidden-side gradients (dW_hh, db_hh) are cell specific for the GRU, so cells do those themselves.
 */
export function inputGrads(c: DirCall, G: number, dx: Float32Array | null, dxBeta: 0 | 1): void {
  const { lay, inDim, x, w } = c;
  const GH = G * c.H;
  const N = lay.N;
  const dG = c.buf.gates.buf;
  if (N === 0) return;
  sgemm(true, false, GH, inDim, N, 1, dG, GH, x, inDim, 1, w.gwIh, inDim);
  addColumnSums(w.gbIh, dG, N, GH, 0, GH);
  if (dx) inputGradRows(c, G, 0, N, dx, dxBeta);
}

/**
 * dx[0..n) (+)= dGi[r0..r0+n) · W_ih: the input gradient of n rows from row r0, after the backward time loop (see
 * inputGrads). The model runs the first layer's in chunks of rows (its dx feeds the embedding's gradient).
 */
export function inputGradRows(c: DirCall, G: number, r0: number, n: number, dx: Float32Array, dxBeta: 0 | 1): void {
  const GH = G * c.H;
  if (n > 0) sgemm(false, false, n, c.inDim, GH, 1, c.buf.gates.buf.subarray(r0 * GH), GH, c.w.wIh, c.inDim, dxBeta, dx, c.inDim);
}

/** acc[q] += Σ_r m[r*ld + q] for columns q in [c0, c1) (acc and m in kernel memory). */
export function addColumnSums(acc: Float32Array, m: Float32Array, rows: number, ld: number, c0: number, c1: number): void {
  if (rows > 0) addColSums(acc, c0 === 0 ? m : m.subarray(c0), rows, c1 - c0, ld);
}
