/**
 * The executor seam: runExperiment hands serializable jobs to whatever executor it is given and builds results.json
 * from what that executor reports and leaves in the run folders; the caller's AbortSignal, not a signal handler of
 * the library, stops it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrainCli } from '../../src/cli/options/train.ts';
import { planGrid } from '../../src/experiment/plan.ts';
import { runExperiment } from '../../src/experiment/run.ts';
import type { Executor } from '../../src/experiment/executor.ts';
import type { CellJob } from '../../src/experiment/protocol.ts';
import { tempDir, writeSyntheticCsv } from './helpers.ts';

/** Only what JSON carries unchanged (undefined fields aside): a job must travel to a process or machine intact. */
function assertPlainJson(v: unknown, path: string): void {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') return assert.ok(Number.isFinite(v), `${path} is ${v}`);
  if (Array.isArray(v)) return v.forEach((x, i) => assertPlainJson(x, `${path}[${i}]`));
  assert.equal(Object.getPrototypeOf(v), Object.prototype, `${path} is not a plain object`);
  for (const [k, x] of Object.entries(v as object)) assertPlainJson(x, `${path}.${k}`);
}

function tinyGrid(csv: string) {
  const { data } = parseTrainCli({ dataset: csv, maxLen: '16' });
  const { cells, settings } = planGrid({
    archs: ['rnn'], optimizers: ['sgd', 'adam'], cliTrain: { epochs: '1', embed: '8', hidden: '8' }, seed: '0',
    preset: null, config: null, data: data as unknown as Record<string, unknown>,
  });
  return { cells, settings, data };
}

/** An executor that trains nothing: it records the jobs and reports each as failed with its own reason. */
function recordingExecutor(seen: CellJob[]): Executor {
  return {
    inProcess: false,
    describe: (n) => `recording ${n} jobs`,
    onStop: 'recording stops',
    async run(jobs, hooks) {
      for (const job of jobs) {
        seen.push(job);
        hooks.onLine(`[${job.name}] recorded`);
        hooks.onDone({ name: job.name, status: 'failed', reason: `recorded by the test executor` });
      }
    },
  };
}

test('runExperiment trains through the executor it is given; jobs are plain JSON with their run folder', async () => {
  const dir = tempDir();
  const { cells, settings, data } = tinyGrid(writeSyntheticCsv(dir));
  const out = join(dir, 'exp');
  const seen: CellJob[] = [];
  let printed = '';
  const stdout = { write: (s: string) => { printed += s; return true; } } as unknown as NodeJS.WritableStream;
  const summary = await runExperiment({
    out, cells, settings, data, workers: 1, force: false, title: 't', executor: recordingExecutor(seen), stdout,
  });
  assert.deepEqual(seen.map((j) => j.name), ['rnn-sgd', 'rnn-adam']);
  for (const job of seen) {
    assertPlainJson(job, job.name);
    assert.equal(job.runDir, join(out, job.name));
  }
  assert.match(printed, /recording 2 jobs/);
  assert.match(printed, /\[rnn-adam\] recorded/);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.deepEqual(results.runs.map((r: { status: string; reason: string }) => [r.status, r.reason]),
    [['failed', 'recorded by the test executor'], ['failed', 'recorded by the test executor']]);
  assert.equal(summary.interrupted, false);
});

test('an aborted signal stops the experiment before any job: nothing runs, the summary says interrupted', async () => {
  const dir = tempDir();
  const { cells, settings, data } = tinyGrid(writeSyntheticCsv(dir));
  const seen: CellJob[] = [];
  const stop = new AbortController();
  stop.abort();
  const stdout = { write: () => true } as unknown as NodeJS.WritableStream;
  const listeners = process.listenerCount('SIGINT');
  const summary = await runExperiment({
    out: join(dir, 'exp'), cells, settings, data, workers: 1, force: false, title: 't',
    executor: recordingExecutor(seen), signal: stop.signal, stdout,
  });
  assert.equal(process.listenerCount('SIGINT'), listeners, 'the library installed a signal handler');
  assert.deepEqual(seen, []);
  assert.equal(summary.interrupted, true);
  assert.deepEqual(summary.results.runs.map((r) => r.status), ['pending', 'pending']);
});
