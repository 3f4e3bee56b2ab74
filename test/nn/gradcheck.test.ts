/**
 * Finite-difference gradient checks of the whole classifier (embedding → stacked recurrent layers → pooling →
 * dropout → linear → loss) for every cell type and option, on tiny sizes. Variable lengths (with padding) are used
 * everywhere, so the masked recurrences of both directions are checked too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RnnClassifier, type ModelConfig } from '../../src/nn/model.ts';
import { analyticGrads, makeBatch, numericGrads, relError } from './helpers.ts';

const base: ModelConfig = {
  arch: 'lstm', vocabSize: 7, embed: 3, hidden: 3, numLayers: 2, bidirectional: true, dropout: 0, numClasses: 2,
  pooling: 'last',
};
const LENGTHS = [2, 4, 1, 3];
const TOL = 1e-3;

function check(over: Partial<ModelConfig>, seed: number): { worst: number; name: string } {
  const cfg = { ...base, ...over };
  const model = new RnnClassifier(cfg, seed);
  const batch = makeBatch(LENGTHS, cfg.vocabSize, cfg.numClasses, seed + 1, (r) => 1 + r.int(cfg.vocabSize - 1));
  const an = analyticGrads(model, batch, seed + 2);
  const num = numericGrads(model, batch, seed + 2);
  // Max pooling is not differentiable where two steps tie, and a ±2h probe with the coarse h (chosen large to beat
  // float32 noise) sometimes crosses such a kink. So for max pooling we also take a fine-step estimate (which does
  // not cross kinks but is noisier) and compare each element with whichever estimate agrees better: a wrong
  // analytic gradient disagrees with both.
  if (cfg.pooling.includes('max')) {
    const fine = numericGrads(model, batch, seed + 2, 2 ** -9);
    for (const p of model.params) {
      const a = an.get(p.name)!;
      const c = num.get(p.name)!;
      const f = fine.get(p.name)!;
      for (let i = 0; i < c.length; i++) if (Math.abs(f[i]! - a[i]!) < Math.abs(c[i]! - a[i]!)) c[i] = f[i]!;
    }
  }
  // Per-tensor relative error ‖a − n‖ / max(‖a‖, ‖n‖, floor). The floor, 1 % of the norm of the whole gradient,
  // matters only for tensors that get almost no gradient (e.g. a first-layer W_hh deep behind max pooling): there
  // the float32 noise of the loss (~1e-7 relative) over the step is as large as the signal, and no step size can
  // give three correct digits. Everything else is compared purely relatively.
  let total = 0;
  for (const a of an.values()) for (const v of a) total += v * v;
  const floor = 1e-2 * Math.sqrt(total);
  let worst = 0;
  let name = '';
  for (const p of model.params) {
    const a = an.get(p.name)!;
    const n = num.get(p.name)!;
    let na = 0; let nn = 0; let d = 0;
    for (let i = 0; i < a.length; i++) {
      na += a[i]! ** 2;
      nn += n[i]! ** 2;
      d += (a[i]! - n[i]!) ** 2;
    }
    // every tensor must actually receive gradient (a silently disconnected parameter would pass trivially)
    assert.ok(na > 0, `${p.name} got an all-zero gradient`);
    const e = Math.sqrt(d) / Math.max(Math.sqrt(na), Math.sqrt(nn), floor);
    if (e > worst) { worst = e; name = p.name; }
  }
  return { worst, name };
}

const cases: [string, Partial<ModelConfig>][] = [
  ['rnn, 1 layer, unidirectional', { arch: 'rnn', numLayers: 1, bidirectional: false }],
  ['rnn, 2 layers, bidirectional', { arch: 'rnn' }],
  ['gru, 1 layer, unidirectional', { arch: 'gru', numLayers: 1, bidirectional: false }],
  ['gru, 2 layers, bidirectional', { arch: 'gru' }],
  ['lstm, 1 layer, unidirectional', { arch: 'lstm', numLayers: 1, bidirectional: false }],
  ['lstm, 2 layers, bidirectional', { arch: 'lstm' }],
  ['lstm, 2 layers, unidirectional', { arch: 'lstm', bidirectional: false }],
  ['gru, mean pooling', { arch: 'gru', pooling: 'mean' }],
  ['lstm, max pooling', { arch: 'lstm', pooling: 'max' }],
  ['rnn, max pooling, unidirectional', { arch: 'rnn', pooling: 'max', bidirectional: false }],
  ['lstm, multi-class cross-entropy', { arch: 'lstm', numClasses: 3 }],
  ['gru, multi-class, mean pooling', { arch: 'gru', numClasses: 4, pooling: 'mean', bidirectional: false }],
  ['lstm, dropout between layers and before the head', { arch: 'lstm', dropout: 0.3 }],
  ['gru, concat pooling last+max+mean, bidirectional', { arch: 'gru', pooling: 'last+max+mean' }],
  ['rnn, concat pooling mean+last, unidirectional, multi-class', { arch: 'rnn', pooling: 'mean+last', bidirectional: false, numClasses: 3 }],
  ['lstm, embedding dropout and dropout, max+mean pooling', { arch: 'lstm', embedDropout: 0.3, dropout: 0.2, pooling: 'max+mean' }],
  ['gru, embedding dropout alone, 1 layer', { arch: 'gru', embedDropout: 0.4, numLayers: 1 }],
  ['gru, dropout, 3 layers', { arch: 'gru', dropout: 0.25, numLayers: 3 }],
];

for (const [title, over] of cases) {
  test(`gradient check: ${title}`, () => {
    const { worst, name } = check(over, 11);
    assert.ok(worst < TOL, `worst relative error ${worst.toExponential(2)} in ${name}`);
  });
}

test('the gradient check detects a wrong gradient (negative control)', () => {
  const model = new RnnClassifier({ ...base, arch: 'gru' }, 5);
  const batch = makeBatch(LENGTHS, base.vocabSize, 2, 6);
  const an = analyticGrads(model, batch, 7);
  const num = numericGrads(model, batch, 7);
  const w = an.get('rnn.weight_hh_l0_reverse')!;
  assert.ok(relError(w, num.get('rnn.weight_hh_l0_reverse')!) < TOL);
  let big = 0;
  for (let i = 0; i < w.length; i++) if (Math.abs(w[i]!) > Math.abs(w[big]!)) big = i;
  w[big]! *= 1.05; // a 5 % error in one element
  assert.ok(relError(w, num.get('rnn.weight_hh_l0_reverse')!) > TOL);
});
