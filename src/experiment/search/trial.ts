/**
 * Trials on axes: one training run of a (arch, optimizer, lr) group with one model seed. Every run of an experiment
 * is a trial — a search trial (scored on validation only, test split held back) or a final run of a cell's chosen
 * rate — and every trial becomes the same serializable CellJob the grid always ran, so any executor (in-process,
 * worker processes, a queue) can run it. Its run folder lives under the experiment folder:
 *
 *   <arch>-<optimizer>/                      final run, first seed (the folder today's grid uses)
 *   <arch>-<optimizer>-seed<S>/              final run, further seeds
 *   search/<arch>-<optimizer>/lr-<lr>/       search trial; later rungs continue it when the schedule allows
 *   search/<arch>-<optimizer>/lr-<lr>-e<B>/  search trial of a B-epoch rung whose schedule depends on the length
 *
 * Two seeds: the data seed (DataSpec.load.seed: the validation split, and the test split of a data set without one)
 * is one for the whole experiment, so every trial sees the same splits; the model seed (train.seed: initialisation,
 * batch order, dropout) varies between the final runs of a cell.
 */
import { join } from 'node:path';
import { resolveTrain, canonical, type DataSpec } from '../../train/config.ts';
import type { TrainOptions } from '../../train/options.ts';
import type { CellJob } from '../protocol.ts';

export interface TrialGroup {
  arch: string;
  optimizer: string;
  lr: number;
}

export type TrialRole = 'search' | 'final';

export interface Trial {
  /** the run folder relative to the experiment folder; also the job's name in logs */
  id: string;
  /** "lstm-adam" */
  cell: string;
  group: TrialGroup;
  /** model seed: initialisation, batch order, dropout */
  seed: number;
  role: TrialRole;
  /** epochs this trial trains (a rung's budget, or the full length) */
  epochs: number;
  /** fully resolved training options, as `rnnlab train` takes them */
  train: TrainOptions;
  /** a first-seed final run: the id of its rate's search trial, which it continues when it can (adopt.ts) */
  adoptFrom?: string;
}

/** The folder of a cell's final run with model seed `seed` (the first seed keeps today's folder name). */
export function finalTrialId(cell: string, seed: number, firstSeed: number): string {
  return seed === firstSeed ? cell : `${cell}-seed${seed}`;
}

/** Every folder a cell's trials can use (for --force resets). */
export function cellFolders(cell: string): { exact: string[]; prefixes: string[] } {
  return { exact: [cell, join('search', cell)], prefixes: [`${cell}-seed`] };
}

/**
 * Training options of a search trial that trains `budget` of the cell's `full` epochs. The step schedule's default
 * step size follows the epoch count, so it is pinned to the full run's: a short rung is then the first epochs of
 * the full-length run, and a promoted trial continues its folder instead of starting over.
 */
export function searchTrain(cell: TrainOptions, lr: number, seed: number, budget: number): TrainOptions {
  const pinned = cell.schedule === 'step' && cell.stepSize === undefined
    ? { stepSize: resolveTrain(cell).schedule.options.stepSize as number }
    : {};
  return { ...cell, ...pinned, lr, seed, epochs: budget };
}

/** True when `budget` epochs of these options are a prefix of the full-length run (same run identity). */
export function isPrefixOfFull(train: TrainOptions, full: number): boolean {
  const id = (t: TrainOptions) => {
    const { epochs: _e, threads: _t, ...rest } = resolveTrain(t);
    return canonical(rest);
  };
  return id(train) === id({ ...train, epochs: full });
}

const lrName = (lr: number): string => String(lr);

export function searchTrial(cellName: string, arch: string, optimizer: string, cellTrain: TrainOptions, lr: number,
  seed: number, budget: number): Trial {
  const train = searchTrain(cellTrain, lr, seed, budget);
  const shared = isPrefixOfFull(train, cellTrain.epochs);
  const id = join('search', cellName, `lr-${lrName(lr)}${shared ? '' : `-e${budget}`}`);
  return { id, cell: cellName, group: { arch, optimizer, lr }, seed, role: 'search', epochs: budget, train };
}

export function finalTrial(cellName: string, arch: string, optimizer: string, cellTrain: TrainOptions, lr: number,
  seed: number, firstSeed: number): Trial {
  // with the cell's own rate and first seed the options are exactly the cell's: today's grid run, unchanged
  const train: TrainOptions = lr === cellTrain.lr && seed === cellTrain.seed ? cellTrain : { ...cellTrain, lr, seed };
  return {
    id: finalTrialId(cellName, seed, firstSeed), cell: cellName, group: { arch, optimizer, lr }, seed, role: 'final',
    epochs: cellTrain.epochs, train,
  };
}

/** The serializable job that trains `trial` (search trials never read the test split). */
export function trialJob(trial: Trial, expDir: string, data: DataSpec): CellJob {
  const job: CellJob = {
    name: trial.id, arch: trial.group.arch, optimizer: trial.group.optimizer, runDir: join(expDir, trial.id),
    train: trial.train, data,
  };
  if (trial.role === 'search') {
    job.evaluateTest = false;
    job.snapshots = true;
  }
  if (trial.adoptFrom !== undefined) job.adoptFrom = join(expDir, trial.adoptFrom);
  return job;
}
