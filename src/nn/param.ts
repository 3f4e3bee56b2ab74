import { allocF32 } from './kernels.ts';

/**
 * A trainable parameter: a flat float32 buffer, its gradient (same size), and the PyTorch state_dict name it is
 * saved under (`rnn.weight_ih_l0`, `fc.bias`, …). Optimizers walk a list of these; they treat `grad` as dense.
 */
export interface Param {
  readonly name: string;
  /** PyTorch shape, row-major (e.g. [4*hidden, input] for an LSTM weight_ih). */
  readonly shape: readonly number[];
  readonly data: Float32Array;
  readonly grad: Float32Array;
  /**
   * A sparse gradient's rows (the embedding's: only the rows of the batch's tokens get a gradient): when set, every
   * entry of `grad` outside these rows (ascending; a row is shape[1] wide) is exactly +0, so a norm, a scaling or a
   * zeroing may skip them and give the same bits (adding +0, or scaling +0, changes nothing). Kept by the model
   * (RnnClassifier.backward / zeroGrad); absent or null: the gradient is dense.
   */
  gradRows?: Int32Array | null;
}

/**
 * Allocates a zeroed parameter in kernel memory (src/nn/kernels.ts), where the WASM kernels and the BLAS can both
 * read it. Parameters are never freed: they live as long as the process, like the model that owns them.
 */
export function makeParam(name: string, shape: readonly number[]): Param {
  const size = shape.reduce((a, b) => a * b, 1);
  return { name, shape: [...shape], data: allocF32(size), grad: allocF32(size) };
}
