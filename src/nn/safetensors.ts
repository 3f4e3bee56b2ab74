/**
 * Model weights in the safetensors format (https://github.com/huggingface/safetensors), float32 only:
 *
 *   bytes 0..8        N, the header length, unsigned 64-bit little-endian
 *   bytes 8..8+N      UTF-8 JSON: { "__metadata__": {str: str}, "<name>": { "dtype": "F32", "shape": [..],
 *                     "data_offsets": [begin, end] }, … }, padded with spaces so N is a multiple of 8
 *   bytes 8+N..       the tensors' raw little-endian bytes; offsets are relative to this point and must tile it
 *                     exactly (no gaps, no overlap), as the reference implementation checks
 *
 * We write compact JSON, `__metadata__` first, tensors in the order given (PyTorch state_dict order), with the
 * data laid out in that same order. PyTorch (`safetensors.torch.load_file`) and our loader read it;
 * scripts/torch-ref-optim.py --verify checks that with torch by hand-parsing, and the committed fixture
 * fixtures/torch/safetensors-tiny.safetensors (written by that script) is what our writer reproduces byte for byte.
 */
import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../util/errors.ts';
import { writeFileAtomic } from '../util/fs.ts';

export interface NamedTensor {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  /** In file order of the header (insertion order of the JSON object). */
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
  metadata: Record<string, string>;
}

/** The reference implementation refuses headers over 100 MB; so do we (a corrupt length would ask for petabytes). */
const MAX_HEADER = 100_000_000;

/** Serializes tensors (+ optional string metadata) to safetensors bytes. Throws Error on programming mistakes. */
export function encodeSafetensors(tensors: readonly NamedTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new Error(`safetensors metadata '${k}' must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const t of tensors) {
    if (!t.name || t.name === '__metadata__') throw new Error(`invalid safetensors tensor name '${t.name}'`);
    if (Object.hasOwn(header, t.name)) throw new Error(`duplicate safetensors tensor name '${t.name}'`);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0) || size !== t.data.length) {
      throw new Error(`tensor ${t.name}: shape [${t.shape}] does not match ${t.data.length} values`);
    }
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - (json.length % 8)) % 8; // keeps the data section 8-byte aligned
  const headerLen = json.length + pad;
  const out = Buffer.alloc(8 + headerLen + offset);
  out.writeBigUInt64LE(BigInt(headerLen), 0);
  json.copy(out, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  assertLittleEndian();
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  return out;
}

/** Parses safetensors bytes; `source` names the file in error messages. Throws UserError on anything malformed. */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsFile {
  const fail = (why: string): never => {
    throw new UserError(`${source} is not a valid safetensors file (${why}); re-save it or use another checkpoint`);
  };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 8) fail(`only ${buf.length} bytes, truncated`);
  const n64 = buf.readBigUInt64LE(0);
  if (n64 > BigInt(MAX_HEADER)) fail(`header length ${n64} is absurd`);
  const n = Number(n64);
  if (8 + n > buf.length) fail(`header length ${n} exceeds the file size ${buf.length}, truncated`);
  const text = buf.subarray(8, 8 + n).toString('utf8');
  if (!text.startsWith('{')) fail('header is not a JSON object');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    fail('header is not valid JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataLen = buf.length - dataStart;

  const metadata: Record<string, string> = {};
  const entries: { name: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`metadata '${k}' is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const t = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (t === null || typeof t !== 'object') fail(`entry '${name}' is not an object`);
    if (t!.dtype !== 'F32') {
      throw new UserError(`${source}: tensor '${name}' has dtype ${JSON.stringify(t!.dtype)}; rnnlab reads F32 ` +
        'only (convert the weights to float32 before loading)');
    }
    const shape = t!.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`bad shape for '${name}'`);
    const off = t!.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`bad data_offsets for '${name}'`);
    }
    const [begin, end] = off as number[];
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end - begin !== 4 * size) fail(`'${name}' has ${end - begin} bytes for shape [${shape}]`);
    entries.push({ name, shape: shape as number[], begin, end });
  }
  // Offsets must tile the data section exactly (the reference loader's rule): catches truncation and garbage.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expect = 0;
  for (const e of sorted) {
    if (e.begin !== expect) fail(`tensor '${e.name}' starts at byte ${e.begin}, expected ${expect}`);
    expect = e.end;
  }
  if (expect !== dataLen) {
    fail(expect > dataLen ? `data section has ${dataLen} bytes but tensors need ${expect}, truncated`
      : `${dataLen - expect} unexpected bytes after the last tensor`);
  }
  assertLittleEndian();
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const e of entries) {
    const data = new Float32Array((e.end - e.begin) / 4);
    // Copy rather than view: the file buffer's offset need not be 4-byte aligned, and callers own their arrays.
    new Uint8Array(data.buffer).set(buf.subarray(dataStart + e.begin, dataStart + e.end));
    tensors.set(e.name, { shape: [...e.shape], data });
  }
  return { tensors, metadata };
}

/** Writes tensors to `path` atomically (temp file + rename). */
export function saveSafetensors(path: string, params: readonly NamedTensor[], metadata?: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(params, metadata));
}

/** Reads a safetensors file; a missing, corrupt or truncated file is a UserError naming the path. */
export function loadSafetensors(path: string): SafetensorsFile {
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`cannot read weights file ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ` +
      'check the path');
  }
  return decodeSafetensors(bytes, path);
}

function assertLittleEndian(): void {
  // Float32Array uses the host byte order; safetensors is little-endian. Every platform Node supports in practice
  // is little-endian, but say so rather than write garbage.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('big-endian hosts are not supported');
}
