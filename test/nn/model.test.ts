/** RnnClassifier behaviour: init, masking, batching, buffer reuse, dropout modes, input validation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RnnClassifier, type ModelConfig } from '../../src/nn/model.ts';
import { UserError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/rng.ts';
import type { Batch } from '../../src/data/types.ts';
import { makeBatch } from './helpers.ts';

const cfg: ModelConfig = {
  arch: 'lstm', vocabSize: 30, embed: 6, hidden: 5, numLayers: 2, bidirectional: true, dropout: 0.2, numClasses: 2,
  pooling: 'last',
};

function sub(batch: Batch, b: number): Batch {
  // example b alone, padded to its own length
  const len = batch.lengths[b]!;
  return {
    size: 1, maxLen: len, tokens: batch.tokens.slice(b * batch.maxLen, b * batch.maxLen + len),
    lengths: Int32Array.of(len), labels: batch.labels.slice(b, b + 1),
  };
}

test('same seed gives identical parameters; another seed differs', () => {
  const a = new RnnClassifier(cfg, 42);
  const b = new RnnClassifier(cfg, 42);
  const c = new RnnClassifier(cfg, 43);
  for (let i = 0; i < a.params.length; i++) assert.deepEqual(a.params[i]!.data, b.params[i]!.data);
  assert.notDeepEqual(a.params[0]!.data, c.params[0]!.data);
});

test('parameters follow the PyTorch state_dict names, order and shapes', () => {
  const m = new RnnClassifier({ ...cfg, arch: 'gru', numClasses: 3 }, 1);
  const got = m.params.map((p) => `${p.name}:${p.shape.join('x')}`);
  const layer = (k: number, sfx: string, inDim: number): string[] => [
    `rnn.weight_ih_l${k}${sfx}:15x${inDim}`, `rnn.weight_hh_l${k}${sfx}:15x5`,
    `rnn.bias_ih_l${k}${sfx}:15`, `rnn.bias_hh_l${k}${sfx}:15`,
  ];
  assert.deepEqual(got, [
    'embedding.weight:30x6', ...layer(0, '', 6), ...layer(0, '_reverse', 6), ...layer(1, '', 10),
    ...layer(1, '_reverse', 10), 'fc.weight:3x10', 'fc.bias:3',
  ]);
  const bin = new RnnClassifier({ ...cfg, bidirectional: false }, 1);
  assert.deepEqual(bin.params.at(-2)!.shape, [1, 5]); // binary: one logit
});

test('init follows PyTorch defaults: N(0,1) embedding, U(±1/√H) recurrent, U(±1/√fan_in) linear', () => {
  const m = new RnnClassifier({ ...cfg, vocabSize: 2000, embed: 20, hidden: 16 }, 3);
  const stats = (a: Float32Array): { mean: number; std: number; min: number; max: number } => {
    let s = 0; let s2 = 0; let min = Infinity; let max = -Infinity;
    for (const v of a) { s += v; s2 += v * v; min = Math.min(min, v); max = Math.max(max, v); }
    const mean = s / a.length;
    return { mean, std: Math.sqrt(s2 / a.length - mean * mean), min, max };
  };
  const e = stats(m.params[0]!.data);
  assert.ok(Math.abs(e.mean) < 0.02 && Math.abs(e.std - 1) < 0.02, `embedding mean ${e.mean} std ${e.std}`);
  for (const p of m.params.slice(1, -2)) {
    const s = stats(p.data);
    assert.ok(s.min >= -0.25 && s.max <= 0.25, `${p.name} outside ±1/√16`);
    assert.ok(s.max > 0.2 && s.min < -0.2, `${p.name} does not fill ±1/√16`);
  }
  const fc = stats(m.params.at(-2)!.data);
  const bound = 1 / Math.sqrt(32);
  assert.ok(fc.min >= -bound && fc.max <= bound && fc.max > 0.5 * bound);

  // init.embedStd scales the embedding only: the same draws times s, the other weights unchanged
  const small = new RnnClassifier({ ...cfg, vocabSize: 2000, embed: 20, hidden: 16 }, 3, { embedStd: 0.1 });
  const e0 = m.params[0]!.data; const e1 = small.params[0]!.data;
  for (let i = 0; i < e0.length; i += 97) assert.ok(Math.abs(e1[i]! - Math.fround(0.1 * e0[i]!)) <= 1e-7, `embedding[${i}]`);
  for (let k = 1; k < m.params.length; k++) assert.deepEqual(small.params[k]!.data, m.params[k]!.data, m.params[k]!.name);
  assert.throws(() => new RnnClassifier(cfg, 3, { embedStd: 0 }), /embedding init std must be > 0/);
});

test('init.forgetBias (LSTM): the forget slice of bias_ih is b and of bias_hh 0 in every layer and direction; nothing else moves', () => {
  const c = { ...cfg, arch: 'lstm' as const, hidden: 6, numLayers: 2, bidirectional: true };
  const H = c.hidden;
  const plain = new RnnClassifier(c, 5);
  const open = new RnnClassifier(c, 5, { forgetBias: 1.5 });
  let slices = 0;
  for (let k = 0; k < plain.params.length; k++) {
    const p = plain.params[k]!; const q = open.params[k]!;
    assert.equal(q.name, p.name);
    const isBias = /^rnn\.bias_(ih|hh)_l\d+(_reverse)?$/.exec(p.name);
    if (!isBias) { assert.deepEqual(q.data, p.data, p.name); continue; }
    slices++;
    const want = p.name.includes('bias_ih') ? 1.5 : 0;
    for (let j = 0; j < 4 * H; j++) {
      if (j >= H && j < 2 * H) assert.equal(q.data[j], want, `${p.name}[${j}] (forget gate)`);
      else assert.equal(q.data[j], p.data[j], `${p.name}[${j}] (other gates keep PyTorch's draw)`);
    }
  }
  assert.equal(slices, 8, '2 layers × 2 directions × (ih, hh)');
  // PyTorch's draw is not already near b: the option really changes the starting forget gate
  assert.ok(plain.params.some((p) => p.name.startsWith('rnn.bias_ih') && Math.abs(p.data[H]! - 1.5) > 0.5));
  assert.throws(() => new RnnClassifier({ ...c, arch: 'gru' }, 5, { forgetBias: 1 }), /forget-gate bias only applies to an LSTM \(this model is gru\)/);
  assert.throws(() => new RnnClassifier(c, 5, { forgetBias: NaN }), /forget-gate bias must be a finite number/);
});

for (const arch of ['rnn', 'gru', 'lstm'] as const) {
  for (const pooling of ['last', 'mean', 'max'] as const) {
    test(`masking (${arch}, ${pooling}): garbage after each length changes nothing; batching changes nothing`, () => {
      const c = { ...cfg, arch, pooling };
      const m = new RnnClassifier(c, 7);
      const lengths = [3, 7, 1, 5, 7, 2];
      const clean = makeBatch(lengths, c.vocabSize, 2, 9);
      const dirty = makeBatch(lengths, c.vocabSize, 2, 9, (r) => 1 + r.int(c.vocabSize - 1));
      assert.notDeepEqual(clean.tokens, dirty.tokens);
      const a = Float32Array.from(m.forward(clean, false));
      const b = Float32Array.from(m.forward(dirty, false));
      assert.deepEqual(b, a);
      // each example on its own (no padding at all) gives the same logit, up to float32 GEMM rounding
      for (let i = 0; i < lengths.length; i++) {
        const one = m.forward(sub(clean, i), false)[0]!;
        assert.ok(Math.abs(one - a[i]!) <= 1e-5 * Math.max(1, Math.abs(a[i]!)), `example ${i}: ${one} vs ${a[i]}`);
      }
    });
  }
}

test('buffers are reused safely: a batch after a larger one gives the fresh-model result', () => {
  const c = { ...cfg, arch: 'gru' as const };
  const small = makeBatch([4, 2, 3], c.vocabSize, 2, 1);
  const fresh = Float32Array.from(new RnnClassifier(c, 5).forward(small, false));
  const m = new RnnClassifier(c, 5);
  m.forward(makeBatch([9, 8, 9, 1, 7, 6, 5, 9], c.vocabSize, 2, 2), false);
  assert.deepEqual(Float32Array.from(m.forward(small, false)), fresh);
  // and gradients too
  const grads = (model: RnnClassifier): Float32Array[] => {
    model.zeroGrad();
    const lg = model.forward(small, true, new Rng(3));
    model.backward(new Float32Array(lg.length).fill(0.5));
    return model.params.map((p) => Float32Array.from(p.grad));
  };
  const g1 = grads(new RnnClassifier(c, 5));
  const m2 = new RnnClassifier(c, 5);
  m2.forward(makeBatch([9, 8, 9, 1, 7, 6, 5, 9], c.vocabSize, 2, 2), true);
  m2.backward(new Float32Array(8).fill(1));
  assert.deepEqual(grads(m2), g1);
});

test('dropout: evaluation is deterministic, training draws masks from the given Rng', () => {
  const m = new RnnClassifier(cfg, 5);
  const batch = makeBatch([5, 3, 6, 2], cfg.vocabSize, 2, 4);
  const e1 = Float32Array.from(m.forward(batch, false));
  const e2 = Float32Array.from(m.forward(batch, false, new Rng(99)));
  assert.deepEqual(e1, e2);
  const t1 = Float32Array.from(m.forward(batch, true, new Rng(1)));
  const t2 = Float32Array.from(m.forward(batch, true, new Rng(1)));
  const t3 = Float32Array.from(m.forward(batch, true, new Rng(2)));
  assert.deepEqual(t1, t2);
  assert.notDeepEqual(t1, e1);
  assert.notDeepEqual(t1, t3);
  const noDrop = new RnnClassifier({ ...cfg, dropout: 0 }, 5);
  assert.deepEqual(Float32Array.from(noDrop.forward(batch, true)), Float32Array.from(noDrop.forward(batch, false)));
});

test('backward accumulates into grad until zeroGrad', () => {
  const m = new RnnClassifier({ ...cfg, dropout: 0 }, 5);
  const batch = makeBatch([5, 3], cfg.vocabSize, 2, 4);
  const run = (): void => {
    const lg = m.forward(batch, true);
    m.backward(new Float32Array(lg.length).fill(1));
  };
  m.zeroGrad();
  run();
  const once = m.params.map((p) => Float32Array.from(p.grad));
  run();
  m.params.forEach((p, i) => p.grad.forEach((v, j) => assert.ok(Math.abs(v - 2 * once[i]![j]!) <= 1e-6 + 1e-5 * Math.abs(v))));
  m.zeroGrad();
  assert.ok(m.params.every((p) => p.grad.every((v) => v === 0)));
});

test('embedding gradRows: exactly the rows of the batches since zeroGrad, ascending; every other entry is +0', () => {
  const m = new RnnClassifier({ ...cfg, vocabSize: 200, dropout: 0 }, 5);
  const emb = m.params[0]!;
  const E = emb.shape[1]!;
  const step = (seed: number): Set<number> => {
    const batch = makeBatch([7, 4, 2], 200, 2, seed);
    const lg = m.forward(batch, true);
    m.backward(new Float32Array(lg.length).fill(1));
    const used = new Set<number>();
    batch.lengths.forEach((len, b) => { for (let t = 0; t < len; t++) used.add(batch.tokens[b * batch.maxLen + t]!); });
    return used;
  };
  const check = (used: Set<number>): void => {
    assert.deepEqual(Array.from(emb.gradRows!), [...used].sort((a, b) => a - b));
    for (let r = 0; r < 200; r++) {
      const zero = emb.grad.subarray(r * E, r * E + E).every((v) => Object.is(v, 0));
      if (!used.has(r)) assert.ok(zero, `row ${r} is not listed but has a gradient`);
      else assert.ok(!zero, `row ${r} is listed but has no gradient`);
    }
  };
  m.zeroGrad();
  assert.equal(emb.gradRows!.length, 0);
  const a = step(11);
  check(a);
  const b = step(12); // accumulation: the union
  check(new Set([...a, ...b]));
  m.zeroGrad();
  assert.equal(emb.gradRows!.length, 0);
  assert.ok(m.params.every((p) => p.grad.every((v) => Object.is(v, 0))));
  check(step(13)); // the marks were cleared: only this batch's rows
});

test('invalid configs and batches are UserErrors naming the cause', () => {
  assert.throws(() => new RnnClassifier({ ...cfg, hidden: 0 }, 1), (e) => e instanceof UserError && /hidden/.test(e.message));
  assert.throws(() => new RnnClassifier({ ...cfg, dropout: 1 }, 1), (e) => e instanceof UserError && /dropout/.test(e.message));
  assert.throws(() => new RnnClassifier({ ...cfg, numClasses: 1 }, 1), UserError);
  assert.throws(() => new RnnClassifier({ ...cfg, arch: 'tcn' as never }, 1), UserError);
  const m = new RnnClassifier(cfg, 1);
  const bad = makeBatch([3, 2], cfg.vocabSize, 2, 1);
  bad.tokens[1] = cfg.vocabSize;
  assert.throws(() => m.forward(bad, false), (e) => e instanceof UserError && /vocabulary/.test(e.message));
  const badLen = makeBatch([3, 2], cfg.vocabSize, 2, 1);
  badLen.lengths[1] = 0;
  assert.throws(() => m.forward(badLen, false), (e) => e instanceof UserError && /length 0/.test(e.message));
  assert.throws(() => new RnnClassifier(cfg, 1).backward(new Float32Array(2)), /forward/);
});
