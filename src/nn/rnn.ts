/**
 * Elman RNN cell with tanh, PyTorch semantics (torch.nn.RNN, nonlinearity='tanh'), one direction of one layer over
 * a packed batch.
 *
 *   h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
 *
 * weight_ih (H × in), weight_hh (H × H), bias_ih, bias_hh (H).
 *
 * Backward (per step): da = (dh' + dh_rec) ⊙ (1 − h'²);  dh_prev = da · W_hh
 * and over all steps: dW_hh += daᵀ·h_prev, dW_ih += daᵀ·x, dx = da·W_ih, db_ih = db_hh = Σ da.
 */
import { sgemm } from './blas.ts';
import { rnnBackward as rnnBackwardStep, rnnForward as rnnForwardStep } from './kernels.ts';
import { addColumnSums, gatherPrev, inputGrads, inputProjection, mPrevOf, type DirCall, type Rows } from './recurrent.ts';

export function rnnForward(c: DirCall): void {
  const { lay, H, w, out, buf } = c;
  inputProjection(c, 1, 1); // gates = x·W_ihᵀ + b_ih + b_hh
  for (let s = 0; s < lay.T; s++) {
    const t = c.reverse ? lay.T - 1 - s : s;
    const n = lay.batchSizes[t]!;
    const r0 = lay.offsets[t]!;
    const mPrev = gatherPrev(c, t, s);
    if (mPrev > 0) sgemm(false, true, mPrev, H, H, 1, buf.hPrevAt(s, r0), H, w.wHh, H, 1, buf.gates.at(r0), H);
    rnnForwardStep(buf.gates.at(r0), out.at(r0), out.ld, n, H); // h = tanh(·), kept in gates for backward
  }
}

/** Backward of rnnForward; see lstmBackward for the argument conventions. */
export function rnnBackward(c: DirCall, dOut: Rows, dx: Float32Array | null, dxBeta: 0 | 1): void {
  const { lay, H, w, buf } = c;
  const g = buf.gates.buf;
  const dhRec = buf.dhRec;
  let valid = 0;
  for (let s = 0; s < lay.T; s++) {
    const t = c.reverse ? s : lay.T - 1 - s;
    const n = lay.batchSizes[t]!;
    const r0 = lay.offsets[t]!;
    const mPrev = mPrevOf(lay, c.reverse, t);
    rnnBackwardStep(buf.gates.at(r0), dOut.at(r0), dOut.ld, dhRec, n, valid, H);
    if (mPrev > 0) sgemm(false, false, mPrev, H, H, 1, buf.gates.at(r0), H, w.wHh, H, 0, dhRec, H);
    valid = mPrev;
  }
  const N = lay.N;
  if (N > 0) sgemm(true, false, H, H, N, 1, g, H, buf.hPrev.buf, H, 1, w.gwHh, H);
  addColumnSums(w.gbHh, g, N, H, 0, H);
  inputGrads(c, 1, dx, dxBeta);
}
