/**
 * LSTM cell, PyTorch semantics (torch.nn.LSTM), one direction of one layer over a packed batch.
 *
 *   i  = σ(W_ii x + b_ii + W_hi h + b_hi)
 *   f  = σ(W_if x + b_if + W_hf h + b_hf)
 *   g  = tanh(W_ig x + b_ig + W_hg h + b_hg)
 *   o  = σ(W_io x + b_io + W_ho h + b_ho)
 *   c' = f ⊙ c + i ⊙ g
 *   h' = o ⊙ tanh(c')
 *
 * weight_ih = [W_ii; W_if; W_ig; W_io] (4H × in), weight_hh likewise (4H × H), bias_ih / bias_hh (4H) — gate order
 * i, f, g, o as in PyTorch.
 *
 * Backward (per step, given dh' and the recurrent dc' from the step after):
 *   dc  = dc'_rec + dh' ⊙ o ⊙ (1 − tanh²c')
 *   da_i = dc ⊙ g ⊙ i(1−i)   da_f = dc ⊙ c ⊙ f(1−f)   da_g = dc ⊙ i ⊙ (1−g²)   da_o = dh' ⊙ tanh c' ⊙ o(1−o)
 *   dc_prev = dc ⊙ f          dh_prev = da · W_hh
 * and over all steps at once: dW_hh += daᵀ·h_prev, dW_ih += daᵀ·x, dx = da·W_ih, db_ih = db_hh = Σ da.
 */
import { sgemm } from './blas.ts';
import { lstmBackward as lstmBackwardStep, lstmForward as lstmForwardStep } from './kernels.ts';
import {
  addColumnSums, gatherPrev, inputGrads, inputProjection, mPrevOf, prevStepOf,
  type DirCall, type Rows,
} from './recurrent.ts';

export function lstmForward(c: DirCall): void {
  const { lay, H, w, out, buf } = c;
  const GH = 4 * H;
  inputProjection(c, 4, 4); // gates = x·W_ihᵀ + b_ih + b_hh for every row
  for (let s = 0; s < lay.T; s++) {
    const t = c.reverse ? lay.T - 1 - s : s;
    const n = lay.batchSizes[t]!;
    const r0 = lay.offsets[t]!;
    const mPrev = gatherPrev(c, t, s);
    const prevStep = prevStepOf(lay, c.reverse, t);
    // The only per-step GEMM: gates[rows] += h_prev · W_hhᵀ (rows with no previous state contribute nothing).
    if (mPrev > 0) sgemm(false, true, mPrev, GH, H, 1, buf.hPrevAt(s, r0), H, w.wHh, H, 1, buf.gates.at(r0), GH);
    // Gate math for the step's n rows in one WASM SIMD pass (assembly/kernels.ts: lstm_forward).
    const cPrev = prevStep >= 0 ? buf.auxAt(s - 1, lay.offsets[prevStep]!) : buf.auxAt(s, r0);
    lstmForwardStep(buf.gates.at(r0), cPrev, buf.auxAt(s, r0), out.at(r0), out.ld, n, mPrev, H);
  }
}

/**
 * Backward of lstmForward (call right after it, buffers untouched). dOut: gradient of this direction's outputs
 * (same row layout as `out`). Accumulates the weight gradients; writes (dxBeta 0) or adds (1) the input gradient.
 */
export function lstmBackward(c: DirCall, dOut: Rows, dx: Float32Array | null, dxBeta: 0 | 1): void {
  const { lay, H, w, buf } = c;
  const GH = 4 * H;
  const g = buf.gates.buf;
  let valid = 0; // rows of dhRec/dcRec that hold a gradient from the step processed before
  for (let s = 0; s < lay.T; s++) {
    const t = c.reverse ? s : lay.T - 1 - s; // opposite of the forward's processing order
    const n = lay.batchSizes[t]!;
    const r0 = lay.offsets[t]!;
    const mPrev = mPrevOf(lay, c.reverse, t);
    const prevStep = prevStepOf(lay, c.reverse, t);
    const cPrev = prevStep >= 0 ? buf.aux.at(lay.offsets[prevStep]!) : buf.aux.at(r0);
    lstmBackwardStep(buf.gates.at(r0), buf.aux.at(r0), cPrev, dOut.at(r0), dOut.ld, buf.dhRec, buf.dcRec,
      n, valid, mPrev, H);
    if (mPrev > 0) sgemm(false, false, mPrev, H, GH, 1, buf.gates.at(r0), GH, w.wHh, H, 0, buf.dhRec, H);
    valid = mPrev;
  }
  const N = lay.N;
  if (N > 0) sgemm(true, false, GH, H, N, 1, g, GH, buf.hPrev.buf, H, 1, w.gwHh, H);
  addColumnSums(w.gbHh, g, N, GH, 0, GH);
  inputGrads(c, 4, dx, dxBeta);
}
