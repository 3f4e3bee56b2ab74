/**
 * The study end to end, in process, on synthetic data: stopped in the middle of a search trial and again in the
 * middle of the seeds, then resumed, it ends with exactly the results of an uninterrupted run; search trials never
 * evaluate the test split; failed rates are recorded; --lr-search off --seeds 1 is the plain grid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseResults } from '../../../src/report/results.ts';
import { tempDir, withoutTimings, writeSyntheticCsv } from '../helpers.ts';
import { runTinyStudy } from './helpers.ts';

const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

test('stopped mid-search and mid-seeds, resumed twice: the same results as an uninterrupted run', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 400);
  const base = { csv, lrSearch: 'halving' as const, seeds: 2 };
  const clean = await runTinyStudy({ ...base, out: join(dir, 'clean') });
  assert.equal(clean.interrupted, false);

  const out = join(dir, 'stopped');
  // 1) inside a promoted search trial: its folder continues from rung 0 (epoch 1) and is stopped after epoch 2 of 3
  const first = await runTinyStudy({ ...base, out, stopWhen: (e) => e.name.startsWith('search/') && e.epoch === 2 });
  assert.equal(first.interrupted, true);
  const halfDone = readdirSync(join(out, 'search')).flatMap((c) => readdirSync(join(out, 'search', c))
    .map((t) => join(out, 'search', c, t))).filter((f) => readJson(join(f, 'status.json')).status === 'interrupted');
  assert.equal(halfDone.length, 1, 'one search trial was stopped half-way');
  // 2) inside the seeds: the second seed of a cell is stopped after its first epoch
  const second = await runTinyStudy({ ...base, out, stopWhen: (e) => /-seed43$/.test(e.name) && e.epoch === 1 });
  assert.equal(second.interrupted, true);
  const partial = readJson(join(out, 'results.json'));
  assert.ok(partial.runs.some((r: { status: string }) => r.status !== 'ok'), 'stopped before every final run finished');
  // 3) to the end
  const third = await runTinyStudy({ ...base, out });
  assert.equal(third.interrupted, false);
  assert.ok(!third.trained.some((t) => t.startsWith('search/')), 'the search was over before the third call');

  const a = parseResults(readJson(join(out, 'results.json')));
  const b = parseResults(readJson(join(dir, 'clean', 'results.json')));
  assert.deepEqual(withoutTimings(a), withoutTimings(b));
  assert.equal(a.cells!.length, 2);
  for (const c of a.cells!) {
    assert.equal(c.runs.length, 2);
    assert.ok(c.lrSearch.length >= 5, `${c.cell}: the whole search is recorded`);
    assert.equal(c.test!.n, 2);
  }
  assert.equal(a.ranking!.filter((r) => r.leader).length, 1);
});

test('a finished 1-seed study rerun with --seeds 2 trains only the second seeds, and ends as a 2-seed run does', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 300);
  const base = { csv, lrSearch: 'halving' as const, epochs: 2 };
  const clean = await runTinyStudy({ ...base, seeds: 2, out: join(dir, 'clean') });
  const out = join(dir, 'grown');
  const one = await runTinyStudy({ ...base, seeds: 1, out });
  assert.ok(one.trained.some((t) => t.startsWith('search/')));
  const two = await runTinyStudy({ ...base, seeds: 2, out });
  assert.deepEqual(two.trained.sort(), ['rnn-adam-seed43', 'rnn-sgd-seed43'], 'only the new seeds are trained');
  assert.deepEqual(withoutTimings(parseResults(readJson(join(out, 'results.json')))),
    withoutTimings(parseResults(readJson(join(dir, 'clean', 'results.json')))));
  assert.equal(readJson(join(out, 'experiment.json')).settings.study.seeds, 2);
  assert.equal(clean.interrupted, false);
});

test('search trials never evaluate the test split; final runs do', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 200);
  const out = join(dir, 'exp');
  await runTinyStudy({ csv, out, lrSearch: 'halving', seeds: 1, optimizers: ['adam'], epochs: 2 });
  const trials = readdirSync(join(out, 'search', 'rnn-adam'));
  assert.ok(trials.length >= 5);
  for (const t of trials) {
    const folder = join(out, 'search', 'rnn-adam', t);
    assert.equal(existsSync(join(folder, 'metrics.json')), false, `${t} wrote test metrics`);
    assert.equal(readJson(join(folder, 'config.json')).testHeldBack, true);
    for (const line of readFileSync(join(folder, 'history.jsonl'), 'utf8').trim().split('\n')) {
      const h = JSON.parse(line);
      assert.equal(h.testAccuracy, null, `${t} epoch ${h.epoch} evaluated the test split`);
      assert.equal(typeof h.valAccuracy, 'number');
    }
  }
  assert.ok(existsSync(join(out, 'rnn-adam', 'metrics.json')), 'the final run is evaluated on test');
});

test('a planted grid: the diverging rate is a failed rate, the working one is chosen', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 200);
  const out = join(dir, 'exp');
  const r = await runTinyStudy({
    csv, out, lrSearch: 'halving', seeds: 1, optimizers: ['sgd'], epochs: 1, train: { clip: '0' },
    grids: { 'rnn-sgd': [0.3, 1e38] },
  });
  const cell = r.results.cells![0]!;
  const byLr = new Map(cell.lrSearch.map((e) => [e.lr, e]));
  assert.equal(byLr.get(1e38)!.status, 'diverged');
  assert.equal(byLr.get(1e38)!.valAccuracy, null);
  assert.equal(cell.lr, 0.3);
  assert.deepEqual(r.results.runs.map((x) => x.dir), ['rnn-sgd']);
});

test('--lr-search off --seeds 1 is the plain grid: the cells\' own rates, today\'s folders, no search', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 200);
  const out = join(dir, 'exp');
  const r = await runTinyStudy({ csv, out, lrSearch: 'off', seeds: 1, epochs: 1 });
  assert.deepEqual(readdirSync(out).filter((f) => !f.includes('.')).sort(), ['rnn-adam', 'rnn-sgd']);
  assert.equal(readJson(join(out, 'experiment.json')).settings.study, undefined, 'an older folder without a study resumes');
  assert.deepEqual(r.results.runs.map((x) => [x.dir, x.lr]), [['rnn-sgd', 2], ['rnn-adam', 0.001]]);
  assert.deepEqual(r.results.cells!.map((c) => c.lrSearch.length), [0, 0]);
  assert.ok(r.results.ranking!.every((x) => x.tiedWithBest && x.n === 1), 'one seed: nothing is separated');
  // the run folder is what `rnnlab train` with the cell's options writes: seed 42 for the split and the model
  const config = readJson(join(out, 'rnn-sgd', 'config.json'));
  assert.equal(config.train.seed, 42);
  assert.equal(config.data.spec.load.seed, 42);
  assert.equal(config.testHeldBack, undefined);
});
