/**
 * setRecompute (src/nn/model.ts): the layers share one set of work buffers per direction and backward() runs each
 * layer's forward again. The gradients must be the same bits as without it — every cell, stacked and bidirectional,
 * with dropout between layers and on the embedding — the work memory smaller, and a DataParallel built on such a
 * model must give the same bits as one built on a model without it (that its replicas use less memory too shows in
 * the W2 benchmark's peak RSS, not here: they live in other threads).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RnnClassifier, type Arch, type ModelConfig } from '../../src/nn/model.ts';
import { DataParallel } from '../../src/train/parallel/data-parallel.ts';
import { batchLoss } from '../../src/train/evaluate.ts';
import { randomBatch } from '../../src/bench/step.ts';
import { Rng } from '../../src/util/rng.ts';

const V = 200;

function config(arch: Arch, numLayers: number, bidirectional: boolean): ModelConfig {
  return {
    arch, vocabSize: V, embed: 9, hidden: 7, numLayers, bidirectional, dropout: 0.3, embedDropout: 0.2,
    numClasses: 3, pooling: 'last+max+mean',
  };
}

function batch(seed: number, size = 13, maxLen = 15) {
  const rng = new Rng(seed);
  const b = randomBatch(rng, size, maxLen, V, Array.from({ length: size }, () => 1 + rng.int(maxLen)));
  for (let i = 0; i < size; i++) b.labels[i] = rng.int(3);
  return b;
}

/** Two training steps' gradients (zeroed before each), concatenated, and the logits of the second. */
function gradients(model: RnnClassifier): { grads: Float32Array[]; logits: Float32Array } {
  let logits = new Float32Array(0);
  const grads: Float32Array[] = [];
  for (const seed of [1, 2]) {
    const b = batch(seed, seed === 1 ? 13 : 9); // the second batch is smaller: buffers are reused, not resized
    model.zeroGrad();
    logits = model.forward(b, true, new Rng(40 + seed)).slice();
    const d = new Float32Array(b.size * model.outDim);
    batchLoss(logits, b.labels, b.size, 3, d, null);
    model.backward(d);
    for (const p of model.params) grads.push(p.grad.slice());
  }
  return { grads, logits };
}

function sameBits(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, what);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) assert.fail(`${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

for (const arch of ['lstm', 'gru', 'rnn'] as const) {
  for (const [layers, bi] of [[3, false], [2, true], [1, true]] as const) {
    test(`recompute, ${arch}, ${layers} layer(s)${bi ? ', bidirectional' : ''}: the same gradient bits, less work memory`, () => {
      const plain = new RnnClassifier(config(arch, layers, bi), 3);
      const lean = new RnnClassifier(config(arch, layers, bi), 3);
      lean.setRecompute(true);
      assert.equal(lean.recomputing, true);
      const want = gradients(plain);
      const got = gradients(lean);
      sameBits(got.logits, want.logits, 'logits');
      want.grads.forEach((g, i) => sameBits(got.grads[i]!, g, `grad ${plain.params[i % plain.params.length]!.name}`));
      // One layer: the shared set is that layer's own, so nothing is saved; more layers: less memory.
      if (layers > 1) assert.ok(lean.workBytes() < plain.workBytes(), `${lean.workBytes()} vs ${plain.workBytes()} bytes`);
      else assert.equal(lean.workBytes(), plain.workBytes());
      plain.dispose();
      lean.dispose();
    });
  }
}

test('recompute, stacked LSTM: each added layer costs its output only, not its gates and states', () => {
  const bytes = (layers: number, on: boolean): number => {
    const m = new RnnClassifier({ ...config('lstm', layers, false), dropout: 0, embedDropout: 0 }, 1);
    m.setRecompute(on);
    const b = batch(1);
    m.forward(b, true);
    const n = m.workBytes();
    m.dispose();
    return n;
  };
  // batch(1): 13 sequences padded to 15 steps, so buffers of 195 rows; H = 7, LSTM G = 4.
  const H = 7, rows = 13 * 15, B = 13;
  // With recomputation an added layer adds its output only; without, also its gates, previous h and cell state
  // ((G + 2) · H per row) and its backward's per-sequence dh and dc.
  assert.equal(bytes(3, true) - bytes(2, true), 4 * rows * H);
  assert.equal(bytes(3, false) - bytes(2, false), 4 * (rows * H * (1 + 4 + 2) + 2 * B * H));
});

test('recompute with data parallelism: the same bits as without', () => {
  const cfg = config('gru', 3, true);
  const run = (on: boolean): Float32Array[] => {
    const m = new RnnClassifier(cfg, 7);
    m.setRecompute(on);
    const dp = new DataParallel(m, 2);
    try {
      const b = batch(5, 16);
      m.zeroGrad();
      dp.step(b, new Rng(3), null);
      return m.params.map((p) => p.grad.slice());
    } finally {
      dp.close();
    }
  };
  const want = run(false);
  run(true).forEach((g, i) => sameBits(g, want[i]!, `grad ${i}`));
});
