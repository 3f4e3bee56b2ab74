/**
 * RMSprop (not centered) as PyTorch 1.13 `_single_tensor_rmsprop`, per element:
 *
 *   g = g + wd·θ                                  (if wd ≠ 0)
 *   s = α·s + (1−α)·g²                            (square_avg)
 *   d = √s + ε                                    (ε outside the square root, unlike Keras/TF)
 *   with momentum μ > 0:  b = μ·b + g/d;  θ = θ − lr·b      (buffer starts at zero)
 *   without:              θ = θ − lr·g/d
 */
import type { Param } from '../nn/param.ts';
import { rmspropUpdate } from '../nn/kernels.ts';
import { BaseOptimizer } from './base.ts';
import type { ResolvedOptions } from './types.ts';

const f32 = Math.fround;

export class RmsProp extends BaseOptimizer {
  constructor(params: readonly Param[], opts: ResolvedOptions) {
    super('rmsprop', params, opts, opts.momentum! > 0 ? ['square_avg', 'momentum_buffer'] : ['square_avg']);
  }

  protected update(i: number, p: Param): void {
    const { data, grad } = p;
    const s = this.buf('square_avg', i);
    // Float32 scalars and one float32 rounding per PyTorch tensor op, as in adam.ts.
    const lr = f32(this.lr), wd = f32(this.opts.weightDecay!), eps = f32(this.opts.eps!);
    const alpha = f32(this.opts.alpha!), c = f32(1 - this.opts.alpha!), mu = f32(this.opts.momentum!);
    const b = mu > 0 ? this.buf('momentum_buffer', i) : null;
    // Per element, in WASM (assembly/kernels.ts rmsprop_update), with f32() = one float32 rounding:
    //   g = f32(g + wd·θ);  s = f32(f32(s·α) + f32(f32((1−α)·g)·g));  avg = f32(f32(√s) + ε)
    //   momentum: b = f32(f32(b·μ) + f32(g/avg)), θ = θ − lr·b;  otherwise θ = θ − f32(f32(lr·g)/avg)
    rmspropUpdate(data, grad, s, b, lr, wd, alpha, c, eps, mu);
  }
}
