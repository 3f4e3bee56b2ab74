/**
 * `rnnlab experiment` with bad input: one line on stderr, exit code 2, and no cell started.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli, tempDir, tinyArgs, writeSyntheticCsv } from './helpers.ts';

test('bad input is a one-line error before any training', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const csv = writeSyntheticCsv(dir, 40);
  const cfg = join(dir, 'bad.json');
  writeFileSync(cfg, JSON.stringify({ cells: { 'lstm/adam': { hidden: 0 } } }));
  const cases: [string[], RegExp][] = [
    [['--config', cfg], /bad\.json "cells.lstm\/adam": --hidden 0: --hidden must be ≥ 1$/m],
    [['--archs', 'lstm,cnn'], /--archs: unknown name 'cnn'/],
    [['--val-split', '0'], /--val-split must be > 0/],
    [['--arch', 'gru', '--archs', 'lstm'], /either --arch or --archs/],
  ];
  // spawned side by side: each is mostly process start-up
  const runs = await Promise.all(cases.map(async ([extra, re]) => {
    const out = join(dir, extra.join('_').replace(/[^a-z0-9_]/gi, ''));
    const child = spawnCli(tinyArgs(csv, out, extra));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { extra, re, out, status, stderr };
  }));
  for (const { extra, re, out, status, stderr } of runs) {
    assert.equal(status, 2, `${extra.join(' ')}: ${stderr}`);
    assert.match(stderr, re);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.ok(!existsSync(join(out, 'rnn-sgd')));
  }
});
