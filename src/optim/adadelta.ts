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
    const n = data.length;
    for (let j = 0; j < n; j++) {
      const g = wd !== 0 ? f32(grad[j] + wd * data[j]) : grad[j];
      const sj = f32(f32(s[j] * rho) + f32(f32(c * g) * g));
      s[j] = sj;
      const std = f32(Math.sqrt(f32(sj + eps)));
      const delta = f32(f32(f32(Math.sqrt(f32(a[j] + eps))) / std) * g);
      a[j] = f32(a[j] * rho) + f32(f32(c * delta) * delta);
      data[j] = data[j] - lr * delta;
    }
  }
}
