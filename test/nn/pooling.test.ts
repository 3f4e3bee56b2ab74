/** Pooling: a '+'-joined spec is the concatenation of its parts, forward and backward; bad specs are one line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packLayout } from '../../src/nn/packing.ts';
import { poolBackward, poolForward, poolKinds } from '../../src/nn/pooling.ts';
import { UserError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/rng.ts';

const lengths = Int32Array.from([3, 1, 4]);
const B = 3;
const H = 2;
const dirs = 2;
const D = H * dirs;
const lay = packLayout(lengths, B, 4, undefined);
const rng = new Rng(3);
const out = Float32Array.from({ length: lay.N * D }, () => rng.normal());

function pool(spec: string): Float32Array {
  const feat = new Float32Array(B * D * poolKinds(spec).length);
  poolForward(poolKinds(spec), feat, out, lay, H, dirs, new Int32Array(B * D));
  return feat;
}

test('last+max+mean is [last | max | mean] per sequence, in the original batch order', () => {
  const parts = ['last', 'max', 'mean'].map(pool);
  const cat = pool('last+max+mean');
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < 3; p++) {
      assert.deepEqual(cat.subarray(b * 3 * D + p * D, b * 3 * D + (p + 1) * D), parts[p]!.subarray(b * D, (b + 1) * D));
    }
  }
  // and a hand check: the max of sequence 2 (length 4) over its four steps
  const m = pool('max');
  let best = -Infinity;
  for (let t = 0; t < 4; t++) best = Math.max(best, out[(lay.offsets[t]! + lay.order.indexOf(2)) * D]!);
  assert.equal(m[2 * D], Math.fround(best));
});

test('the backward of a concatenation is the sum of the parts\' backwards', () => {
  const spec = 'mean+max+last';
  const kinds = poolKinds(spec);
  const F = D * kinds.length;
  const dFeat = Float32Array.from({ length: B * F }, () => rng.normal());
  const argmax = new Int32Array(B * D);
  poolForward(kinds, new Float32Array(B * F), out, lay, H, dirs, argmax);
  const dOut = new Float32Array(lay.N * D).fill(7); // overwritten, not added to
  poolBackward(kinds, dOut, dFeat, lay, H, dirs, argmax);
  const sum = new Float32Array(lay.N * D);
  kinds.forEach((k, p) => {
    const dPart = new Float32Array(B * D);
    for (let b = 0; b < B; b++) dPart.set(dFeat.subarray(b * F + p * D, b * F + (p + 1) * D), b * D);
    const am = new Int32Array(B * D);
    poolForward([k], new Float32Array(B * D), out, lay, H, dirs, am);
    const d = new Float32Array(lay.N * D);
    poolBackward([k], d, dPart, lay, H, dirs, am);
    for (let i = 0; i < d.length; i++) sum[i]! += d[i]!;
  });
  for (let i = 0; i < sum.length; i++) assert.ok(Math.abs(sum[i]! - dOut[i]!) < 1e-6, `element ${i}`);
});

test('pooling specs: unknown or repeated kinds are one-line UserErrors', () => {
  assert.deepEqual(poolKinds('last+max+mean'), ['last', 'max', 'mean']);
  assert.deepEqual(poolKinds('max'), ['max']);
  assert.throws(() => poolKinds('attention'), (e) => e instanceof UserError && /unknown pooling 'attention'/.test(e.message));
  assert.throws(() => poolKinds('max+max'), (e) => e instanceof UserError && /twice/.test(e.message));
  assert.throws(() => poolKinds(''), UserError);
});
