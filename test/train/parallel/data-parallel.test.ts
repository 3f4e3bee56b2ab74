/**
 * Data parallelism (src/train/parallel/): a step split over threads gives the batch's loss and gradients (up to float
 * rounding: the shards' GEMMs see other row counts), the same bits every time, and the embedding rows it touched;
 * forward-only passes give the batch's logits; a replica's error reaches the caller as one line; a run trained with
 * --data-parallel 2 is reproducible and resumes exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RnnClassifier, type ModelConfig } from '../../../src/nn/model.ts';
import { DataParallel } from '../../../src/train/parallel/data-parallel.ts';
import { batchLoss } from '../../../src/train/evaluate.ts';
import { trainRun } from '../../../src/train/run.ts';
import { randomBatch } from '../../../src/bench/step.ts';
import { Rng } from '../../../src/util/rng.ts';
import { collector, dataSpec, smallTrain, tmpDir, writeSyntheticCsv } from '../helpers.ts';

const V = 300;
const base = { vocabSize: V, embed: 12, hidden: 10, dropout: 0 };
const CASES: { name: string; config: ModelConfig; classWeights: number[] | null }[] = [
  { name: 'lstm, binary', config: { ...base, arch: 'lstm', numLayers: 1, bidirectional: false, numClasses: 2, pooling: 'last' }, classWeights: null },
  { name: 'gru, 2 layers, bidirectional, 3 classes weighted, concat pooling', config: { ...base, arch: 'gru', numLayers: 2, bidirectional: true, numClasses: 3, pooling: 'last+max+mean' }, classWeights: [1, 2.5, 0.5] },
  { name: 'rnn, binary weighted', config: { ...base, arch: 'rnn', numLayers: 1, bidirectional: false, numClasses: 2, pooling: 'mean' }, classWeights: [1, 3] },
];

function batchFor(config: ModelConfig, seed: number, size = 21) {
  const rng = new Rng(seed);
  const b = randomBatch(rng, size, 17, V, Array.from({ length: size }, () => 1 + rng.int(17)));
  for (let i = 0; i < size; i++) b.labels[i] = rng.int(config.numClasses);
  return b;
}

function close(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, what);
  let scale = 0;
  for (const x of a) scale = Math.max(scale, Math.abs(x));
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-5 * scale + 1e-7, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

for (const { name, config, classWeights } of CASES) {
  test(`data parallel, ${name}: the step's loss, gradients and touched rows are the batch's; logits too`, () => {
    const serial = new RnnClassifier(config, 5);
    const split = new RnnClassifier(config, 5);
    const dp = new DataParallel(split, 3, { classWeights });
    try {
      for (const seed of [1, 2]) {
        const batch = batchFor(config, seed);
        serial.zeroGrad();
        const logits = serial.forward(batch, true, new Rng(9));
        const d = new Float32Array(batch.size * serial.outDim);
        const want = batchLoss(logits, batch.labels, batch.size, config.numClasses, d, classWeights);
        serial.backward(d);
        const got = dp.step(batch, new Rng(9), classWeights);
        assert.equal(got.correct, want.correct);
        assert.ok(Math.abs(got.loss - want.loss) < 1e-6, `loss ${got.loss} vs ${want.loss}`);
        for (let i = 0; i < serial.params.length; i++) close(split.params[i]!.grad, serial.params[i]!.grad, serial.params[i]!.name);
        assert.deepEqual([...split.params[0]!.gradRows!], [...serial.params[0]!.gradRows!]);
        close(dp.predictLogits(batch), serial.predictLogits(batch).slice(), 'logits');
        // parameters changed by an optimizer are what the replicas read next (here: every weight scaled)
        for (const m of [serial, split]) for (const p of m.params) for (let j = 0; j < p.data.length; j++) p.data[j]! *= 0.9;
      }
    } finally {
      dp.close();
    }
  });
}

test('data parallel: the same bits every time (dropout on), and a replica\'s error is one line naming the replica', () => {
  const config: ModelConfig = { ...base, arch: 'lstm', numLayers: 1, bidirectional: false, numClasses: 2, pooling: 'last', dropout: 0.3 };
  const grads = (): Float32Array[] => {
    const m = new RnnClassifier(config, 5);
    const dp = new DataParallel(m, 2);
    try {
      const rng = new Rng(3);
      for (const seed of [1, 2]) dp.step(batchFor(config, seed), rng);
      return m.params.map((p) => p.grad.slice());
    } finally {
      dp.close();
    }
  };
  assert.deepEqual(grads(), grads());

  const m = new RnnClassifier(config, 5);
  const dp = new DataParallel(m, 2);
  try {
    const batch = batchFor(config, 1, 8);
    batch.labels[7] = 5; // in the second shard: the replica finds it
    assert.throws(() => dp.step(batch, new Rng(1)), /^UserError: data-parallel replica 1: label 5 of example \d is outside 0\.\.1; check the dataset's label set$/);
  } finally {
    dp.close();
  }
  assert.throws(() => new DataParallel(m, 1), /2 or more shards/);
});

test('trainRun --data-parallel 2: the same run twice is bit-identical, a resumed one too, and it learns', async () => {
  const root = tmpDir('rnnlab-dp-');
  const spec = dataSpec(writeSyntheticCsv(root, 240));
  const quiet = { log: collector().log, progress: false, baseline: false };
  const opts = (epochs: number) => smallTrain({ epochs, dataParallel: 2, dropout: 0.2, arch: 'gru', optimizer: 'adam' });
  const a = await trainRun({ dir: join(root, 'a'), train: opts(6), data: spec }, quiet);
  const b = await trainRun({ dir: join(root, 'b'), train: opts(3), data: spec }, quiet);
  const c = await trainRun({ dir: join(root, 'b'), train: opts(6), data: spec }, quiet);
  assert.equal(b.epochsCompleted, 3);
  assert.equal(c.resumedFrom, 3);
  // wall times and speeds aside, a resumed run is the straight one, bit for bit
  const numbers = (h: typeof a.history) => h.map(({ seconds: _s, tokensPerSecond: _t, evalTokensPerSecond: _e, ...rest }) => rest);
  assert.deepEqual(numbers(c.history), numbers(a.history));
  assert.deepEqual(c.metrics, a.metrics);
  assert.ok(readFileSync(join(root, 'a', 'model.safetensors')).equals(readFileSync(join(root, 'b', 'model.safetensors'))));
  assert.ok(a.metrics!.accuracy > 0.9, `it learns the planted word: test accuracy ${a.metrics!.accuracy}`);
  const config = JSON.parse(readFileSync(join(root, 'a', 'config.json'), 'utf8'));
  assert.equal(config.train.dataParallel, 2);
  assert.equal(config.blas.threads, 1);
});
