/**
 * Finding or downloading the IMDB archive.
 *
 * Order: env RNNLAB_IMDB (a path to an archive or extracted folder) → the cache ($XDG_CACHE_HOME/rnnlab, else
 * ~/.cache/rnnlab)/aclImdb_v1.tar.gz → download into the cache.
 *
 * Download: to `<file>.part`; an existing .part is resumed with an HTTP Range request (a server that answers 200
 * instead of 206 restarts it); a failed or cut-off transfer is retried (default 3 retries, with a growing delay);
 * when the size is complete the sha256 is checked, a mismatch deletes the .part and starts over, and only a
 * verified file is renamed (atomically) to its final name. The URL, sha256 and size can be overridden with
 * RNNLAB_IMDB_URL, RNNLAB_IMDB_SHA256 and RNNLAB_IMDB_SIZE (tests point them at a local server);
 * RNNLAB_DOWNLOAD_RETRIES and RNNLAB_DOWNLOAD_RETRY_MS tune the retries.
 */
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../util/errors.ts';
import { ensureDir } from '../util/paths.ts';
import type { DataProgress } from './types.ts';

export const IMDB_URL = 'https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz';
export const IMDB_SHA256 = 'c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe';
export const IMDB_SIZE = 84_125_825;
export const IMDB_FILE = 'aclImdb_v1.tar.gz';

export type Env = Record<string, string | undefined>;

export interface DownloadSpec {
  url: string;
  /** Expected sha256 (hex); undefined skips the check (only when overridden to ''). */
  sha256?: string;
  /** Expected size in bytes, if known. */
  size?: number;
}

export function imdbSource(env: Env = process.env): DownloadSpec {
  const url = env.RNNLAB_IMDB_URL || IMDB_URL;
  const custom = url !== IMDB_URL;
  const sha256 = env.RNNLAB_IMDB_SHA256 ?? (custom ? undefined : IMDB_SHA256);
  const size = env.RNNLAB_IMDB_SIZE ? Number(env.RNNLAB_IMDB_SIZE) : custom ? undefined : IMDB_SIZE;
  return { url, sha256: sha256 || undefined, size };
}

export function cacheDir(env: Env = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rnnlab');
}

export interface DownloadOptions {
  retries?: number;
  retryDelayMs?: number;
  onProgress?: (p: DataProgress) => void;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Streams one HTTP response into `part` (appending after `have` bytes on a 206). Returns bytes now in the file. */
async function fetchInto(spec: DownloadSpec, part: string, have: number, opts: DownloadOptions): Promise<number> {
  const res = await fetch(spec.url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {} });
  if (res.status === 416) { // our .part is already complete or longer than the file: start over
    await res.body?.cancel();
    rmSync(part, { force: true });
    return 0;
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    const err = new Error(`HTTP ${res.status} ${res.statusText} from ${spec.url}`);
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) (err as { permanent?: boolean }).permanent = true;
    throw err;
  }
  let start = 0;
  if (res.status === 206) {
    const m = /bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
    start = m ? Number(m[1]) : -1;
    if (start !== have) { // a range we did not ask for: cannot append safely
      await res.body?.cancel();
      rmSync(part, { force: true });
      throw new Error(`server answered with an unexpected range (${res.headers.get('content-range')})`);
    }
  }
  const length = Number(res.headers.get('content-length') ?? NaN);
  const total = spec.size ?? (Number.isFinite(length) ? start + length : 0);
  const out = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
  let done = start;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      done += chunk.length;
      opts.onProgress?.({ phase: 'download', done, total });
    }
  } finally {
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
  if (Number.isFinite(length) && done - start < length) throw new Error(`connection closed after ${done} bytes`);
  return done;
}

/**
 * Downloads `spec.url` to `dest` (resume, retries, checksum, atomic rename; see the module comment).
 * Throws a UserError after the last failed try.
 */
export async function downloadFile(spec: DownloadSpec, dest: string, opts: DownloadOptions = {}): Promise<void> {
  const retries = opts.retries ?? 3;
  const delay = opts.retryDelayMs ?? 2000;
  const part = `${dest}.part`;
  ensureDir(join(dest, '..'));
  let lastError = '';
  let checksumFailed = false;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(delay * attempt);
    let have = existsSync(part) ? statSync(part).size : 0;
    if (spec.size !== undefined && have > spec.size) { rmSync(part, { force: true }); have = 0; }
    try {
      if (spec.size === undefined || have < spec.size) have = await fetchInto(spec, part, have, opts);
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      lastError = (e as Error).message + (cause ? `: ${cause}` : '');
      checksumFailed = false;
      if ((e as { permanent?: boolean }).permanent) break;
      continue;
    }
    if (spec.size !== undefined && have !== spec.size) {
      lastError = `got ${have} of ${spec.size} bytes`;
      continue;
    }
    if (spec.sha256) {
      const got = await sha256File(part);
      if (got !== spec.sha256.toLowerCase()) {
        rmSync(part, { force: true }); // a bad .part must not be resumed
        lastError = `checksum mismatch: expected sha256 ${spec.sha256}, got ${got}`;
        checksumFailed = true;
        continue;
      }
    }
    renameSync(part, dest);
    return;
  }
  throw new UserError(
    `download of ${spec.url} failed (${lastError})` +
      (checksumFailed ? '; the file was deleted' : '') +
      `; check the network and try again, or download it yourself and set RNNLAB_IMDB=/path/to/${IMDB_FILE}`,
  );
}

export interface LocatedImdb {
  path: string;
  /** Where it came from, for the data set description. */
  origin: string;
}

/** Finds the IMDB archive/folder (env, cache) or downloads it into the cache. */
export async function locateImdb(env: Env = process.env, opts: DownloadOptions = {}): Promise<LocatedImdb> {
  const fromEnv = env.RNNLAB_IMDB;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new UserError(`RNNLAB_IMDB points at ${fromEnv}, which does not exist; fix or unset it`);
    return { path: fromEnv, origin: `RNNLAB_IMDB=${fromEnv}` };
  }
  const spec = imdbSource(env);
  const cached = join(cacheDir(env), IMDB_FILE);
  if (!existsSync(cached)) {
    await downloadFile(spec, cached, {
      retries: env.RNNLAB_DOWNLOAD_RETRIES ? Number(env.RNNLAB_DOWNLOAD_RETRIES) : opts.retries,
      retryDelayMs: env.RNNLAB_DOWNLOAD_RETRY_MS ? Number(env.RNNLAB_DOWNLOAD_RETRY_MS) : opts.retryDelayMs,
      onProgress: opts.onProgress,
    });
  }
  return { path: cached, origin: `${spec.url} (cached at ${cached})` };
}
