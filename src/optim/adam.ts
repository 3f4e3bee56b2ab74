/**
 * Adam (L2 weight decay folded into the gradient) and AdamW (decoupled weight decay).
 * PyTorch 1.13 `_single_tensor_adam` / `_single_tensor_adamw`, at step t (counting from 1), per element:
 *
 *   adam:  g = g + wd·θ                          adamw:  θ = θ·(1 − lr·wd)
 *   m = β1·m + (1−β1)·g
 *   v = β2·v + (1−β2)·g²
 *   bc1 = 1 − β1^t,  bc2 = 1 − β2^t              (scalars, double precision like Python floats)
 *   θ = θ − (lr/bc1) · m / (√v/√bc2 + ε)         (ε is added AFTER dividing √v by √bc2, as PyTorch does)
 */
import type { Param } from '../nn/param.ts';
import { adamUpdate } from '../nn/kernels.ts';
import { BaseOptimizer } from './base.ts';
import type { ResolvedOptions } from './types.ts';

const f32 = Math.fround;

export class Adam extends BaseOptimizer {
  private readonly decoupled: boolean;

  constructor(params: readonly Param[], opts: ResolvedOptions, decoupled: boolean) {
    super(decoupled ? 'adamw' : 'adam', params, opts, ['exp_avg', 'exp_avg_sq']);
    this.decoupled = decoupled;
  }

  protected update(i: number, p: Param): void {
    const { data, grad } = p;
    const m = this.buf('exp_avg', i), v = this.buf('exp_avg_sq', i);
    // Scalars go to PyTorch's CPU kernels as float32; each tensor op rounds its result to float32. The roundings
    // below follow the op sequence of _single_tensor_adam(w), which makes our steps bit-identical in the fixtures.
    const lr = this.lr, wd = this.opts.weightDecay!, eps = f32(this.opts.eps!);
    const [beta1, beta2] = this.opts.betas!;
    const b1 = f32(beta1), c1 = f32(1 - beta1), b2 = f32(beta2), c2 = f32(1 - beta2);
    const t = this.stepCount;
    const stepSize = f32(lr / (1 - beta1 ** t));
    const bc2Sqrt = f32(Math.sqrt(1 - beta2 ** t));
    const decay = this.decoupled ? f32(1 - lr * wd) : 1;
    const l2 = this.decoupled ? 0 : f32(wd);
    // Per element, in WASM (assembly/kernels.ts adam_update), with f32() = one float32 rounding:
    //   θ = f32(θ·decay);  g = f32(g + l2·θ);  m = f32(f32(m·β1) + (1−β1)·g);  v = f32(f32(v·β2) + f32(f32((1−β2)·g)·g))
    //   θ = θ − f32(f32(stepSize·m) / f32(f32(f32(√v) / √bc2) + ε))
    adamUpdate(data, grad, m, v, decay, l2, b1, c1, b2, c2, stepSize, bc2Sqrt, eps);
  }
}
