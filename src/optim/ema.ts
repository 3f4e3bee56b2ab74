/**
 * An exponential moving average of the weights (`--ema DECAY`): the model that is evaluated and kept is the average
 * of the recent iterates, not the last one, which smooths out the noise of the last updates (Polyak averaging; Keras'
 * `use_ema` / `ema_momentum`, PyTorch's `AveragedModel` with an EMA `avg_fn`). Same update as both:
 *
 *   after the first optimizer step:   avg ← w                                 (the initial weights never enter)
 *   after every later step:           avg ← decay · avg + (1 − decay) · w
 *
 * With decay d the average spans about 1 / (1 − d) recent steps (0.999: ~1,000 steps, 1.4 IMDB epochs at batch 32).
 * Training itself is unchanged: the optimizer keeps updating w; `withAverage` puts avg into the parameters only for
 * evaluation and saving, then puts w back, bit for bit. The averages are checkpointed, so a resumed run averages
 * exactly as an uninterrupted one.
 *
 * Plain JS loops, not a WASM kernel: one multiply-add per weight per step is ~1 % of a training step's work.
 */
import type { Param } from '../nn/param.ts';
import { UserError } from '../util/errors.ts';

export interface WeightAverageState {
  decay: number;
  /** Optimizer steps averaged so far (0: the average is not started and equals the weights). */
  steps: number;
  /** name → averaged values, one per averaged parameter, in order. */
  average: { name: string; data: Float32Array }[];
}

export class WeightAverage {
  private readonly average: Float32Array[];
  private readonly saved: Float32Array[];
  private steps = 0;

  constructor(readonly params: readonly Param[], readonly decay: number) {
    if (!(decay > 0 && decay < 1)) throw new UserError(`--ema must be in (0, 1) (got ${decay}); e.g. --ema 0.999`);
    this.average = params.map((p) => Float32Array.from(p.data));
    this.saved = params.map((p) => new Float32Array(p.data.length));
  }

  /** After each optimizer step. */
  update(): void {
    const first = this.steps === 0;
    this.steps++;
    const d = this.decay, e = 1 - d;
    for (let i = 0; i < this.params.length; i++) {
      const w = this.params[i]!.data, a = this.average[i]!;
      if (first) a.set(w);
      else for (let j = 0; j < a.length; j++) a[j] = d * a[j]! + e * w[j]!;
    }
  }

  /** Runs `fn` with the averaged weights in the parameters, then restores the trained weights exactly. */
  withAverage<T>(fn: () => T): T {
    this.swapIn();
    try {
      return fn();
    } finally {
      this.restore();
    }
  }

  /** withAverage for an async `fn` (the trainer's evaluation yields to signal handlers): restored when it settles. */
  async withAverageAsync<T>(fn: () => Promise<T>): Promise<T> {
    this.swapIn();
    try {
      return await fn();
    } finally {
      this.restore();
    }
  }

  private swapIn(): void {
    for (let i = 0; i < this.params.length; i++) {
      this.saved[i]!.set(this.params[i]!.data);
      if (this.steps > 0) this.params[i]!.data.set(this.average[i]!);
    }
  }

  private restore(): void {
    for (let i = 0; i < this.params.length; i++) this.params[i]!.data.set(this.saved[i]!);
  }

  state(): WeightAverageState {
    return { decay: this.decay, steps: this.steps, average: this.params.map((p, i) => ({ name: p.name, data: this.average[i]! })) };
  }

  load(s: WeightAverageState): void {
    if (s.decay !== this.decay) {
      throw new UserError(`the checkpoint averaged the weights with --ema ${s.decay}, this run asks for ${this.decay}; resume with the recorded value`);
    }
    if (s.average.length !== this.params.length || s.average.some((a, i) => a.name !== this.params[i]!.name || a.data.length !== this.params[i]!.data.length)) {
      throw new UserError('the checkpoint\'s weight averages do not match the model\'s parameters; resume with the same model configuration');
    }
    s.average.forEach((a, i) => this.average[i]!.set(a.data));
    this.steps = s.steps;
  }
}
