// Element-wise kernels of the recurrent layers, in AssemblyScript, compiled to WebAssembly with 128-bit SIMD.
// Build: `npm run build:kernels` → src/nn/kernels/kernels.wasm (committed; a test checks it matches this source).
//
// Why WASM: V8's Math.exp/Math.tanh cost ~30 ns a call, so the JavaScript gate loop of an LSTM step took 250 ms per
// training step (W1 workload) — more than PyTorch's whole step. Four lanes at once with the rational tanh below
// bring it to ~20 ms.
//
// Conventions (they follow src/nn/recurrent.ts): every pointer is a byte offset into the shared memory that the
// host (src/nn/kernels.ts) allocates from; sizes are element counts. Sequences are *packed* time-major (like PyTorch's
// PackedSequence, src/nn/packing.ts): a step's rows are the n sequences still running, longest first, and the first
// mPrev of them have a previous state (the rest start from zero), so no kernel needs a mask. Gate rows are
// [G*H] wide in PyTorch's block order; a layer's output rows are `ld` wide (2H when bidirectional) and `out` points
// at this direction's first column.
// tanh(x) ≈ p(x)/q(x): the odd/even rational approximation used by Eigen (and XLA) for float32, clamped at ±7.905
// where tanh rounds to ±1 in float32. Max error against Math.tanh: 2.8e-7 (test/nn/kernels.test.ts).
const A1: f32 = 4.89352455891786e-03;
const A3: f32 = 6.37261928875436e-04;
const A5: f32 = 1.48572235717979e-05;
const A7: f32 = 5.12229709037114e-08;
const A9: f32 = -8.60467152213735e-11;
const A11: f32 = 2.00018790482477e-13;
const A13: f32 = -2.76076847742355e-16;
const B0: f32 = 4.89352518554385e-03;
const B2: f32 = 2.26843463243900e-03;
const B4: f32 = 1.18534705686654e-04;
const B6: f32 = 1.19825839466702e-06;
const CLAMP: f32 = 7.90531110763549805;

@inline function tanh4(x: v128): v128 {
  // pmax/pmin (x86's maxps/minps, one instruction each) rather than max/min, whose NaN and ±0 rules V8 emulates in
  // about nine instructions each. With x as the first operand both return x when it is NaN (so a NaN still comes
  // out NaN), and they agree with max/min on every other input, ±0 included, so the results are the same bits.
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-CLAMP)), f32x4.splat(CLAMP));
  const x2 = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(x2, f32x4.splat(A13)), f32x4.splat(A11));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(A9));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(A7));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(A5));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(A3));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(A1));
  p = f32x4.mul(x, p);
  let q = f32x4.add(f32x4.mul(x2, f32x4.splat(B6)), f32x4.splat(B4));
  q = f32x4.add(f32x4.mul(x2, q), f32x4.splat(B2));
  q = f32x4.add(f32x4.mul(x2, q), f32x4.splat(B0));
  return f32x4.div(p, q);
}

// σ(x) = ½ + ½·tanh(x/2): exact identity, so σ inherits tanh's accuracy.
@inline function sigmoid4(x: v128): v128 {
  const half = f32x4.splat(0.5);
  return f32x4.add(half, f32x4.mul(half, tanh4(f32x4.mul(half, x))));
}

@inline function one_minus_sq(y: v128): v128 {
  return f32x4.sub(f32x4.splat(1), f32x4.mul(y, y));
}

@inline function dsigmoid(y: v128): v128 {
  return f32x4.mul(y, f32x4.sub(f32x4.splat(1), y));
}

// Rows are packed (row b+1 starts right after row b), so when H is not a multiple of 4 the last chunk of a row is
// partial: these load/store only its n < 4 real lanes instead of spilling into the next row.
@inline function load4(ptr: usize, n: i32): v128 {
  if (n >= 4) return v128.load(ptr);
  let v = f32x4.splat(0);
  if (n > 0) v = f32x4.replace_lane(v, 0, load<f32>(ptr));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(ptr, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(ptr, 8));
  return v;
}

@inline function store4(ptr: usize, v: v128, n: i32): void {
  if (n >= 4) { v128.store(ptr, v); return; }
  if (n > 0) store<f32>(ptr, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(ptr, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(ptr, f32x4.extract_lane(v, 2), 8);
}


// ---------------------------------------------------------------------------------------------------------------
// Flush-to-zero of the gradients the GEMMs read (src/nn/fpenv.ts says why): a gradient whose magnitude is below
// the smallest normal float32 (1.1754944e-38) is stored as ±0, so no BLAS ever multiplies a subnormal,
// which costs ~100 cycles a multiply-add on Intel cores. WebAssembly itself always keeps subnormals, and MXCSR's
// flush bits cannot be set on every platform, so the backward kernels do it themselves: 3 SIMD ops a vector. NaN
// compares false and passes through. set_denormal_flush(0) turns it off (RNNLAB_DENORMALS=keep), for measurements.
let flushBelow: f32 = 1.1754944e-38;

export function set_denormal_flush(on: i32): void {
  flushBelow = on ? 1.1754944e-38 : 0;
}

// Clears all but the sign bit where |v| < below: ±0, as MXCSR's FTZ gives.
@inline function ftz(v: v128, below: v128): v128 {
  return v128.andnot(v, v128.and(f32x4.lt(f32x4.abs(v), below), i32x4.splat(0x7fffffff)));
}

// Scalar check of the flush, for tests: x as the backward kernels would store it.
export function flush_f32(x: f32): f32 {
  return f32x4.extract_lane(ftz(f32x4.splat(x), f32x4.splat(flushBelow)), 0);
}

// ---------------------------------------------------------------------------------------------------------------
// LSTM step (equations: src/nn/lstm.ts). g: [n,4H] pre-activations (x·W_ihᵀ + b + h·W_hhᵀ) in, activations (i,f,g,o)
// out, in place; cPrev: the previous step's first mPrev rows of c; c: [n,H] new cell state; out: new h.
export function lstm_forward(g: usize, cPrev: usize, c: usize, out: usize, ld: i32, n: i32, mPrev: i32, H: i32): void {
  const rowG = <usize>(4 * H) << 2, rowH = <usize>H << 2, rowO = <usize>ld << 2, HB = <usize>H << 2;
  for (let b = 0; b < n; b++) {
    const gb = g + <usize>b * rowG, cb = c + <usize>b * rowH, pb = cPrev + <usize>b * rowH, ob = out + <usize>b * rowO;
    const hasPrev = b < mPrev;
    // Two chunks of 4 per pass. Each chunk is a long chain of dependent operations (the gates' rational tanh, then
    // tanh(c')); two independent chains side by side let the core overlap them. Measured on a Zen 3 core, 32 rows ×
    // 128 (with pmin/pmax in tanh4): 68 → 32 µs a call; lstm_backward 77 → 22, gru_forward 91 → 26, rnn_forward
    // 21 → 4 µs (the same two-chunk pass in each). Four chunks a pass were no faster. Same operations per element,
    // so the same bits.
    let j = 0;
    for (; j + 8 <= H; j += 8) {
      lstmForward4(gb, cb, pb, ob, <usize>j << 2, 4, HB, hasPrev);
      lstmForward4(gb, cb, pb, ob, <usize>(j + 4) << 2, 4, HB, hasPrev);
    }
    for (; j < H; j += 4) lstmForward4(gb, cb, pb, ob, <usize>j << 2, H - j, HB, hasPrev);
  }
}

@inline function lstmForward4(gb: usize, cb: usize, pb: usize, ob: usize, o4: usize, m: i32, HB: usize, hasPrev: bool): void {
  const i = sigmoid4(load4(gb + o4, m));
  const f = sigmoid4(load4(gb + HB + o4, m));
  const gg = tanh4(load4(gb + 2 * HB + o4, m));
  const o = sigmoid4(load4(gb + 3 * HB + o4, m));
  let cn = f32x4.mul(i, gg);
  if (hasPrev) cn = f32x4.add(f32x4.mul(f, load4(pb + o4, m)), cn);
  store4(gb + o4, i, m); store4(gb + HB + o4, f, m); store4(gb + 2 * HB + o4, gg, m); store4(gb + 3 * HB + o4, o, m);
  store4(cb + o4, cn, m);
  store4(ob + o4, f32x4.mul(o, tanh4(cn)), m);
}

// LSTM step backward. g: activations in, gradients w.r.t. the pre-activations out (in place); c / cPrev as in forward;
// dOut: [n, ld] gradient w.r.t. this step's h from outside the recurrence (layer above, pooling, head);
// dhRec / dcRec: [n,H] gradients w.r.t. h and c from the step processed before (the next time step), valid for the
// first `valid` rows (0 for the others); out: dcRec ← dL/dc_{t−1}. dL/dh_{t−1} is then dg·W_hh (a GEMM on the host).
export function lstm_backward(g: usize, c: usize, cPrev: usize, dOut: usize, ld: i32, dhRec: usize, dcRec: usize,
                              n: i32, valid: i32, mPrev: i32, H: i32): void {
  const rowG = <usize>(4 * H) << 2, rowH = <usize>H << 2, rowO = <usize>ld << 2, HB = <usize>H << 2;
  const tiny = f32x4.splat(flushBelow);
  for (let b = 0; b < n; b++) {
    const gb = g + <usize>b * rowG, cb = c + <usize>b * rowH, pb = cPrev + <usize>b * rowH, ob = dOut + <usize>b * rowO;
    const hr = dhRec + <usize>b * rowH, cr = dcRec + <usize>b * rowH;
    const hasRec = b < valid, hasPrev = b < mPrev;
    // two chunks of 4 per pass, as in lstm_forward (tanh(c) heads a chain the core cannot overlap on its own)
    let j = 0;
    for (; j + 8 <= H; j += 8) {
      lstmBackward4(gb, cb, pb, ob, hr, cr, <usize>j << 2, 4, HB, hasRec, hasPrev, tiny);
      lstmBackward4(gb, cb, pb, ob, hr, cr, <usize>(j + 4) << 2, 4, HB, hasRec, hasPrev, tiny);
    }
    for (; j < H; j += 4) lstmBackward4(gb, cb, pb, ob, hr, cr, <usize>j << 2, H - j, HB, hasRec, hasPrev, tiny);
  }
}

@inline function lstmBackward4(gb: usize, cb: usize, pb: usize, ob: usize, hr: usize, cr: usize, o4: usize, m: i32,
                               HB: usize, hasRec: bool, hasPrev: bool, tiny: v128): void {
  const one = f32x4.splat(1);
  let dh = load4(ob + o4, m);
  let dc = f32x4.splat(0);
  if (hasRec) { dh = f32x4.add(dh, load4(hr + o4, m)); dc = load4(cr + o4, m); }
  const i = load4(gb + o4, m), f = load4(gb + HB + o4, m), gg = load4(gb + 2 * HB + o4, m), o = load4(gb + 3 * HB + o4, m);
  const tc = tanh4(load4(cb + o4, m));
  dc = f32x4.add(dc, f32x4.mul(f32x4.mul(dh, o), f32x4.sub(one, f32x4.mul(tc, tc))));
  const cp = hasPrev ? load4(pb + o4, m) : f32x4.splat(0);
  store4(gb + o4, ftz(f32x4.mul(f32x4.mul(dc, gg), dsigmoid(i)), tiny), m);
  store4(gb + HB + o4, ftz(f32x4.mul(f32x4.mul(dc, cp), dsigmoid(f)), tiny), m);
  store4(gb + 2 * HB + o4, ftz(f32x4.mul(f32x4.mul(dc, i), one_minus_sq(gg)), tiny), m);
  store4(gb + 3 * HB + o4, ftz(f32x4.mul(f32x4.mul(dh, tc), dsigmoid(o)), tiny), m);
  store4(cr + o4, ftz(f32x4.mul(dc, f), tiny), m);
}

// ---------------------------------------------------------------------------------------------------------------
// GRU step (equations: src/nn/gru.ts; reset applied after the recurrent product, as PyTorch).
// g: [n,3H] input side x·W_ihᵀ + b_ih + [b_hr, b_hz, 0] in, activations (r,z,n) out, in place; sc: [n,3H] h·W_hhᵀ
// for the first mPrev rows (no bias); bhn: b_hn [H]; hp: [n,H] previous h (zero rows where there is none);
// hn: [n,H] out, W_hn·h + b_hn saved for backward; out: new h.
export function gru_forward(g: usize, sc: usize, bhn: usize, hp: usize, hn: usize, out: usize, ld: i32,
                            n: i32, mPrev: i32, H: i32): void {
  const rowG = <usize>(3 * H) << 2, rowH = <usize>H << 2, rowO = <usize>ld << 2, HB = <usize>H << 2;
  for (let b = 0; b < n; b++) {
    const gb = g + <usize>b * rowG, sb = sc + <usize>b * rowG, hb = <usize>b * rowH, ob = out + <usize>b * rowO;
    const hasPrev = b < mPrev;
    // Two chunks of 4 per pass, as in lstm_forward: r, then tanh(… r ⊙ …) is a chain of two transcendentals.
    let j = 0;
    for (; j + 8 <= H; j += 8) {
      gruForward4(gb, sb, bhn, hp + hb, hn + hb, ob, <usize>j << 2, 4, HB, hasPrev);
      gruForward4(gb, sb, bhn, hp + hb, hn + hb, ob, <usize>(j + 4) << 2, 4, HB, hasPrev);
    }
    for (; j < H; j += 4) gruForward4(gb, sb, bhn, hp + hb, hn + hb, ob, <usize>j << 2, H - j, HB, hasPrev);
  }
}

@inline function gruForward4(gb: usize, sb: usize, bhn: usize, hpb: usize, hnb: usize, ob: usize, o4: usize, m: i32,
                             HB: usize, hasPrev: bool): void {
  let ar = load4(gb + o4, m), az = load4(gb + HB + o4, m), hnv = load4(bhn + o4, m);
  if (hasPrev) {
    ar = f32x4.add(ar, load4(sb + o4, m));
    az = f32x4.add(az, load4(sb + HB + o4, m));
    hnv = f32x4.add(load4(sb + 2 * HB + o4, m), hnv);
  }
  const r = sigmoid4(ar), z = sigmoid4(az);
  const nn = tanh4(f32x4.add(load4(gb + 2 * HB + o4, m), f32x4.mul(r, hnv)));
  store4(gb + o4, r, m); store4(gb + HB + o4, z, m); store4(gb + 2 * HB + o4, nn, m);
  store4(hnb + o4, hnv, m);
  store4(ob + o4, f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1), z), nn), f32x4.mul(z, load4(hpb + o4, m))), m);
}

// GRU step backward. g: activations (r,z,n) in; out: gradients w.r.t. the input-side pre-activations (in place);
// hn in: saved W_hn·h + b_hn, out: gradient w.r.t. it (= d n-pre-activation ⊙ r); dhRec as for the LSTM, out: the
// direct path dh ⊙ z (the host adds the gate paths with two GEMMs).
export function gru_backward(g: usize, hn: usize, hp: usize, dOut: usize, ld: i32, dhRec: usize,
                             n: i32, valid: i32, H: i32): void {
  const rowG = <usize>(3 * H) << 2, rowH = <usize>H << 2, rowO = <usize>ld << 2, HB = <usize>H << 2;
  const one = f32x4.splat(1), tiny = f32x4.splat(flushBelow);
  for (let b = 0; b < n; b++) {
    const gb = g + <usize>b * rowG, hb = <usize>b * rowH, ob = dOut + <usize>b * rowO;
    const hasRec = b < valid;
    for (let j = 0; j < H; j += 4) {
      const m = H - j, o4 = <usize>j << 2;
      let dh = load4(ob + o4, m);
      if (hasRec) dh = f32x4.add(dh, load4(dhRec + hb + o4, m));
      const r = load4(gb + o4, m), z = load4(gb + HB + o4, m), nn = load4(gb + 2 * HB + o4, m);
      const dan = f32x4.mul(f32x4.mul(dh, f32x4.sub(one, z)), one_minus_sq(nn));
      const dz = f32x4.mul(dh, f32x4.sub(load4(hp + hb + o4, m), nn));
      store4(gb + o4, ftz(f32x4.mul(f32x4.mul(dan, load4(hn + hb + o4, m)), dsigmoid(r)), tiny), m);
      store4(gb + HB + o4, ftz(f32x4.mul(dz, dsigmoid(z)), tiny), m);
      store4(gb + 2 * HB + o4, ftz(dan, tiny), m);
      store4(hn + hb + o4, ftz(f32x4.mul(dan, r), tiny), m);
      store4(dhRec + hb + o4, ftz(f32x4.mul(dh, z), tiny), m);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Elman RNN step: g: [n,H] pre-activations in, h = tanh(·) out (in place, kept for backward) and copied to out.
export function rnn_forward(g: usize, out: usize, ld: i32, n: i32, H: i32): void {
  const rowH = <usize>H << 2, rowO = <usize>ld << 2;
  for (let b = 0; b < n; b++) {
    const gb = g + <usize>b * rowH, ob = out + <usize>b * rowO;
    let j = 0;
    // Two chunks per pass, as in lstm_forward, written out with both loads first: a helper called twice, as the
    // other kernels do, measured slower here (4.6–7.9 against 4.3–4.5 µs for 32 rows × 128).
    for (; j + 8 <= H; j += 8) {
      const o4 = <usize>j << 2, o8 = <usize>(j + 4) << 2;
      const h = tanh4(v128.load(gb + o4)), h2 = tanh4(v128.load(gb + o8));
      v128.store(gb + o4, h); v128.store(ob + o4, h); v128.store(gb + o8, h2); v128.store(ob + o8, h2);
    }
    for (; j < H; j += 4) {
      const m = H - j, o4 = <usize>j << 2;
      const h = tanh4(load4(gb + o4, m));
      store4(gb + o4, h, m); store4(ob + o4, h, m);
    }
  }
}

// Elman RNN step backward: g: h in, gradient w.r.t. the pre-activation out: (dOut + dhRec)·(1 − h²).
export function rnn_backward(g: usize, dOut: usize, ld: i32, dhRec: usize, n: i32, valid: i32, H: i32): void {
  const rowH = <usize>H << 2, rowO = <usize>ld << 2, tiny = f32x4.splat(flushBelow);
  for (let b = 0; b < n; b++) {
    const gb = g + <usize>b * rowH, ob = dOut + <usize>b * rowO, rb = dhRec + <usize>b * rowH;
    const hasRec = b < valid;
    for (let j = 0; j < H; j += 4) {
      const m = H - j, o4 = <usize>j << 2;
      let dh = load4(ob + o4, m);
      if (hasRec) dh = f32x4.add(dh, load4(rb + o4, m));
      store4(gb + o4, ftz(f32x4.mul(dh, one_minus_sq(load4(gb + o4, m))), tiny), m);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers around the GEMMs.

// dst[r,:] = row for r < rows (initialises a product's output with its bias; the GEMM then accumulates, beta = 1).
export function fill_rows(dst: usize, row: usize, rows: i32, cols: i32): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) memory.copy(dst + <usize>r * bytes, row, bytes);
}

// dst[r,:] = src[r*ld, …+cols) for r < rows (gathers the previous hidden state out of a wider output buffer).
export function copy_rows(dst: usize, src: usize, ld: i32, rows: i32, cols: i32): void {
  const bytes = <usize>cols << 2, stride = <usize>ld << 2;
  for (let r = 0; r < rows; r++) memory.copy(dst + <usize>r * bytes, src + <usize>r * stride, bytes);
}

// db[j] += Σ_r src[r*ld + j] for j < cols (bias gradients; src may point into a row at a column offset).
export function add_col_sums(db: usize, src: usize, rows: i32, cols: i32, ld: i32): void {
  const row = <usize>ld << 2;
  for (let r = 0; r < rows; r++) {
    const sr = src + <usize>r * row;
    for (let j = 0; j < cols; j += 4) {
      const n = cols - j, o4 = <usize>j << 2;
      store4(db + o4, f32x4.add(load4(db + o4, n), load4(sr + o4, n)), n);
    }
  }
}

// Scalar tanh with the same approximation (tests compare against Math.tanh).
export function tanh_f32(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Optimizer updates (one fused pass per parameter tensor). They mirror src/optim/*.ts formula for formula and
// reproduce PyTorch 1.13's float32 results bit for bit (test/optim): each PyTorch tensor op rounds to float32,
// scalars arrive already rounded to float32, and a fused multiply-add in PyTorch's vectorised kernels (x + α·y) is
// one rounding of the exact value.
//
// Four lanes of f32 at a time. A float32 operation (+ − × ÷ √) on float32 inputs gives exactly the float32 rounding of
// the exact result, which is also what "compute in f64, then round to f32" gives (f64 has more than 2·24 + 2
// significand bits, so the double rounding is innocuous): the f32x4 code is bit-identical to the scalar reference
// r(a op b) below, which the earlier f64 kernels used. Only the fused x + α·y needs more than float32: its product is
// exact in f64 (24 + 24 bits), so fma4 computes it on two f64x2 halves and rounds once to float32.
// Speed: README "Optimizer updates" (≈ 3–8× faster than the f64 loops, same numbers).

@inline function r(x: f64): f64 {
  return <f64><f32>x;
}
@inline function ld(p: usize, j: usize): f64 {
  return <f64>load<f32>(p + (j << 2));
}
@inline function st(p: usize, j: usize, x: f64): void {
  store<f32>(p + (j << 2), <f32>x);
}
@inline function ld4(p: usize, j: usize): v128 {
  return v128.load(p + (j << 2));
}
@inline function st4(p: usize, j: usize, x: v128): void {
  v128.store(p + (j << 2), x);
}

// x + α·y per lane, rounded once to float32 (α a float32 value held as f64x2).
@inline function fma4(x: v128, alpha: v128, y: v128): v128 {
  const xh = v128.shuffle<i32>(x, x, 2, 3, 2, 3), yh = v128.shuffle<i32>(y, y, 2, 3, 2, 3);
  const lo = f64x2.add(f64x2.promote_low_f32x4(x), f64x2.mul(alpha, f64x2.promote_low_f32x4(y)));
  const hi = f64x2.add(f64x2.promote_low_f32x4(xh), f64x2.mul(alpha, f64x2.promote_low_f32x4(yh)));
  // (lanes 0–1 of lo's and hi's float32 results; this combine measured faster in V8 than an i64 shuffle)
  return i64x2.replace_lane(f32x4.demote_f64x2_zero(lo), 1, i64x2.extract_lane(f32x4.demote_f64x2_zero(hi), 0));
}

// Adam / AdamW (src/optim/adam.ts). decay = 1 − lr·wd (AdamW) or 1; l2 = wd (Adam) or 0.
export function adam_update(data: usize, grad: usize, m: usize, v: usize, n: i32, decay: f64, l2: f64,
                            b1: f64, c1: f64, b2: f64, c2: f64, stepSize: f64, bc2Sqrt: f64, eps: f64): void {
  const vb1 = f32x4.splat(<f32>b1), vb2 = f32x4.splat(<f32>b2), vc2 = f32x4.splat(<f32>c2);
  const vss = f32x4.splat(<f32>stepSize), vbc = f32x4.splat(<f32>bc2Sqrt), veps = f32x4.splat(<f32>eps);
  const vdecay = f32x4.splat(<f32>decay), wl2 = f64x2.splat(l2), wc1 = f64x2.splat(c1);
  const n4 = <usize>n & ~3;
  for (let j: usize = 0; j < n4; j += 4) {
    let theta = ld4(data, j);
    if (decay != 1) theta = f32x4.mul(theta, vdecay);
    let g = ld4(grad, j);
    if (l2 != 0) g = fma4(g, wl2, theta);
    const mj = fma4(f32x4.mul(ld4(m, j), vb1), wc1, g);
    const vj = f32x4.add(f32x4.mul(ld4(v, j), vb2), f32x4.mul(f32x4.mul(vc2, g), g));
    st4(m, j, mj);
    st4(v, j, vj);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vj), vbc), veps);
    st4(data, j, f32x4.sub(theta, f32x4.div(f32x4.mul(vss, mj), denom)));
  }
  for (let j = n4; j < <usize>n; j++) {
    let theta = ld(data, j);
    if (decay != 1) theta = r(theta * decay);
    let g = ld(grad, j);
    if (l2 != 0) g = r(g + l2 * theta);
    const mj = r(r(ld(m, j) * b1) + c1 * g);
    const vj = r(r(ld(v, j) * b2) + r(r(c2 * g) * g));
    st(m, j, mj);
    st(v, j, vj);
    const denom = r(r(r(Math.sqrt(vj)) / bc2Sqrt) + eps);
    st(data, j, theta - r(r(stepSize * mj) / denom));
  }
}

// SGD with optional (Nesterov) momentum (src/optim/sgd.ts). buf = 0 when momentum is 0.
export function sgd_update(data: usize, grad: usize, buf: usize, n: i32, lr: f64, wd: f64, mu: f64,
                           first: bool, nesterov: bool): void {
  const vmu = f32x4.splat(<f32>mu), wwd = f64x2.splat(wd), wmu = f64x2.splat(mu), wlr = f64x2.splat(-lr);
  const n4 = <usize>n & ~3;
  for (let j: usize = 0; j < n4; j += 4) {
    const p = ld4(data, j);
    let d = ld4(grad, j);
    if (wd != 0) d = fma4(d, wwd, p);
    if (buf) {
      const b = first ? d : f32x4.add(f32x4.mul(vmu, ld4(buf, j)), d);
      st4(buf, j, b);
      d = nesterov ? fma4(d, wmu, b) : b;
    }
    st4(data, j, fma4(p, wlr, d));
  }
  for (let j = n4; j < <usize>n; j++) {
    const p = ld(data, j);
    let d = ld(grad, j);
    if (wd != 0) d = r(d + wd * p);
    if (buf) {
      const b = first ? d : r(r(mu * ld(buf, j)) + d);
      st(buf, j, b);
      d = nesterov ? r(d + mu * b) : b;
    }
    st(data, j, p - lr * d);
  }
}

// Adadelta (src/optim/adadelta.ts).
export function adadelta_update(data: usize, grad: usize, s: usize, a: usize, n: i32, lr: f64, wd: f64,
                                rho: f64, c: f64, eps: f64): void {
  const vrho = f32x4.splat(<f32>rho), vc = f32x4.splat(<f32>c), veps = f32x4.splat(<f32>eps);
  const wwd = f64x2.splat(wd), wlr = f64x2.splat(-lr);
  const n4 = <usize>n & ~3;
  for (let j: usize = 0; j < n4; j += 4) {
    const p = ld4(data, j);
    let g = ld4(grad, j);
    if (wd != 0) g = fma4(g, wwd, p);
    const sj = f32x4.add(f32x4.mul(ld4(s, j), vrho), f32x4.mul(f32x4.mul(vc, g), g));
    st4(s, j, sj);
    const std = f32x4.sqrt(f32x4.add(sj, veps));
    const aj = ld4(a, j);
    const delta = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(aj, veps)), std), g);
    st4(a, j, f32x4.add(f32x4.mul(aj, vrho), f32x4.mul(f32x4.mul(vc, delta), delta)));
    st4(data, j, fma4(p, wlr, delta));
  }
  for (let j = n4; j < <usize>n; j++) {
    const p = ld(data, j);
    let g = ld(grad, j);
    if (wd != 0) g = r(g + wd * p);
    const sj = r(r(ld(s, j) * rho) + r(r(c * g) * g));
    st(s, j, sj);
    const std = r(Math.sqrt(r(sj + eps)));
    const aj = ld(a, j);
    const delta = r(r(r(Math.sqrt(r(aj + eps))) / std) * g);
    st(a, j, r(aj * rho) + r(r(c * delta) * delta));
    st(data, j, p - lr * delta);
  }
}

// RMSprop with optional momentum (src/optim/rmsprop.ts). b = 0 when momentum is 0.
export function rmsprop_update(data: usize, grad: usize, s: usize, b: usize, n: i32, lr: f64, wd: f64,
                               alpha: f64, c: f64, eps: f64, mu: f64): void {
  const valpha = f32x4.splat(<f32>alpha), vc = f32x4.splat(<f32>c), veps = f32x4.splat(<f32>eps);
  const vmu = f32x4.splat(<f32>mu), vlr = f32x4.splat(<f32>lr), wwd = f64x2.splat(wd), wlr = f64x2.splat(-lr);
  const n4 = <usize>n & ~3;
  for (let j: usize = 0; j < n4; j += 4) {
    const p = ld4(data, j);
    let g = ld4(grad, j);
    if (wd != 0) g = fma4(g, wwd, p);
    const sj = f32x4.add(f32x4.mul(ld4(s, j), valpha), f32x4.mul(f32x4.mul(vc, g), g));
    st4(s, j, sj);
    const avg = f32x4.add(f32x4.sqrt(sj), veps);
    if (b) {
      const bj = f32x4.add(f32x4.mul(ld4(b, j), vmu), f32x4.div(g, avg));
      st4(b, j, bj);
      st4(data, j, fma4(p, wlr, bj));
    } else {
      st4(data, j, f32x4.sub(p, f32x4.div(f32x4.mul(vlr, g), avg)));
    }
  }
  for (let j = n4; j < <usize>n; j++) {
    const p = ld(data, j);
    let g = ld(grad, j);
    if (wd != 0) g = r(g + wd * p);
    const sj = r(r(ld(s, j) * alpha) + r(r(c * g) * g));
    st(s, j, sj);
    const avg = r(r(Math.sqrt(sj)) + eps);
    if (b) {
      const bj = r(r(ld(b, j) * mu) + r(g / avg));
      st(b, j, bj);
      st(data, j, p - lr * bj);
    } else {
      st(data, j, p - r(r(lr * g) / avg));
    }
  }
}


// ---------------------------------------------------------------------------------------------------------------
// Embedding (src/nn/embedding.ts). ids: n int32 row indices into the [V, E] table, already range-checked by the host.

// out[r,:] = weight[ids[r],:]
export function gather_rows(out: usize, weight: usize, ids: usize, n: i32, E: i32): void {
  const bytes = <usize>E << 2;
  for (let r = 0; r < n; r++) {
    memory.copy(out + <usize>r * bytes, weight + <usize>load<i32>(ids + (<usize>r << 2)) * bytes, bytes);
  }
}

// dW[ids[r],:] += dOut[r,:] (rows in order, so a token used twice accumulates as the scalar loop would)
export function scatter_add_rows(dW: usize, dOut: usize, ids: usize, n: i32, E: i32): void {
  const bytes = <usize>E << 2;
  for (let r = 0; r < n; r++) {
    const dst = dW + <usize>load<i32>(ids + (<usize>r << 2)) * bytes, src = dOut + <usize>r * bytes;
    for (let j = 0; j < E; j += 4) {
      const m = E - j, o4 = <usize>j << 2;
      store4(dst + o4, f32x4.add(load4(dst + o4, m), load4(src + o4, m)), m);
    }
  }
}
