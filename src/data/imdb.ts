/**
 * The IMDB Large Movie Review Dataset (aclImdb v1): reading the archive or an extracted folder.
 *
 * Layout: [prefix/]{train,test}/{neg,pos}/{id}_{rating}.txt, one review per file. Labels come from the folder:
 * neg = 0, pos = 1. {train,test}/urls_{neg,pos}.txt give each review's film (line i: the film page of review id i),
 * kept as the example's `group` (the IMDb title id, tt…), so a validation split can hold out whole films as the test
 * split does (its films are disjoint from the training films). `unsup/` (unlabelled), *.feat, imdb.vocab and README
 * are ignored, so both the official archive and one without `unsup` (e.g. aclImdb_v1-train-test.tar.gz) work; a copy
 * without the urls files loads too, without groups.
 *
 * The archive is read as a stream, in memory: file → sha256 (for the description) → zlib gunzip → tar Parser; each
 * review entry's chunks are collected and decoded. Nothing is extracted to disk (extracting 50k small files with
 * node-tar takes ~40 s; streaming them takes a couple of seconds).
 */
import { closeSync, createReadStream, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { join } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { UserError } from '../util/errors.ts';
import { decodeUtf8 } from './utf8.ts';
import type { DataProgress, Example } from './types.ts';

export const IMDB_LABELS = ['neg', 'pos'];
/** Matches a review's path inside the archive or folder; group 1 split, 2 label, 3 id, 4 rating. */
const REVIEW_PATH = /(?:^|\/)(train|test)\/(neg|pos)\/(\d+)_(\d+)\.txt$/;
/** Matches a film-URL list; group 1 split, 2 label. */
const URLS_PATH = /(?:^|\/)(train|test)\/urls_(neg|pos)\.txt$/;

export interface ImdbSplits {
  train: Example[];
  test: Example[];
  /** sha256 of the archive file (hex), when read from an archive. */
  sha256?: string;
}

interface Review { split: 'train' | 'test'; label: number; id: number; rating: number; text: string }

/** 'train/pos' → the film of each review id (line i of train/urls_pos.txt is review i's film). */
type FilmLists = Map<string, string[]>;

/** One film per line: the IMDb title id (tt0453418) of a URL like http://www.imdb.com/title/tt0453418/usercomments. */
export function parseFilmUrls(text: string): string[] {
  return text.split('\n').map((line) => /\btt\d+/.exec(line)?.[0] ?? line.trim());
}

/** Sorted by label, then numeric id, so the result does not depend on the archive's entry order. */
function toSplits(reviews: Review[], source: string, films: FilmLists): ImdbSplits {
  const out: ImdbSplits = { train: [], test: [] };
  reviews.sort((a, b) => a.label - b.label || a.id - b.id);
  for (const r of reviews) {
    const film = films.get(`${r.split}/${IMDB_LABELS[r.label]}`)?.[r.id];
    out[r.split].push({ text: r.text, label: r.label, id: String(r.id), rating: r.rating, ...(film ? { group: film } : {}) });
  }
  for (const split of ['train', 'test'] as const) {
    if (out[split].length === 0) {
      throw new UserError(
        `${source}: no ${split}/pos or ${split}/neg reviews found; not an IMDB (aclImdb) layout ` +
          `({train,test}/{pos,neg}/ID_RATING.txt). For other data use a CSV, JSONL or a folder per class`,
      );
    }
  }
  return out;
}

/** True if the first bytes are a gzip header. */
export function isGzip(path: string): boolean {
  const head = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try { readSync(fd, head, 0, 2, 0); } finally { closeSync(fd); }
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** Streams an aclImdb .tar.gz (or plain .tar) and returns its labelled reviews. */
export async function readImdbArchive(path: string, onProgress?: (p: DataProgress) => void): Promise<ImdbSplits> {
  const total = statSync(path).size;
  if (total === 0) throw new UserError(`${path} is empty; download the IMDB archive again`);
  const hash = createHash('sha256');
  const reviews: Review[] = [];
  const films: FilmLists = new Map();
  let failure: Error | undefined;
  const fail = (msg: string): void => {
    failure ??= new UserError(`${path}: ${msg}; the archive is damaged or not a .tar.gz: download it again`);
  };

  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const u = entry.type === 'File' && !failure ? URLS_PATH.exec(entry.path) : null;
      if (u) {
        const parts: Buffer[] = [];
        entry.on('data', (c: Buffer) => parts.push(c));
        entry.on('end', () => films.set(`${u[1]}/${u[2]}`, parseFilmUrls(Buffer.concat(parts).toString('utf8'))));
        return;
      }
      const m = entry.type === 'File' ? REVIEW_PATH.exec(entry.path) : null;
      if (!m || failure) { entry.resume(); return; }
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => {
        try {
          const text = decodeUtf8(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), `${path}: ${entry.path}`);
          reviews.push({ split: m[1] as 'train' | 'test', label: m[2] === 'pos' ? 1 : 0, id: Number(m[3]), rating: Number(m[4]), text });
        } catch (e) {
          failure ??= e as Error;
        }
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    let done = 0;
    let gunzip: ReturnType<typeof createGunzip> | null | undefined; // undefined: not decided yet; null: plain tar
    // node-tar's Parser silently stops at a tar cut off between entries or inside a header, which would load part
    // of the data without a word. A complete tar is whole 512-byte blocks ending in (at least) two zero blocks,
    // so we track the decompressed length and its last 1024 bytes and check both at the end.
    let tarBytes = 0;
    let tail: Buffer = Buffer.alloc(0);
    const feedTar = (chunk: Buffer): void => {
      tarBytes += chunk.length;
      tail = chunk.length >= 1024 ? chunk.subarray(chunk.length - 1024) : Buffer.concat([tail, chunk]).subarray(-1024);
      parser.write(chunk);
    };
    const endTar = (): void => {
      if (tarBytes % 512 !== 0 || tail.length < 1024 || tail.some((b) => b !== 0)) fail('truncated tar data (no end-of-archive marker)');
      parser.end();
    };
    const onError = (msg: string) => (e: Error): void => {
      fail(`${msg} (${e.message})`);
      file.destroy();
      reject(failure);
    };
    parser.on('error', onError('bad tar data'));
    parser.on('warn', (_code: string, message: string) => fail(`bad tar data (${message})`));
    parser.on('end', () => (failure ? reject(failure) : resolve()));
    file.on('error', (e) => { failure ??= new UserError(`cannot read ${path}: ${e.message}`); reject(failure); });
    file.on('data', (data: string | Buffer) => {
      const chunk = data as Buffer;
      hash.update(chunk);
      done += chunk.length;
      onProgress?.({ phase: 'read', done, total });
      if (gunzip === undefined) {
        // gzip or plain tar, from the first two bytes (a 1-byte file is neither, and fails below)
        if (chunk[0] === 0x1f && chunk[1] === 0x8b) {
          gunzip = createGunzip();
          gunzip.on('error', onError('corrupt or truncated gzip data'));
          gunzip.on('data', feedTar);
          gunzip.on('end', endTar);
        } else {
          gunzip = null;
        }
      }
      if (gunzip === null) feedTar(chunk);
      else if (!gunzip.write(chunk)) {
        file.pause();
        gunzip.once('drain', () => file.resume());
      }
    });
    file.on('end', () => (gunzip ? gunzip.end() : endTar()));
  });
  if (failure) throw failure;
  return { ...toSplits(reviews, path, films), sha256: hash.digest('hex') };
}

/** Finds the folder that holds train/ and test/ (the folder itself or an aclImdb/ inside it), or undefined. */
export function findImdbRoot(dir: string): string | undefined {
  for (const root of [dir, join(dir, 'aclImdb')]) {
    try {
      if (statSync(join(root, 'train', 'pos')).isDirectory() || statSync(join(root, 'train', 'neg')).isDirectory()) return root;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Reads an extracted aclImdb folder (its train/ and test/ pos/neg files). */
export function readImdbFolder(dir: string, onProgress?: (p: DataProgress) => void): ImdbSplits {
  const root = findImdbRoot(dir) ?? dir;
  const files: [string, RegExpExecArray][] = [];
  const films: FilmLists = new Map();
  for (const split of ['train', 'test']) {
    for (const label of IMDB_LABELS) {
      try {
        films.set(`${split}/${label}`, parseFilmUrls(readFileSync(join(root, split, `urls_${label}.txt`), 'utf8')));
      } catch {
        // no film list: the reviews load without groups
      }
      const sub = join(root, split, label);
      let names: string[];
      try { names = readdirSync(sub); } catch { continue; }
      for (const name of names) {
        const m = REVIEW_PATH.exec(`${split}/${label}/${name}`);
        if (m) files.push([join(sub, name), m]);
      }
    }
  }
  const reviews: Review[] = files.map(([file, m], i) => {
    if ((i + 1) % 1000 === 0) onProgress?.({ phase: 'read', done: i + 1, total: files.length });
    return { split: m[1] as 'train' | 'test', label: m[2] === 'pos' ? 1 : 0, id: Number(m[3]), rating: Number(m[4]), text: decodeUtf8(readFileSync(file), file) };
  });
  return toSplits(reviews, dir, films);
}
