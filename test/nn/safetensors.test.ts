/**
 * safetensors: round trip, byte-level header layout, and the PyTorch cross-check: fixtures/torch/
 * safetensors-tiny.safetensors was written by scripts/torch-ref-optim.py (struct + json + torch, by hand). We read it
 * and must get its values (listed in safetensors-tiny.json); our writer must reproduce it byte for byte, so the
 * file torch wrote and read back is exactly what rnnlab writes. To check a file rnnlab wrote with torch itself,
 * see the header of scripts/torch-ref-optim.py (`--verify`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, loadSafetensors, saveSafetensors, type NamedTensor }
  from '../../src/nn/safetensors.ts';
import { UserError } from '../../src/util/errors.ts';

const fixtureDir = new URL('../../fixtures/torch/', import.meta.url);
const tiny = JSON.parse(readFileSync(new URL('safetensors-tiny.json', fixtureDir), 'utf8')) as
  { metadata: Record<string, string>; tensors: { name: string; shape: number[]; data: number[] }[] };
const tinyBytes = readFileSync(new URL('safetensors-tiny.safetensors', fixtureDir));
const tinyTensors: NamedTensor[] = tiny.tensors.map((t) => ({ name: t.name, shape: t.shape, data: Float32Array.from(t.data) }));

const dir = mkdtempSync(join(tmpdir(), 'rnnlab-st-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

test('round trip through a file keeps names, order, shapes, bits and metadata', () => {
  const ts: NamedTensor[] = [
    { name: 'embedding.weight', shape: [5, 3], data: Float32Array.from({ length: 15 }, (_, i) => Math.sin(i) * 1e3) },
    { name: 'rnn.bias_hh_l0_reverse', shape: [4], data: Float32Array.from([NaN, -0, Infinity, 1e-45]) },
    { name: 'fc.bias', shape: [1], data: Float32Array.from([0.25]) },
    { name: 'empty', shape: [0, 3], data: new Float32Array(0) },
  ];
  const path = join(dir, 'sub', 'model.safetensors');
  saveSafetensors(path, ts, { arch: 'gru', note: 'ünïcode ✓', json: '{"a":1}' });
  assert.deepEqual(readdirSync(join(dir, 'sub')), ['model.safetensors']); // no temp file left behind
  const back = loadSafetensors(path);
  assert.deepEqual([...back.tensors.keys()], ts.map((t) => t.name));
  for (const t of ts) {
    const b = back.tensors.get(t.name)!;
    assert.deepEqual(b.shape, t.shape);
    assert.ok(bitsEqual(b.data, t.data), t.name);
  }
  assert.deepEqual(back.metadata, { arch: 'gru', note: 'ünïcode ✓', json: '{"a":1}' });
});

test('header layout, byte by byte', () => {
  const bytes = Buffer.from(encodeSafetensors(
    [{ name: 'w', shape: [2], data: Float32Array.from([1, -2]) }, { name: 'b', shape: [1], data: Float32Array.from([0.5]) }],
    { k: 'v' }));
  const json = '{"__metadata__":{"k":"v"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
    '"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}';
  const n = Math.ceil(json.length / 8) * 8;
  assert.equal(json.length % 8 !== 0, true); // the case needs padding
  assert.equal(bytes.length, 8 + n + 12);
  assert.deepEqual([...bytes.subarray(0, 8)], [n & 0xff, n >> 8, 0, 0, 0, 0, 0, 0]); // u64 little-endian
  assert.equal(bytes.subarray(8, 8 + json.length).toString('utf8'), json);
  assert.ok(bytes.subarray(8 + json.length, 8 + n).every((c) => c === 0x20), 'padded with spaces');
  // 1.0f = 00 00 80 3f, -2.0f = 00 00 00 c0, 0.5f = 00 00 00 3f
  assert.deepEqual([...bytes.subarray(8 + n)], [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 0, 0, 0, 0x3f]);
  // No metadata → no __metadata__ key.
  const plain = Buffer.from(encodeSafetensors([{ name: 'x', shape: [], data: Float32Array.from([3]) }]));
  assert.ok(plain.subarray(8).toString('latin1').startsWith('{"x":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}'));
  assert.equal(Number(plain.readBigUInt64LE(0)) % 8, 0);
});

test('reads the file PyTorch wrote (fixtures/torch/safetensors-tiny.safetensors)', () => {
  const f = loadSafetensors(new URL('safetensors-tiny.safetensors', fixtureDir).pathname);
  assert.deepEqual(f.metadata, tiny.metadata);
  assert.deepEqual([...f.tensors.keys()], tiny.tensors.map((t) => t.name));
  for (const t of tinyTensors) {
    const got = f.tensors.get(t.name)!;
    assert.deepEqual(got.shape, t.shape);
    assert.ok(bitsEqual(got.data, t.data), t.name); // incl. -0, 1e-30, FLT_MAX
  }
});

test('our writer reproduces the PyTorch-written file byte for byte', () => {
  assert.ok(Buffer.from(encodeSafetensors(tinyTensors, tiny.metadata)).equals(tinyBytes));
});

test('corrupt or truncated files are UserErrors naming the file', () => {
  const path = join(dir, 'bad.safetensors');
  const expectBad = (bytes: Uint8Array, re: RegExp): void => {
    writeFileSync(path, bytes);
    assert.throws(() => loadSafetensors(path),
      (e: unknown) => e instanceof UserError && e.message.includes(path) && re.test(e.message), String(re));
  };
  expectBad(tinyBytes.subarray(0, 5), /truncated/);
  expectBad(tinyBytes.subarray(0, 100), /exceeds the file size/);
  expectBad(tinyBytes.subarray(0, tinyBytes.length - 4), /truncated/);
  expectBad(Buffer.concat([tinyBytes, Buffer.from([1, 2, 3, 4])]), /unexpected bytes/);
  const huge = Buffer.from(tinyBytes);
  huge.writeBigUInt64LE(1n << 60n, 0);
  expectBad(huge, /absurd/);
  const garbled = Buffer.from(tinyBytes);
  garbled[8] = 0x5b; // '[' instead of '{'
  expectBad(garbled, /JSON object/);
  const json = (h: object, data = 0): Buffer => {
    const s = Buffer.from(JSON.stringify(h));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(s.length));
    return Buffer.concat([len, s, Buffer.alloc(data)]);
  };
  expectBad(json({ w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, 4), /dtype "F16".*F32 only/);
  expectBad(json({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), /8 bytes for shape \[3\]/);
  expectBad(json({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /starts at byte 4/);
  expectBad(json({ w: { dtype: 'F32', shape: ['a'], data_offsets: [0, 4] } }, 4), /bad shape/);
  expectBad(json({ __metadata__: { a: 1 } }), /metadata 'a'/);
  expectBad(Buffer.from('not a safetensors file at all'), /not a valid safetensors/);
  assert.throws(() => loadSafetensors(join(dir, 'missing.safetensors')), (e: unknown) => e instanceof UserError && /ENOENT/.test(e.message));
  assert.throws(() => loadSafetensors(dir), UserError);
  assert.throws(() => decodeSafetensors(new Uint8Array(3)), UserError);
});

test('writer rejects mismatched shapes and duplicate names', () => {
  assert.throws(() => encodeSafetensors([{ name: 'w', shape: [2, 2], data: new Float32Array(3) }]), /shape/);
  const t = { name: 'w', shape: [1], data: new Float32Array(1) };
  assert.throws(() => encodeSafetensors([t, t]), /duplicate/);
});
