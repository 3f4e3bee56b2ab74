/**
 * The learning-rate search for one model (`rnnlab train --lr-search halving --out DIR`): the same grid, successive
 * halving and failure rules as the experiment's (grid.ts, halving.ts), with its trials as jobs run in this process
 * into DIR.search/lr-R/ (test split held back), then the chosen rate is what the caller trains into DIR.
 * Resumable like everything else: the plan is re-derived from the trial folders.
 */
import { basename, join } from 'node:path';
import { OPTIMIZER_DEFAULTS, type OptimizerName } from '../../optim/index.ts';
import type { DataSpec } from '../../train/config.ts';
import type { TrainOptions } from '../../train/options.ts';
import { runCell } from '../cell.ts';
import { defaultGrid, rungBudgets } from './grid.ts';
import { planHalving, type SearchState } from './halving.ts';
import { scoreFromFolder, DEFAULT_ETA, DEFAULT_MAX_EXTEND } from './study.ts';
import { searchTrial } from './trial.ts';

export interface SingleSearch {
  out: string;
  train: TrainOptions;
  data: DataSpec;
  log(line: string): void;
  signal?: AbortSignal;
}

export const searchFolder = (out: string): string => `${out.replace(/[/\\]+$/, '')}.search`;

/** Runs the search to its end (or until the signal); `state.chosen` is the rate to train with. */
export async function searchOneModel(o: SingleSearch): Promise<{ state: SearchState; interrupted: boolean; folder: string }> {
  const folder = searchFolder(o.out);
  const defaultLr = o.train.lr ?? OPTIMIZER_DEFAULTS[o.train.optimizer as OptimizerName].lr;
  const cellTrain: TrainOptions = { ...o.train, lr: defaultLr };
  const name = basename(o.out);
  const trialOf = (lr: number, budget: number) =>
    searchTrial(name, o.train.arch, o.train.optimizer, cellTrain, lr, o.train.seed, budget);
  const dirOf = (lr: number, budget: number) => join(folder, basename(trialOf(lr, budget).id));
  const failed = new Set<string>();
  const options = {
    grid: defaultGrid(o.train.optimizer as OptimizerName, defaultLr), budgets: rungBudgets(o.train.epochs, DEFAULT_ETA),
    eta: DEFAULT_ETA, maxExtend: DEFAULT_MAX_EXTEND,
  };
  for (;;) {
    const state = planHalving(options, (lr, budget) =>
      scoreFromFolder(dirOf(lr, budget), budget, failed.has(dirOf(lr, budget))));
    if (state.done || o.signal?.aborted) return { state, interrupted: !state.done, folder };
    for (const need of state.needed) {
      if (o.signal?.aborted) break;
      const t = trialOf(need.lr, need.budget);
      const runDir = dirOf(need.lr, need.budget);
      const outcome = await runCell(
        { name: basename(runDir), arch: t.group.arch, optimizer: t.group.optimizer, runDir, train: t.train, data: o.data,
          evaluateTest: false },
        { line: o.log, epoch: () => {}, signal: o.signal },
      );
      if (outcome.status === 'failed') failed.add(runDir);
    }
  }
}
