/** RnnClassifier.predictLogits: the forward-only path gives forward(batch, false)'s logits bit for bit. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RnnClassifier, type ModelConfig } from '../../src/nn/model.ts';
import { kernelMemoryInUse } from '../../src/nn/kernels.ts';
import { setBlasThreads } from '../../src/nn/blas.ts';
import { makeBatch } from './helpers.ts';

const base: ModelConfig = {
  arch: 'lstm', vocabSize: 40, embed: 7, hidden: 6, numLayers: 1, bidirectional: false, dropout: 0.3, numClasses: 2,
  pooling: 'last',
};

const variants: Partial<ModelConfig>[] = [];
for (const arch of ['rnn', 'gru', 'lstm'] as const) {
  variants.push({ arch });
  variants.push({ arch, numLayers: 3, bidirectional: true, pooling: 'mean', numClasses: 3 });
  variants.push({ arch, numLayers: 2, pooling: 'max' });
  variants.push({ arch, bidirectional: true, pooling: 'last+max+mean', embedDropout: 0.4 });
}

for (const v of variants) {
  test(`predictLogits = forward(batch, false) bit for bit: ${JSON.stringify(v)}`, () => {
    setBlasThreads(1);
    const c = { ...base, ...v };
    const m = new RnnClassifier(c, 11);
    // two batches of different shapes, the bigger second (the buffers grow), then the first again (they are reused)
    const b1 = makeBatch([5, 1, 3, 5, 2], c.vocabSize, c.numClasses, 1);
    const b2 = makeBatch([9, 4, 9, 1, 7, 6, 2, 8, 3], c.vocabSize, c.numClasses, 2);
    for (const b of [b1, b2, b1]) {
      const want = Float32Array.from(m.forward(b, false));
      const got = Float32Array.from(m.predictLogits(b));
      assert.deepEqual(got, want);
      assert.ok(want.every(Number.isFinite));
    }
    // backward() cannot follow a forward-only pass
    assert.throws(() => m.backward(new Float32Array(b1.size * m.outDim)), /needs a forward\(\) first/);
  });
}

test('predictLogits keeps no backward history: less kernel memory than a training forward of the same batch', () => {
  const c = { ...base, numLayers: 2 };
  const lengths = Array.from({ length: 64 }, (_, i) => 20 + (i % 30));
  const batch = makeBatch(lengths, c.vocabSize, 2, 3);
  const a = new RnnClassifier(c, 1);
  const before = kernelMemoryInUse();
  a.predictLogits(batch);
  const inference = kernelMemoryInUse() - before;
  a.dispose();
  const b = new RnnClassifier(c, 1);
  const before2 = kernelMemoryInUse();
  b.forward(batch, false);
  const training = kernelMemoryInUse() - before2;
  b.dispose();
  assert.ok(inference < 0.6 * training, `inference ${inference} B vs training ${training} B`);
});
