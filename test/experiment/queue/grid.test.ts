/**
 * `rnnlab experiment --queue` with two `rnnlab worker` processes on a private redis-server: one worker is SIGKILLed in
 * the middle of a job (after its first epoch was uploaded: the test waits for that event, not for time), the other
 * takes the job over from that epoch's checkpoint, and the experiment folder ends equal to a local run's. Also: a
 * worker with a different copy of the data is refused, and the password appears nowhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { runCli, tempDir, tinyArgs, withoutTimings, writeSyntheticCsv } from '../helpers.ts';
import { CliProcess, freePort, redisMissing, runCliAsync, startRedis } from './redis-server.ts';

const skip = redisMissing() ?? false;
const GRID = ['--archs', 'rnn,gru', '--optimizers', 'sgd', '--epochs', '3'];
const CELLS = ['rnn-sgd', 'gru-sgd'];
// lock 1 s: a killed worker's job goes back to the queue after ~1–2 s instead of 30 s
const WORKER_ENV = { RNNLAB_QUEUE_LOCK_MS: '1000' };

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

test('queue: a worker SIGKILLed mid-job is taken over from its last epoch; results equal a local run', { skip, timeout: 90_000 }, async () => {
  const dir = tempDir('rnnlab-queue-');
  const csv = writeSyntheticCsv(dir);
  const local = join(dir, 'local');
  const queued = join(dir, 'queued');
  const l = runCli(tinyArgs(csv, local, GRID));
  assert.equal(l.status, 0, l.stderr);

  const redis = await startRedis();
  const workers: CliProcess[] = [];
  try {
    // the first worker to finish an epoch 1 holds its job there (alive, lock renewed) until the test kills it
    const env = { ...WORKER_ENV, RNNLAB_TEST_HOLD_FILE: join(dir, 'hold') };
    workers.push(new CliProcess(['worker', '--queue', redis.url()], env), new CliProcess(['worker', '--queue', redis.url()], env));
    const coordinator = new CliProcess(tinyArgs(csv, queued, [...GRID, '--queue', redis.url()]));
    const holder = await Promise.race(workers.map((w) => w.waitFor(/holding the job after epoch 1/).then(() => w)));

    // a worker whose copy of the data differs refuses the experiment, in one line
    const other = join(tempDir('rnnlab-queue-other-'), 'tiny.csv');
    writeFileCopyWithChange(csv, other);
    const bad = await runCliAsync(['worker', '--queue', redis.url(), '--dataset', other], WORKER_ENV);
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /^rnnlab: refusing the experiment .* fingerprint .*--dataset PATH\n$/);

    holder.proc.kill('SIGKILL');
    const end = await coordinator.exited;
    assert.equal(end.code, 0, coordinator.stderr);
    const held = /\[(\w+-sgd)\] holding the job/.exec(holder.stdout)![1]!;
    // the other worker took the killed worker's job over and continued after epoch 1 (not from scratch)
    assert.match(coordinator.stdout, new RegExp(`\\[${held}\\] taken by worker \\S+ \\(attempt 2\\)`));
    assert.match(coordinator.stdout, new RegExp(`\\[${held}\\] resuming \\S+ after epoch 1 of 3`));

    const read = (d: string) => withoutTimings(JSON.parse(readFileSync(join(d, 'results.json'), 'utf8')));
    assert.deepEqual(read(queued), read(local));
    for (const cell of CELLS) {
      // (checkpoint.safetensors and status.json hold wall times too; history.jsonl is in results.json)
      for (const f of ['model.safetensors', 'metrics.json', 'vocab.json']) {
        assert.ok(readFileSync(join(queued, cell, f)).equals(readFileSync(join(local, cell, f))), `${cell}/${f} differs`);
      }
    }
    for (const f of ['summary.md', 'report.html', 'experiment.json']) readFileSync(join(queued, f));

    // the password is nowhere: not in any output, not in any file of the experiment
    const everything = [coordinator.stdout, coordinator.stderr, ...workers.flatMap((w) => [w.stdout, w.stderr]),
      ...filesUnder(queued).map((f) => readFileSync(f, 'latin1'))].join('\n');
    assert.ok(!everything.includes(redis.password), 'the Redis password was printed or stored');
    assert.match(coordinator.stdout, /redis:\/\/:\*\*\*@127\.0\.0\.1/);

    // the finished experiment left nothing of its own in Redis (queue, files, leases, registry entry)
    const r = new Redis({ port: redis.port, host: '127.0.0.1', password: redis.password });
    try {
      assert.deepEqual((await r.keys('rnnlab:*')).sort(), []);
      assert.deepEqual((await r.keys('bull:*:wait')).sort(), []);
    } finally {
      r.disconnect();
    }

    // SIGTERM: the surviving worker stops cleanly
    const survivor = workers.find((w) => w !== holder)!;
    survivor.proc.kill('SIGTERM');
    assert.equal((await survivor.exited).code, 0, survivor.stderr);
  } finally {
    for (const w of workers) w.proc.kill('SIGKILL');
    await redis.stop();
  }
});

test('queue: a wrong password and an unreachable Redis are one-line errors (exit 2), the password never shown', { skip, timeout: 60_000 }, async () => {
  const redis = await startRedis();
  try {
    const dir = tempDir('rnnlab-queue-');
    const csv = writeSyntheticCsv(dir);
    const wrong = redis.url('not-the-Pa55word');
    for (const args of [['worker', '--queue', wrong], tinyArgs(csv, join(dir, 'x'), [...GRID, '--queue', wrong])]) {
      const r = await runCliAsync(args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^rnnlab: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ refused the credentials .*\n$/);
      assert.ok(!(r.stdout + r.stderr).includes('not-the-Pa55word'));
    }
    const port = await freePort(); // nothing listens there
    const r = await runCliAsync(['worker', '--queue', `redis://:secret-pw@127.0.0.1:${port}/2`]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^rnnlab: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/2 \(ECONNREFUSED\); .*\n$/);
    const u = await runCliAsync(['worker', '--queue', 'http://127.0.0.1:1']);
    assert.equal(u.status, 2);
    assert.match(u.stderr, /^rnnlab: --queue .*use a redis:\/\/ or rediss:\/\/ URL/);
  } finally {
    await redis.stop();
  }
});

/** The same CSV with one word changed in its first row: same shape, different contents (and fingerprint). */
function writeFileCopyWithChange(from: string, to: string): void {
  const lines = readFileSync(from, 'utf8').split('\n');
  lines[1] = lines[1]!.replace(/^\w+/, 'different');
  writeFileSyncLocal(to, lines.join('\n'));
}

import { writeFileSync as writeFileSyncLocal } from 'node:fs';
