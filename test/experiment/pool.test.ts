/**
 * The worker pool (--workers N): at most N cells at once, BLAS threads divided between the processes, one outcome
 * per cell, and a worker that dies fails only its own cell (a fresh worker takes the rest).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
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

test('runs every cell once, two at a time, with the thread share in the environment; a crash fails one cell',
  { timeout: 30_000 }, async () => {
    const lines: string[] = [];
    const outcomes: CellOutcome[] = [];
    const epochs: string[] = [];
    await runInWorkers(['a', 'b', 'crash', 'fail', 'c'].map(job), {
      workers: 2, threadsPerWorker: 3, workerScript: FAKE,
      onLine: (l) => lines.push(l), onEpoch: (e) => epochs.push(e.name), onDone: (o) => outcomes.push(o),
    });
    const byName = Object.fromEntries(outcomes.map((o) => [o.name, o]));
    assert.equal(outcomes.length, 5);
    assert.deepEqual(Object.keys(byName).sort(), ['a', 'b', 'c', 'crash', 'fail']);
    assert.equal(byName.crash!.status, 'failed');
    assert.match(byName.crash!.reason!, /worker process exited with code 3/);
    assert.deepEqual(byName.fail, { name: 'fail', status: 'failed', reason: 'bad input' });
    for (const n of ['a', 'b', 'c']) assert.equal(byName[n]!.status, 'ok');
    assert.deepEqual(epochs.sort(), ['a', 'b', 'c', 'fail']);

    const starts = lines.filter((l) => l.includes(' start ')).map((l) => {
      const m = /pid (\d+) threads (\d+) start (\d+)/.exec(l)!;
      return { pid: m[1], threads: m[2], at: Number(m[3]) };
    });
    assert.ok(starts.every((s) => s.threads === '3'));
    // never more than two cells at once: each cell runs 150 ms, so any three starts span at least ~150 ms
    const at = starts.map((s) => s.at).sort((x, y) => x - y);
    for (let i = 2; i < at.length; i++) assert.ok(at[i]! - at[i - 2]! >= 100, `three cells overlapped: ${at}`);
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
