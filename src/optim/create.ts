import type { Param } from '../nn/param.ts';
import { Adadelta } from './adadelta.ts';
import { Adam } from './adam.ts';
import { validateOptions } from './defaults.ts';
import { RmsProp } from './rmsprop.ts';
import { Sgd } from './sgd.ts';
import type { Optimizer, OptimizerName, OptimizerOptions } from './types.ts';

/** Builds an optimizer over `params` with PyTorch-default hyperparameters overridden by `opts`. */
export function createOptimizer(name: OptimizerName, params: Param[], opts?: OptimizerOptions): Optimizer {
  const o = validateOptions(name, opts);
  switch (name) {
    case 'sgd': return new Sgd(params, o, false);
    case 'nag': return new Sgd(params, o, true);
    case 'adam': return new Adam(params, o, false);
    case 'adamw': return new Adam(params, o, true);
    case 'adadelta': return new Adadelta(params, o);
    case 'rmsprop': return new RmsProp(params, o);
  }
}
