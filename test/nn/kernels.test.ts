// The WASM element-wise kernels against straightforward float64 JavaScript references, with a hidden size that is
// not a multiple of 4 (partial SIMD chunks) and rows past their sequence length (masked steps).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import * as K from '../../src/nn/kernels.ts';
import { Rng } from '../../src/util/rng.ts';

const B = 3, H = 5, t = 2;
const lensArr = [4, 2, 3]; // row 1 is past its length at t = 2
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const rng = new Rng(5);

function rand(n: number, scale = 2): Float32Array {
  const v = K.allocF32(n);
  for (let i = 0; i < n; i++) v[i] = rng.uniform(-scale, scale);
  return v;
}
function lens(): Int32Array {
  const l = K.allocI32(B);
  l.set(lensArr);
  return l;
}
function close(actual: Float32Array, expected: ArrayLike<number>, what: string, tol = 2e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    assert.ok(d <= tol * Math.max(1, Math.abs(expected[i]!)), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test('tanh approximation stays within 3e-7 of Math.tanh', () => {
  let worst = 0;
  for (let x = -12; x <= 12; x += 1e-3) worst = Math.max(worst, Math.abs(K.kernelTanh(x) - Math.tanh(x)));
  assert.ok(worst < 3e-7, `max error ${worst}`);
});

test('lstm forward and backward step match the reference', () => {
  const g = rand(B * 4 * H), g0 = Float32Array.from(g);
  const cPrev = rand(B * H), hPrev = rand(B * H), c = K.allocF32(B * H), h = K.allocF32(B * H), tc = K.allocF32(B * H);
  const L = lens();
  K.lstmForward(g, cPrev, hPrev, c, h, tc, L, t, B, H);
  const eg: number[] = [], ec: number[] = [], eh: number[] = [], etc: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const k = b * H + j, o = b * 4 * H;
      if (t >= lensArr[b]!) {
        ec[k] = cPrev[k]!; eh[k] = hPrev[k]!;
        continue;
      }
      const i = sig(g0[o + j]!), f = sig(g0[o + H + j]!), gg = Math.tanh(g0[o + 2 * H + j]!), oo = sig(g0[o + 3 * H + j]!);
      ec[k] = f * cPrev[k]! + i * gg; etc[k] = Math.tanh(ec[k]!); eh[k] = oo * etc[k]!;
      eg[o + j] = i; eg[o + H + j] = f; eg[o + 2 * H + j] = gg; eg[o + 3 * H + j] = oo;
    }
  }
  close(c, ec, 'c'); close(h, eh, 'h');
  for (let b = 0; b < B; b++) {
    if (t >= lensArr[b]!) continue;
    close(g.subarray(b * 4 * H, (b + 1) * 4 * H), eg.slice(b * 4 * H, (b + 1) * 4 * H), 'act');
    close(tc.subarray(b * H, (b + 1) * H), etc.slice(b * H, (b + 1) * H), 'tanh c');
  }

  // backward: dL/d(pre-activations) by the chain rule, written out
  const dhOut = rand(B * H), dhRec = rand(B * H), dc = rand(B * H), dg = rand(B * 4 * H);
  const dhRec0 = Float32Array.from(dhRec), dc0 = Float32Array.from(dc);
  K.lstmBackward(g, tc, cPrev, dhOut, dhRec, dc, dg, L, t, B, H);
  const edg: number[] = [], edc: number[] = [], edh: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const k = b * H + j, o = b * 4 * H;
      const dh = dhOut[k]! + dhRec0[k]!;
      if (t >= lensArr[b]!) {
        edg[o + j] = edg[o + H + j] = edg[o + 2 * H + j] = edg[o + 3 * H + j] = 0;
        edc[k] = dc0[k]!; edh[k] = dh;
        continue;
      }
      const i = g[o + j]!, f = g[o + H + j]!, gg = g[o + 2 * H + j]!, oo = g[o + 3 * H + j]!, tcn = tc[k]!;
      const dct = dc0[k]! + dh * oo * (1 - tcn * tcn);
      edg[o + j] = dct * gg * i * (1 - i);
      edg[o + H + j] = dct * cPrev[k]! * f * (1 - f);
      edg[o + 2 * H + j] = dct * i * (1 - gg * gg);
      edg[o + 3 * H + j] = dh * tcn * oo * (1 - oo);
      edc[k] = dct * f; edh[k] = 0;
    }
  }
  close(dg, edg, 'dg'); close(dc, edc, 'dc'); close(dhRec, edh, 'dhRec');
});

test('gru forward and backward step match the reference', () => {
  const xg = rand(B * 3 * H), x0 = Float32Array.from(xg), hh = rand(B * 3 * H), hPrev = rand(B * H);
  const h = K.allocF32(B * H), hn = K.allocF32(B * H);
  const L = lens();
  K.gruForward(xg, hh, hPrev, h, hn, L, t, B, H);
  const eh: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const k = b * H + j, o = b * 3 * H;
      if (t >= lensArr[b]!) { eh[k] = hPrev[k]!; continue; }
      const r = sig(x0[o + j]! + hh[o + j]!), z = sig(x0[o + H + j]! + hh[o + H + j]!);
      const n = Math.tanh(x0[o + 2 * H + j]! + r * hh[o + 2 * H + j]!);
      eh[k] = (1 - z) * n + z * hPrev[k]!;
      close(xg.subarray(o + j, o + j + 1), [r], 'r');
      close(hn.subarray(k, k + 1), [hh[o + 2 * H + j]!], 'hn');
    }
  }
  close(h, eh, 'h');

  const dhOut = rand(B * H), dhRec = rand(B * H), dxg = rand(B * 3 * H), dhg = rand(B * 3 * H);
  const dhRec0 = Float32Array.from(dhRec);
  K.gruBackward(xg, hn, hPrev, dhOut, dhRec, dxg, dhg, L, t, B, H);
  const ex: number[] = [], eH: number[] = [], ed: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const k = b * H + j, o = b * 3 * H;
      const dh = dhOut[k]! + dhRec0[k]!;
      if (t >= lensArr[b]!) {
        ex[o + j] = ex[o + H + j] = ex[o + 2 * H + j] = eH[o + j] = eH[o + H + j] = eH[o + 2 * H + j] = 0;
        ed[k] = dh;
        continue;
      }
      const r = xg[o + j]!, z = xg[o + H + j]!, n = xg[o + 2 * H + j]!;
      const dnp = dh * (1 - z) * (1 - n * n);
      const dzp = dh * (hPrev[k]! - n) * z * (1 - z);
      const drp = dnp * hn[k]! * r * (1 - r);
      ex[o + j] = drp; ex[o + H + j] = dzp; ex[o + 2 * H + j] = dnp;
      eH[o + j] = drp; eH[o + H + j] = dzp; eH[o + 2 * H + j] = dnp * r;
      ed[k] = dh * z;
    }
  }
  close(dxg, ex, 'dxg'); close(dhg, eH, 'dhg'); close(dhRec, ed, 'dhRec');
});

test('rnn forward and backward step match the reference', () => {
  const pre = rand(B * H), hPrev = rand(B * H), h = K.allocF32(B * H);
  const L = lens();
  K.rnnForward(pre, hPrev, h, L, t, B, H);
  close(h, Array.from(pre, (x, k) => (t >= lensArr[Math.floor(k / H)]! ? hPrev[k]! : Math.tanh(x))), 'h');
  const dhRec = rand(B * H), dhRec0 = Float32Array.from(dhRec), dpre = rand(B * H);
  K.rnnBackward(h, null, dhRec, dpre, L, t, B, H);
  close(dpre, Array.from(h, (y, k) => (t >= lensArr[Math.floor(k / H)]! ? 0 : dhRec0[k]! * (1 - y * y))), 'dpre');
  close(dhRec, Array.from(dhRec0, (d, k) => (t >= lensArr[Math.floor(k / H)]! ? d : 0)), 'dhRec');
});

test('fillRows and addColSums', () => {
  const bias = rand(H), dst = K.allocF32(B * H);
  K.fillRows(dst, bias, B, H);
  close(dst, Array.from({ length: B * H }, (_, k) => bias[k % H]!), 'fill');
  const db = rand(H), db0 = Float32Array.from(db);
  K.addColSums(db, dst, B, H);
  close(db, Array.from(db0, (v, j) => v + B * bias[j]!), 'colsum', 1e-6);
});

test('allocator reuses freed blocks and rejects foreign arrays', () => {
  const a = K.allocF32(1000);
  const used = K.kernelMemoryInUse();
  K.release(a);
  const b = K.allocF32(1000);
  assert.equal(b.byteOffset, a.byteOffset);
  assert.equal(K.kernelMemoryInUse(), used);
  assert.throws(() => K.ptr(new Float32Array(4)), /not in kernel memory/);
  K.release(b);
});

test('the committed kernels.wasm is the build of assembly/kernels.ts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-wasm-'));
  const out = join(dir, 'kernels.wasm');
  execFileSync(process.execPath, ['assembly/build.mjs', out], { stdio: 'pipe' });
  assert.ok(readFileSync(out).equals(readFileSync('src/nn/kernels/kernels.wasm')),
    'src/nn/kernels/kernels.wasm is stale: run npm run build:kernels');
});
