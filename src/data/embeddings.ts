/**
 * Pretrained word vectors (--embeddings FILE) for the rows of a vocabulary.
 *
 * Formats, all text, one word per line followed by its numbers separated by spaces:
 *   GloVe                 `word v1 … vD`, no header (glove.6B.100d.txt); a few GloVe 840B words contain spaces, so
 *                         the word is everything before the last D fields
 *   word2vec text/fastText  the same lines after a header line `count D` (wiki-news-300d-1M.vec, cc.en.300.vec)
 * gzipped or not (recognised by the gzip magic bytes, not the name). The file is streamed line by line and only the
 * vectors of vocabulary words are kept, so a multi-GB file costs O(vocabulary × D) memory.
 *
 * Matching: a vocabulary token (basic_english: lower case) takes the vector of the same word; a word found only in
 * another case ("The" for "the", in cased word2vec/fastText files) is used when no exact match occurs anywhere in
 * the file. <pad> and <unk> are never matched; rows without a vector keep the model's random init.
 */
import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import { UserError } from '../util/errors.ts';
import { SPECIALS } from './vocab.ts';

export interface EmbeddingsInfo {
  path: string;
  dim: number;
  /** 'glove' (no header) or 'word2vec' (a `count dim` header line, as fastText's .vec); '+gzip' when compressed. */
  format: string;
  /** Vocabulary rows given a vector (specials excluded). */
  found: number;
  /** Vocabulary size, specials included. */
  vocabSize: number;
  /** found / (vocabSize − specials). */
  coverage: number;
}

export interface LoadedEmbeddings {
  info: EmbeddingsInfo;
  /** [vocabSize × dim] row-major; rows without a vector are 0 (see `found`). */
  vectors: Float32Array;
  /** 1 where the row has a vector. */
  found: Uint8Array;
}

export interface LoadEmbeddingsOptions {
  /** The dimension the model expects (--embed); a file of another dimension is an error. Absent: the file's. */
  dim?: number;
}

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

function checkFile(path: string): void {
  if (!existsSync(path)) {
    throw new UserError(`--embeddings ${path}: no such file; download word vectors (e.g. GloVe: https://nlp.stanford.edu/projects/glove/) and give the .txt/.vec (or .gz) file`);
  }
  if (!statSync(path).isFile()) throw new UserError(`--embeddings ${path} is not a file; give a .txt/.vec (or .gz) word-vector file`);
}

/** `count dim` (two positive integers): the word2vec / fastText header line. */
function headerDim(line: string): number | null {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
  return m ? Number(m[2]) : null;
}

/**
 * The vector dimension of a word-vector file, from its first line(s), without reading the rest (for --embed taken
 * from the file). Throws a one-line UserError for a missing or unreadable file.
 */
export function embeddingsDim(path: string): number {
  checkFile(path);
  const fd = openSync(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(1 << 20);
    head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    try {
      // a truncated gzip stream: decode what is there (SYNC_FLUSH does not insist on the end of the stream)
      head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch (e) {
      throw new UserError(`--embeddings ${path}: not a readable gzip file (${(e as Error).message}); give a .txt/.vec or .txt.gz file`);
    }
  }
  const lines = head.toString('utf8').split('\n').slice(0, 2);
  const first = lines[0]?.replace(/^\uFEFF/, '').trimEnd() ?? '';
  const h = headerDim(first);
  if (h !== null) return checkDim(h, path);
  const fields = first.split(' ').filter((f) => f !== '');
  if (fields.length < 2) throw new UserError(`--embeddings ${path}: the first line holds no vector; give a GloVe, word2vec or fastText text file`);
  return checkDim(fields.length - 1, path);
}

function checkDim(dim: number, path: string): number {
  if (!(Number.isInteger(dim) && dim >= 1)) throw new UserError(`--embeddings ${path}: bad vector dimension ${dim} in the header`);
  return dim;
}

/**
 * Reads the vectors of `itos`'s words from a GloVe / word2vec / fastText text file (gzipped or not), line by line.
 * Throws a one-line UserError naming the file and line for a malformed file or a dimension other than opts.dim.
 */
export async function loadEmbeddings(
  path: string, itos: readonly string[], opts: LoadEmbeddingsOptions = {},
): Promise<LoadedEmbeddings> {
  checkFile(path);
  const gz = isGzip(path);
  const stream = createReadStream(path);
  const source = gz ? stream.pipe(createGunzip()) : stream;
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  // readline does not end on its input's error: note it and close, so the loop below ends and reports it
  const gzipError: { e?: Error } = {};
  const onError = (e: Error): void => { gzipError.e = e; lines.close(); };
  source.on('error', onError);
  if (gz) stream.on('error', onError);

  const rowOf = new Map<string, number>();
  for (let i = SPECIALS.length; i < itos.length; i++) rowOf.set(itos[i]!, i);
  const lowerRowOf = new Map<string, number>();
  for (const [w, i] of rowOf) lowerRowOf.set(w.toLowerCase(), i);

  let dim = opts.dim ?? 0;
  let vectors: Float32Array | null = null;
  const found = new Uint8Array(itos.length); // 0 none, 1 exact, 2 other case
  let format = 'glove';
  let lineNo = 0;
  const bad = (what: string): never => {
    throw new UserError(`--embeddings ${path}, line ${lineNo}: ${what}; give a GloVe, word2vec or fastText text file`);
  };
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '').trimEnd() : raw.trimEnd();
      if (line === '') continue;
      if (lineNo === 1) {
        const h = headerDim(line);
        const fileDim = h ?? line.split(' ').filter((f) => f !== '').length - 1;
        if (fileDim < 1) bad('no vector on the first line');
        if (opts.dim !== undefined && fileDim !== opts.dim) {
          throw new UserError(`--embeddings ${path} holds ${fileDim}-dimensional vectors but the model's embedding size is ` +
            `${opts.dim}; pass --embed ${fileDim} (or leave --embed out to take it from the file)`);
        }
        dim = fileDim;
        vectors = new Float32Array(itos.length * dim);
        if (h !== null) {
          format = 'word2vec';
          continue;
        }
      }
      // the word is everything before the last `dim` fields (GloVe 840B has words with spaces)
      let end = line.length;
      let cut = end;
      for (let k = 0; k < dim; k++) {
        cut = line.lastIndexOf(' ', end - 1);
        if (cut < 0) bad(`expected a word and ${dim} numbers`);
        while (cut > 0 && line[cut - 1] === ' ') cut--; // several spaces between fields
        end = cut;
      }
      const word = line.slice(0, cut);
      if (word === '') bad(`expected a word and ${dim} numbers`);
      let row = rowOf.get(word);
      let kind = 1;
      if (row === undefined) {
        row = lowerRowOf.get(word.toLowerCase());
        kind = 2;
      }
      if (row === undefined || (found[row] !== 0 && (found[row] === 1 || kind === 2))) continue;
      const nums = line.slice(cut + 1).split(' ').filter((f) => f !== '');
      if (nums.length !== dim) bad(`expected ${dim} numbers after "${word.slice(0, 40)}", got ${nums.length}`);
      const base = row * dim;
      for (let k = 0; k < dim; k++) {
        const v = Number(nums[k]);
        if (!Number.isFinite(v)) bad(`"${nums[k]!.slice(0, 20)}" is not a number`);
        vectors![base + k] = v;
      }
      found[row] = kind;
    }
  } catch (e) {
    if (gzipError.e || (e as NodeJS.ErrnoException).code?.startsWith('Z_')) {
      throw new UserError(`--embeddings ${path}: not a readable gzip file (${(gzipError.e ?? (e as Error)).message}); give a .txt/.vec or an intact .gz file`);
    }
    throw e;
  } finally {
    lines.close();
    stream.destroy();
  }
  if (gzipError.e) {
    if (!gz) throw new UserError(`--embeddings ${path}: cannot read it (${gzipError.e.message})`);
    throw new UserError(`--embeddings ${path}: not a readable gzip file (${gzipError.e.message}); give a .txt/.vec or an intact .gz file`);
  }
  if (vectors === null) throw new UserError(`--embeddings ${path} is empty; give a GloVe, word2vec or fastText text file`);
  let nFound = 0;
  for (let i = 0; i < found.length; i++) if (found[i] !== 0) { found[i] = 1; nFound++; }
  const words = Math.max(0, itos.length - SPECIALS.length);
  return {
    info: {
      path, dim, format: gz ? `${format}+gzip` : format, found: nFound, vocabSize: itos.length,
      coverage: words > 0 ? nFound / words : 0,
    },
    vectors,
    found,
  };
}

/** Share of the token ids (specials excluded from neither side: <unk> counts as uncovered) that have a vector. */
export function tokenCoverage(found: Uint8Array, ids: Int32Array): number {
  if (ids.length === 0) return 0;
  let n = 0;
  for (let i = 0; i < ids.length; i++) if (found[ids[i]!] === 1) n++;
  return n / ids.length;
}
