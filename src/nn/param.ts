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
}

export function makeParam(name: string, shape: readonly number[]): Param {
  const size = shape.reduce((a, b) => a * b, 1);
  return { name, shape: [...shape], data: new Float32Array(size), grad: new Float32Array(size) };
}
