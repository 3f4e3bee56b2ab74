/**
 * The queue executor (`rnnlab experiment --queue URL`): the coordinator side of a grid trained by `rnnlab worker`
 * processes on any machines that reach the same Redis.
 *
 * It puts the planned jobs on the experiment's own BullMQ queue (job id = cell name, so running the same command again
 * finds the jobs already there and reattaches instead of adding twice), registers the experiment where workers look
 * for work, and then follows the jobs: each worker's lines and epochs (from the job's progress), each epoch's
 * history.jsonl and status.json (so results.json shows running cells), and, when a job completes, every file of its
 * run folder — all through Redis, no shared file system. The files land in the experiment folder exactly where a
 * local run would have written them, so results.json and the report are built the same way.
 *
 * Following is a poll of the unfinished jobs (twice a second): it needs no event stream that a Redis restart or a
 * coordinator restart could lose, and costs a few small reads per job.
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import { join, resolve } from 'node:path';
import type { DataSpec } from '../../train/config.ts';
import { readStatus, RUN_FILES } from '../../train/run-dir.ts';
import { writeFileAtomic } from '../../util/fs.ts';
import type { Executor, ExecutorHooks } from '../executor.ts';
import type { ExperimentSettings } from '../manifest.ts';
import type { CellJob, CellOutcome } from '../protocol.ts';
import { checkRedis, openRedis, rateLimited } from './connect.ts';
import { dataFingerprint } from './fingerprint.ts';
import {
  filesKey, leaseKey, queueName, REGISTRY_KEY, travels, type ExperimentEntry, type JobProgress, type QueueJobData,
} from './protocol.ts';
import { parseQueueUrl } from './url.ts';

export interface QueueExecutorOptions {
  /** the --queue URL (its password is never printed) */
  url: string;
  experimentDir: string;
  settings: ExperimentSettings;
  data: DataSpec;
  pollMs?: number;
  /** where warnings go (default stderr) */
  warn?: (line: string) => void;
}

export function queueExecutor(opts: QueueExecutorOptions): Executor {
  const target = parseQueueUrl(opts.url); // a malformed URL is an error before anything starts
  const name = queueName(resolve(opts.experimentDir), opts.settings);
  let told = false;
  return {
    // run.ts announces local worker processes only above 1; this executor says where its jobs go itself
    concurrency: 1,
    async run(jobs, hooks) {
      if (!told) {
        hooks.onLine(`training on the Redis queue ${name} at ${target.shown}; start workers with: ` +
          `rnnlab worker --queue ${target.shown}`);
        told = true;
      }
      const onStop = (): void => hooks.onLine('detaching from the queue: the workers keep training; the same command ' +
        'run again reattaches and collects');
      hooks.signal?.addEventListener('abort', onStop, { once: true });
      try {
        await coordinate(opts, name, jobs, hooks, hooks.signal);
      } finally {
        hooks.signal?.removeEventListener('abort', onStop);
      }
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const end = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', end);
      done();
    };
    const t = setTimeout(end, ms);
    signal?.addEventListener('abort', end, { once: true });
  });
}

interface Followed {
  job: CellJob;
  lease: number;
  lineCount: number;
  epoch: number;
}

async function coordinate(opts: QueueExecutorOptions, name: string, jobs: CellJob[], hooks: ExecutorHooks,
  signal?: AbortSignal): Promise<void> {
  const warn = opts.warn ?? ((line: string) => void process.stderr.write(line + '\n'));
  const target = await checkRedis(opts.url);
  const fingerprint = await dataFingerprint(opts.data);
  const redis = openRedis(target, warn);
  const queue = new Queue(name, { connection: target.redis as ConnectionOptions });
  queue.on('error', rateLimited(target, warn));
  try {
    const entry: ExperimentEntry = {
      experiment: resolve(opts.experimentDir), data: opts.data, fingerprint, createdAt: new Date().toISOString(),
    };
    const old = await redis.hget(REGISTRY_KEY, name);
    if (old) entry.createdAt = (JSON.parse(old) as ExperimentEntry).createdAt; // keep its place in the workers' order
    await redis.hset(REGISTRY_KEY, name, JSON.stringify(entry));

    const enqueue = async (job: CellJob): Promise<void> => {
      const { runDir: _local, localData: _l, ...portable } = job;
      const data: QueueJobData = { job: portable, fingerprint };
      await queue.add(job.name, data, { jobId: job.name, attempts: 1 });
    };
    let reattached = 0;
    for (const job of jobs) {
      const existing = await queue.getJob(job.name);
      if (existing) {
        // a failed job from an earlier session is retried, as a local rerun retries a failed cell
        if ((await existing.getState()) !== 'failed') {
          reattached++;
          continue;
        }
        await existing.remove();
        await redis.del(filesKey(name, job.name));
      }
      await enqueue(job);
    }
    if (reattached > 0) hooks.onLine(`reattached to ${reattached} job(s) already on the queue`);

    const followed = new Map<string, Followed>(jobs.map((job) => [job.name, {
      job, lease: 0, lineCount: 0, epoch: readStatus(job.runDir)?.epochsCompleted ?? -1,
    }]));
    const pull = async (f: Followed, which: 'progress' | 'all'): Promise<void> => {
      const key = filesKey(name, f.job.name);
      let files: [string, Buffer][];
      if (which === 'all') {
        files = Object.entries(await redis.hgetallBuffer(key));
      } else {
        const names = [RUN_FILES.history, RUN_FILES.status];
        const got = await redis.hmgetBuffer(key, ...names);
        files = names.map((n, i) => [n, got[i]!] as [string, Buffer]).filter(([, b]) => b !== null);
      }
      // status.json last: the folder counts as finished only once everything else is in place
      files.sort(([a], [b]) => Number(a === RUN_FILES.status) - Number(b === RUN_FILES.status));
      for (const [file, bytes] of files) {
        if (!travels(file)) continue; // only plain names (never a path out of the folder), never a host's run lock
        writeFileAtomic(join(f.job.runDir, file), bytes);
      }
    };

    while (followed.size > 0 && !signal?.aborted) {
      for (const [cell, f] of followed) {
        if (signal?.aborted) break;
        const job = await queue.getJob(cell);
        if (!job) {
          // Redis lost it (restarted without persistence, or flushed): put it back; it restarts from its first epoch
          hooks.onLine(`[${cell}] its job was gone from Redis (restarted without persistence?); queued again`);
          await redis.hset(REGISTRY_KEY, name, JSON.stringify(entry));
          await enqueue(f.job);
          f.lease = 0;
          continue;
        }
        const p = job.progress as JobProgress | number;
        if (p && typeof p === 'object') {
          if (p.lease !== f.lease) {
            f.lease = p.lease;
            f.lineCount = 0;
            hooks.onLine(`[${cell}] taken by worker ${p.worker}${p.lease > 1 ? ` (attempt ${p.lease})` : ''}`);
          }
          const fresh = Math.min(p.lineCount - f.lineCount, p.lines.length);
          for (const line of p.lines.slice(p.lines.length - Math.max(0, fresh))) hooks.onLine(line);
          f.lineCount = p.lineCount;
          if (p.epoch > f.epoch) {
            await pull(f, 'progress');
            for (let e = Math.max(0, f.epoch + 1); e <= p.epoch; e++) hooks.onEpoch({ name: cell, epoch: e });
            f.epoch = p.epoch;
          }
        }
        const state = await job.getState();
        if (state !== 'completed' && state !== 'failed') continue;
        // read again: the job may have finished between reading it and reading its state
        const done = (await queue.getJob(cell)) ?? job;
        followed.delete(cell);
        if (state === 'completed') {
          await pull(f, 'all');
          // the files are in the experiment folder now: free Redis's copy (a model and checkpoint are tens of MB)
          await redis.del(filesKey(name, cell));
          await hooks.onDone(done.returnvalue as CellOutcome);
        } else {
          await hooks.onDone({ name: cell, status: 'failed', reason: `on the queue: ${done.failedReason}` });
        }
      }
      if (followed.size > 0) await sleep(opts.pollMs ?? 500, signal);
    }

    if (followed.size === 0) {
      // every job is collected into the experiment folder: the queue and its files are no longer needed
      await redis.hdel(REGISTRY_KEY, name);
      await queue.obliterate({ force: true });
      const keys = jobs.flatMap((j) => [filesKey(name, j.name), leaseKey(name, j.name)]);
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    await queue.close();
    redis.disconnect();
  }
}
