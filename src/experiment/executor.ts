/**
 * Executors: who trains an experiment's jobs. runExperiment plans the jobs (one train run each, serializable:
 * protocol.ts CellJob) and hands them to an executor; how and where they train is the executor's business.
 *
 *   inlineExecutor()            one after another in this process (--workers 1)
 *   poolExecutor({workers})     in N child processes on this machine (--workers N, pool.ts)
 *   queueExecutor(...)          on a Redis job queue served by `rnnlab worker` processes anywhere (queue/coordinator.ts)
 *
 * Every executor reports each job exactly once through onDone (or not at all when the signal stopped it before it
 * started: it stays pending and the next run of the same command picks it up), and leaves the job's run folder at
 * job.runDir as `rnnlab train` would have written it — that folder is what results.json is built from.
 */
import { runCell } from './cell.ts';
import { runInWorkers } from './pool.ts';
import type { CellJob, CellOutcome, EpochEvent } from './protocol.ts';

export interface ExecutorHooks {
  /** a line for stdout, already prefixed "[cell] " */
  onLine(text: string): void;
  /** a job finished an epoch (0 = the evaluation before training) */
  onEpoch(event: EpochEvent): void;
  /** a job has its outcome; its run folder is complete */
  onDone(outcome: CellOutcome): void;
}

export interface Executor {
  /** true when jobs train in this process (the data set loaded here is reused) */
  readonly inProcess: boolean;
  /** one line saying how `n` jobs will train, or '' */
  describe(n: number): string;
  /** what Ctrl-C / SIGTERM does to the running jobs, for the line printed when it happens */
  readonly onStop: string;
  /** Trains every job; resolves once each has an outcome, or soon after `signal` aborts. */
  run(jobs: CellJob[], hooks: ExecutorHooks, signal?: AbortSignal): Promise<void>;
}

/** One job after another in this process. */
export function inlineExecutor(): Executor {
  return {
    inProcess: true,
    describe: () => '',
    onStop: 'running cells stop after their current batch; run the same command again to resume',
    async run(jobs, hooks, signal) {
      for (const job of jobs) {
        if (signal?.aborted) break;
        const o = await runCell(job, {
          line: hooks.onLine, epoch: (epoch) => hooks.onEpoch({ name: job.name, epoch }), signal,
        });
        hooks.onDone(o);
      }
    },
  };
}

/** N long-lived child processes on this machine, each with `threadsPerWorker` BLAS threads. */
export function poolExecutor(opts: { workers: number; threadsPerWorker: number; workerScript?: string }): Executor {
  return {
    inProcess: false,
    describe: (n) => `training ${n} cells in ${Math.min(opts.workers, n)} worker processes, ` +
      `${opts.threadsPerWorker} BLAS thread(s) each`,
    onStop: 'running cells stop after their current batch; run the same command again to resume',
    run: (jobs, hooks, signal) => runInWorkers(jobs, { ...opts, ...hooks, signal }),
  };
}

export type { CellJob, CellOutcome, EpochEvent };
