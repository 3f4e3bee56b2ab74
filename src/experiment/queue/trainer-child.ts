/**
 * The queue worker trains in a child process (the pool's cell-worker.ts), not in its own event loop: an epoch ends
 * with a synchronous evaluation of the validation and test splits (tens of seconds on IMDB, minutes on a loaded
 * machine) during which BullMQ could not renew the job's lock, and the job would be taken for stalled and handed to
 * another worker while this one is alive and well (measured: 7 of 12 IMDB jobs redelivered this way on a busy
 * 2-core machine). The child is long-lived, so it reads and tokenizes the data set once for all the jobs it trains.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CellJob, CellOutcome, WorkerMessage } from '../protocol.ts';

// From the sources (tsx) the child runs cell-worker.ts; compiled (dist/) cell-worker.js, without tsx (as pool.ts).
const CELL_WORKER = fileURLToPath(new URL(
  import.meta.url.endsWith('.ts') ? '../cell-worker.ts' : '../cell-worker.js', import.meta.url));
const EXEC_ARGV = CELL_WORKER.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];

export interface ChildHooks {
  line(text: string): void;
  /** an epoch's files are complete in the run folder (the child waits until this returns) */
  epoch(epoch: number): void;
}

export class TrainerChild {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private current: { name: string; hooks: ChildHooks; done: (o: CellOutcome) => void } | null = null;
  /** set by abort(): the child's stop is for good (cell-worker.ts), so it is replaced after the current job */
  private retire = false;

  private start(): Promise<void> {
    const child = fork(CELL_WORKER, [], {
      execArgv: EXEC_ARGV,
      // stdout carries nothing (lines come over IPC); stderr passes warnings and internal errors through
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child = child;
    this.ready = new Promise((resolve, reject) => {
      child.on('message', (raw) => {
        const msg = raw as WorkerMessage;
        if (msg.type === 'ready') resolve();
        else if (msg.type === 'log') this.current?.hooks.line(msg.line);
        else if (msg.type === 'epoch') {
          // the hook reads the epoch's files; the child writes nothing more until it is answered (job.ackEpochs)
          this.current?.hooks.epoch(msg.epoch);
          if (child.connected) child.send({ type: 'epoch-ack' });
        }
        else if (msg.type === 'done') {
          const c = this.current;
          this.current = null;
          if (this.retire) this.close();
          c?.done(msg.outcome);
        }
      });
      child.on('exit', (code, signal) => {
        if (this.child === child) {
          this.child = null;
          this.ready = null;
        }
        reject(new Error(`the training process could not start (exit code ${code}, signal ${signal})`));
        const c = this.current;
        this.current = null;
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        c?.done({ name: c.name, status: 'failed', reason: `its training process ${how} (out of memory?)` });
      });
    });
    return this.ready;
  }

  /** Trains one job; a child that dies mid-job makes it a failed outcome (the next job gets a fresh child). */
  async run(job: CellJob, hooks: ChildHooks): Promise<CellOutcome> {
    if (this.current) throw new Error('TrainerChild.run: one job at a time');
    await (this.ready ?? this.start());
    return new Promise((done) => {
      this.current = { name: job.name, hooks, done };
      this.child!.send({ type: 'run', job: { ...job, ackEpochs: true } });
    });
  }

  /** Stops the current job at its next batch (it reports 'interrupted'); a fresh child takes the next job. */
  abort(): void {
    if (!this.child?.connected) return;
    this.retire = true;
    this.child.send({ type: 'abort' });
  }

  /** Ends the child at once (the job it trains reports as failed). */
  kill(): void {
    this.child?.kill('SIGKILL');
  }

  /** Lets the child exit (it does when its IPC channel closes). */
  close(): void {
    if (this.child?.connected) this.child.disconnect();
    this.child = null;
    this.ready = null;
    this.retire = false;
  }
}
