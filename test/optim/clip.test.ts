/** clipGradNorm vs torch.nn.utils.clip_grad_norm_ (fixtures/torch/optim-clip.json). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { makeParam } from '../../src/nn/param.ts';
import { clipGradNorm, gradNorm } from '../../src/optim/index.ts';
import { UserError } from '../../src/util/errors.ts';

interface ClipFixture {
  shapes: number[][];
  cases: { maxNorm: number; grads: number[][]; norm: number; after: number[][] }[];
}
const fx = JSON.parse(readFileSync(new URL('../../fixtures/torch/optim-clip.json', import.meta.url), 'utf8')) as
  ClipFixture;

test('fixture has clipped and unclipped cases', () => {
  const clipped = fx.cases.filter((c) => c.norm > c.maxNorm).length;
  assert.ok(clipped >= 2 && clipped < fx.cases.length);
});

for (const [k, c] of fx.cases.entries()) {
  test(`matches clip_grad_norm_ case ${k} (norm ${c.norm.toFixed(4)}, max ${c.maxNorm})`, () => {
    const params = fx.shapes.map((s, i) => {
      const p = makeParam(`p${i}`, s);
      p.grad.set(c.grads[i]);
      return p;
    });
    const norm = clipGradNorm(params, c.maxNorm);
    // torch sums squares in float32, we in double: the norms agree to ~1e-7 relative.
    assert.ok(Math.abs(norm - c.norm) <= 1e-6 * c.norm, `norm ${norm} vs ${c.norm}`);
    params.forEach((p, i) => p.grad.forEach((g, j) => {
      const e = c.after[i][j];
      assert.ok(Math.abs(g - e) <= 1e-6 * Math.abs(e) + 1e-9, `grad ${i}[${j}] ${g} vs ${e}`);
    }));
    if (c.norm > c.maxNorm) assert.ok(Math.abs(gradNorm(params) - c.maxNorm) < 1e-5 * c.maxNorm);
    else assert.deepEqual(params.map((p) => Array.from(p.grad)), c.grads); // untouched, bit for bit
  });
}

test('non-finite norm and bad maxNorm are UserErrors; grads left untouched', () => {
  const p = makeParam('w', [3]);
  p.grad.set([1, NaN, 2]);
  assert.throws(() => clipGradNorm([p], 1), (e: unknown) => e instanceof UserError && /diverged/.test(e.message));
  p.grad.set([1, 2, 2]);
  assert.throws(() => clipGradNorm([p], 0), UserError);
  assert.throws(() => clipGradNorm([p], NaN), UserError);
  assert.equal(gradNorm([p]), 3);
  assert.deepEqual(Array.from(p.grad), [1, 2, 2]);
});

test('a sparse gradient (gradRows) gives the dense norm and scaling bit for bit, touching only its rows', () => {
  const rows = Int32Array.of(1, 4, 5, 9);
  const make = (sparse: boolean) => {
    const p = makeParam('embedding.weight', [12, 3]);
    for (const r of rows) for (let e = 0; e < 3; e++) p.grad[r * 3 + e] = Math.fround(Math.sin(r * 7 + e) * (e + 1));
    if (sparse) p.gradRows = rows;
    const q = makeParam('fc.weight', [2, 2]);
    q.grad.set([0.5, -0.25, 3, 1e-3]);
    return [p, q];
  };
  const dense = make(false), sparse = make(true);
  assert.ok(Object.is(gradNorm(sparse), gradNorm(dense)));
  assert.ok(Object.is(clipGradNorm(sparse, 0.5), clipGradNorm(dense, 0.5)));
  sparse.forEach((p, i) => assert.deepEqual(Array.from(p.grad), Array.from(dense[i]!.grad)));
  // it really reads only the listed rows: a value planted in an unlisted row is ignored (which is why the model
  // must keep every other row at +0)
  const planted = make(true);
  planted[0]!.grad[0] = 100;
  assert.ok(Object.is(gradNorm(planted), gradNorm(make(false))));
});
