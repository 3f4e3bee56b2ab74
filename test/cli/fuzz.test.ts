/**
 * Fuzz-style check of the CLI's promise: whatever bad input a user combines (missing files, a corrupt archive, wrong
 * CSV columns, bad numbers, unwritable or impossible outputs, unknown options, a run's own files as output, split
 * overrides), the answer is exactly one stderr line `rnnlab: …`, exit 2, no stack trace — and no file of an existing
 * run directory changes. Combinations are drawn from a fixed seed (reproducible) and bounded in number: each case
 * is a CLI start (~0.5 s), run four at a time.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rnnlabAsync } from './helpers.ts';
import { tmpDir, writeSyntheticCsv } from '../train/helpers.ts';
import { hashDir } from '../util/hash-dir.ts';
import { Rng } from '../../src/util/rng.ts';

const CASES = 20;
const SEED = 11;

test(`fuzz: ${CASES} seeded combinations of bad input, each one line, exit 2, run directory untouched`, { timeout: 180_000 }, async () => {
  const root = tmpDir('rnnlab-fuzz-');
  const csv = writeSyntheticCsv(root, 120);
  const run = join(root, 'run');
  const made = await rnnlabAsync(['train', '--dataset', csv, '--epochs', '1', '--embed', '8', '--hidden', '4', '--batch-size', '16',
    '--max-len', '16', '--val-split', '0.2', '--out', run]);
  assert.equal(made.code, 0, made.stderr);

  const file = join(root, 'a-file');
  writeFileSync(file, 'x');
  const corrupt = join(root, 'corrupt.tar.gz');
  writeFileSync(corrupt, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('definitely not deflate data '.repeat(20))]));
  const wrongCols = join(root, 'wrong-columns.csv');
  writeFileSync(wrongCols, 'review,sentiment\ngood film,pos\nbad film,neg\n');
  const notRun = join(root, 'not-a-run');
  mkdirSync(notRun);
  writeFileSync(join(notRun, 'notes.txt'), 'hello');
  const missing = join(root, 'missing.csv');
  let n = 0;
  const fresh = (): string => join(root, `out-${n++}`);

  type Ingredient = (args: string[]) => string[];
  const set = (flag: string, value: string): Ingredient => (a) => {
    const i = a.indexOf(flag);
    return i >= 0 ? [...a.slice(0, i + 1), value, ...a.slice(i + 2)] : [...a, flag, value];
  };
  const add = (...extra: string[]): Ingredient => (a) => [...a, ...extra];
  const badNumbers = [['--lr', 'abc'], ['--epochs', '0'], ['--val-split', '1.5'], ['--hidden', '2.5'], ['--max-len', '-3'], ['--seed', 'x']];
  const trainLike: Ingredient[] = [
    set('--dataset', missing), set('--dataset', corrupt), set('--dataset', wrongCols),
    ...badNumbers.map(([f, v]) => set(f!, v!)),
    set('--out', file), set('--out', join(file, 'sub')), set('--out', '/proc/rnnlab-fuzz'), set('--out', '/sys/rnnlab-fuzz'),
    add('--frobnicate'), add('--arch'),
  ];
  const commands: { base: () => string[]; bad: Ingredient[] }[] = [
    {
      base: () => ['train', '--dataset', csv, '--epochs', '1', '--embed', '8', '--hidden', '8', '--out', fresh()],
      // plus the run itself as --out: another run's settings, or a disagreeing --resume
      bad: [...trainLike, set('--out', run), (a) => [...set('--out', run)(a), '--resume']],
    },
    {
      base: () => ['experiment', '--dataset', csv, '--archs', 'rnn', '--optimizers', 'adam', '--epochs', '1', '--embed', '8', '--out', fresh()],
      bad: [...trainLike, set('--workers', '0'), set('--archs', 'cnn')],
    },
    {
      base: () => ['evaluate', '--model', run],
      bad: [
        set('--out', join(run, 'metrics.json')), set('--out', join(run, 'config.json')), set('--out', join(file, 'm.json')),
        set('--out', '/proc/m.json'), set('--out', root), set('--seed', '5'), set('--limit', '3'), set('--max-len', '9'),
        set('--dataset', missing), set('--dataset', wrongCols), set('--dataset', corrupt), set('--model', missing),
        set('--model', notRun), add('--frobnicate'), (a) => [...a, '--dataset', wrongCols, '--split', 'middle'],
      ],
    },
    {
      base: () => ['predict', '--model', run, 'a great film'],
      bad: [set('--model', missing), set('--model', notRun), set('--model', file), add('--file', missing), add('--ids'), add('--frobnicate')],
    },
    {
      base: () => ['data', '--dataset', csv],
      bad: [set('--dataset', missing), set('--dataset', corrupt), set('--dataset', wrongCols), set('--max-len', '0'),
        set('--seed', '-1'), set('--val-split', 'half'), add('--frobnicate')],
    },
  ];

  const rng = new Rng(SEED);
  const cases: string[][] = [];
  for (let i = 0; i < CASES; i++) {
    const c = commands[i % commands.length]!; // every command gets its share; the ingredients are drawn
    let args = c.base();
    const k = 1 + rng.int(2);
    for (let j = 0; j < k; j++) args = c.bad[rng.int(c.bad.length)]!(args);
    cases.push(args);
  }

  const before = hashDir(run);
  const results = new Array<Awaited<ReturnType<typeof rnnlabAsync>>>(cases.length);
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await rnnlabAsync(cases[i]!);
    }
  }));
  results.forEach((r, i) => {
    const what = `rnnlab ${cases[i]!.join(' ')}\n${r.stderr}`;
    assert.equal(r.code, 2, what);
    const lines = r.stderr.split('\n');
    assert.equal(lines.length, 2, `exactly one line: ${what}`);
    assert.equal(lines[1], '', what);
    assert.match(lines[0]!, /^rnnlab: \S/, what);
    assert.doesNotMatch(r.stderr, /\n\s+at |Error:/, `no stack trace: ${what}`);
  });
  assert.equal(hashDir(run), before, 'no file of the existing run directory changed');
  // train never created its --out for bad input
  for (const args of cases) {
    if (args[0] !== 'train') continue;
    const out = args[args.indexOf('--out') + 1]!;
    if (out.startsWith(join(root, 'out-'))) assert.ok(!existsSync(out), `train created ${out} on bad input`);
  }
});
