import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wordDropout } from '../../src/data/word-dropout.ts';
import { PAD, UNK } from '../../src/data/vocab.ts';
import type { Batch } from '../../src/data/types.ts';
import { Rng } from '../../src/util/rng.ts';

/** A right-padded batch whose real tokens are 100 + (row · maxLen + t), so none of them is <pad> or <unk>. */
function batch(lengths: number[], maxLen: number): Batch {
  const tokens = new Int32Array(lengths.length * maxLen);
  lengths.forEach((len, b) => { for (let t = 0; t < len; t++) tokens[b * maxLen + t] = 100 + b * maxLen + t; });
  return { size: lengths.length, maxLen, tokens, lengths: Int32Array.from(lengths), labels: new Int32Array(lengths.length) };
}

test('word dropout hides about p of the real tokens as <unk>, never touches padding, and reports the count', () => {
  const lengths = Array.from({ length: 64 }, (_, b) => 1 + ((b * 37) % 200));
  const real = lengths.reduce((a, b) => a + b, 0);
  const x = batch(lengths, 200);
  const before = x.tokens.slice();
  const hidden = wordDropout(x, 0.25, new Rng(3));
  let changed = 0;
  for (let b = 0; b < x.size; b++) {
    for (let t = 0; t < x.maxLen; t++) {
      const i = b * x.maxLen + t;
      if (t >= lengths[b]!) assert.equal(x.tokens[i], PAD, 'padding stays <pad>');
      else if (x.tokens[i] !== before[i]) { assert.equal(x.tokens[i], UNK); changed++; }
    }
  }
  assert.equal(hidden, changed);
  // binomial(real ≈ 6.4k, 0.25): the share is within ±0.03 of p with overwhelming probability (σ ≈ 0.005)
  assert.ok(Math.abs(changed / real - 0.25) < 0.03, `hid ${changed} of ${real}`);
});

test('word dropout is a pure function of the stream state: same state, same words hidden; p = 0 draws nothing', () => {
  const a = batch([5, 9, 3], 9);
  const b = batch([5, 9, 3], 9);
  wordDropout(a, 0.5, new Rng(11));
  wordDropout(b, 0.5, new Rng(11));
  assert.deepEqual(a.tokens, b.tokens);
  const c = batch([5, 9, 3], 9);
  wordDropout(c, 0.5, new Rng(12));
  assert.notDeepEqual(a.tokens, c.tokens, 'another stream hides other words');

  const rng = new Rng(5);
  const untouched = batch([4, 4], 4);
  assert.equal(wordDropout(untouched, 0, rng), 0);
  assert.deepEqual(untouched.tokens, batch([4, 4], 4).tokens);
  assert.equal(rng.next(), new Rng(5).next(), 'p = 0 leaves the stream where it was (runs without it are unchanged)');
  assert.throws(() => wordDropout(batch([1], 1), 1, rng), /word dropout must be in \[0, 1\)/);
});
