/**
 * Shared plumbing for the optimizers: per-parameter Float32 state buffers allocated once, the step counter, the
 * lr property, and the JSON state dict (buffers as base64 of little-endian float32 bytes → bit-exact resume).
 * Each concrete optimizer only writes its update loop in `update()`.
 */
import type { Param } from '../nn/param.ts';
import { allocF32 } from '../nn/kernels.ts';
import { UserError } from '../util/errors.ts';
import type { Optimizer, OptimizerName, OptimizerState, ResolvedOptions } from './types.ts';
import { validateOptions } from './defaults.ts';

export abstract class BaseOptimizer implements Optimizer {
  private _lr: number;
  /** Completed steps (PyTorch's state['step']). */
  protected stepCount = 0;
  protected opts: ResolvedOptions;
  /** bufferName → one Float32Array per param, same size as the param. */
  protected readonly buffers = new Map<string, Float32Array[]>();

  constructor(
    readonly name: OptimizerName,
    protected readonly params: readonly Param[],
    opts: ResolvedOptions,
    bufferNames: readonly string[],
  ) {
    for (const p of params) {
      if (p.grad.length !== p.data.length) throw new Error(`param ${p.name}: grad and data sizes differ`);
    }
    this.opts = opts;
    this._lr = opts.lr;
    // In kernel memory: the updates run as WASM kernels (src/nn/kernels.ts).
    for (const b of bufferNames) this.buffers.set(b, params.map((p) => allocF32(p.data.length)));
  }

  get lr(): number {
    return this._lr;
  }

  set lr(v: number) {
    if (!Number.isFinite(v) || v < 0) throw new UserError(`learning rate ${v} is invalid; use a finite value >= 0`);
    this._lr = v;
    this.opts = { ...this.opts, lr: v };
  }

  step(): void {
    this.stepCount++;
    for (let i = 0; i < this.params.length; i++) this.update(i, this.params[i]);
  }

  /** One fused pass over parameter i (stepCount already counts this step). */
  protected abstract update(i: number, p: Param): void;

  protected buf(name: string, i: number): Float32Array {
    return this.buffers.get(name)![i];
  }

  stateDict(): OptimizerState {
    const buffers: Record<string, string[]> = {};
    for (const [name, arrs] of this.buffers) buffers[name] = arrs.map(f32ToBase64);
    return {
      format: 'rnnlab-optimizer',
      version: 1,
      name: this.name,
      lr: this._lr,
      step: this.stepCount,
      options: structuredClone(this.opts),
      params: this.params.map((p) => ({ name: p.name, size: p.data.length })),
      buffers,
    };
  }

  loadStateDict(s: OptimizerState): void {
    const what = 'optimizer state';
    if (s == null || typeof s !== 'object' || s.format !== 'rnnlab-optimizer' || s.version !== 1) {
      throw new UserError(`${what} is not an rnnlab optimizer state (version 1); the checkpoint may be corrupt`);
    }
    if (s.name !== this.name) {
      throw new UserError(`${what} is for optimizer '${s.name}', but this run uses '${this.name}'; ` +
        `resume with --optimizer ${s.name} or start a fresh run`);
    }
    if (!Number.isInteger(s.step) || s.step < 0) throw new UserError(`${what} has an invalid step count ${s.step}`);
    if (!Array.isArray(s.params) || s.params.length !== this.params.length ||
        s.params.some((q, i) => q.name !== this.params[i].name || q.size !== this.params[i].data.length)) {
      throw new UserError(`${what} does not match the model's parameters (names or sizes differ); ` +
        'resume with the same model configuration');
    }
    const opts = validateOptions(this.name, s.options);
    const have = Object.keys(s.buffers ?? {}).sort().join(','), want = [...this.buffers.keys()].sort().join(',');
    if (have !== want) {
      // e.g. saved with momentum (has momentum_buffer) but this optimizer was built without it, or vice versa.
      throw new UserError(`${what} has buffers [${have}] but this ${this.name} optimizer keeps [${want}]; ` +
        'resume with the same optimizer options (momentum)');
    }
    const decoded = new Map<string, Float32Array[]>();
    for (const [name, arrs] of this.buffers) {
      const enc = s.buffers?.[name];
      if (!Array.isArray(enc) || enc.length !== arrs.length) throw new UserError(`${what} lacks buffer '${name}'`);
      decoded.set(name, enc.map((b, i) => {
        const f = base64ToF32(b);
        if (f === null || f.length !== arrs[i].length) {
          throw new UserError(`${what}: buffer '${name}' of ${this.params[i].name} is corrupt (wrong size)`);
        }
        return f;
      }));
    }
    // Everything validated: commit.
    for (const [name, arrs] of this.buffers) arrs.forEach((a, i) => a.set(decoded.get(name)![i]));
    this.stepCount = s.step;
    this.opts = opts;
    this.lr = s.lr;
  }
}

/** base64 of the little-endian float32 bytes. */
export function f32ToBase64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** Inverse of f32ToBase64; null when the byte count is not a multiple of 4. */
export function base64ToF32(s: string): Float32Array | null {
  if (typeof s !== 'string') return null;
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length % 4 !== 0) return null;
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes); // copy: Buffer's byteOffset may not be 4-aligned
  return out;
}
