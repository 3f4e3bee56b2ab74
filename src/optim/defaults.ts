/**
 * Default hyperparameters (PyTorch's, except where PyTorch has none) and option validation.
 *
 * - sgd: PyTorch requires an explicit lr; rnnlab uses 2.0, momentum 0: the best of 0.1 / 0.5 / 2 for an IMDB LSTM
 *   in a measured probe (README, "Optimizer defaults"); 0.01 (Keras' default) leaves it at chance for many epochs.
 * - nag: PyTorch SGD(nesterov=True), which needs momentum > 0: default 0.9, lr 0.2 (best of 0.01 / 0.05 / 0.2 in
 *   the same probe).
 * - adadelta: lr 1.0 (PyTorch; the Keras/TF.js default 0.001 barely moves the weights), rho 0.9, eps 1e-6.
 * - adam: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0 (L2 added to the gradient).
 * - adamw: as adam, but decoupled weight decay, default 1e-2.
 * - rmsprop: lr 1e-2, alpha 0.99, eps 1e-8, momentum 0.
 */
import { UserError } from '../util/errors.ts';
import type { OptimizerName, OptimizerOptions, ResolvedOptions } from './types.ts';

export const OPTIMIZER_DEFAULTS: Readonly<Record<OptimizerName, Readonly<ResolvedOptions>>> = {
  sgd: { lr: 2.0, momentum: 0, weightDecay: 0 },
  nag: { lr: 0.2, momentum: 0.9, weightDecay: 0 },
  adadelta: { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0 },
  adam: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 },
  adamw: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2 },
  rmsprop: { lr: 1e-2, alpha: 0.99, eps: 1e-8, momentum: 0, weightDecay: 0 },
};

const OPTION_FLAGS: Record<keyof OptimizerOptions, string> = {
  lr: '--lr', momentum: '--momentum', weightDecay: '--weight-decay', betas: '--betas', eps: '--eps', rho: '--rho',
  alpha: '--alpha',
};

/**
 * Fills in defaults and checks ranges. An option that the optimizer does not use (e.g. rho for adam) is an error
 * rather than silently ignored, so a typo'd experiment does not run with the wrong settings. Undefined values
 * count as absent.
 */
export function validateOptions(name: OptimizerName, opts: OptimizerOptions | undefined): ResolvedOptions {
  const defaults = OPTIMIZER_DEFAULTS[name];
  if (!defaults) throw new UserError(`unknown optimizer '${name}'; use one of ${Object.keys(OPTIMIZER_DEFAULTS).join(', ')}`);
  const out: ResolvedOptions = structuredClone(defaults) as ResolvedOptions;
  for (const [key, value] of Object.entries(opts ?? {})) {
    if (value === undefined) continue;
    if (!(key in OPTION_FLAGS)) throw new UserError(`unknown optimizer option '${key}'`);
    if (!(key in defaults)) {
      throw new UserError(`option ${OPTION_FLAGS[key as keyof OptimizerOptions]} does not apply to ${name}; ` +
        `it uses ${Object.keys(defaults).map((k) => OPTION_FLAGS[k as keyof OptimizerOptions]).join(', ')}`);
    }
    (out as unknown as Record<string, unknown>)[key] = Array.isArray(value) ? [...value] : value;
  }
  const bad = (what: string, v: unknown, need: string): never => {
    throw new UserError(`${name}: ${what} ${JSON.stringify(v)} is invalid; it must be ${need}`);
  };
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (!finite(out.lr) || out.lr < 0) bad('learning rate', out.lr, 'a finite number >= 0');
  if (out.weightDecay !== undefined && (!finite(out.weightDecay) || out.weightDecay < 0)) {
    bad('weight decay', out.weightDecay, 'a finite number >= 0');
  }
  if (out.momentum !== undefined && (!finite(out.momentum) || out.momentum < 0 || out.momentum >= 1)) {
    bad('momentum', out.momentum, 'in [0, 1)');
  }
  if (name === 'nag' && !(out.momentum! > 0)) bad('momentum', out.momentum, '> 0 for Nesterov momentum (nag)');
  if (out.eps !== undefined && (!finite(out.eps) || out.eps <= 0)) bad('eps', out.eps, 'a finite number > 0');
  if (out.rho !== undefined && (!finite(out.rho) || out.rho < 0 || out.rho > 1)) bad('rho', out.rho, 'in [0, 1]');
  if (out.alpha !== undefined && (!finite(out.alpha) || out.alpha < 0 || out.alpha > 1)) {
    bad('alpha', out.alpha, 'in [0, 1]');
  }
  if (out.betas !== undefined) {
    const b = out.betas;
    if (!Array.isArray(b) || b.length !== 2 || !b.every((x) => finite(x) && x >= 0 && x < 1)) {
      bad('betas', b, 'two numbers in [0, 1)');
    }
  }
  return out;
}
