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
import { sgdUpdate } from '../nn/kernels.ts';
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
    // Per element, in WASM (assembly/kernels.ts sgd_update), with f32() = one float32 rounding:
    //   d = f32(g + wd·θ);  b = d (first step) or f32(f32(μ·b) + d)  (buf.mul_(μ).add_(d): two roundings);
    //   u = f32(d + μ·b) (Nesterov) or b;  θ = θ − lr·u
    const buf = mu === 0 ? null : this.buf('momentum_buffer', i);
    sgdUpdate(data, grad, buf, lr, wd, mu, this.stepCount === 1, this.nesterov);
  }
}
