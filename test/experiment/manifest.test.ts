/**
 * experiment.json bookkeeping: a new folder gets the settings, the same settings resume, different ones are a
 * one-line error unless --force (which resets only the changed cells), and the folder lock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  describeDifferences, lockExperimentDir, moreSeedsOnly, prepareExperimentDir, readManifest, staleCells, type ExperimentSettings,
} from '../../src/experiment/manifest.ts';
import { UserError } from '../../src/util/errors.ts';
import { tempDir } from './helpers.ts';

function settings(over: { epochs?: number; lstmLr?: number; limit?: number } = {}): ExperimentSettings {
  const train = (arch: string, lr: number) => ({ arch, optimizer: 'adam', train: { arch, optimizer: 'adam', lr, epochs: over.epochs ?? 2 } });
  return {
    data: { load: { dataset: 'x.csv', limit: over.limit }, prepare: { maxLen: 16 } },
    archs: ['rnn', 'lstm'], optimizers: ['adam'], preset: null,
    cells: { 'rnn-adam': train('rnn', 0.001), 'lstm-adam': train('lstm', over.lstmLr ?? 0.001) },
  };
}

test('new folder: experiment.json written; same settings: resumed; different: error naming the change', () => {
  const dir = join(tempDir(), 'exp');
  const cellDir = (c: string) => join(dir, c);
  assert.deepEqual(prepareExperimentDir(dir, settings(), false, cellDir), { resumed: false, reset: [] });
  assert.deepEqual(readManifest(dir)!.settings, JSON.parse(JSON.stringify(settings())));
  assert.deepEqual(prepareExperimentDir(dir, settings(), false, cellDir), { resumed: true, reset: [] });

  assert.throws(() => prepareExperimentDir(dir, settings({ epochs: 3 }), false, cellDir), (e: unknown) =>
    e instanceof UserError && /different settings \(epochs: 2 → 3 \(all cells\)\)/.test(e.message) &&
    /--force/.test(e.message) && !e.message.includes('\n'));
  assert.throws(() => prepareExperimentDir(dir, settings({ lstmLr: 0.01 }), false, cellDir),
    /lr: 0\.001 → 0\.01 \(lstm-adam\)/);
});

test('--force resets only the cells whose settings changed; a data change resets all', () => {
  const dir = join(tempDir(), 'exp');
  const cellDir = (c: string) => join(dir, c);
  prepareExperimentDir(dir, settings(), false, cellDir);
  for (const c of ['rnn-adam', 'lstm-adam']) {
    mkdirSync(cellDir(c), { recursive: true });
    writeFileSync(join(cellDir(c), 'config.json'), '{}');
  }
  const r = prepareExperimentDir(dir, settings({ lstmLr: 0.01 }), true, cellDir);
  assert.deepEqual(r, { resumed: true, reset: ['lstm-adam'] });
  assert.ok(existsSync(cellDir('rnn-adam')));
  assert.ok(!existsSync(cellDir('lstm-adam')));
  assert.equal((readManifest(dir)!.settings.cells['lstm-adam']!.train as { lr: number }).lr, 0.01);

  assert.deepEqual(staleCells(settings(), settings({ limit: 10 })).sort(), ['lstm-adam', 'rnn-adam']);
  assert.match(describeDifferences(settings(), settings({ limit: 10 })).join(), /load: .* → /);
});

test('more seeds (or a higher --race-to) continue the folder, nothing reset; fewer seeds or any other change do not', () => {
  const withStudy = (seeds: number, raceTo?: number, epochs?: number): ExperimentSettings =>
    ({ ...settings({ epochs }), study: { lrSearch: 'halving', seeds, ...(raceTo ? { raceTo } : {}), eta: 3, grids: { 'rnn-adam': [1e-3] } } });
  assert.equal(moreSeedsOnly(withStudy(1), withStudy(5)), 'seeds 1 → 5');
  assert.equal(moreSeedsOnly(withStudy(2), withStudy(2, 5)), 'race to off → 5');
  assert.equal(moreSeedsOnly(withStudy(2, 3), withStudy(3, 6)), 'seeds 2 → 3, race to 3 → 6');
  assert.equal(moreSeedsOnly(settings(), { ...settings(), study: { lrSearch: 'off', seeds: 3 } }), 'seeds 1 → 3', 'a plain grid');
  assert.equal(moreSeedsOnly(withStudy(5), withStudy(2)), null, 'fewer seeds');
  assert.equal(moreSeedsOnly(withStudy(2, 5), withStudy(3, 4)), null, 'a lower cap');
  assert.equal(moreSeedsOnly(withStudy(2), withStudy(2)), null, 'no change');
  assert.equal(moreSeedsOnly(withStudy(1), withStudy(5, undefined, 3)), null, 'more seeds and another change');
  assert.equal(moreSeedsOnly(settings(), { ...settings(), study: { lrSearch: 'halving', seeds: 3 } }), null, 'a search added');

  const dir = join(tempDir(), 'exp');
  const cellDir = (c: string) => join(dir, c);
  prepareExperimentDir(dir, withStudy(1), false, cellDir);
  mkdirSync(cellDir('rnn-adam'), { recursive: true });
  assert.deepEqual(prepareExperimentDir(dir, withStudy(3), false, cellDir), { resumed: true, reset: [], moreSeeds: 'seeds 1 → 3' });
  assert.ok(existsSync(cellDir('rnn-adam')), 'the finished runs are kept');
  assert.equal(readManifest(dir)!.settings.study!.seeds, 3);
  assert.throws(() => prepareExperimentDir(dir, withStudy(2), false, cellDir), /different settings \(study: lr search halving, 3 seed\(s\).* → lr search halving, 2 seed\(s\)/);
});

test('a folder that is not an experiment is refused', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  assert.throws(() => prepareExperimentDir(dir, settings(), false, (c) => join(dir, c)),
    /already exists and is not an rnnlab experiment folder/);
  writeFileSync(join(dir, 'experiment.json'), '{"format": "something else"}');
  assert.throws(() => readManifest(dir), /not an rnnlab experiment file/);
});

test('the lock refuses a second live process and takes over a dead one\'s', () => {
  const dir = tempDir();
  const release = lockExperimentDir(dir);
  assert.equal(readFileSync(join(dir, '.lock'), 'utf8'), String(process.pid));
  release();
  assert.ok(!existsSync(join(dir, '.lock')));

  // a live process other than us: our parent (the test runner) is certainly alive
  writeFileSync(join(dir, '.lock'), String(process.ppid));
  assert.throws(() => lockExperimentDir(dir), /another rnnlab experiment \(pid \d+\) is working in/);

  // a dead process: one that has already exited
  const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  writeFileSync(join(dir, '.lock'), dead.stdout.trim());
  lockExperimentDir(dir)();
});
