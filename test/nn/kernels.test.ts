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

// n = 3 rows at this step, the first mPrev = 2 with a previous state, the first valid = 1 with a gradient from the
// next step; H = 5 (not a multiple of 4); outputs are rows of width ld = 7 (as when a bidirectional layer's two
// directions share rows), starting at column 1.
const n = 3, mPrev = 2, valid = 1, H = 5, ld = 7;
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const rng = new Rng(5);

function rand(len: number, scale = 2): Float32Array {
  const v = K.allocF32(len);
  for (let i = 0; i < len; i++) v[i] = rng.uniform(-scale, scale);
  return v;
}
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 2e-6): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    assert.ok(d <= tol * Math.max(1, Math.abs(expected[i]!)), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}
/** Column block [col, col+H) of each of the n rows of a [n, ld] buffer. */
function cols(buf: ArrayLike<number>, col: number): number[] {
  const r: number[] = [];
  for (let b = 0; b < n; b++) for (let k = 0; k < H; k++) r.push(buf[b * ld + col + k]!);
  return r;
}

test('tanh approximation stays within 3e-7 of Math.tanh', () => {
  let worst = 0;
  for (let x = -12; x <= 12; x += 1e-3) worst = Math.max(worst, Math.abs(K.kernelTanh(x) - Math.tanh(x)));
  assert.ok(worst < 3e-7, `max error ${worst}`);
});

test('lstm forward and backward step match the reference', () => {
  const g = rand(n * 4 * H), g0 = Float32Array.from(g), cPrev = rand(mPrev * H), c = K.allocF32(n * H);
  const out = K.allocF32(n * ld);
  K.lstmForward(g, cPrev, c, out.subarray(1), ld, n, mPrev, H);
  const act: number[] = [], ec: number[] = [], eh: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < H; k++) {
      const o = b * 4 * H;
      const i = sig(g0[o + k]!), f = sig(g0[o + H + k]!), gg = Math.tanh(g0[o + 2 * H + k]!), oo = sig(g0[o + 3 * H + k]!);
      const cc = f * (b < mPrev ? cPrev[b * H + k]! : 0) + i * gg;
      act[o + k] = i; act[o + H + k] = f; act[o + 2 * H + k] = gg; act[o + 3 * H + k] = oo;
      ec[b * H + k] = cc; eh[b * H + k] = oo * Math.tanh(cc);
    }
  }
  close(g, act, 'activations'); close(c, ec, 'c'); close(cols(out, 1), eh, 'h');
  assert.deepEqual(cols(out, 0).slice(0, 1), [0], 'columns outside the block stay untouched');

  const dOut = rand(n * ld), dhRec = rand(n * H), dcRec = rand(n * H), dc0 = Float32Array.from(dcRec);
  K.lstmBackward(g, c, cPrev, dOut.subarray(1), ld, dhRec, dcRec, n, valid, mPrev, H);
  const dg: number[] = [], edc: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < H; k++) {
      const o = b * 4 * H, q = b * H + k;
      const dh = dOut[b * ld + 1 + k]! + (b < valid ? dhRec[q]! : 0);
      const [i, f, gg, oo] = [act[o + k]!, act[o + H + k]!, act[o + 2 * H + k]!, act[o + 3 * H + k]!];
      const tc = Math.tanh(ec[q]!);
      const dc = (b < valid ? dc0[q]! : 0) + dh * oo * (1 - tc * tc);
      dg[o + k] = dc * gg * i * (1 - i);
      dg[o + H + k] = dc * (b < mPrev ? cPrev[q]! : 0) * f * (1 - f);
      dg[o + 2 * H + k] = dc * i * (1 - gg * gg);
      dg[o + 3 * H + k] = dh * tc * oo * (1 - oo);
      edc[q] = dc * f;
    }
  }
  close(g, dg, 'dgates'); close(dcRec, edc, 'dc prev');
});

test('gru forward and backward step match the reference', () => {
  const g = rand(n * 3 * H), g0 = Float32Array.from(g), sc = rand(n * 3 * H), bhn = rand(H);
  const hp = rand(n * H);
  hp.fill(0, mPrev * H); // rows without a previous state hold zeros (recurrent.ts gatherPrev)
  const hn = K.allocF32(n * H), out = K.allocF32(n * ld);
  K.gruForward(g, sc, bhn, hp, hn, out.subarray(2), ld, n, mPrev, H);
  const act: number[] = [], ehn: number[] = [], eh: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < H; k++) {
      const o = b * 3 * H, q = b * H + k, has = b < mPrev;
      const r = sig(g0[o + k]! + (has ? sc[o + k]! : 0)), z = sig(g0[o + H + k]! + (has ? sc[o + H + k]! : 0));
      const h = (has ? sc[o + 2 * H + k]! : 0) + bhn[k]!;
      const nn = Math.tanh(g0[o + 2 * H + k]! + r * h);
      act[o + k] = r; act[o + H + k] = z; act[o + 2 * H + k] = nn; ehn[q] = h;
      eh[q] = (1 - z) * nn + z * hp[q]!;
    }
  }
  close(g, act, 'activations'); close(hn, ehn, 'hn'); close(cols(out, 2), eh, 'h');

  const dOut = rand(n * ld), dhRec = rand(n * H), dh0 = Float32Array.from(dhRec);
  K.gruBackward(g, hn, hp, dOut.subarray(2), ld, dhRec, n, valid, H);
  const dg: number[] = [], dhn: number[] = [], edh: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < H; k++) {
      const o = b * 3 * H, q = b * H + k;
      const dh = dOut[b * ld + 2 + k]! + (b < valid ? dh0[q]! : 0);
      const [r, z, nn] = [act[o + k]!, act[o + H + k]!, act[o + 2 * H + k]!];
      const dan = dh * (1 - z) * (1 - nn * nn);
      dg[o + k] = dan * ehn[q]! * r * (1 - r);
      dg[o + H + k] = dh * (hp[q]! - nn) * z * (1 - z);
      dg[o + 2 * H + k] = dan;
      dhn[q] = dan * r; edh[q] = dh * z;
    }
  }
  close(g, dg, 'dgates'); close(hn, dhn, 'dhn'); close(dhRec, edh, 'dh direct');
});

test('rnn forward and backward step match the reference', () => {
  const g = rand(n * H), g0 = Float32Array.from(g), out = K.allocF32(n * ld);
  K.rnnForward(g, out.subarray(1), ld, n, H);
  const eh = Array.from(g0, Math.tanh);
  close(g, eh, 'h kept'); close(cols(out, 1), eh, 'h out');
  const dOut = rand(n * ld), dhRec = rand(n * H);
  K.rnnBackward(g, dOut.subarray(1), ld, dhRec, n, valid, H);
  close(g, eh.map((h, q) => {
    const b = Math.floor(q / H);
    return (dOut[b * ld + 1 + (q % H)]! + (b < valid ? dhRec[q]! : 0)) * (1 - h * h);
  }), 'dpre');
});

test('fillRows, copyRows and addColSums', () => {
  const row = rand(H), dst = K.allocF32(n * H);
  K.fillRows(dst, row, n, H);
  close(dst, Array.from({ length: n * H }, (_, q) => row[q % H]!), 'fill');
  const src = rand(n * ld), cp = K.allocF32(n * H);
  K.copyRows(cp, src.subarray(2), ld, n, H);
  close(cp, cols(src, 2), 'copy');
  const db = rand(H), db0 = Float32Array.from(db);
  K.addColSums(db, src.subarray(1), n, H, ld);
  close(db, Array.from(db0, (v, j) => v + src[1 + j]! + src[ld + 1 + j]! + src[2 * ld + 1 + j]!), 'colsum', 1e-6);
});

test('gatherRows and scatterAddRows (a row used twice accumulates twice)', () => {
  const V = 4, E = 5, table = rand(V * E), ids = K.allocI32(3);
  ids.set([2, 0, 2]);
  const out = K.allocF32(3 * E);
  K.gatherRows(out, table, ids, 3, E);
  close(out, [...ids].flatMap((id) => Array.from(table.subarray(id * E, (id + 1) * E))), 'gather');
  const dW = rand(V * E), dW0 = Float32Array.from(dW), dOut = rand(3 * E);
  K.scatterAddRows(dW, dOut, ids, 3, E);
  const expected = Array.from(dW0);
  [...ids].forEach((id, r) => { for (let e = 0; e < E; e++) expected[id * E + e]! += dOut[r * E + e]!; });
  close(dW, expected, 'scatter', 1e-6);
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
