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
import {
  addColumnSums, gatherPrev, inputGrads, inputProjection, mPrevOf, prevStepOf, sigmoid,
  type DirCall, type Rows,
} from './recurrent.ts';

export function lstmForward(c: DirCall): void {
  const { lay, H, w, out, buf } = c;
  const GH = 4 * H;
  inputProjection(c, 4, 4); // gates = x·W_ihᵀ + b_ih + b_hh for every row
  const g = buf.gates.buf;
  const cs = buf.aux.buf;
  const o = out.buf;
  const ld = out.ld;
  for (let s = 0; s < lay.T; s++) {
    const t = c.reverse ? lay.T - 1 - s : s;
    const n = lay.batchSizes[t]!;
    const r0 = lay.offsets[t]!;
    const mPrev = gatherPrev(c, t);
    const prevStep = prevStepOf(lay, c.reverse, t);
    const p0 = prevStep >= 0 ? lay.offsets[prevStep]! : 0;
    // The only per-step GEMM: gates[rows] += h_prev · W_hhᵀ (rows with no previous state contribute nothing).
    if (mPrev > 0) sgemm(false, true, mPrev, GH, H, 1, buf.hPrev.at(r0), H, w.wHh, H, 1, buf.gates.at(r0), GH);
    for (let j = 0; j < n; j++) {
      const gb = (r0 + j) * GH;
      const cb = (r0 + j) * H;
      const pb = (p0 + j) * H;
      const ob = (r0 + j) * ld;
      const hasPrev = j < mPrev;
      for (let k = 0; k < H; k++) {
        const ig = sigmoid(g[gb + k]!);
        const fg = sigmoid(g[gb + H + k]!);
        const gg = Math.tanh(g[gb + 2 * H + k]!);
        const og = sigmoid(g[gb + 3 * H + k]!);
        const cp = hasPrev ? cs[pb + k]! : 0;
        const cc = fg * cp + ig * gg;
        g[gb + k] = ig;
        g[gb + H + k] = fg;
        g[gb + 2 * H + k] = gg;
        g[gb + 3 * H + k] = og;
        cs[cb + k] = cc;
        o[ob + k] = og * Math.tanh(cc);
      }
    }
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
  const cs = buf.aux.buf;
  const dO = dOut.buf;
  const ld = dOut.ld;
  const dhRec = buf.dhRec;
  const dcRec = buf.dcRec;
  let valid = 0; // rows of dhRec/dcRec that hold a gradient from the step processed before
  for (let s = 0; s < lay.T; s++) {
    const t = c.reverse ? s : lay.T - 1 - s; // opposite of the forward's processing order
    const n = lay.batchSizes[t]!;
    const r0 = lay.offsets[t]!;
    const mPrev = mPrevOf(lay, c.reverse, t);
    const prevStep = prevStepOf(lay, c.reverse, t);
    const p0 = prevStep >= 0 ? lay.offsets[prevStep]! : 0;
    for (let j = 0; j < n; j++) {
      const gb = (r0 + j) * GH;
      const cb = (r0 + j) * H;
      const pb = (p0 + j) * H;
      const ob = (r0 + j) * ld;
      const rb = j * H;
      const hasRec = j < valid;
      const hasPrev = j < mPrev;
      for (let k = 0; k < H; k++) {
        const dh = dO[ob + k]! + (hasRec ? dhRec[rb + k]! : 0);
        const ig = g[gb + k]!;
        const fg = g[gb + H + k]!;
        const gg = g[gb + 2 * H + k]!;
        const og = g[gb + 3 * H + k]!;
        const tc = Math.tanh(cs[cb + k]!);
        const dc = (hasRec ? dcRec[rb + k]! : 0) + dh * og * (1 - tc * tc);
        const cp = hasPrev ? cs[pb + k]! : 0;
        g[gb + k] = dc * gg * ig * (1 - ig);
        g[gb + H + k] = dc * cp * fg * (1 - fg);
        g[gb + 2 * H + k] = dc * ig * (1 - gg * gg);
        g[gb + 3 * H + k] = dh * tc * og * (1 - og);
        dcRec[rb + k] = dc * fg;
      }
    }
    if (mPrev > 0) sgemm(false, false, mPrev, H, GH, 1, buf.gates.at(r0), GH, w.wHh, H, 0, dhRec, H);
    valid = mPrev;
  }
  const N = lay.N;
  if (N > 0) sgemm(true, false, GH, H, N, 1, g, GH, buf.hPrev.buf, H, 1, w.gwHh, H);
  addColumnSums(w.gbHh, g, N, GH, 0, GH);
  inputGrads(c, 4, dx, dxBeta);
}
