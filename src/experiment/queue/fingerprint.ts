/**
 * A data set's fingerprint: sha256 over the contents of its files (the archive, CSV/JSONL file, or every file of a
 * folder, by relative path) and the settings that decide the splits and the encoding (--limit, --val-split, --seed,
 * vocabulary, max-len, truncation, columns). Paths are not part of it: a worker may keep its copy anywhere.
 *
 * Each queued job carries the coordinator's fingerprint; a worker whose local copy gives another one refuses the
 * experiment, since its runs would silently train on different data.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { locateImdb } from '../../data/download.ts';
import type { DataSpec } from '../../train/config.ts';
import { UserError } from '../../util/errors.ts';
import { canonical } from '../manifest.ts';

async function hashFileInto(h: ReturnType<typeof createHash>, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** sha256 of a file's bytes, or of a folder's files (relative path + bytes each, in sorted order). */
export async function contentHash(path: string): Promise<string> {
  const h = createHash('sha256');
  if (statSync(path).isDirectory()) {
    for (const f of filesUnder(path)) {
      h.update(relative(path, f) + '\0');
      await hashFileInto(h, f);
      h.update('\0');
    }
  } else {
    await hashFileInto(h, path);
  }
  return h.digest('hex');
}

/** Where the data of `spec` is on this machine ('imdb': env RNNLAB_IMDB, the cache, or a download). */
export async function dataPath(dataset: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (dataset === 'imdb') return (await locateImdb(env)).path;
  if (!existsSync(dataset)) {
    throw new UserError(`the data set ${dataset} is not on this machine; copy it here and pass its path with --dataset`);
  }
  return dataset;
}

export async function dataFingerprint(spec: DataSpec, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { dataset, test, ...splitSettings } = spec.load;
  const main = await contentHash(await dataPath(dataset ?? 'imdb', env));
  const testHash = test !== undefined ? await contentHash(await dataPath(test, env)) : null;
  return createHash('sha256')
    .update(canonical({ data: main, test: testHash, load: splitSettings, prepare: spec.prepare }))
    .digest('hex');
}
