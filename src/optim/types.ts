/**
 * Public types of rnnlab's optimizers. The update rules follow PyTorch 1.13's single-tensor implementations
 * (torch/optim/{sgd,adam,adamw,adadelta,rmsprop}.py) step for step; see the file of each optimizer.
 */

export type OptimizerName = 'sgd' | 'nag' | 'adadelta' | 'adam' | 'adamw' | 'rmsprop';

export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'nag', 'adadelta', 'adam', 'adamw', 'rmsprop'];

/** Hyperparameters, PyTorch meanings. Which ones apply depends on the optimizer (see OPTIMIZER_DEFAULTS). */
export interface OptimizerOptions {
  lr?: number;
  /** sgd/nag/rmsprop momentum (dampening is always 0). */
  momentum?: number;
  /** L2 penalty added to the gradient (sgd, nag, adam, adadelta, rmsprop); decoupled decay for adamw. */
  weightDecay?: number;
  /** adam/adamw (beta1, beta2). */
  betas?: [number, number];
  eps?: number;
  /** adadelta running-average coefficient. */
  rho?: number;
  /** rmsprop smoothing constant. */
  alpha?: number;
}

/** Options with every key that applies to one optimizer filled in. */
export type ResolvedOptions = OptimizerOptions & { lr: number };

/**
 * Serializable optimizer state (plain JSON). Float32 buffers are stored as base64 of their little-endian bytes,
 * so a save/load round trip is bit-exact (decimal printing of floats would also be exact, but 3x larger).
 */
export interface OptimizerState {
  format: 'rnnlab-optimizer';
  version: 1;
  name: OptimizerName;
  lr: number;
  /** Number of step() calls so far (PyTorch's state['step'], same for every parameter since grads are dense). */
  step: number;
  options: ResolvedOptions;
  /** Parameter names and element counts, checked on load so state never lands on the wrong tensor. */
  params: { name: string; size: number }[];
  /** buffer name (PyTorch's: exp_avg, exp_avg_sq, momentum_buffer, square_avg, acc_delta) → base64 per param. */
  buffers: Record<string, string[]>;
}

export interface Optimizer {
  readonly name: OptimizerName;
  /** Learning rate used by the next step(); schedulers set it between epochs. */
  lr: number;
  /** Applies one update to every parameter from its (dense) grad. Does not zero the grads. */
  step(): void;
  stateDict(): OptimizerState;
  /** Restores buffers, step count, lr and hyperparameters (as PyTorch's load_state_dict does). */
  loadStateDict(s: OptimizerState): void;
}
