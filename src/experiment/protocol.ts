/**
 * What the experiment's parent process and its cell workers say to each other (Node IPC, JSON-serializable).
 *
 *   parent → worker: { type: 'run', job }        train one grid cell, then wait for the next job
 *                    { type: 'epoch-ack' }        (job.ackEpochs) the parent has read the epoch's files: go on
 *   worker → parent: { type: 'log', line }       a line for stdout (epoch lines, prefixed with the cell)
 *                    { type: 'epoch', ... }      one per finished epoch (for the progress bar)
 *                    { type: 'done', outcome }   the cell finished, diverged or failed
 *
 * A worker exits when the parent disconnects (parent killed or done), so no orphan keeps training.
 */
import type { DataSpec } from '../train/config.ts';

/** One grid cell: everything a process needs to train it, and nothing that differs between processes. */
export interface CellJob {
  /** "lstm-adam": also the run folder's name */
  name: string;
  arch: string;
  optimizer: string;
  /** absolute path of the cell's run folder */
  runDir: string;
  /** the cell's fully resolved training options (same keys as `rnnlab train`'s) */
  train: Record<string, unknown>;
  /** the data spec shared by every cell (src/train/config.ts DataSpec, plain JSON) */
  data: DataSpec;
  /**
   * false: a learning-rate search trial, scored on validation only; the worker hands the trainer a data set whose
   * test split cannot be read. Absent: true.
   */
  evaluateTest?: boolean;
  /**
   * where this process finds that data, when not at `data`'s paths (a queue worker's own copy, checked to have the
   * same fingerprint); the run still records `data`
   */
  localData?: DataSpec;
  /** a search trial: keep every epoch's weights (snapshots/), so the chosen one can be continued (search/adopt.ts) */
  snapshots?: boolean;
  /**
   * a first-seed final run: the absolute folder of its rate's search trial, which it continues when it can
   * (search/adopt.ts) instead of training those epochs again
   */
  adoptFrom?: string;
  /**
   * the worker waits after each epoch's files are written until the parent answers 'epoch-ack' (the queue worker
   * copies the run folder then: without the wait the trainer could already be writing the next epoch's files)
   */
  ackEpochs?: boolean;
}

/** 'interrupted': stopped by Ctrl-C / SIGTERM; its folder resumes on the next run. */
export type CellStatus = 'ok' | 'diverged' | 'failed' | 'interrupted';

export interface CellOutcome {
  name: string;
  status: CellStatus;
  /** one line: why it diverged or failed */
  reason?: string;
}

/** One finished epoch (epoch 0 = the evaluation before training). */
export interface EpochEvent {
  name: string;
  epoch: number;
}

export type ParentMessage = { type: 'run'; job: CellJob } | { type: 'abort' } | { type: 'epoch-ack' };

export type WorkerMessage =
  | { type: 'ready' }
  /** a line for stdout, already prefixed with the cell name */
  | { type: 'log'; line: string }
  | ({ type: 'epoch' } & EpochEvent)
  | { type: 'done'; outcome: CellOutcome };
