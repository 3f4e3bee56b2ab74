import { test } from 'node:test';
import assert from 'node:assert/strict';
import { epochBatches, epochPlan, batchCount } from '../../src/data/batches.ts';
import type { EncodedSplit } from '../../src/data/types.ts';
import { Rng } from '../../src/util/rng.ts';

/** A split whose example i has length lens[i] and token ids 10*i+1, 10*i+2, … (distinct, non-zero). */
function fakeSplit(lens: number[], maxLen = 50): EncodedSplit {
  const offsets = new Int32Array(lens.length + 1);
  lens.forEach((l, i) => (offsets[i + 1] = offsets[i]! + l));
  const ids = new Int32Array(offsets[lens.length]!);
  lens.forEach((l, i) => { for (let t = 0; t < l; t++) ids[offsets[i]! + t] = 1000 * i + t + 2; });
  return {
    count: lens.length, maxLen, ids, offsets, lengths: Int32Array.from(lens), labels: Int32Array.from(lens, (_, i) => i % 3),
    fullLengths: Int32Array.from(lens), unkCount: 0,
  };
}

const rng = new Rng(1);
const lens = Array.from({ length: 537 }, () => 1 + rng.int(50));
const split = fakeSplit(lens);

test('every example appears exactly once per epoch', () => {
  for (const bucket of [false, true]) {
    const plan = epochPlan(split.lengths, { batchSize: 16, seed: 5, epoch: 2, bucket });
    const all = plan.flatMap((b) => [...b]).sort((a, b) => a - b);
    assert.deepEqual(all, lens.map((_, i) => i));
    assert.equal(plan.length, batchCount(537, 16));
  }
});

test('order is a pure function of (seed, epoch) and differs between epochs', () => {
  const a = epochPlan(split.lengths, { batchSize: 16, seed: 5, epoch: 3, bucket: true });
  epochPlan(split.lengths, { batchSize: 16, seed: 5, epoch: 1 }); // unrelated work in between
  const b = epochPlan(split.lengths, { batchSize: 16, seed: 5, epoch: 3, bucket: true });
  assert.deepEqual(a, b);
  const c = epochPlan(split.lengths, { batchSize: 16, seed: 5, epoch: 4, bucket: true });
  assert.notDeepEqual(a, c);
  const d = epochPlan(split.lengths, { batchSize: 16, seed: 6, epoch: 3, bucket: true });
  assert.notDeepEqual(a, d);
});

test('no shuffle keeps source order; dropLast drops the short batch', () => {
  const plan = epochPlan(split.lengths, { batchSize: 100, seed: 0, epoch: 0, shuffle: false, dropLast: true });
  assert.equal(plan.length, 5);
  assert.deepEqual([...plan[1]!], Array.from({ length: 100 }, (_, i) => 100 + i));
});

test('batches are padded copies with the right lengths/labels; maxLen is the longest row', () => {
  for (const b of epochBatches(split, { batchSize: 32, seed: 9, epoch: 0, bucket: false })) {
    let longest = 0;
    for (let r = 0; r < b.size; r++) {
      const i = b.indices[r]!;
      longest = Math.max(longest, lens[i]!);
      assert.equal(b.lengths[r], lens[i]);
      assert.equal(b.labels[r], i % 3);
      for (let t = 0; t < b.maxLen; t++) {
        assert.equal(b.tokens[r * b.maxLen + t], t < lens[i]! ? 1000 * i + t + 2 : 0);
      }
    }
    assert.equal(b.maxLen, longest);
    assert.equal(b.tokens.length, b.size * b.maxLen);
  }
});

test('bucketing reduces padding: batches hold similar lengths', () => {
  const pad = (bucket: boolean): number => {
    let padded = 0;
    for (const b of epochBatches(split, { batchSize: 16, seed: 9, epoch: 0, bucket, bucketChunk: 50 })) padded += b.size * b.maxLen;
    return padded;
  };
  const real = lens.reduce((a, b) => a + b, 0);
  assert.ok(pad(true) - real < (pad(false) - real) / 4, `bucketed ${pad(true)} vs ${pad(false)} (real ${real})`);
});

test('startBatch resumes mid-epoch with the same batches', () => {
  const opts = { batchSize: 20, seed: 4, epoch: 7, bucket: true };
  const full = [...epochBatches(split, { ...opts, reuse: false })];
  const resumed = [...epochBatches(split, { ...opts, startBatch: 10, reuse: false })];
  assert.equal(resumed.length, full.length - 10);
  assert.deepEqual(resumed[0], full[10]);
  assert.deepEqual(resumed.at(-1), full.at(-1));
});
