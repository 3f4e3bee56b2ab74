/**
 * Fully connected layer, PyTorch nn.Linear layout (weight [out, in], bias [out]).
 *
 *   forward:  y = x · Wᵀ + b                         x [B, in], y [B, out]
 *   backward: dW += dyᵀ · x,  db += Σ_rows dy,  dx = dy · W
 */
import { sgemm } from './blas.ts';

export function linearForward(
  y: Float32Array, x: Float32Array, W: Float32Array, bias: Float32Array, B: number, inDim: number, outDim: number,
): void {
  for (let b = 0; b < B; b++) for (let o = 0; o < outDim; o++) y[b * outDim + o] = bias[o]!;
  sgemm(false, true, B, outDim, inDim, 1, x, inDim, W, inDim, 1, y, outDim);
}

export function linearBackward(
  dx: Float32Array | null, dW: Float32Array, dBias: Float32Array, dy: Float32Array, x: Float32Array, W: Float32Array,
  B: number, inDim: number, outDim: number,
): void {
  sgemm(true, false, outDim, inDim, B, 1, dy, outDim, x, inDim, 1, dW, inDim);
  for (let b = 0; b < B; b++) for (let o = 0; o < outDim; o++) dBias[o] += dy[b * outDim + o]!;
  if (dx) sgemm(false, false, B, inDim, outDim, 1, dy, outDim, W, inDim, 0, dx, inDim);
}
