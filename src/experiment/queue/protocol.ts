/**
 * What a coordinator (`rnnlab experiment --queue`) and its workers (`rnnlab worker`) keep in Redis.
 *
 *   BullMQ queue  rnnlab-<id>                one queue per experiment: <id> hashes the coordinator's host, the
 *                                            experiment folder and its settings, so two experiments on one Redis
 *                                            never share jobs and the same command run again finds its queue
 *   hash  rnnlab:experiments                 queue name → ExperimentEntry (JSON): how workers find work and the
 *                                            data set it needs
 *   hash  rnnlab:<queue>:files:<job>         the job's run folder (file name → bytes), uploaded by the worker after
 *                                            every epoch (so checkpoints travel) and once more when the job ends
 *   key   rnnlab:<queue>:lease:<job>         the job's lease, incremented by each worker that takes the job; an upload
 *                                            is accepted only from the worker holding the current lease, so a job
 *                                            that BullMQ handed to a second worker (the first stalled) has one writer
 *   job progress (BullMQ)                    JobProgress: the worker, its lease, the last epoch, the latest lines
 *   job return value (BullMQ)                the CellOutcome
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { canonical } from '../manifest.ts';
import type { DataSpec } from '../../train/config.ts';
import type { CellJob } from '../protocol.ts';
import { RUN_FILES, SNAPSHOT_DIR } from '../../train/run-dir.ts';

export const REGISTRY_KEY = 'rnnlab:experiments';

/**
 * Entries of a run folder that never travel: the run lock names a process on one host (src/train/lock.ts); a search
 * trial's per-epoch weights (a folder) only serve the host that may continue the trial (search/adopt.ts).
 */
export const HOST_LOCAL_FILES: ReadonlySet<string> = new Set([RUN_FILES.lock, SNAPSHOT_DIR]);

/** True for a file name that may travel between a worker's scratch folder and the experiment folder. */
export const travels = (file: string): boolean =>
  !file.includes('/') && !file.startsWith('.') && !HOST_LOCAL_FILES.has(file);

export interface ExperimentEntry {
  /** the experiment folder on the coordinator's host, for the workers' log lines */
  experiment: string;
  data: DataSpec;
  /** dataFingerprint(data) on the coordinator */
  fingerprint: string;
  createdAt: string;
}

/** One job on the queue: a CellJob without the coordinator's local folder, plus the data set's fingerprint. */
export interface QueueJobData {
  job: Omit<CellJob, 'runDir' | 'localData'>;
  fingerprint: string;
}

export interface JobProgress {
  /** host:pid of the worker holding the job */
  worker: string;
  lease: number;
  /** last completed epoch whose files are uploaded (-1: none yet) */
  epoch: number;
  /** how many lines this lease has produced, and the latest of them */
  lineCount: number;
  lines: string[];
}

export function queueName(experimentDir: string, settings: unknown): string {
  const id = createHash('sha256').update(`${hostname()}\0${experimentDir}\0${canonical(settings)}`).digest('hex');
  return `rnnlab-${id.slice(0, 16)}`;
}

export const filesKey = (queue: string, job: string): string => `rnnlab:${queue}:files:${job}`;
export const leaseKey = (queue: string, job: string): string => `rnnlab:${queue}:lease:${job}`;

/**
 * Stores (changed) files of the job's run folder, only if `lease` is still the job's current lease (1) — else
 * nothing (0). KEYS: lease key, files key; ARGV: lease, then file name / bytes pairs.
 */
export const UPLOAD_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
return 1
`;

/** Seconds a worker's lock on a job lasts without renewal (env RNNLAB_QUEUE_LOCK_MS overrides, for tests). */
export function lockMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.RNNLAB_QUEUE_LOCK_MS);
  return Number.isFinite(v) && v >= 200 ? v : 30_000;
}
