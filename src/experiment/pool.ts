/**
 * Trains grid cells in N child processes at once (`--workers N`).
 *
 * Why processes and not worker_threads: each cell spends its time in OpenBLAS, whose thread count is a process-wide
 * setting read from RNNLAB_BLAS_THREADS when the library loads; separate processes let each worker get its own
 * share of the cores (max(1, floor(cores / N))) instead of N × cores threads fighting over the CPU.
 *
 * Each child is long-lived and takes one cell after another, so the data set is read and tokenized once per child,
 * not once per cell. A child that dies mid-cell (crash, out of memory, killed) fails only that cell: the pool records
 * the failure and starts a fresh child for the remaining cells.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CellJob, CellOutcome, EpochEvent, WorkerMessage } from './protocol.ts';

export interface PoolOptions {
  workers: number;
  /** RNNLAB_BLAS_THREADS for each child */
  threadsPerWorker: number;
  onLine(text: string): void;
  onEpoch(event: EpochEvent): void;
  onDone(outcome: CellOutcome): void;
  /** stop: no new cells start, running ones stop at their next batch (and report 'interrupted') */
  signal?: AbortSignal;
  /** the child's entry script (tests substitute their own) */
  workerScript?: string;
}

/** The BLAS threads each of `workers` processes gets on a machine with `cores` cores. */
export function threadsPerWorker(cores: number, workers: number): number {
  return Math.max(1, Math.floor(cores / Math.max(1, workers)));
}

// Run from the sources (tsx) the worker is cell-worker.ts; compiled (dist/) it is cell-worker.js and needs no tsx.
const DEFAULT_WORKER = fileURLToPath(new URL(
  import.meta.url.endsWith('.ts') ? './cell-worker.ts' : './cell-worker.js', import.meta.url));

/** node options for a worker script: a .ts one needs tsx, resolved here (not from the current directory). */
function workerExecArgv(script: string): string[] {
  return script.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
}

interface Slot {
  child: ChildProcess;
  job: CellJob | null;
  /** set once the child reported the current job's outcome */
  reported: boolean;
  /** the child started up (sent 'ready') */
  ready: boolean;
}

/** Runs every job; resolves when all have an outcome (each reported exactly once through onDone). */
export function runInWorkers(jobs: CellJob[], opts: PoolOptions): Promise<void> {
  const queue = [...jobs];
  const script = opts.workerScript ?? DEFAULT_WORKER;
  const slots = new Set<Slot>();
  let remaining = jobs.length;

  return new Promise<void>((resolve, reject) => {
    if (remaining === 0) return resolve();

    const finish = (slot: Slot, outcome: CellOutcome): void => {
      slot.reported = true;
      remaining--;
      opts.onDone(outcome);
      if (remaining === 0) {
        for (const s of slots) if (s.child.connected) s.child.disconnect();
        resolve();
      }
    };

    const feed = (slot: Slot): void => {
      const job = opts.signal?.aborted ? undefined : queue.shift();
      slot.job = job ?? null;
      slot.reported = false;
      if (job) slot.child.send({ type: 'run', job });
      else if (slot.child.connected) slot.child.disconnect();
    };

    const spawnSlot = (): void => {
      const child = fork(script, [], {
        execArgv: workerExecArgv(script),
        env: { ...process.env, RNNLAB_BLAS_THREADS: String(opts.threadsPerWorker) },
        // the child's stdout carries nothing (epoch lines come over IPC); stderr passes warnings through
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      const slot: Slot = { child, job: null, reported: true, ready: false };
      slots.add(slot);
      child.on('message', (raw) => {
        const msg = raw as WorkerMessage;
        if (msg.type === 'ready') {
          slot.ready = true;
          feed(slot);
        }
        else if (msg.type === 'log') opts.onLine(msg.line);
        else if (msg.type === 'epoch') opts.onEpoch(msg);
        else if (msg.type === 'done') {
          finish(slot, msg.outcome);
          if (remaining > 0) feed(slot);
        }
      });
      child.on('exit', (code, signal) => {
        slots.delete(slot);
        if (!slot.ready) {
          // a child that cannot even start would fail every cell the same way: stop instead of respawning forever
          for (const s of slots) s.child.kill();
          reject(new Error(`cell worker ${script} could not start (exit code ${code}, signal ${signal})`));
          return;
        }
        if (slot.job && !slot.reported) {
          const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
          finish(slot, opts.signal?.aborted ? { name: slot.job.name, status: 'interrupted' } : {
            name: slot.job.name,
            status: 'failed',
            reason: `its worker process ${how} (out of memory? run it alone with --workers 1 to see the error)`,
          });
          if (queue.length > 0 && !opts.signal?.aborted) spawnSlot();
        }
      });
    };

    opts.signal?.addEventListener('abort', () => {
      // cells that never started are not reported: they simply stay pending
      remaining -= queue.length;
      queue.length = 0;
      for (const s of slots) {
        if (s.child.connected) s.child.send({ type: 'abort' });
      }
      if (remaining === 0) {
        for (const s of slots) if (s.child.connected) s.child.disconnect();
        resolve();
      }
    }, { once: true });

    const n = Math.max(1, Math.min(opts.workers, jobs.length));
    for (let i = 0; i < n; i++) spawnSlot();
  });
}
