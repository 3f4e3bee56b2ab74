/**
 * evaluateSplitAsync (src/train/evaluate.ts), the trainer's evaluation: the same numbers as evaluateSplit, bit for
 * bit, while letting other work (a signal handler) run between batches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RnnClassifier } from '../../src/nn/model.ts';
import { evaluateSplit, evaluateSplitAsync } from '../../src/train/evaluate.ts';
import type { EncodedSplit } from '../../src/data/types.ts';
import { Rng } from '../../src/util/rng.ts';

/** n texts of 3–40 token ids below `vocab`, labels 0/1/2. */
function split(n: number, vocab: number): EncodedSplit {
  const rng = new Rng(11);
  const lengths = Int32Array.from({ length: n }, () => 3 + rng.int(38));
  const offsets = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) { offsets[i] = total; total += lengths[i]!; }
  const ids = Int32Array.from({ length: total }, () => 1 + rng.int(vocab - 1));
  return {
    count: n, maxLen: 40, ids, offsets, lengths, labels: Int32Array.from({ length: n }, () => rng.int(3)),
    fullLengths: lengths.slice(), unkCount: 0,
  };
}

test('evaluateSplitAsync: the same loss, accuracy and probabilities as evaluateSplit, and other work runs between its batches', async () => {
  const model = new RnnClassifier({ arch: 'gru', vocabSize: 50, embed: 6, hidden: 5, numLayers: 1, bidirectional: true, dropout: 0, numClasses: 3, pooling: 'last+mean' }, 4);
  const s = split(700, 50); // three batches of at most 256
  const want = evaluateSplit(model, s, 3, { collect: true });
  let ranBetween = 0;
  const pending = evaluateSplitAsync(model, s, 3, { collect: true, yieldMs: 0 });
  setImmediate(() => ranBetween++);
  const got = await pending;
  assert.equal(ranBetween, 1, 'a callback queued after the evaluation started ran before it ended');
  assert.equal(got.n, 700);
  assert.equal(Object.is(got.loss, want.loss), true, `${got.loss} vs ${want.loss}`);
  assert.equal(got.accuracy, want.accuracy);
  assert.equal(got.tokens, want.tokens);
  assert.deepEqual(got.probs, want.probs);
  model.dispose();
});
