/**
 * The worker pool (--workers N): at most N cells at once, BLAS threads divided between the processes, one outcome
 * per cell, and a worker that dies fails only its own cell (a fresh worker takes the rest).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { runInWorkers, threadsPerWorker } from '../../src/experiment/pool.ts';
import type { CellJob, CellOutcome } from '../../src/experiment/protocol.ts';

const FAKE = fileURLToPath(new URL('./fixtures/fake-worker.ts', import.meta.url));

const job = (name: string): CellJob => ({
  name, arch: 'rnn', optimizer: 'adam', runDir: '/nonexistent', train: {}, data: { load: {}, prepare: {} },
});

test('threads per worker: max(1, floor(cores / workers))', () => {
  assert.equal(threadsPerWorker(2, 1), 2);
  assert.equal(threadsPerWorker(2, 2), 1);
  assert.equal(threadsPerWorker(2, 3), 1);
  assert.equal(threadsPerWorker(16, 3), 5);
});

/** Live (or not yet reaped) child processes of this process whose command line contains `script` (Linux /proc). */
function liveChildren(script: string): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(script)) n++;
    } catch {
      // the process ended while we looked
    }
  }
  return n;
}

/**
 * A control server for fake cells that hold (see fixtures/fake-worker.ts): a held cell is let go only while two
 * cells are held at once (so the pool must run two together to make progress), or once every cell has started.
 */
async function holdServer(cellsThatStart: number, onHold: () => void): Promise<{ port: number; close(): void }> {
  const held: Socket[] = [];
  let started = 0;
  const server = createServer((sock) => {
    sock.once('data', () => {
      onHold();
      held.push(sock);
      started++;
      while (held.length === 2 || (started === cellsThatStart && held.length > 0)) held.shift()!.end('go');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

test('runs every cell once, two at a time, with the thread share in the environment; a crash fails one cell',
  { timeout: 30_000 }, async () => {
    const lines: string[] = [];
    const outcomes: CellOutcome[] = [];
    const epochs: string[] = [];
    // cells running now, from their start and end lines (one channel per worker, so each worker's are in order)
    let running = 0;
    let most = 0;
    // worker processes alive whenever a cell starts holding: the pool forks its workers synchronously (at the start,
    // and when one dies), so this is exact — a pool that ran three would show three here
    let mostWorkers = 0;
    const control = await holdServer(4, () => { mostWorkers = Math.max(mostWorkers, liveChildren('fake-worker.ts')); });
    // 'crash' dies before it starts
    process.env.FAKE_POOL_CONTROL = String(control.port);
    try {
      await runInWorkers(['a', 'b', 'crash', 'fail', 'c'].map(job), {
        workers: 2, threadsPerWorker: 3, workerScript: FAKE,
        onLine: (l) => {
          lines.push(l);
          if (l.includes(' start')) most = Math.max(most, ++running);
          if (l.endsWith(' end')) running--;
        },
        onEpoch: (e) => epochs.push(e.name), onDone: (o) => outcomes.push(o),
      });
    } finally {
      delete process.env.FAKE_POOL_CONTROL;
      control.close();
    }
    const byName = Object.fromEntries(outcomes.map((o) => [o.name, o]));
    assert.equal(outcomes.length, 5);
    assert.deepEqual(Object.keys(byName).sort(), ['a', 'b', 'c', 'crash', 'fail']);
    assert.equal(byName.crash!.status, 'failed');
    assert.match(byName.crash!.reason!, /worker process exited with code 3/);
    assert.deepEqual(byName.fail, { name: 'fail', status: 'failed', reason: 'bad input' });
    for (const n of ['a', 'b', 'c']) assert.equal(byName[n]!.status, 'ok');
    assert.deepEqual(epochs.sort(), ['a', 'b', 'c', 'fail']);

    const starts = lines.filter((l) => l.includes(' start'));
    assert.equal(starts.length, 4);
    assert.ok(starts.every((l) => / threads 3 start$/.test(l)), starts.join('\n'));
    // two at a time (the cells only end while two are held), never three, never two on one worker
    assert.equal(most, 2);
    if (existsSync('/proc/self/stat')) assert.equal(mostWorkers, 2);
    assert.ok(!lines.some((l) => l.includes('OVERLAP')), lines.join('\n'));
  });

test('a worker that dies is replaced for the remaining cells', { timeout: 30_000 }, async () => {
  const lines: string[] = [];
  const outcomes: CellOutcome[] = [];
  await runInWorkers(['crash', 'a'].map(job), {
    workers: 1, threadsPerWorker: 1, workerScript: FAKE,
    onLine: (l) => lines.push(l), onEpoch: () => {}, onDone: (o) => outcomes.push(o),
  });
  assert.deepEqual(outcomes.map((o) => [o.name, o.status]), [['crash', 'failed'], ['a', 'ok']]);
  assert.equal(lines.filter((l) => l.startsWith('[a] pid')).length, 1);
});

test('abort: cells not started stay unreported, running ones are asked to stop', { timeout: 30_000 }, async () => {
  const outcomes: CellOutcome[] = [];
  const abort = new AbortController();
  await runInWorkers(['a', 'b', 'c', 'd'].map(job), {
    workers: 1, threadsPerWorker: 1, workerScript: FAKE, signal: abort.signal,
    onLine: (l) => { if (l.startsWith('[a] pid')) abort.abort(); }, onEpoch: () => {}, onDone: (o) => outcomes.push(o),
  });
  // the fake worker ignores 'abort' and finishes its cell; the other three never start
  assert.deepEqual(outcomes.map((o) => o.name), ['a']);
});
