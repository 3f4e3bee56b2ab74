/**
 * Learning-rate schedules, stepped once per epoch like torch.optim.lr_scheduler. Epoch 0 trains at the optimizer's
 * lr when the scheduler was made (baseLr); after epoch e finishes, `step(e, valLoss)` sets the lr for epoch e+1:
 *
 *   constant  lr = baseLr
 *   step      lr = baseLr · γ^⌊(e+1)/stepSize⌋                      (StepLR, closed form)
 *   cosine    lr = ηmin + (baseLr − ηmin)·(1 + cos(π·(e+1)/T))/2,  T = totalEpochs   (CosineAnnealingLR)
 *   plateau   ReduceLROnPlateau(mode 'min', threshold_mode 'rel'): if valLoss < best·(1 − threshold) it is the
 *             new best; otherwise a bad epoch. After more than `patience` bad epochs in a row (not counting
 *             `cooldown` epochs after a cut) lr = max(lr·factor, minLr), applied only if it drops by > 1e-8.
 *
 * Step and cosine use PyTorch's closed forms, so the lr is a pure function of the epoch and a resumed run gets
 * the same numbers. State (for resume) is small JSON.
 */
import { UserError } from '../util/errors.ts';
import type { Optimizer } from './types.ts';

export type ScheduleKind = 'constant' | 'step' | 'cosine' | 'plateau';
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['constant', 'step', 'cosine', 'plateau'];

export interface ScheduleOptions {
  /** step: epochs between cuts (required). */
  stepSize?: number;
  /** step: multiplier per cut (PyTorch default 0.1). */
  gamma?: number;
  /** cosine: T_max, the run's total number of epochs (required). */
  totalEpochs?: number;
  /** cosine: final lr (default 0). */
  etaMin?: number;
  /** plateau: multiplier per cut (default 0.1). */
  factor?: number;
  /** plateau: bad epochs tolerated before a cut (default 10). */
  patience?: number;
  /** plateau: relative improvement that counts as better (default 1e-4). */
  threshold?: number;
  /** plateau: epochs to wait after a cut before counting bad epochs again (default 0). */
  cooldown?: number;
  /** plateau: lower bound on the lr (default 0). */
  minLr?: number;
}

export const SCHEDULE_DEFAULTS = {
  step: { gamma: 0.1 },
  cosine: { etaMin: 0 },
  plateau: { factor: 0.1, patience: 10, threshold: 1e-4, cooldown: 0, minLr: 0 },
} as const;

export interface SchedulerState {
  format: 'rnnlab-scheduler';
  version: 1;
  kind: ScheduleKind;
  baseLr: number;
  /** Last epoch passed to step(); -1 before the first. */
  lastEpoch: number;
  options: ScheduleOptions;
  /** plateau only. best = null means +Infinity (JSON has no Infinity). */
  plateau?: { best: number | null; numBadEpochs: number; cooldownCounter: number };
}

export interface Scheduler {
  readonly kind: ScheduleKind;
  readonly baseLr: number;
  /** Call after epoch `epoch` (0-based, consecutive) finishes; sets and returns the lr for the next epoch. */
  step(epoch: number, valLoss?: number): number;
  stateDict(): SchedulerState;
  loadStateDict(s: SchedulerState): void;
}

const PLATEAU_EPS = 1e-8; // PyTorch's ReduceLROnPlateau eps: smaller cuts are ignored

export function createScheduler(kind: ScheduleKind, opt: Optimizer, options: ScheduleOptions = {}): Scheduler {
  return new EpochScheduler(kind, opt, resolveScheduleOptions(kind, options));
}

function resolveScheduleOptions(kind: ScheduleKind, o: ScheduleOptions): ScheduleOptions {
  const bad = (what: string, v: unknown, need: string): never => {
    throw new UserError(`${kind} schedule: ${what} ${JSON.stringify(v)} is invalid; it must be ${need}`);
  };
  const isInt = (v: unknown, min: number): boolean => Number.isInteger(v) && (v as number) >= min;
  const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  switch (kind) {
    case 'constant':
      return {};
    case 'step': {
      const r = { gamma: o.gamma ?? SCHEDULE_DEFAULTS.step.gamma, stepSize: o.stepSize };
      if (r.stepSize === undefined) throw new UserError('the step schedule needs a step size (epochs between cuts)');
      if (!isInt(r.stepSize, 1)) bad('step size', r.stepSize, 'an integer >= 1');
      if (!isNum(r.gamma) || r.gamma <= 0 || r.gamma > 1) bad('gamma', r.gamma, 'in (0, 1]');
      return r;
    }
    case 'cosine': {
      const r = { totalEpochs: o.totalEpochs, etaMin: o.etaMin ?? SCHEDULE_DEFAULTS.cosine.etaMin };
      if (!isInt(r.totalEpochs, 1)) bad('total epochs', r.totalEpochs, 'an integer >= 1');
      if (!isNum(r.etaMin) || r.etaMin < 0) bad('eta min', r.etaMin, 'a number >= 0');
      return r;
    }
    case 'plateau': {
      const d = SCHEDULE_DEFAULTS.plateau;
      const r = {
        factor: o.factor ?? d.factor, patience: o.patience ?? d.patience, threshold: o.threshold ?? d.threshold,
        cooldown: o.cooldown ?? d.cooldown, minLr: o.minLr ?? d.minLr,
      };
      if (!isNum(r.factor) || r.factor <= 0 || r.factor >= 1) bad('factor', r.factor, 'in (0, 1)');
      if (!isInt(r.patience, 0)) bad('patience', r.patience, 'an integer >= 0');
      if (!isNum(r.threshold) || r.threshold < 0 || r.threshold >= 1) bad('threshold', r.threshold, 'in [0, 1)');
      if (!isInt(r.cooldown, 0)) bad('cooldown', r.cooldown, 'an integer >= 0');
      if (!isNum(r.minLr) || r.minLr < 0) bad('min lr', r.minLr, 'a number >= 0');
      return r;
    }
    default:
      throw new UserError(`unknown lr schedule '${String(kind)}'; use one of ${SCHEDULE_KINDS.join(', ')}`);
  }
}

class EpochScheduler implements Scheduler {
  private _baseLr: number;
  private lastEpoch = -1;
  private best = Infinity;
  private numBadEpochs = 0;
  private cooldownCounter = 0;

  constructor(readonly kind: ScheduleKind, private readonly opt: Optimizer, private readonly o: ScheduleOptions) {
    this._baseLr = opt.lr;
  }

  get baseLr(): number {
    return this._baseLr;
  }

  step(epoch: number, valLoss?: number): number {
    if (epoch !== this.lastEpoch + 1) {
      throw new Error(`scheduler stepped with epoch ${epoch} after epoch ${this.lastEpoch}; call it once per epoch`);
    }
    if (this.kind === 'plateau' && (valLoss === undefined || !Number.isFinite(valLoss))) {
      throw new UserError(`the plateau schedule needs a finite validation loss, got ${valLoss}; ` +
        'make sure a validation split exists, or pick another schedule');
    }
    this.lastEpoch = epoch;
    const next = epoch + 1;
    const o = this.o;
    switch (this.kind) {
      case 'constant':
        break;
      case 'step':
        this.opt.lr = this._baseLr * o.gamma! ** Math.floor(next / o.stepSize!);
        break;
      case 'cosine': {
        const etaMin = o.etaMin!;
        this.opt.lr = etaMin + (this._baseLr - etaMin) * (1 + Math.cos((Math.PI * next) / o.totalEpochs!)) / 2;
        break;
      }
      case 'plateau':
        this.plateauStep(valLoss!);
        break;
    }
    return this.opt.lr;
  }

  private plateauStep(valLoss: number): void {
    const o = this.o;
    if (valLoss < this.best * (1 - o.threshold!)) {
      this.best = valLoss;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad epochs during cooldown are ignored
    }
    if (this.numBadEpochs > o.patience!) {
      const old = this.opt.lr;
      const lr = Math.max(old * o.factor!, o.minLr!);
      if (old - lr > PLATEAU_EPS) this.opt.lr = lr;
      this.cooldownCounter = o.cooldown!;
      this.numBadEpochs = 0;
    }
  }

  stateDict(): SchedulerState {
    const s: SchedulerState = {
      format: 'rnnlab-scheduler', version: 1, kind: this.kind, baseLr: this._baseLr, lastEpoch: this.lastEpoch,
      options: { ...this.o },
    };
    if (this.kind === 'plateau') {
      s.plateau = {
        best: Number.isFinite(this.best) ? this.best : null, numBadEpochs: this.numBadEpochs,
        cooldownCounter: this.cooldownCounter,
      };
    }
    return s;
  }

  loadStateDict(s: SchedulerState): void {
    if (s == null || s.format !== 'rnnlab-scheduler' || s.version !== 1) {
      throw new UserError('scheduler state is not an rnnlab scheduler state (version 1); the checkpoint may be corrupt');
    }
    if (s.kind !== this.kind) {
      throw new UserError(`scheduler state is for the '${s.kind}' schedule, but this run uses '${this.kind}'; ` +
        `resume with --schedule ${s.kind}`);
    }
    if (JSON.stringify(s.options) !== JSON.stringify(this.o)) {
      throw new UserError(`scheduler state was saved with options ${JSON.stringify(s.options)}, ` +
        `but this run uses ${JSON.stringify(this.o)}; resume with the same schedule options`);
    }
    if (!Number.isFinite(s.baseLr) || !Number.isInteger(s.lastEpoch) || s.lastEpoch < -1) {
      throw new UserError('scheduler state is corrupt (base lr or epoch)');
    }
    this._baseLr = s.baseLr;
    this.lastEpoch = s.lastEpoch;
    if (this.kind === 'plateau') {
      const p = s.plateau;
      if (!p || !Number.isInteger(p.numBadEpochs) || !Number.isInteger(p.cooldownCounter)) {
        throw new UserError('scheduler state is corrupt (plateau counters missing)');
      }
      this.best = p.best === null ? Infinity : p.best;
      this.numBadEpochs = p.numBadEpochs;
      this.cooldownCounter = p.cooldownCounter;
    }
  }
}
