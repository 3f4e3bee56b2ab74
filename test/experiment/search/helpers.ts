/**
 * In-process experiments on the synthetic CSV, with an executor that can stop the experiment at a chosen event
 * (as a kill would, but deterministically: no timing, no polling).
 */
import { PassThrough } from 'node:stream';
import { parseTrainCli } from '../../../src/cli/options/train.ts';
import { inlineExecutor, type Executor } from '../../../src/experiment/executor.ts';
import { planGrid } from '../../../src/experiment/plan.ts';
import { runExperiment, type ExperimentSummary } from '../../../src/experiment/run.ts';
import { studySettings, type LrSearchMode } from '../../../src/experiment/search/study.ts';
import type { EpochEvent } from '../../../src/experiment/protocol.ts';

export interface TinyStudy {
  csv: string;
  out: string;
  archs?: string[];
  optimizers?: string[];
  epochs?: number;
  lrSearch: LrSearchMode;
  seeds: number;
  grids?: Record<string, number[]>;
  train?: Record<string, string>;
  /** stop the experiment when this returns true for an epoch event */
  stopWhen?: (e: EpochEvent) => boolean;
}

export async function runTinyStudy(o: TinyStudy): Promise<ExperimentSummary> {
  const cliTrain = { embed: '8', hidden: '8', batchSize: '16', epochs: String(o.epochs ?? 3), ...o.train };
  const { train: base, data } = parseTrainCli({ dataset: o.csv, maxLen: '16', ...cliTrain });
  const { cells, settings } = planGrid({
    archs: o.archs ?? ['rnn'], optimizers: o.optimizers ?? ['sgd', 'adam'], cliTrain, seed: base.seed,
    preset: null, config: null, data: data as unknown as Record<string, unknown>,
  });
  if (o.lrSearch !== 'off' || o.seeds > 1) settings.study = studySettings(cells, o.lrSearch, o.seeds, o.grids);
  const stop = new AbortController();
  const inner = inlineExecutor();
  const executor: Executor = {
    concurrency: 1,
    run: (jobs, hooks) => inner.run(jobs, {
      ...hooks,
      onEpoch: (e) => {
        hooks.onEpoch(e);
        if (o.stopWhen?.(e)) stop.abort();
      },
    }),
  };
  const sink = new PassThrough();
  sink.resume();
  return runExperiment({
    out: o.out, cells, settings, data, workers: 1, force: false, title: 'tiny study', executor, signal: stop.signal,
    stdout: sink, stderr: sink as unknown as NodeJS.WriteStream,
  });
}
