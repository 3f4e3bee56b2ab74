/**
 * Shared test helpers: a tiny learnable CSV data set written into a temp folder, and a CLI runner.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { Rng } from '../../src/util/rng.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const CLI = join(ROOT, 'bin/rnnlab.js');

export function tempDir(prefix = 'rnnlab-exp-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const POS = ['great', 'good', 'fun', 'loved', 'superb', 'moving', 'brilliant'];
const NEG = ['bad', 'dull', 'awful', 'boring', 'hated', 'poor', 'weak'];
const FILLER = ['the', 'movie', 'plot', 'actor', 'was', 'and', 'film', 'story', 'it', 'a', 'scene'];

/**
 * Writes `n` rows of "text,label" with labels pos/neg: each text mixes filler words with a few sentiment words of its
 * class, so even a tiny model learns something in one epoch (and a broken one does not).
 */
export function writeSyntheticCsv(dir: string, n = 160, seed = 1): string {
  const rng = new Rng(seed);
  const lines = ['text,label'];
  for (let i = 0; i < n; i++) {
    const pos = i % 2 === 0;
    const words: string[] = [];
    const len = 6 + rng.int(10);
    for (let j = 0; j < len; j++) {
      words.push(rng.next() < 0.3 ? (pos ? POS : NEG)[rng.int(7)]! : FILLER[rng.int(FILLER.length)]!);
    }
    lines.push(`${words.join(' ')},${pos ? 'pos' : 'neg'}`);
  }
  const path = join(dir, 'tiny.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** Options for a tiny, fast experiment on the synthetic CSV. */
/** A tiny plain-grid experiment (each optimizer's default rate: --lr-search off unless `extra` says otherwise). */
export function tinyArgs(csv: string, out: string, extra: string[] = []): string[] {
  const search = extra.includes('--lr-search') || extra.includes('--preset') ? [] : ['--lr-search', 'off'];
  return ['experiment', '--dataset', csv, '--embed', '8', '--hidden', '8', '--batch-size', '16', '--max-len', '16',
    '--out', out, ...search, ...extra];
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, RNNLAB_BLAS: 'typescript', ...env }, timeout: 120_000,
  });
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT, env: { ...process.env, RNNLAB_BLAS: 'typescript', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const KILL_ON_LINE = join(ROOT, 'test/fixtures/kill-on-line.mjs');
const HOLD_AFTER_EPOCH = pathToFileURL(join(ROOT, 'test/fixtures/hold-after-epoch.mjs')).href;

/**
 * Runs the CLI until it prints a stdout line matching `killOn`, where it SIGKILLs itself (test/fixtures/kill-on-line.mjs):
 * a kill -9 at a point fixed by the program, not by a clock. Resolves once the process and every process that shares
 * its stderr (its --workers children) have exited, with what it printed and whether the kill happened.
 */
export function runCliUntilKilled(args: string[], killOn: RegExp, opts: { holdWorkersAfterEpoch?: number } = {}):
  Promise<{ stdout: string; stderr: string; killed: boolean }> {
  // holdWorkersAfterEpoch: each worker process waits, once it has reported that epoch, until the parent is dead
  const hold = opts.holdWorkersAfterEpoch === undefined ? {} : {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${HOLD_AFTER_EPOCH}`.trim(),
    RNNLAB_TEST_HOLD_AFTER_EPOCH: String(opts.holdWorkersAfterEpoch),
  };
  const child = spawn(process.execPath, ['--import', KILL_ON_LINE, CLI, ...args], {
    cwd: ROOT, env: { ...process.env, RNNLAB_BLAS: 'typescript', RNNLAB_TEST_KILL_ON: killOn.source, ...hold },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // worker processes inherit the stderr pipe: it closes when the last of them is gone
  const closed = new Promise<void>((resolve) => child.stderr.on('close', () => resolve()));
  return Promise.all([exited, closed]).then(([signal]) => ({ stdout, stderr, killed: signal === 'SIGKILL' }));
}

/** results.json without what legitimately differs between two runs: wall times, speeds, the machine. */
export function withoutTimings(results: unknown): unknown {
  return JSON.parse(JSON.stringify(results, (key, value: unknown) =>
    key === 'seconds' || /Seconds$/.test(key) || key === 'tokensPerSecond' || key === 'evalTokensPerSecond' || key === 'machine' ? undefined : value));
}
