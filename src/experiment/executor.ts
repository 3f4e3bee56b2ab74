/**
 * Executors: how a batch of independent jobs (grid cells, search trials, final runs: all CellJobs) gets trained.
 * The experiment's study loop hands each round of jobs to one of these and waits; it never trains anything itself.
 *
 *   inlineExecutor()          one job after another in this process (--workers 1)
 *   poolExecutor(n, threads)  n child processes (pool.ts), each with its share of the BLAS threads
 *
 * A queue-backed executor (jobs on a broker, workers elsewhere) fits the same interface: every job is plain JSON
 * and its run folder is the unit of idempotent work (trainRun starts, resumes or returns it).
 */
import { runCell } from './cell.ts';
import { runInWorkers } from './pool.ts';
import type { CellJob, CellOutcome, EpochEvent } from './protocol.ts';

export interface ExecutorHooks {
  /** a stdout line, already prefixed "[job] " */
  onLine(text: string): void;
  onEpoch(event: EpochEvent): void;
  /** each job's outcome exactly once; the executor awaits it before reporting the next (in finishing order) */
  onDone(outcome: CellOutcome): void | Promise<void>;
  /** stop: no new job starts, running ones stop at their next batch and report 'interrupted' (or stay unreported) */
  signal?: AbortSignal;
}

export interface Executor {
  /** how many jobs run at once (for messages) */
  readonly concurrency: number;
  run(jobs: CellJob[], hooks: ExecutorHooks): Promise<void>;
}

export function inlineExecutor(): Executor {
  return {
    concurrency: 1,
    async run(jobs, hooks) {
      for (const job of jobs) {
        if (hooks.signal?.aborted) break;
        const o = await runCell(job, {
          line: hooks.onLine, epoch: (epoch) => hooks.onEpoch({ name: job.name, epoch }), signal: hooks.signal,
        });
        await hooks.onDone(o);
      }
    },
  };
}

export function poolExecutor(workers: number, threadsPerWorker: number): Executor {
  return {
    concurrency: workers,
    async run(jobs, hooks) {
      let chain = Promise.resolve();
      await runInWorkers(jobs, {
        workers, threadsPerWorker, signal: hooks.signal, onLine: hooks.onLine, onEpoch: hooks.onEpoch,
        // outcomes are handled one at a time, in the order jobs finish
        onDone: (o) => { chain = chain.then(() => hooks.onDone(o)); },
      });
      await chain;
    },
  };
}
