/**
 * loadDataset: any supported source → LoadedData (texts + class indices, split into train / val / test).
 *
 * `dataset` is 'imdb' (the default: env RNNLAB_IMDB, the cache, or a download; see download.ts) or a path,
 * detected by content and layout:
 *  - a gzip or tar file → an IMDB archive (must have the aclImdb layout);
 *  - a folder with train/pos or train/neg (optionally under aclImdb/) → an extracted IMDB folder;
 *  - a folder with train/ and test/ sub-folders, each holding one sub-folder per class → those splits;
 *  - any other folder → one sub-folder per class, one file per example;
 *  - *.jsonl / *.ndjson, or a file whose first character is `{` → JSON lines;
 *  - anything else → CSV (header row; --text-column / --label-column, defaults text / label).
 *
 * Splits:
 *  - test: the data set's own (IMDB, train/test folders), `test` (a second file or folder), or else a seeded,
 *    stratified TEST_FRACTION (0.2) of the data.
 *  - limit N: a seeded, stratified subset of N training and N test examples, taken before the val split.
 *  - val: `val` (a separate file or folder, read like `test`), or a seeded, stratified `valSplit` (default 0.1) of
 *    the (limited) training data; with `valGroups: 'film'` (IMDB), a seeded share of whole films instead, so that
 *    validation, like IMDB's test split, holds only films the model never trained on.
 * Labels: see labels.ts (IMDB neg = 0, pos = 1; otherwise numeric or code-point order).
 * Checks: sanity.ts's checkSplits runs on the result: a single-class (or empty train/test) split throws a
 * UserError; warnings (a class above 90 %, a missing class) are returned in `warnings`.
 */
import { existsSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { UserError } from '../util/errors.ts';
import { DEFAULT_SEED } from './seed.ts';
import { epochSeed } from './batches.ts';
import { locateImdb, type DownloadOptions, type Env } from './download.ts';
import { readClassFolder, readCsvFile, readJsonlFile, type ColumnOptions, type RawExample } from './formats.ts';
import { findImdbRoot, IMDB_LABELS, readImdbArchive, readImdbFolder, type ImdbSplits } from './imdb.ts';
import { labelIndex, orderLabels } from './labels.ts';
import { groupedSplit, stratifiedSplit, stratifiedSubset } from './split.ts';
import { checkSplits } from './sanity.ts';
import type { DataProgress, Example, LoadedData } from './types.ts';

/** Share of the data held out for testing when the data set has no test split of its own. */
export const TEST_FRACTION = 0.2;

export interface LoadOptions {
  /** 'imdb' (default) or a path. */
  dataset?: string;
  /** A separate test file or folder (not for IMDB, which has its own). */
  test?: string;
  textColumn?: string;
  labelColumn?: string;
  /** Share of the training data held out for validation (default 0.1; 0 = no validation split). */
  valSplit?: number;
  /**
   * A separate validation file or folder (any format `dataset` accepts, except IMDB); then no share of the training
   * data is held out, and valSplit must be 0 or absent.
   */
  val?: string;
  /**
   * 'film' (IMDB only): the valSplit share is made of whole films (split.ts groupedSplit), none of which is also in
   * training. IMDB's test films are disjoint from its training films (3,456 and 3,581 films, 1 shared), while a
   * review's film has ~6 other reviews in training, so a plain random validation split rewards memorising films.
   */
  valGroups?: 'film';
  seed?: number;
  /** Use a stratified subset of at most `limit` training and `limit` test examples. */
  limit?: number;
  onProgress?: (p: DataProgress) => void;
  /** Environment for RNNLAB_IMDB, XDG_CACHE_HOME, RNNLAB_IMDB_URL … (default process.env). */
  env?: Env;
  download?: DownloadOptions;
}

// Independent random streams for the three seeded choices, all derived from the one seed.
const STREAM_TEST = 0x7e57;
const STREAM_LIMIT_TRAIN = 0x1171;
const STREAM_LIMIT_TEST = 0x1172;
const STREAM_VAL = 0x0a1;

function head(path: string, n: number): Buffer {
  const buf = Buffer.alloc(n);
  const fd = openSync(path, 'r');
  try {
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

export function isArchive(path: string): boolean {
  const b = head(path, 512);
  return (b[0] === 0x1f && b[1] === 0x8b) || b.subarray(257, 262).toString('latin1') === 'ustar';
}

function isDir(path: string): boolean {
  return statSync(path).isDirectory();
}

export function mustExist(path: string, what: string): void {
  if (!existsSync(path)) {
    throw new UserError(`${what} ${path}: no such file or folder; give 'imdb' or a path to an IMDB archive/folder, a CSV, a JSONL file or a folder per class`);
  }
}

/** A non-IMDB file or folder → raw rows, or (for a train/test folder) two sets of rows. */
export function readRaw(path: string, cols: ColumnOptions): { train: RawExample[]; test?: RawExample[]; kind: string } {
  if (isDir(path)) {
    const train = join(path, 'train');
    const test = join(path, 'test');
    if (existsSync(train) && existsSync(test) && isDir(train) && isDir(test)) {
      return { train: readClassFolder(train), test: readClassFolder(test), kind: 'folders train/ and test/, one sub-folder per class' };
    }
    return { train: readClassFolder(path), kind: 'folder, one sub-folder per class' };
  }
  const ext = extname(path).toLowerCase();
  const firstChar = head(path, 256).toString('utf8').replace(/^\uFEFF/, '').trimStart()[0];
  if (ext === '.jsonl' || ext === '.ndjson' || (ext !== '.csv' && firstChar === '{')) {
    return { train: readJsonlFile(path, cols), kind: `JSONL (fields "${cols.textColumn}", "${cols.labelColumn}")` };
  }
  return { train: readCsvFile(path, cols), kind: `CSV (columns "${cols.textColumn}", "${cols.labelColumn}")` };
}

export async function readImdb(path: string, onProgress?: (p: DataProgress) => void): Promise<ImdbSplits> {
  if (isDir(path)) {
    if (!findImdbRoot(path)) throw new UserError(`${path} is not an IMDB folder (no train/pos or train/neg inside)`);
    return readImdbFolder(path, onProgress);
  }
  if (!isArchive(path)) throw new UserError(`${path} is not a .tar.gz or .tar archive; give the IMDB archive aclImdb_v1.tar.gz`);
  return readImdbArchive(path, onProgress);
}

export async function loadDataset(opts: LoadOptions = {}): Promise<LoadedData> {
  const t0 = performance.now();
  const dataset = opts.dataset ?? 'imdb';
  const seed = opts.seed ?? DEFAULT_SEED;
  const valSplit = opts.valSplit ?? 0.1;
  const cols: ColumnOptions = { textColumn: opts.textColumn ?? 'text', labelColumn: opts.labelColumn ?? 'label' };
  if (!(valSplit >= 0 && valSplit < 1)) throw new UserError(`--val-split must be in [0, 1), got ${valSplit}`);
  if (opts.limit !== undefined && !(Number.isInteger(opts.limit) && opts.limit >= 1)) {
    throw new UserError(`--limit must be a positive integer, got ${opts.limit}`);
  }

  let name: string;
  let description: string;
  let labels: string[];
  let train: Example[];
  let test: Example[];

  const imdbPath = dataset === 'imdb' ? undefined : dataset;
  if (imdbPath !== undefined) mustExist(imdbPath, '--dataset');
  const looksImdb = imdbPath === undefined
    || (isDir(imdbPath) ? findImdbRoot(imdbPath) !== undefined : isArchive(imdbPath));

  if (looksImdb) {
    if (opts.test) throw new UserError('--test is not used with IMDB, which has its own test split; drop --test');
    const located = imdbPath === undefined
      ? await locateImdb(opts.env ?? process.env, { ...opts.download, onProgress: opts.onProgress })
      : { path: imdbPath, origin: imdbPath };
    const splits = await readImdb(located.path, opts.onProgress);
    name = 'imdb';
    description = `IMDB Large Movie Review Dataset (aclImdb v1) from ${located.origin}` + (splits.sha256 ? `, sha256 ${splits.sha256}` : '');
    labels = [...IMDB_LABELS];
    train = splits.train;
    test = splits.test;
  } else {
    const path = imdbPath!;
    const raw = readRaw(path, cols);
    let rawTest = raw.test;
    let testKind = '';
    if (opts.test) {
      if (rawTest) throw new UserError(`${path} already has a test/ folder; drop --test`);
      mustExist(opts.test, '--test');
      const t = readRaw(opts.test, cols);
      rawTest = t.test ? [...t.train, ...t.test] : t.train;
      testKind = `; test: ${opts.test}`;
    }
    labels = orderLabels(raw.train.map((r) => r.label));
    const index = labelIndex(labels);
    const toExample = (r: RawExample): Example => ({ text: r.text, label: index.get(r.label)!, id: r.id });
    train = raw.train.map(toExample);
    if (rawTest) {
      const unseen = rawTest.find((r) => !index.has(r.label));
      if (unseen) {
        throw new UserError(`${unseen.id}: label ${JSON.stringify(unseen.label)} never occurs in the training data (labels: ${labels.join(', ')}); fix the label or the files`);
      }
      test = rawTest.map(toExample);
    } else {
      [train, test] = stratifiedSplit(train, TEST_FRACTION, epochSeed(seed, STREAM_TEST));
      testKind = `; test: a seeded stratified ${TEST_FRACTION * 100} % of it`;
    }
    name = basename(path).replace(/\.(csv|jsonl|ndjson|json|txt)$/i, '') || path;
    description = `${raw.kind} at ${path}${testKind}`;
  }

  if (opts.limit !== undefined) {
    train = stratifiedSubset(train, opts.limit, epochSeed(seed, STREAM_LIMIT_TRAIN));
    test = stratifiedSubset(test, opts.limit, epochSeed(seed, STREAM_LIMIT_TEST));
  }
  let trainRest: Example[];
  let val: Example[];
  if (opts.val !== undefined) {
    if (opts.valSplit !== undefined && opts.valSplit > 0) {
      throw new UserError('give either --val (a validation file) or --val-split (a share of the training data), not both');
    }
    if (opts.valGroups !== undefined) throw new UserError('--val-groups shapes the --val-split share; it does not apply with --val (a validation file)');
    val = readSeparateSplit(opts.val, '--val', cols, labels);
    trainRest = train;
    description += `; val: ${opts.val}`;
  } else if (opts.valGroups !== undefined) {
    if (opts.valGroups !== 'film') throw new UserError(`--val-groups must be film (got ${JSON.stringify(opts.valGroups)})`);
    if (!looksImdb || train.some((e) => e.group === undefined)) {
      throw new UserError(looksImdb
        ? '--val-groups film needs the film lists train/urls_pos.txt and train/urls_neg.txt, which this IMDB copy lacks; use the official archive, or drop --val-groups'
        : '--val-groups film applies to IMDB only (its reviews come with their films); drop it for this data set');
    }
    [trainRest, val] = groupedSplit(train, valSplit, epochSeed(seed, STREAM_VAL));
    description += `; val: ${valSplit * 100} % of the training films`;
  } else {
    [trainRest, val] = stratifiedSplit(train, valSplit, epochSeed(seed, STREAM_VAL));
  }
  const data = { name, description, labels, train: trainRest, val, test, loadSeconds: 0, warnings: [] as string[] };
  data.warnings = checkSplits(data).warnings; // a single-class or empty split throws here, before any training
  data.loadSeconds = (performance.now() - t0) / 1000;
  return data;
}

/** A separate split (--val): a file or folder read like --test, its labels matched to the training labels by name. */
function readSeparateSplit(path: string, flag: string, cols: ColumnOptions, labels: readonly string[]): Example[] {
  mustExist(path, flag);
  if (isDir(path) ? findImdbRoot(path) !== undefined : isArchive(path)) {
    throw new UserError(`${flag} ${path} is an IMDB archive or folder; give a CSV, a JSONL file or a folder per class`);
  }
  const raw = readRaw(path, cols);
  const rows = raw.test ? [...raw.train, ...raw.test] : raw.train;
  const index = labelIndex([...labels]);
  const unseen = rows.find((r) => !index.has(r.label));
  if (unseen) {
    throw new UserError(`${unseen.id}: label ${JSON.stringify(unseen.label)} (${flag} ${path}) never occurs in the training data (labels: ${labels.join(', ')}); fix the label or the files`);
  }
  return rows.map((r) => ({ text: r.text, label: index.get(r.label)!, id: r.id }));
}
