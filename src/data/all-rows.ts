/**
 * loadAllRows: every row of a data set as test rows, for `rnnlab evaluate --dataset OTHER` — a file the model was
 * not trained on is scored whole, not through a 20 % split that would silently drop most of it. An IMDB archive or
 * folder gives both halves (50,000 reviews); a folder with train/ and test/ gives both.
 */
import { basename } from 'node:path';
import type { Env } from './download.ts';
import { locateImdb } from './download.ts';
import type { ColumnOptions, RawExample } from './formats.ts';
import { findImdbRoot, IMDB_LABELS } from './imdb.ts';
import { labelIndex, orderLabels } from './labels.ts';
import { isArchive, mustExist, readImdb, readRaw } from './load.ts';
import type { DataProgress, Example, LoadedData } from './types.ts';
import { statSync } from 'node:fs';

export interface AllRowsOptions extends Partial<ColumnOptions> {
  /** 'imdb' or a path */
  dataset: string;
  onProgress?: (p: DataProgress) => void;
  env?: Env;
}

/** The data set with every row in `test` (train and val empty). */
export async function loadAllRows(opts: AllRowsOptions): Promise<LoadedData> {
  const t0 = performance.now();
  const cols: ColumnOptions = { textColumn: opts.textColumn ?? 'text', labelColumn: opts.labelColumn ?? 'label' };
  const path = opts.dataset === 'imdb' ? undefined : opts.dataset;
  if (path !== undefined) mustExist(path, '--dataset');
  const imdb = path === undefined || (statSync(path).isDirectory() ? findImdbRoot(path) !== undefined : isArchive(path));
  let name: string;
  let description: string;
  let labels: string[];
  let test: Example[];
  if (imdb) {
    const located = path === undefined ? await locateImdb(opts.env ?? process.env, { onProgress: opts.onProgress }) : { path, origin: path };
    const splits = await readImdb(located.path, opts.onProgress);
    name = 'imdb';
    description = `IMDB Large Movie Review Dataset (aclImdb v1) from ${located.origin}, both halves`;
    labels = [...IMDB_LABELS];
    test = [...splits.train, ...splits.test];
  } else {
    const raw = readRaw(path!, cols);
    const rows: RawExample[] = raw.test ? [...raw.train, ...raw.test] : raw.train;
    labels = orderLabels(rows.map((r) => r.label));
    const index = labelIndex(labels);
    test = rows.map((r) => ({ text: r.text, label: index.get(r.label)!, id: r.id }));
    name = basename(path!);
    description = `${raw.kind} at ${path}, every row`;
  }
  return { name, description, labels, train: [], val: [], test, loadSeconds: (performance.now() - t0) / 1000, warnings: [] };
}
