import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';
import { writeFileAtomic } from '../../src/util/fs.ts';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('same seed gives the same stream, different seeds differ', () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xa = Array.from({ length: 100 }, () => a.nextU32());
  const xb = Array.from({ length: 100 }, () => b.nextU32());
  const xc = Array.from({ length: 100 }, () => c.nextU32());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test('uniform draws are in range and roughly uniform', () => {
  const r = new Rng(1);
  let sum = 0;
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.01, `mean ${sum / n}`);
  const counts = new Array(10).fill(0);
  for (let i = 0; i < n; i++) counts[r.int(10)]++;
  for (const k of counts) assert.ok(Math.abs(k - n / 10) < n / 100, `bucket ${k}`);
});

test('normal draws have mean 0 and variance 1', () => {
  const r = new Rng(7);
  let s = 0, s2 = 0;
  const n = 100_000;
  for (let i = 0; i < n; i++) { const x = r.normal(); s += x; s2 += x * x; }
  assert.ok(Math.abs(s / n) < 0.02);
  assert.ok(Math.abs(s2 / n - 1) < 0.03);
});

test('state round-trips exactly', () => {
  const r = new Rng(9);
  r.next();
  const state = r.getState();
  const expected = [r.nextU32(), r.nextU32()];
  const s = new Rng(0);
  s.setState(state);
  assert.deepEqual([s.nextU32(), s.nextU32()], expected);
});

test('shuffle is a permutation', () => {
  const r = new Rng(3);
  const a = Array.from({ length: 50 }, (_, i) => i);
  r.shuffle(a);
  assert.notDeepEqual(a, Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
});

test('writeFileAtomic leaves only the final file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-fs-'));
  writeFileAtomic(join(dir, 'sub', 'a.json'), '{"x":1}');
  assert.equal(readFileSync(join(dir, 'sub', 'a.json'), 'utf8'), '{"x":1}');
  assert.deepEqual(readdirSync(join(dir, 'sub')), ['a.json']);
});
