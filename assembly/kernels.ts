// Element-wise kernels of the recurrent layers, in AssemblyScript, compiled to WebAssembly with 128-bit SIMD.
// Build: `npm run build:kernels` → src/nn/kernels/kernels.wasm (committed; a test checks it matches this source).
//
// Why WASM: V8's Math.exp/Math.tanh cost ~30 ns a call, so the JavaScript gate loop of an LSTM step took 250 ms per
// training step (W1 workload) — more than PyTorch's whole step. Four lanes at once with the rational tanh below
// bring it to ~20 ms.
//
// Conventions: every pointer is a byte offset into the shared memory that the host (src/nn/kernels.ts) allocates
// from; sizes are element counts. Row b of a [B, K] buffer starts at b*K. `lens` points to B int32 sequence lengths:
// row b is *valid* at step t when t < lens[b]. At an invalid step a sequence's state is carried over unchanged, and
// in backward its gate gradients are zero and the gradient flows straight through to the previous state — the
// semantics of PyTorch's packed sequences, for both directions (the reverse direction starts from a zero state, so
// carrying it over through the padding keeps it zero until t = len − 1).

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
  x = f32x4.min(f32x4.max(x, f32x4.splat(-CLAMP)), f32x4.splat(CLAMP));
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

@inline function valid(lens: usize, b: i32, t: i32): bool {
  return t < load<i32>(lens + (<usize>b << 2));
}

// Copies n floats (carry a state over an invalid step).
@inline function copy(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

@inline function zero(dst: usize, n: i32): void {
  memory.fill(dst, 0, <usize>n << 2);
}

// ---------------------------------------------------------------------------------------------------------------
// LSTM step. g: [B,4H] pre-activations (i,f,g,o) in, activations out (in place). cPrev/hPrev: [B,H] previous state,
// c/h: [B,H] new state, tc: [B,H] tanh(c) saved for backward.
export function lstm_forward(g: usize, cPrev: usize, hPrev: usize, c: usize, h: usize, tc: usize,
                             lens: usize, t: i32, B: i32, H: i32): void {
  const rowG = <usize>(4 * H) << 2, rowH = <usize>H << 2, HB = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const gb = g + <usize>b * rowG, ob = <usize>b * rowH;
    if (!valid(lens, b, t)) { copy(c + ob, cPrev + ob, H); copy(h + ob, hPrev + ob, H); continue; }
    for (let j = 0; j < H; j += 4) {
      const n = H - j, o4 = <usize>j << 2;
      const i = sigmoid4(load4(gb + o4, n));
      const f = sigmoid4(load4(gb + HB + o4, n));
      const gg = tanh4(load4(gb + 2 * HB + o4, n));
      const o = sigmoid4(load4(gb + 3 * HB + o4, n));
      const cn = f32x4.add(f32x4.mul(f, load4(cPrev + ob + o4, n)), f32x4.mul(i, gg));
      const tcn = tanh4(cn);
      store4(gb + o4, i, n); store4(gb + HB + o4, f, n); store4(gb + 2 * HB + o4, gg, n); store4(gb + 3 * HB + o4, o, n);
      store4(c + ob + o4, cn, n); store4(tc + ob + o4, tcn, n); store4(h + ob + o4, f32x4.mul(o, tcn), n);
    }
  }
}

// LSTM step backward. act: [B,4H] activations (i,f,g,o); tc: tanh(c_t); cPrev: c_{t−1}; dhOut: [B,H] gradient of
// the loss w.r.t. h_t from outside the recurrence (layer above / pooling), may be 0 (null pointer = zeros);
// dhRec: [B,H] in: gradient w.r.t. h_t through the recurrence, out: the part of dL/dh_{t−1} that does not go
// through W_hh (the host then adds dg·W_hh into it); dc: [B,H] in dL/dc_t, out dL/dc_{t−1}; dg: [B,4H] out,
// gradients w.r.t. the gate pre-activations.
export function lstm_backward(act: usize, tc: usize, cPrev: usize, dhOut: usize, dhRec: usize, dc: usize, dg: usize,
                              lens: usize, t: i32, B: i32, H: i32): void {
  const rowG = <usize>(4 * H) << 2, rowH = <usize>H << 2, HB = <usize>H << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    const ab = act + <usize>b * rowG, db = dg + <usize>b * rowG, ob = <usize>b * rowH;
    if (!valid(lens, b, t)) {
      zero(db, 4 * H);
      if (dhOut) for (let j = 0; j < H; j += 4) {
        const n = H - j, o4 = <usize>j << 2;
        store4(dhRec + ob + o4, f32x4.add(load4(dhRec + ob + o4, n), load4(dhOut + ob + o4, n)), n);
      }
      continue;
    }
    for (let j = 0; j < H; j += 4) {
      const n = H - j, o4 = <usize>j << 2;
      let dh = load4(dhRec + ob + o4, n);
      if (dhOut) dh = f32x4.add(dh, load4(dhOut + ob + o4, n));
      const i = load4(ab + o4, n), f = load4(ab + HB + o4, n), gg = load4(ab + 2 * HB + o4, n), o = load4(ab + 3 * HB + o4, n);
      const tcn = load4(tc + ob + o4, n);
      const dct = f32x4.add(load4(dc + ob + o4, n), f32x4.mul(f32x4.mul(dh, o), f32x4.sub(one, f32x4.mul(tcn, tcn))));
      store4(db + o4, f32x4.mul(f32x4.mul(dct, gg), dsigmoid(i)), n);
      store4(db + HB + o4, f32x4.mul(f32x4.mul(dct, load4(cPrev + ob + o4, n)), dsigmoid(f)), n);
      store4(db + 2 * HB + o4, f32x4.mul(f32x4.mul(dct, i), one_minus_sq(gg)), n);
      store4(db + 3 * HB + o4, f32x4.mul(f32x4.mul(dh, tcn), dsigmoid(o)), n);
      store4(dc + ob + o4, f32x4.mul(dct, f), n);
      store4(dhRec + ob + o4, f32x4.splat(0), n);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// GRU step (PyTorch form, reset applied after the recurrent product).
// xg: [B,3H] input side x·W_ihᵀ + b_ih (r,z,n) in, activations (r,z,n) out (in place); hh: [B,3H] h_{t−1}·W_hhᵀ + b_hh;
// hn: [B,H] out, saves hh's n part for backward; h: [B,H] new state.
export function gru_forward(xg: usize, hh: usize, hPrev: usize, h: usize, hn: usize,
                            lens: usize, t: i32, B: i32, H: i32): void {
  const rowG = <usize>(3 * H) << 2, rowH = <usize>H << 2, HB = <usize>H << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    const xb = xg + <usize>b * rowG, hb = hh + <usize>b * rowG, ob = <usize>b * rowH;
    if (!valid(lens, b, t)) { copy(h + ob, hPrev + ob, H); continue; }
    for (let j = 0; j < H; j += 4) {
      const n = H - j, o4 = <usize>j << 2;
      const r = sigmoid4(f32x4.add(load4(xb + o4, n), load4(hb + o4, n)));
      const z = sigmoid4(f32x4.add(load4(xb + HB + o4, n), load4(hb + HB + o4, n)));
      const hnv = load4(hb + 2 * HB + o4, n);
      const nn = tanh4(f32x4.add(load4(xb + 2 * HB + o4, n), f32x4.mul(r, hnv)));
      const hp = load4(hPrev + ob + o4, n);
      store4(xb + o4, r, n); store4(xb + HB + o4, z, n); store4(xb + 2 * HB + o4, nn, n);
      store4(hn + ob + o4, hnv, n);
      store4(h + ob + o4, f32x4.add(f32x4.mul(f32x4.sub(one, z), nn), f32x4.mul(z, hp)), n);
    }
  }
}

// GRU step backward. act: [B,3H] (r,z,n); hn: saved W_hn·h_{t−1} + b_hn; dxg: [B,3H] out, gradient w.r.t. the
// input-side pre-activations; dhg: [B,3H] out, w.r.t. the recurrent-side ones (n part scaled by r);
// dhRec in/out as for the LSTM.
export function gru_backward(act: usize, hn: usize, hPrev: usize, dhOut: usize, dhRec: usize, dxg: usize, dhg: usize,
                             lens: usize, t: i32, B: i32, H: i32): void {
  const rowG = <usize>(3 * H) << 2, rowH = <usize>H << 2, HB = <usize>H << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    const ab = act + <usize>b * rowG, xb = dxg + <usize>b * rowG, hb = dhg + <usize>b * rowG, ob = <usize>b * rowH;
    if (!valid(lens, b, t)) {
      zero(xb, 3 * H); zero(hb, 3 * H);
      if (dhOut) for (let j = 0; j < H; j += 4) {
        const n = H - j, o4 = <usize>j << 2;
        store4(dhRec + ob + o4, f32x4.add(load4(dhRec + ob + o4, n), load4(dhOut + ob + o4, n)), n);
      }
      continue;
    }
    for (let j = 0; j < H; j += 4) {
      const n = H - j, o4 = <usize>j << 2;
      let dh = load4(dhRec + ob + o4, n);
      if (dhOut) dh = f32x4.add(dh, load4(dhOut + ob + o4, n));
      const r = load4(ab + o4, n), z = load4(ab + HB + o4, n), nn = load4(ab + 2 * HB + o4, n);
      const hp = load4(hPrev + ob + o4, n);
      const dnp = f32x4.mul(f32x4.mul(dh, f32x4.sub(one, z)), one_minus_sq(nn));
      const dzp = f32x4.mul(f32x4.mul(dh, f32x4.sub(hp, nn)), dsigmoid(z));
      const drp = f32x4.mul(f32x4.mul(dnp, load4(hn + ob + o4, n)), dsigmoid(r));
      store4(xb + o4, drp, n); store4(xb + HB + o4, dzp, n); store4(xb + 2 * HB + o4, dnp, n);
      store4(hb + o4, drp, n); store4(hb + HB + o4, dzp, n); store4(hb + 2 * HB + o4, f32x4.mul(dnp, r), n);
      store4(dhRec + ob + o4, f32x4.mul(dh, z), n);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Elman RNN step: h = tanh(pre) where pre: [B,H] = x·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh.
export function rnn_forward(pre: usize, hPrev: usize, h: usize, lens: usize, t: i32, B: i32, H: i32): void {
  const rowH = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const ob = <usize>b * rowH;
    if (!valid(lens, b, t)) { copy(h + ob, hPrev + ob, H); continue; }
    for (let j = 0; j < H; j += 4) {
      const n = H - j, o4 = <usize>j << 2;
      store4(h + ob + o4, tanh4(load4(pre + ob + o4, n)), n);
    }
  }
}

// Elman RNN step backward: dpre = dh·(1 − h²); h: [B,H] the step's output.
export function rnn_backward(h: usize, dhOut: usize, dhRec: usize, dpre: usize, lens: usize, t: i32, B: i32, H: i32): void {
  const rowH = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const ob = <usize>b * rowH;
    if (!valid(lens, b, t)) {
      zero(dpre + ob, H);
      if (dhOut) for (let j = 0; j < H; j += 4) {
        const n = H - j, o4 = <usize>j << 2;
        store4(dhRec + ob + o4, f32x4.add(load4(dhRec + ob + o4, n), load4(dhOut + ob + o4, n)), n);
      }
      continue;
    }
    for (let j = 0; j < H; j += 4) {
      const n = H - j, o4 = <usize>j << 2;
      let dh = load4(dhRec + ob + o4, n);
      if (dhOut) dh = f32x4.add(dh, load4(dhOut + ob + o4, n));
      store4(dpre + ob + o4, f32x4.mul(dh, one_minus_sq(load4(h + ob + o4, n))), n);
      store4(dhRec + ob + o4, f32x4.splat(0), n);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers around the GEMMs.

// dst[r,:] = bias for r < rows (initialises a product's output with its bias; the GEMM then accumulates, beta = 1).
export function fill_rows(dst: usize, bias: usize, rows: i32, cols: i32): void {
  const row = <usize>cols << 2;
  for (let r = 0; r < rows; r++) memory.copy(dst + <usize>r * row, bias, row);
}

// db[j] += Σ_r src[r,j] (bias gradients).
export function add_col_sums(db: usize, src: usize, rows: i32, cols: i32): void {
  const row = <usize>cols << 2;
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
