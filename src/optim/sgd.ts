/**
 * SGD with optional momentum (dampening 0) and L2 weight decay; `nag` is the same with Nesterov momentum.
 * PyTorch 1.13 `_single_tensor_sgd`, per element:
 *
 *   d = g + wd·θ                                   (if wd ≠ 0)
 *   b = d                     on the first step     (momentum buffer starts as a copy, not from zero)
 *   b = μ·b + d               afterwards
 *   d = d + μ·b   (nesterov)  or  d = b   (classic momentum)
 *   θ = θ − lr·d
 */
import type { Param } from '../nn/param.ts';
import { BaseOptimizer } from './base.ts';
import type { ResolvedOptions } from './types.ts';

const f32 = Math.fround;

export class Sgd extends BaseOptimizer {
  private readonly nesterov: boolean;

  constructor(params: readonly Param[], opts: ResolvedOptions, nesterov: boolean) {
    super(nesterov ? 'nag' : 'sgd', params, opts, opts.momentum! > 0 ? ['momentum_buffer'] : []);
    this.nesterov = nesterov;
  }

  protected update(i: number, p: Param): void {
    const { data, grad } = p;
    // PyTorch's CPU kernels take scalar arguments as float32 (Scalar.to<float>()), so round them the same way.
    const lr = f32(this.lr), wd = f32(this.opts.weightDecay!), mu = f32(this.opts.momentum!);
    const n = data.length;
    if (mu === 0) {
      for (let j = 0; j < n; j++) {
        const d = wd !== 0 ? f32(grad[j] + wd * data[j]) : grad[j];
        data[j] = data[j] - lr * d;
      }
      return;
    }
    const buf = this.buf('momentum_buffer', i);
    const first = this.stepCount === 1;
    const nesterov = this.nesterov;
    for (let j = 0; j < n; j++) {
      const d = wd !== 0 ? f32(grad[j] + wd * data[j]) : grad[j];
      const b = first ? d : f32(f32(mu * buf[j]) + d); // buf.mul_(μ).add_(d): two roundings
      buf[j] = b;
      const u = nesterov ? f32(d + mu * b) : b;
      data[j] = data[j] - lr * u;
    }
  }
}
