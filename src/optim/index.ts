/** Public API of rnnlab's optimizers, gradient clipping and learning-rate schedules. */
export type { Optimizer, OptimizerName, OptimizerOptions, OptimizerState, ResolvedOptions } from './types.ts';
export { OPTIMIZER_NAMES } from './types.ts';
export { OPTIMIZER_DEFAULTS, validateOptions } from './defaults.ts';
export { createOptimizer } from './create.ts';
export { clipGradNorm, gradNorm } from './clip.ts';
export type { ScheduleKind, ScheduleOptions, Scheduler, SchedulerState } from './schedule.ts';
export { SCHEDULE_DEFAULTS, SCHEDULE_KINDS, createScheduler } from './schedule.ts';
export { WeightAverage, type WeightAverageState } from './ema.ts';
