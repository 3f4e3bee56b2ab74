/**
 * Shards of a batch for data parallelism (src/train/parallel/shards.ts): contiguous, every row once, at least one row
 * each, and about equal in tokens (what a packed step costs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchRows, shardBounds } from '../../../src/train/parallel/shards.ts';

const tokensIn = (lengths: number[], a: number, b: number): number => lengths.slice(a, b).reduce((s, x) => s + x, 0);

test('shardBounds: contiguous cuts that cover every row once, balanced by tokens, not by rows', () => {
  // one long sequence and many short ones: equal row counts would give one shard 10× the work
  const lengths = [200, ...Array.from({ length: 19 }, () => 10)];
  const b = shardBounds(Int32Array.from(lengths), lengths.length, 2);
  assert.deepEqual(b, [0, 1, 20]);
  const even = Array.from({ length: 32 }, (_, i) => 100 + (i % 3));
  const e = shardBounds(Int32Array.from(even), 32, 2);
  assert.equal(e.length, 3);
  assert.ok(Math.abs(tokensIn(even, 0, e[1]!) - tokensIn(even, e[1]!, 32)) <= 102, `${e}`);
  const four = shardBounds(Int32Array.from(even), 32, 4);
  assert.deepEqual(four, [0, 8, 16, 24, 32]);
});

test('shardBounds: every shard gets a row; a batch smaller than the shard count gets fewer shards', () => {
  assert.deepEqual(shardBounds(Int32Array.from([5]), 1, 2), [0, 1]);
  assert.deepEqual(shardBounds(Int32Array.from([1, 1, 100]), 3, 3), [0, 1, 2, 3]);
  assert.deepEqual(shardBounds(Int32Array.from([100, 1, 1]), 3, 2), [0, 1, 3]);
  assert.deepEqual(shardBounds(Int32Array.from([1, 1, 100]), 3, 2), [0, 2, 3]);
});

test('batchRows: views of the rows, tokens included', () => {
  const batch = { size: 3, maxLen: 2, tokens: Int32Array.from([1, 2, 3, 4, 5, 6]), lengths: Int32Array.from([2, 1, 2]), labels: Int32Array.from([0, 1, 0]) };
  const r = batchRows(batch, 1, 3);
  assert.deepEqual([r.size, r.maxLen, [...r.tokens], [...r.lengths], [...r.labels]], [2, 2, [3, 4, 5, 6], [1, 2], [1, 0]]);
  r.tokens[0] = 9;
  assert.equal(batch.tokens[2], 9, 'a view, not a copy');
});
