/**
 * `rnnlab worker --queue URL`: takes experiment jobs from Redis and trains them, one at a time, until stopped.
 *
 * Finding work: experiments register in rnnlab:experiments (protocol.ts); the worker serves the oldest one that has
 * jobs left, through a BullMQ Worker on that experiment's queue, and moves on when it has none. Before taking any job
 * it checks that its local copy of the data set has the experiment's fingerprint, and refuses (one-line UserError,
 * exit 2) when it does not.
 *
 * One job: the worker takes a new lease on it (INCR), fetches whatever run folder earlier attempts uploaded (a
 * worker killed mid-job left its last completed epoch there, checkpoint included), trains it in a scratch folder in
 * its training process (trainer-child.ts; trainRun resumes from that checkpoint, so the result is the one an
 * uninterrupted run gives) and after every epoch uploads the files that changed, guarded by the lease: once BullMQ has handed the job to another worker (this
 * one stalled), this one's uploads are refused and it stops. The job's return value is its CellOutcome.
 *
 * Faults: a worker killed with SIGKILL stops renewing its BullMQ lock; another worker's stalled-job check puts the job
 * back on the queue after the lock expires (30 s; env RNNLAB_QUEUE_LOCK_MS) and it continues from the last upload.
 * SIGINT / SIGTERM stop the job at the next batch, upload the last completed epoch and hand the job back at once.
 *
 * RNNLAB_TEST_HOLD_FILE (tests only): the first worker to create that file holds its job after uploading epoch 1,
 * alive and keeping its lock, so a test can kill it mid-job on an event instead of a timer.
 */
import { Queue, UnrecoverableError, Worker, WaitingError, type ConnectionOptions, type Job } from 'bullmq';
import { mkdirSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { DataSpec } from '../../train/config.ts';
import { canonical } from '../manifest.ts';
import { readStatus } from '../../train/run-dir.ts';
import { UserError } from '../../util/errors.ts';
import { TrainerChild } from './trainer-child.ts';
import type { CellOutcome } from '../protocol.ts';
import { checkRedis, openRedis, rateLimited } from './connect.ts';
import { dataFingerprint } from './fingerprint.ts';
import {
  filesKey, leaseKey, lockMs, REGISTRY_KEY, UPLOAD_SCRIPT, travels, type ExperimentEntry, type JobProgress, type QueueJobData,
} from './protocol.ts';
import type { QueueTarget } from './url.ts';

export interface QueueWorkerOptions {
  url: string;
  /** this machine's copy of the data set (and test set), when not at the path the experiment names */
  dataset?: string;
  test?: string;
  /** stop: the current job is handed back after its last completed epoch, then the worker returns */
  signal: AbortSignal;
  log(line: string): void;
  warn(line: string): void;
  pollMs?: number;
  env?: NodeJS.ProcessEnv;
}

const JOB_KINDS = ['waiting', 'active', 'delayed', 'prioritized'] as const;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const end = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', end);
      done();
    };
    const t = setTimeout(end, ms);
    signal.addEventListener('abort', end, { once: true });
  });
}

/**
 * The run folder's files that differ from `sent` (what the uploads queued so far carry), read at once: a consistent snapshot
 * between epochs. The checkpoint changes every epoch; the model only when the epoch is the best so far; the
 * vocabulary and config never, so they travel once.
 */
function changedFiles(dir: string, sent: Map<string, Buffer>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  // Called while the training process waits for its epoch-ack (trainer-child.ts): every file is from this epoch.
  const files = readdirSync(dir);
  for (const f of files) {
    if (!travels(f)) continue; // the trainer's temporary files, the host-local run lock
    const bytes = readFileSync(join(dir, f));
    if (!sent.get(f)?.equals(bytes)) out.set(f, bytes);
  }
  // recorded now, not when the upload completes: uploads go out in order, so the next snapshot is compared with this one
  for (const [f, b] of out) sent.set(f, b);
  return out;
}

export async function runQueueWorker(opts: QueueWorkerOptions): Promise<void> {
  const env = opts.env ?? process.env;
  const target = await checkRedis(opts.url);
  const redis = openRedis(target, opts.warn);
  const me = `${hostname()}:${process.pid}`;
  const scratch = join(tmpdir(), `rnnlab-worker-${process.pid}`);
  const queues = new Map<string, Queue>();
  const fingerprints = new Map<string, Promise<string>>();
  const trainer = new TrainerChild();

  /** The job's data spec with this machine's paths. */
  const localSpec = (spec: DataSpec): DataSpec => ({
    load: { ...spec.load, dataset: opts.dataset ?? spec.load.dataset, ...(opts.test ?? spec.load.test ? { test: opts.test ?? spec.load.test } : {}) },
    prepare: spec.prepare,
  });
  const fingerprintOf = (spec: DataSpec): Promise<string> => {
    const key = canonical(localSpec(spec));
    let p = fingerprints.get(key);
    if (!p) {
      p = dataFingerprint(localSpec(spec), env);
      fingerprints.set(key, p);
      p.catch(() => fingerprints.delete(key));
    }
    return p;
  };
  const queueFor = (name: string): Queue => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: redis as unknown as ConnectionOptions });
      q.on('error', rateLimited(target, opts.warn));
      queues.set(name, q);
    }
    return q;
  };
  const jobsLeft = async (name: string): Promise<number> => {
    const counts = await queueFor(name).getJobCounts(...JOB_KINDS);
    return Object.values(counts).reduce((a, b) => a + b, 0);
  };

  opts.log(`worker ${me}: waiting for jobs on ${target.shown}`);
  try {
    while (!opts.signal.aborted) {
      const entries = Object.entries(await redis.hgetall(REGISTRY_KEY))
        .map(([name, json]) => [name, JSON.parse(json) as ExperimentEntry] as const)
        .sort(([, a], [, b]) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
      let served = false;
      for (const [name, entry] of entries) {
        if (opts.signal.aborted) break;
        if ((await jobsLeft(name)) === 0) continue;
        await serve(name, entry);
        served = true;
        break;
      }
      if (!served) await sleep(opts.pollMs ?? 1000, opts.signal);
    }
  } finally {
    trainer.close();
    await Promise.all([...queues.values()].map((q) => q.close()));
    redis.disconnect();
    rmSync(scratch, { recursive: true, force: true });
  }

  async function serve(name: string, entry: ExperimentEntry): Promise<void> {
    const local = localSpec(entry.data);
    const mine = await fingerprintOf(entry.data);
    if (mine !== entry.fingerprint) {
      throw new UserError(`refusing the experiment ${entry.experiment} (queue ${name}): its data set has fingerprint ` +
        `${entry.fingerprint.slice(0, 12)}…, this machine's copy (${local.load.dataset}) gives ${mine.slice(0, 12)}… ` +
        '(other file contents or split settings); give this worker the same data with --dataset PATH');
    }
    opts.log(`serving experiment ${entry.experiment} (queue ${name})`);
    const worker = new Worker(name, (job, token) => processJob(name, job, token), {
      connection: target.redis as ConnectionOptions, concurrency: 1,
      lockDuration: lockMs(env), stalledInterval: lockMs(env), maxStalledCount: 10,
    });
    worker.on('error', rateLimited(target, opts.warn));
    try {
      while (!opts.signal.aborted) {
        await sleep(opts.pollMs ?? 1000, opts.signal);
        if (!(await redis.hexists(REGISTRY_KEY, name)) || (await jobsLeft(name)) === 0) break;
      }
    } finally {
      await worker.close(); // waits for the current job: finished, or stopped and handed back
    }
  }

  async function processJob(queue: string, job: Job, token: string | undefined): Promise<CellOutcome> {
    const { job: d, fingerprint } = job.data as QueueJobData;
    const mine = await fingerprintOf(d.data);
    if (mine !== fingerprint) {
      // the experiment's data changed under the same queue (or the job was queued by hand): never train on other data
      throw new UnrecoverableError(`worker ${me} refused: its copy of the data set has fingerprint ${mine.slice(0, 12)}…, ` +
        `the job needs ${fingerprint.slice(0, 12)}…`);
    }
    const lease = await redis.incr(leaseKey(queue, d.name));
    const dir = join(scratch, queue, d.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const stored = await redis.hgetallBuffer(filesKey(queue, d.name));
    const sent = new Map<string, Buffer>();
    for (const [file, bytes] of Object.entries(stored)) {
      if (!travels(file)) continue;
      writeFileSync(join(dir, file), bytes);
      sent.set(file, bytes);
    }

    const lines: string[] = [];
    let lineCount = 0;
    let epoch = readStatus(dir)?.epochsCompleted ?? -1;
    const report = (): Promise<void> => job.updateProgress({
      worker: me, lease, epoch, lineCount, lines: lines.slice(-50),
    } satisfies JobProgress);
    const onStop = (): void => trainer.abort();
    opts.signal.addEventListener('abort', onStop, { once: true });
    let leaseLost = false;
    const upload = async (files: Map<string, Buffer>): Promise<void> => {
      const args = [...files].flat();
      const ok = await redis.eval(UPLOAD_SCRIPT, 2, leaseKey(queue, d.name), filesKey(queue, d.name), String(lease), ...args);
      if (ok !== 1 && !leaseLost) {
        leaseLost = true;
        trainer.kill();
        opts.log(`[${d.name}] another worker holds this job now (this one stalled); stopping it here`);
      }
    };
    const hold = env.RNNLAB_TEST_HOLD_FILE;
    let chain: Promise<void> = report();
    try {
      const outcome = await trainer.run(
        {
          ...d, runDir: dir, localData: localSpec(d.data),
        },
        {
          line: (text) => {
            lines.push(text);
            if (lines.length > 100) lines.splice(0, lines.length - 50);
            lineCount++;
            opts.log(text);
          },
          epoch: (e) => {
            const files = changedFiles(dir, sent); // now, while the trainer waits: all from epoch e
            chain = chain.then(async () => {
              await upload(files);
              if (leaseLost) return;
              epoch = e;
              await report();
              if (hold && e >= 1 && claimOnce(hold)) {
                // tests: stop here, holding the job and its lock, until the test kills this process
                opts.log(`[${d.name}] holding the job after epoch ${e} (RNNLAB_TEST_HOLD_FILE)`);
                await new Promise(() => {});
              }
            });
          },
        },
      );
      await chain;
      if (leaseLost) throw new Error(`job ${d.name}: another worker took it over (this worker stalled)`);
      await upload(changedFiles(dir, sent));
      if (leaseLost) throw new Error(`job ${d.name}: another worker took it over (this worker stalled)`);
      if (outcome.status === 'interrupted') {
        // stopped by SIGINT / SIGTERM: the last completed epoch is uploaded; hand the job back for another worker
        opts.log(`[${d.name}] handed back to the queue after epoch ${Math.max(0, epoch)}`);
        await job.moveToWait(token);
        throw new WaitingError();
      }
      await report();
      return outcome;
    } finally {
      opts.signal.removeEventListener('abort', onStop);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** True for the one process that creates `path` first. */
function claimOnce(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx'));
    return true;
  } catch {
    return false;
  }
}
