/**
 * The engine against PyTorch: fixtures/torch/nn-*.json hold weights, a padded variable-length batch, and PyTorch's
 * logits, loss and every parameter gradient for the same classifier (see scripts/torch-ref-nn.py, which computes
 * them in float64). We load the weights, run forward + loss + backward, and compare everything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { RnnClassifier, type ModelConfig } from '../../src/nn/model.ts';
import { classificationLoss } from '../../src/nn/loss.ts';
import type { Batch } from '../../src/data/types.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'torch');

interface Fixture {
  name: string;
  config: ModelConfig;
  batch: { size: number; maxLen: number; tokens: number[]; lengths: number[]; labels: number[] };
  paramOrder: string[];
  params: Record<string, number[]>;
  logits: number[];
  loss: number;
  grads: Record<string, number[]>;
}

/**
 * Element-wise relative check |a − b| ≤ tol · max(|b|, 1e-3); the 1e-3 floor only keeps exact zeros (unused
 * embedding rows) and tiny gradients from demanding more than float32 can give. Reports the worst element.
 */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!) / Math.max(1e-3, Math.abs(expected[i]!));
    if (!(err <= worst)) { worst = err; at = i; }
  }
  assert.ok(worst <= tol, `${what}: element ${at} is ${actual[at]}, PyTorch ${expected[at]} (rel err ${worst})`);
}

const files = readdirSync(DIR).filter((f) => /^nn-.*\.json$/.test(f)).sort();

test('fixtures exist for every cell type, both directions', () => {
  for (const arch of ['rnn', 'gru', 'lstm']) {
    for (const d of ['uni', 'bi']) assert.ok(files.includes(`nn-${arch}-${d}.json`), `nn-${arch}-${d}.json missing`);
  }
});

for (const file of files) {
  test(`matches PyTorch: ${file}`, () => {
    const fx = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Fixture;
    const model = new RnnClassifier(fx.config, 1);
    assert.deepEqual(model.params.map((p) => p.name), fx.paramOrder, 'state_dict order and names');
    for (const p of model.params) {
      const v = fx.params[p.name]!;
      assert.equal(v.length, p.data.length, `${p.name} size`);
      p.data.set(v);
    }
    const batch: Batch = {
      size: fx.batch.size, maxLen: fx.batch.maxLen, tokens: Int32Array.from(fx.batch.tokens),
      lengths: Int32Array.from(fx.batch.lengths), labels: Int32Array.from(fx.batch.labels),
    };
    const logits = model.forward(batch, true);
    assertClose(logits, fx.logits, 1e-4, 'logits');
    const dLogits = new Float32Array(logits.length);
    const { loss } = classificationLoss(logits, batch.labels, batch.size, fx.config.numClasses, dLogits);
    assertClose([loss], [fx.loss], 1e-4, 'loss');
    model.zeroGrad();
    model.backward(dLogits);
    for (const p of model.params) assertClose(p.grad, fx.grads[p.name]!, 1e-4, `grad ${p.name}`);
  });
}
