/**
 * The optimizer kernels (assembly/kernels.ts adam_update, sgd_update, adadelta_update, rmsprop_update) run four
 * float32 lanes at a time, with the fused x + α·y terms in f64. They must give exactly what the per-element
 * definition gives — float32 rounding after each PyTorch tensor op, one rounding for a fused multiply-add — written
 * here in plain JavaScript (doubles + Math.fround, fully specified arithmetic). The values span many magnitudes,
 * signs, zeros and subnormals, and the lengths are not multiples of 4, so both the vector body and the scalar tail
 * are checked; any lane mix-up or extra rounding changes some of the ~4,000 results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adadeltaUpdate, adamUpdate, allocF32, release, rmspropUpdate, sgdUpdate } from '../../src/nn/kernels.ts';
import { Rng } from '../../src/util/rng.ts';

const r = Math.fround;
const N = 4099; // 1,024 vectors of 4 and a tail of 3

/** Float32 values of mixed sign and magnitude (1e-40 … 1e3), with exact zeros. */
function values(seed: number, scale: number): Float32Array {
  const rng = new Rng(seed);
  const out = allocF32(N);
  for (let i = 0; i < N; i++) {
    const u = rng.next();
    out[i] = i % 97 === 0 ? 0 : (u < 0.5 ? -1 : 1) * scale * 10 ** (-12 * rng.next()) * (1 + rng.next());
  }
  out[5] = 1e-40; // a subnormal
  return out;
}

/** In place, so the buffer stays in kernel memory. */
const abs = (a: Float32Array): Float32Array => { for (let i = 0; i < a.length; i++) a[i] = Math.abs(a[i]!); return a; };
const copy = (a: Float32Array): Float32Array => { const b = allocF32(a.length); b.set(a); return b; };

function assertSame(actual: Float32Array, expected: Float32Array, what: string): void {
  for (let j = 0; j < expected.length; j++) {
    if (!Object.is(actual[j], expected[j])) assert.fail(`${what}[${j}]: kernel ${actual[j]} vs reference ${expected[j]}`);
  }
}

for (const [decay, l2] of [[1, 0], [1, r(0.01)], [r(1 - 1e-3 * 0.01), 0]] as const) {
  test(`adam_update equals its per-element definition bit for bit (decay ${decay}, l2 ${l2})`, () => {
    const data = values(1, 1), grad = values(2, 1e-2), m = values(3, 1e-3), v = abs(values(4, 1e-6));
    const b1 = r(0.9), c1 = r(0.1), b2 = r(0.999), c2 = r(0.001), stepSize = r(1e-3 / (1 - 0.9 ** 3));
    const bc2Sqrt = r(Math.sqrt(1 - 0.999 ** 3)), eps = r(1e-8);
    const ed = copy(data), em = copy(m), ev = copy(v);
    for (let j = 0; j < N; j++) {
      let theta = ed[j]!;
      if (decay !== 1) theta = r(theta * decay);
      let g = grad[j]!;
      if (l2 !== 0) g = r(g + l2 * theta);
      const mj = r(r(em[j]! * b1) + c1 * g);
      const vj = r(r(ev[j]! * b2) + r(r(c2 * g) * g));
      em[j] = mj;
      ev[j] = vj;
      const denom = r(r(r(Math.sqrt(vj)) / bc2Sqrt) + eps);
      ed[j] = theta - r(r(stepSize * mj) / denom);
    }
    const vv = allocF32(N);
    vv.set(v);
    adamUpdate(data, grad, m, vv, decay, l2, b1, c1, b2, c2, stepSize, bc2Sqrt, eps);
    assertSame(m, em, 'exp_avg');
    assertSame(vv, ev, 'exp_avg_sq');
    assertSame(data, ed, 'param');
    for (const a of [data, grad, m, v, vv, ed, em, ev]) release(a);
  });
}

for (const [mom, nesterov, first, wd] of [[0, false, false, 0], [r(0.9), false, true, 0], [r(0.9), false, false, r(1e-4)],
  [r(0.9), true, false, r(1e-4)], [r(0.9), true, true, 0]] as const) {
  test(`sgd_update equals its per-element definition bit for bit (momentum ${mom}, nesterov ${nesterov}, first ${first}, wd ${wd})`, () => {
    const data = values(5, 1), grad = values(6, 1e-1), buf = mom ? values(7, 1e-1) : null;
    const lr = r(0.316);
    const ed = copy(data), eb = buf ? copy(buf) : null;
    for (let j = 0; j < N; j++) {
      const p = ed[j]!;
      let d = grad[j]!;
      if (wd !== 0) d = r(d + wd * p);
      if (eb) {
        const b = first ? d : r(r(mom * eb[j]!) + d);
        eb[j] = b;
        d = nesterov ? r(d + mom * b) : b;
      }
      ed[j] = p - lr * d;
    }
    sgdUpdate(data, grad, buf, lr, wd, mom, first, nesterov);
    if (buf) assertSame(buf, eb!, 'momentum_buffer');
    assertSame(data, ed, 'param');
  });
}

for (const wd of [0, r(1e-4)]) {
  test(`adadelta_update equals its per-element definition bit for bit (wd ${wd})`, () => {
    const data = values(8, 1), grad = values(9, 1e-2), s = abs(values(10, 1e-4)), a = abs(values(11, 1e-6));
    const ss = allocF32(N), aa = allocF32(N);
    ss.set(s);
    aa.set(a);
    const lr = r(0.316), rho = r(0.9), c = r(0.1), eps = r(1e-6);
    const ed = copy(data), es = copy(ss), ea = copy(aa);
    for (let j = 0; j < N; j++) {
      const p = ed[j]!;
      let g = grad[j]!;
      if (wd !== 0) g = r(g + wd * p);
      const sj = r(r(es[j]! * rho) + r(r(c * g) * g));
      es[j] = sj;
      const std = r(Math.sqrt(r(sj + eps)));
      const aj = ea[j]!;
      const delta = r(r(r(Math.sqrt(r(aj + eps))) / std) * g);
      ea[j] = r(aj * rho) + r(r(c * delta) * delta);
      ed[j] = p - lr * delta;
    }
    adadeltaUpdate(data, grad, ss, aa, lr, wd, rho, c, eps);
    assertSame(ss, es, 'square_avg');
    assertSame(aa, ea, 'acc_delta');
    assertSame(data, ed, 'param');
  });
}

for (const [mom, wd] of [[0, 0], [r(0.9), r(1e-4)]] as const) {
  test(`rmsprop_update equals its per-element definition bit for bit (momentum ${mom}, wd ${wd})`, () => {
    const data = values(12, 1), grad = values(13, 1e-2), s0 = abs(values(14, 1e-4));
    const s = allocF32(N);
    s.set(s0);
    const b = mom ? values(15, 1e-2) : null;
    const lr = r(0.01), alpha = r(0.99), c = r(0.01), eps = r(1e-8);
    const ed = copy(data), es = copy(s), eb = b ? copy(b) : null;
    for (let j = 0; j < N; j++) {
      const p = ed[j]!;
      let g = grad[j]!;
      if (wd !== 0) g = r(g + wd * p);
      const sj = r(r(es[j]! * alpha) + r(r(c * g) * g));
      es[j] = sj;
      const avg = r(r(Math.sqrt(sj)) + eps);
      if (eb) {
        const bj = r(r(eb[j]! * mom) + r(g / avg));
        eb[j] = bj;
        ed[j] = p - lr * bj;
      } else {
        ed[j] = p - r(r(lr * g) / avg);
      }
    }
    rmspropUpdate(data, grad, s, b, lr, wd, alpha, c, eps, mom);
    assertSame(s, es, 'square_avg');
    if (b) assertSame(b, eb!, 'momentum_buffer');
    assertSame(data, ed, 'param');
  });
}
