/**
 * ModelInit.sharedEmbedding (src/nn/model.ts): a data-parallel replica reads another model's embedding table in place
 * and keeps its embedding gradient compact, a row per token. It must compute exactly what a model with its own copy
 * of the table computes (the same row copies, the same additions in the same order, into other addresses), across
 * backward calls that accumulate, after zeroGrad, and without holding a [V, E] table or gradient.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RnnClassifier, type Arch, type ModelConfig } from '../../src/nn/model.ts';
import { kernelMemoryInUse } from '../../src/nn/kernels.ts';
import { batchLoss } from '../../src/train/batch-loss.ts';
import { randomBatch } from '../../src/bench/step.ts';
import { Rng } from '../../src/util/rng.ts';
import type { Batch } from '../../src/data/types.ts';

const V = 500, E = 16;

function config(arch: Arch): ModelConfig {
  return { arch, vocabSize: V, embed: E, hidden: 12, numLayers: 2, bidirectional: true, dropout: 0.2, embedDropout: 0.3, numClasses: 3, pooling: 'last+max+mean' };
}

function batch(seed: number, size: number, maxLen: number, vocab = V): Batch {
  const rng = new Rng(seed);
  const b = randomBatch(rng, size, maxLen, vocab, Array.from({ length: size }, () => 1 + rng.int(maxLen)));
  for (let i = 0; i < size; i++) b.labels[i] = rng.int(3);
  return b;
}

/** forward + loss + backward of `b` on `m` (no zeroGrad: gradients accumulate); returns the logits. */
function step(m: RnnClassifier, b: Batch, seed: number): Float32Array {
  const logits = m.forward(b, true, new Rng(seed)).slice();
  const d = new Float32Array(b.size * m.outDim);
  batchLoss(logits, b.labels, b.size, 3, d, null);
  m.backward(d);
  return logits;
}

/** The shared model's embedding gradient written out as the [V, E] table a model of its own would hold. */
function denseEmbeddingGrad(m: RnnClassifier): { table: Float32Array; tokens: number[] } {
  const { tokens, values } = m.sharedEmbeddingGrad();
  const table = new Float32Array(V * E);
  tokens.forEach((t, k) => table.set(values.subarray(k * E, k * E + E), t * E));
  return { table, tokens: [...tokens].sort((a, b) => a - b) };
}

for (const arch of ['lstm', 'gru', 'rnn'] as const) {
  test(`shared embedding, ${arch}: the logits and every gradient bit for bit, accumulated over two batches, then after zeroGrad`, () => {
    const own = new RnnClassifier(config(arch), 7);
    const shared = new RnnClassifier(config(arch), 7, { sharedEmbedding: own.params[0]!.data });
    assert.equal(shared.params[0]!.data, own.params[0]!.data, 'the table is read in place, not copied');
    // the other weights are drawn as without it
    for (let i = 1; i < own.params.length; i++) assert.deepEqual(shared.params[i]!.data, own.params[i]!.data, own.params[i]!.name);
    for (const m of [own, shared]) m.setEmbeddingGradChunk(7); // many chunks, so the compact rows cross chunk edges

    const check = (what: string) => {
      for (let i = 1; i < own.params.length; i++) assert.deepEqual(shared.params[i]!.grad, own.params[i]!.grad, `${what}: ${own.params[i]!.name}`);
      const { table, tokens } = denseEmbeddingGrad(shared);
      assert.deepEqual(tokens, [...own.params[0]!.gradRows!], `${what}: the rows with a gradient`);
      assert.deepEqual(table, own.params[0]!.grad, `${what}: embedding gradient`);
    };
    own.zeroGrad();
    shared.zeroGrad();
    // a second batch of tokens the first did not have (ids up to V), so the compact rows must grow past the first's
    const first = batch(1, 6, 9, 60);
    const second = batch(2, 9, 14);
    assert.deepEqual(step(shared, first, 3), step(own, first, 3));
    check('one batch');
    assert.deepEqual(step(shared, second, 4), step(own, second, 4));
    check('two batches accumulated');
    own.zeroGrad();
    shared.zeroGrad();
    assert.equal(shared.sharedEmbeddingGrad().tokens.length, 0, 'zeroGrad leaves no rows');
    assert.deepEqual(step(shared, second, 5), step(own, second, 5));
    check('after zeroGrad');
    assert.deepEqual(shared.predictLogits(second), own.predictLogits(second), 'forward-only logits');
  });
}

test('shared embedding: the model holds no [V, E] table or gradient of its own; misuse is an error naming it', () => {
  const cfg = { ...config('gru'), vocabSize: 4000, embed: 64 };
  const before = kernelMemoryInUse();
  const own = new RnnClassifier(cfg, 1);
  const ownBytes = kernelMemoryInUse() - before;
  const shared = new RnnClassifier(cfg, 1, { sharedEmbedding: own.params[0]!.data });
  const sharedBytes = kernelMemoryInUse() - before - ownBytes;
  // the two [V, E] buffers, less the compact gradient's empty start (one 16-byte block)
  assert.ok(Math.abs(ownBytes - sharedBytes - 2 * 4000 * 64 * 4) <= 64, `own ${ownBytes} B, shared ${sharedBytes} B`);

  assert.throws(() => new RnnClassifier(cfg, 1, { sharedEmbedding: new Float32Array(10) }), /sharedEmbedding: 10 values for a 4000 × 64 embedding/);
  assert.throws(() => own.sharedEmbeddingGrad(), /has its own embedding table/);
  const grads = own.params.map((p) => p.grad);
  assert.throws(() => shared.addGradients(grads, { tokens: new Int32Array(0), values: new Float32Array(0) }), /shared embedding cannot take/);
  assert.throws(() => own.addGradients(grads, { tokens: new Int32Array([3]), values: new Float32Array(5) }), /1 embedding rows, 5 values/);
});
