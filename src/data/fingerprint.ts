/**
 * A data set's fingerprint, recorded in a run's config.json: sha256 of a file's bytes, or of a folder's sorted
 * file list with sizes (hashing 50,000 review files would cost more than it protects). `rnnlab evaluate` uses it to
 * recognise the run's own data set under another name and to refuse a changed one, whose recorded split can no
 * longer be rebuilt (its "test" rows could then be training rows).
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function hashFile(path: string): string {
  const h = createHash('sha256');
  const buf = Buffer.alloc(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

function hashFolder(root: string): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) h.update(`${relative(root, p)}\0${statSync(p).size}\n`);
    }
  };
  walk(root);
  return h.digest('hex');
}

/** 'sha256:<hex>' (file) or 'files-sha256:<hex>' (folder); null for 'imdb' (the name is its identity) or a missing path. */
export function fingerprintPath(path: string | undefined): string | null {
  if (path === undefined || path === 'imdb') return null;
  try {
    return statSync(path).isDirectory() ? `files-sha256:${hashFolder(path)}` : `sha256:${hashFile(path)}`;
  } catch {
    return null;
  }
}

/** The fingerprint config.json records: the data set's and, when given, the separate test file's. */
export interface DataFingerprint {
  dataset: string | null;
  test?: string | null;
}

export function datasetFingerprint(load: { dataset?: string; test?: string }): DataFingerprint {
  const out: DataFingerprint = { dataset: fingerprintPath(load.dataset ?? 'imdb') };
  if (load.test !== undefined) out.test = fingerprintPath(load.test);
  return out;
}
