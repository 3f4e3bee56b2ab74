/**
 * model.safetensors is a PyTorch state_dict: nn.Embedding + nn.LSTM/GRU/RNN(batch_first) + nn.Linear load it
 * unchanged and compute the same logits.
 *
 * 1. Always: fixtures/train/torch-load-*.json were written by scripts/torch-load-check.py --fixture from tiny
 *    rnnlab-trained run directories (weights, token ids, and PyTorch's logits). rnnlab must reproduce those logits.
 *    Regenerate (needs torch): train a tiny run, e.g.
 *      node bin/rnnlab.js train --dataset D.csv --vocab-size 30 --embed 4 --hidden 3 --epochs 2 --max-len 12 \
 *        --lr 0.05 --seed 7 --arch gru --bidirectional --layers 2 --pooling mean --out R
 *      node bin/rnnlab.js predict --model R --json --ids "text" … > ids.jsonl
 *      /usr/bin/python3 scripts/torch-load-check.py R --input ids.jsonl --fixture fixtures/train/torch-load-NAME.json
 * 2. When /usr/bin/python3 has torch: the same check live, on a model trained here.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { RnnClassifier, type ModelConfig } from '../../src/nn/model.ts';
import { trainRun } from '../../src/train/run.ts';
import { loadSavedModel } from '../../src/train/run-dir.ts';
import { predictTexts } from '../../src/train/predict.ts';
import { dataSpec, smallTrain, tmpDir, writeSyntheticCsv } from './helpers.ts';

const FIXTURES = new URL('../../fixtures/train/', import.meta.url);
const SCRIPT = new URL('../../scripts/torch-load-check.py', import.meta.url).pathname;
const TOL = 1e-4;

interface Fixture {
  config: { model: ModelConfig };
  tensors: Record<string, { shape: number[]; data: number[] }>;
  cases: { ids: number[]; logits: number[] }[];
}

function close(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= TOL, `${what}[${i}]: rnnlab ${actual[i]} vs torch ${expected[i]}`);
  }
}

const files = readdirSync(FIXTURES).filter((f) => /^torch-load-.*\.json$/.test(f)).sort();

test('the committed PyTorch fixtures cover LSTM/GRU/RNN, binary and 3-class, bidirectional, stacked, all poolings, concat pooling', () => {
  const models = files.map((f) => (JSON.parse(readFileSync(new URL(f, FIXTURES), 'utf8')) as Fixture).config.model);
  assert.ok(files.length >= 3);
  assert.deepEqual(new Set(models.map((m) => m.arch)), new Set(['rnn', 'gru', 'lstm']));
  assert.deepEqual(new Set(models.flatMap((m) => m.pooling.split('+'))), new Set(['last', 'mean', 'max']));
  assert.ok(models.some((m) => m.pooling === 'last+max+mean') && models.some((m) => (m.embedDropout ?? 0) > 0),
    'concat pooling and a model trained with embedding dropout');
  assert.ok(models.some((m) => m.bidirectional) && models.some((m) => m.numLayers > 1));
  assert.ok(models.some((m) => m.numClasses === 2) && models.some((m) => m.numClasses > 2));
});

for (const file of files) {
  test(`rnnlab reproduces PyTorch's logits: ${file}`, () => {
    const fx = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Fixture;
    const model = new RnnClassifier(fx.config.model, 0);
    assert.deepEqual(model.params.map((p) => p.name), Object.keys(fx.tensors), 'same names, same order as the state_dict');
    for (const p of model.params) {
      assert.deepEqual([...p.shape], fx.tensors[p.name]!.shape, p.name);
      p.data.set(fx.tensors[p.name]!.data);
    }
    const outDim = fx.config.model.numClasses === 2 ? 1 : fx.config.model.numClasses;
    // one padded batch holding every case (exercises padding and the length sort), in input order
    const B = fx.cases.length;
    const T = Math.max(...fx.cases.map((c) => c.ids.length));
    const tokens = new Int32Array(B * T);
    fx.cases.forEach((c, b) => tokens.set(c.ids, b * T));
    const logits = model.forward({
      size: B, maxLen: T, tokens, lengths: Int32Array.from(fx.cases.map((c) => c.ids.length)), labels: new Int32Array(B),
    }, false);
    fx.cases.forEach((c, b) => close(logits.subarray(b * outDim, (b + 1) * outDim), c.logits, `${file} case ${b}`));
  });
}

const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!hasTorch) console.log('# skipping the live PyTorch check: /usr/bin/python3 with torch is not available');

test('live: PyTorch loads a freshly trained model.safetensors unchanged and agrees on the logits', { skip: hasTorch ? false : '/usr/bin/python3 lacks torch' }, async () => {
  const root = tmpDir();
  const csv = writeSyntheticCsv(root, 200, { classes: 3 });
  const dir = join(root, 'run');
  await trainRun({ dir, train: smallTrain({ epochs: 1, arch: 'lstm', layers: 2, bidirectional: true, pooling: 'max' }), data: dataSpec(csv) }, { log: () => {}, progress: false });
  const texts = ['a great film', 'the plot was awful', 'meh', '', 'great awful meh the movie story scene music very long text that gets cut'];
  const preds = predictTexts(loadSavedModel(dir), texts);
  const input = join(root, 'ids.jsonl');
  writeFileSync(input, preds.map((p) => JSON.stringify({ ids: p.ids })).join('\n') + '\n');
  const r = spawnSync('/usr/bin/python3', [SCRIPT, dir, '--input', input], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const torch = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ids: number[]; logits: number[] });
  assert.equal(torch.length, texts.length);
  torch.forEach((t, i) => {
    assert.deepEqual(t.ids, preds[i]!.ids);
    close(preds[i]!.logits, t.logits, `text ${i}`);
  });
});
