/**
 * Adadelta (Zeiler 2012) as PyTorch 1.13 `_single_tensor_adadelta`, per element:
 *
 *   g = g + wd·θ                                  (if wd ≠ 0)
 *   s = ρ·s + (1−ρ)·g²                            (square_avg)
 *   δ = √(a + ε) / √(s + ε) · g                   (a = acc_delta, the running average of squared updates)
 *   a = ρ·a + (1−ρ)·δ²
 *   θ = θ − lr·δ                                  (lr defaults to 1.0: the update is already unit-correct)
 */
import type { Param } from '../nn/param.ts';
import { adadeltaUpdate } from '../nn/kernels.ts';
import { BaseOptimizer } from './base.ts';
import type { ResolvedOptions } from './types.ts';

const f32 = Math.fround;

export class Adadelta extends BaseOptimizer {
  constructor(params: readonly Param[], opts: ResolvedOptions) {
    super('adadelta', params, opts, ['square_avg', 'acc_delta']);
  }

  protected update(i: number, p: Param): void {
    const { data, grad } = p;
    const s = this.buf('square_avg', i), a = this.buf('acc_delta', i);
    // Float32 scalars and one float32 rounding per PyTorch tensor op, as in adam.ts.
    const lr = f32(this.lr), wd = f32(this.opts.weightDecay!), eps = f32(this.opts.eps!);
    const rho = f32(this.opts.rho!), c = f32(1 - this.opts.rho!);
    // Per element, in WASM (assembly/kernels.ts adadelta_update), with f32() = one float32 rounding:
    //   g = f32(g + wd·θ);  s = f32(f32(s·ρ) + f32(f32((1−ρ)·g)·g));  std = f32(√f32(s + ε))
    //   δ = f32(f32(f32(√f32(a + ε)) / std)·g);  a = f32(a·ρ) + f32(f32((1−ρ)·δ)·δ);  θ = θ − lr·δ
    adadeltaUpdate(data, grad, s, a, lr, wd, rho, c, eps);
  }
}
