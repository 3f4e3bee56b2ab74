import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PACKED_MAX_LEN, packedLengths, planBatches, syntheticLengths } from '../../src/bench/packed.ts';

test('synthetic lengths: deterministic, within 5..200, shaped like IMDB train (capped mean ≈ 170, about half at the cap)', () => {
  const a = syntheticLengths(25_000, 1);
  assert.deepEqual(a, syntheticLengths(25_000, 1));
  assert.notDeepEqual(a, syntheticLengths(25_000, 2));
  let sum = 0, atCap = 0;
  for (const n of a) {
    assert.ok(n >= 5 && n <= PACKED_MAX_LEN);
    sum += n;
    if (n === PACKED_MAX_LEN) atCap++;
  }
  // IMDB's 25 000 training reviews, basic_english tokens capped at 200: mean 170.2, 50.9 % at the cap (2026-11-29)
  assert.ok(Math.abs(sum / a.length - 170.2) < 5, `mean ${sum / a.length}`);
  assert.ok(Math.abs(atCap / a.length - 0.509) < 0.07, `share at cap ${atCap / a.length}`);
});

test('planBatches: full batches of 32 in the trainer order, every length from the pool, bucketed', () => {
  const pool = syntheticLengths(3200, 3);
  const batches = planBatches(pool, 100, 7);
  assert.equal(batches.length, 100);
  assert.ok(batches.every((b) => b.length === 32));
  // all 100 batches use every example exactly once: same multiset of lengths
  const sorted = (x: Iterable<number>) => [...x].sort((p, q) => p - q);
  assert.deepEqual(sorted(batches.flat()), sorted(pool));
  // bucketing: within a batch the lengths are sorted (chunks are sorted, then cut into batches)
  assert.ok(batches.every((b) => b.every((n, i) => i === 0 || b[i - 1]! <= n)));
  assert.throws(() => planBatches(pool, 101, 7), /only 100 batches/);
});

test('packedLengths without an archive falls back to synthetic lengths and says so', async () => {
  const r = await packedLengths({ archive: '/nonexistent/imdb.tar.gz', count: 4 });
  assert.match(r.source, /^synthetic/);
  assert.equal(r.batches.length, 4);
});
