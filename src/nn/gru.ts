/**
 * GRU cell, PyTorch semantics (torch.nn.GRU), one direction of one layer over a packed batch.
 *
 *   r  = σ(W_ir x + b_ir + W_hr h + b_hr)
 *   z  = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h' = (1 − z) ⊙ n + z ⊙ h
 *
 * weight_ih = [W_ir; W_iz; W_in] (3H × in), weight_hh = [W_hr; W_hz; W_hn] (3H × H), two bias vectors (3H) — gate
 * order r, z, n as in PyTorch. Note b_hn sits inside r ⊙ (…), so it cannot be folded into the input projection.
 *
 * Backward (per step, given dh'):
 *   dn = dh' ⊙ (1−z)      dz = dh' ⊙ (h − n)      da_n = dn ⊙ (1−n²)      dr = da_n ⊙ hn   (hn = W_hn h + b_hn)
 *   da_r = dr ⊙ r(1−r)    da_z = dz ⊙ z(1−z)      dhn = da_n ⊙ r
 *   input side pre-activation grads  dGi = [da_r, da_z, da_n]
 *   hidden side pre-activation grads dGh = [da_r, da_z, dhn]
 *   dh_prev = dGh · W_hh + dh' ⊙ z
 * and over all steps: dW_ih += dGiᵀ·x, dW_hh += dGhᵀ·h_prev, db_ih = Σ dGi, db_hh = Σ dGh, dx = dGi·W_ih.
 */
import { sgemm } from './blas.ts';
import { gruBackward as gruBackwardStep, gruForward as gruForwardStep } from './kernels.ts';
import {
  addColumnSums, gatherPrev, inputGrads, inputProjection, mPrevOf,
  type DirCall, type Rows,
} from './recurrent.ts';

export function gruForward(c: DirCall): void {
  const { lay, H, w, out, buf } = c;
  const GH = 3 * H;
  inputProjection(c, 3, 2); // gates = x·W_ihᵀ + b_ih + [b_hr, b_hz, 0]
  const sc = buf.scratch;
  const bhn = w.bHh.subarray(2 * H);
  for (let s = 0; s < lay.T; s++) {
    const t = c.reverse ? lay.T - 1 - s : s;
    const n = lay.batchSizes[t]!;
    const r0 = lay.offsets[t]!;
    const mPrev = gatherPrev(c, t, s);
    const hp = buf.hPrevAt(s, r0);
    // Per-step GEMM into a scratch buffer (the n block must stay separate to be gated by r).
    if (mPrev > 0) sgemm(false, true, mPrev, GH, H, 1, hp, H, w.wHh, H, 0, sc, GH);
    // Gate math in one WASM SIMD pass (assembly/kernels.ts: gru_forward); aux keeps W_hn·h + b_hn for backward.
    gruForwardStep(buf.gates.at(r0), sc, bhn, hp, buf.auxAt(s, r0), out.at(r0), out.ld, n, mPrev, H);
  }
}

/** Backward of gruForward; see lstmBackward for the argument conventions. */
export function gruBackward(c: DirCall, dOut: Rows, dx: Float32Array | null, dxBeta: 0 | 1): void {
  const { lay, H, w, buf } = c;
  const GH = 3 * H;
  const g = buf.gates.buf;
  const hnBuf = buf.aux.buf; // becomes dGh's n block
  const hp = buf.hPrev.buf;
  const dhRec = buf.dhRec;
  const wHn = w.wHh.subarray(2 * H * H);
  let valid = 0;
  for (let s = 0; s < lay.T; s++) {
    const t = c.reverse ? s : lay.T - 1 - s;
    const n = lay.batchSizes[t]!;
    const r0 = lay.offsets[t]!;
    const mPrev = mPrevOf(lay, c.reverse, t);
    // dhRec ← the direct path dh ⊙ z; the GEMMs below add the gate paths.
    gruBackwardStep(buf.gates.at(r0), buf.aux.at(r0), buf.hPrev.at(r0), dOut.at(r0), dOut.ld, dhRec, n, valid, H);
    if (mPrev > 0) {
      sgemm(false, false, mPrev, H, 2 * H, 1, buf.gates.at(r0), GH, w.wHh, H, 1, dhRec, H);
      sgemm(false, false, mPrev, H, H, 1, buf.aux.at(r0), H, wHn, H, 1, dhRec, H);
    }
    valid = mPrev;
  }
  const N = lay.N;
  if (N > 0) {
    sgemm(true, false, 2 * H, H, N, 1, g, GH, hp, H, 1, w.gwHh, H);
    sgemm(true, false, H, H, N, 1, hnBuf, H, hp, H, 1, w.gwHh.subarray(2 * H * H), H);
  }
  addColumnSums(w.gbHh, g, N, GH, 0, 2 * H);
  addColumnSums(w.gbHh.subarray(2 * H), hnBuf, N, H, 0, H);
  inputGrads(c, 3, dx, dxBeta);
}
