/**
 * `rnnlab worker --queue URL`: trains the jobs of `rnnlab experiment --queue URL` on this machine until stopped
 * (src/experiment/queue/worker.ts). --concurrency N starts N worker processes, each with its share of the cores as
 * BLAS threads (as --workers does for a local experiment); the URL reaches them through the environment, not their
 * command line, so `ps` does not show its password.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { threadsPerWorker } from '../../experiment/pool.ts';
import { UserError } from '../../util/errors.ts';

const HELP = `
Takes jobs from every experiment started with \`rnnlab experiment --queue URL\` on the same Redis (oldest first),
trains them and sends each epoch, the checkpoints and the finished run folder back through Redis. The worker needs
the data set: the experiment's --dataset path if it exists here, the imdb cache/download for imdb, or --dataset PATH
(a copy with the same contents: each job carries the data set's sha256 fingerprint and a different copy is refused).

Ctrl-C / SIGTERM: the current job stops at its next batch, its last completed epoch is uploaded and the job goes back
to the queue for another worker. A worker killed outright (kill -9, power cut) loses at most the epoch in progress:
after its lock expires (30 s) another worker continues the job from its last uploaded epoch.

Examples:
  $ rnnlab worker --queue redis://:PASSWORD@10.0.0.5:6379
  $ RNNLAB_QUEUE=rediss://:PASSWORD@redis.lab.example:6380 rnnlab worker --concurrency 2 --dataset ~/data/imdb.tar.gz
`;

function positiveInt(raw: unknown, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a whole number ≥ 1 (got ${JSON.stringify(raw)})`);
  return n;
}

export function register(program: Command): void {
  const cmd = program
    .command('worker')
    .description('train the jobs of experiments run with --queue, taken from Redis, until stopped')
    .addOption(new Option('--queue <url>', 'Redis with the jobs: redis://[:password@]host:port[/db] (rediss:// for TLS)')
      .env('RNNLAB_QUEUE'))
    .option('--concurrency <n>', 'jobs trained at once, each in its own process with floor(cores / n) BLAS threads', '1')
    .option('--dataset <path>', "this machine's copy of the experiment's data set (default: the experiment's own path, or imdb's cache)")
    .option('--test <path>', "this machine's copy of the experiment's --test file, if it had one")
    .option('--threads <n>', 'BLAS threads per job (default: floor(cores / concurrency))');
  cmd.addHelpText('after', HELP);
  cmd.action(async (raw: Record<string, unknown>) => {
    if (raw.queue === undefined) throw new UserError('rnnlab worker needs --queue redis://[:password@]host:port (or env RNNLAB_QUEUE)');
    const url = String(raw.queue);
    const concurrency = positiveInt(raw.concurrency, '--concurrency');
    const threads = raw.threads !== undefined ? positiveInt(raw.threads, '--threads')
      : threadsPerWorker(availableParallelism(), concurrency);
    const passOn = (['dataset', 'test'] as const).flatMap((k) => (raw[k] !== undefined ? [`--${k}`, String(raw[k])] : []));

    if (concurrency > 1) {
      await runChildren(concurrency, [...passOn, '--threads', String(threads)], url);
      return;
    }

    // read by the training process this worker starts (src/experiment/queue/trainer-child.ts)
    if (raw.threads !== undefined) process.env.RNNLAB_BLAS_THREADS = String(threads);
    const { runQueueWorker } = await import('../../experiment/queue/worker.ts');
    const stop = new AbortController();
    const onSignal = (sig: NodeJS.Signals): void => {
      if (!stop.signal.aborted) process.stdout.write(`${sig}: stopping; a job in progress goes back to the queue after its last completed epoch\n`);
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await runQueueWorker({
        url,
        ...(raw.dataset !== undefined ? { dataset: String(raw.dataset) } : {}),
        ...(raw.test !== undefined ? { test: String(raw.test) } : {}),
        signal: stop.signal,
        log: (line) => void process.stdout.write(line + '\n'),
        warn: (line) => void process.stderr.write(line + '\n'),
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}

/** N single-job workers as child processes; the first non-zero exit code is this one's. */
async function runChildren(n: number, args: string[], url: string): Promise<void> {
  const children = Array.from({ length: n }, () => spawn(process.execPath,
    [...process.execArgv, process.argv[1]!, 'worker', '--concurrency', '1', ...args],
    { stdio: 'inherit', env: { ...process.env, RNNLAB_QUEUE: url } }));
  const forward = (sig: NodeJS.Signals): void => { for (const c of children) c.kill(sig); };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const codes = await Promise.all(children.map((c) => new Promise<number>((done) => {
    c.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  })));
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  const bad = codes.find((c) => c !== 0);
  if (bad !== undefined) process.exitCode = bad;
}
