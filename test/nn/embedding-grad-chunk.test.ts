/**
 * RnnClassifier's embedding gradient (embeddingGrads in src/nn/model.ts) runs in chunks of rows, so the first
 * layer's [N, E] input gradient is never held whole. The chunk size must not change the gradients beyond GEMM
 * rounding (OpenBLAS may sum in another order for fewer rows), with both directions and the embedding dropout's
 * mask, and it must be what bounds the buffer: the work memory falls by (N − chunk) · E floats.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMBED_GRAD_CHUNK, RnnClassifier, type Arch, type ModelConfig } from '../../src/nn/model.ts';
import { batchLoss } from '../../src/train/evaluate.ts';
import { randomBatch } from '../../src/bench/step.ts';
import { Rng } from '../../src/util/rng.ts';

const V = 300, E = 24, B = 32, T = 200;

function config(arch: Arch): ModelConfig {
  return { arch, vocabSize: V, embed: E, hidden: 20, numLayers: 2, bidirectional: true, dropout: 0.3, embedDropout: 0.2, numClasses: 2, pooling: 'last+max' };
}

/** All gradients after one training step on a batch of 32 sequences of 100–199 tokens (over 4,096 packed rows). */
function step(arch: Arch, chunk: number | null): { grads: Float32Array[]; work: number; rows: number } {
  const m = new RnnClassifier(config(arch), 3);
  if (chunk !== null) m.setEmbeddingGradChunk(chunk);
  const rng = new Rng(5);
  const lengths = Array.from({ length: B }, () => 100 + rng.int(100));
  const b = randomBatch(rng, B, T, V, lengths);
  for (let i = 0; i < B; i++) b.labels[i] = rng.int(2);
  m.zeroGrad();
  const logits = m.forward(b, true, new Rng(9)).slice();
  const d = new Float32Array(B);
  batchLoss(logits, b.labels, B, 2, d, null);
  m.backward(d);
  const out = { grads: m.params.map((p) => p.grad.slice()), work: m.workBytes(), rows: B * T };
  m.dispose();
  return out;
}

for (const arch of ['lstm', 'gru', 'rnn'] as const) {
  test(`embedding gradient in chunks, ${arch}: chunks of 7 rows give the one-pass gradients up to rounding, in less memory`, () => {
    const whole = step(arch, B * T); // one chunk: the whole [N, E] input gradient at once
    const byDefault = step(arch, null);
    const tiny = step(arch, 7);
    assert.ok(B * T > EMBED_GRAD_CHUNK, 'the batch spans more than one default chunk');
    whole.grads.forEach((want, i) => {
      let scale = 0;
      for (const v of want) scale = Math.max(scale, Math.abs(v));
      assert.ok(scale > 0, `gradient ${i} is not all zero`);
      for (const got of [byDefault.grads[i]!, tiny.grads[i]!]) {
        for (let j = 0; j < want.length; j++) {
          if (Math.abs(got[j]! - want[j]!) > 1e-5 * scale) assert.fail(`gradient ${i}[${j}]: ${got[j]} vs ${want[j]}`);
        }
      }
    });
    // The buffer holds one chunk: [chunk, E] floats instead of [rows, E].
    assert.equal(whole.work - tiny.work, 4 * (whole.rows - 7) * E);
    assert.equal(whole.work - byDefault.work, 4 * (whole.rows - EMBED_GRAD_CHUNK) * E);
  });
}

test('a one-layer model holds no buffer for a second layer\'s input gradient: its work memory, buffer by buffer', () => {
  const E1 = 9, H = 7, Bq = 13, Tq = 15, rows = Bq * Tq;
  const m = new RnnClassifier({ arch: 'lstm', vocabSize: V, embed: E1, hidden: H, numLayers: 1, bidirectional: false, dropout: 0, numClasses: 2, pooling: 'last' }, 1);
  const rng = new Rng(1);
  m.forward(randomBatch(rng, Bq, Tq, V, Array.from({ length: Bq }, () => 1 + rng.int(Tq))), true);
  const floats = rows /* token ids */ + rows * E1 /* embedded tokens */ + rows * E1 /* their gradient: one chunk */ +
    rows * H /* the layer's output */ + rows * H /* its gradient */ +
    rows * 4 * H /* gates */ + rows * H /* previous h */ + rows * H /* cell state */ + 2 * Bq * H /* dh, dc per sequence */;
  assert.equal(m.workBytes(), 4 * floats);
  m.dispose();
});
