/**
 * Output paths, checked before any work starts and created without ever spinning.
 *
 * Why not `mkdirSync(path, { recursive: true })`: Node's recursive mkdir (v20) loops forever when mkdir(2) answers
 * ENOENT for a path whose parent exists — which is what /proc and other pseudo-filesystems answer — so
 * `rnnlab train --out /proc/nope` used to spin at 100 % CPU. ensureDir creates one component at a time and turns
 * every failure into a one-line UserError.
 *
 * checkOutDir / checkOutFile run before the data is loaded, so a bad --out costs nothing and writes nothing:
 * a file where a folder is wanted (or the reverse), a path through a file (ENOTDIR), a folder without write
 * permission, a pseudo-filesystem (/proc, /sys, …).
 */
import { accessSync, constants, mkdirSync, statSync, statfsSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from './errors.ts';

/** statfs f_type of filesystems that hold no user files (linux/magic.h). */
const PSEUDO_FS: Record<number, string> = {
  0x9fa0: 'proc', 0x62656572: 'sysfs', 0x1cd1: 'devpts', 0x1373: 'devtmpfs', 0x27e0eb: 'cgroup', 0x63677270: 'cgroup2',
  0x64626720: 'debugfs', 0x74726163: 'tracefs', 0x73636673: 'securityfs', 0xcafe4a11: 'bpf', 0x62656570: 'configfs',
  0x6165676c: 'pstore', 0xde5e81e4: 'efivarfs', 0x65735543: 'fusectl',
};

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') return null; // a parent is a file: found while walking up
    throw e;
  }
}

/** The path itself or its nearest existing ancestor, with its stats. */
function nearestExisting(path: string): { path: string; stats: Stats } {
  let p = resolve(path);
  for (;;) {
    const s = statOrNull(p);
    if (s) return { path: p, stats: s };
    const up = dirname(p);
    if (up === p) throw new UserError(`cannot find any existing folder above ${path}`);
    p = up;
  }
}

function pseudoFs(path: string): string | null {
  try {
    return PSEUDO_FS[statfsSync(path).type] ?? null;
  } catch {
    return null;
  }
}

/** Throws unless new entries can be created inside the existing folder `dir` (for `what`, e.g. "--out runs/x"). */
function checkCanCreateIn(dir: string, what: string, flag: string): void {
  const fs = pseudoFs(dir);
  if (fs) throw new UserError(`${what} is on ${fs} (${dir}), a pseudo-filesystem that holds no files; choose another ${flag}`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new UserError(`${what}: no permission to write in ${dir}; choose another ${flag} or fix the permissions`);
  }
}

/**
 * Checks that `path` can be (or already is) a folder rnnlab can write into; `flag` names the option in messages.
 * Writes nothing.
 */
export function checkOutDir(path: string, flag = '--out', what = `${flag} ${path}`): void {
  if (!path.trim()) throw new UserError(`${flag} needs a folder name`);
  const near = nearestExisting(path);
  if (near.path === resolve(path)) {
    if (!near.stats.isDirectory()) throw new UserError(`${what} is an existing file, not a folder; choose another ${flag}`);
  } else if (!near.stats.isDirectory()) {
    throw new UserError(`${what} goes through ${near.path}, which is a file, not a folder; choose another ${flag}`);
  }
  checkCanCreateIn(near.stats.isDirectory() ? near.path : dirname(near.path), what, flag);
}

/** Checks that `path` can be written as a file (a new one, or replacing an existing file). Writes nothing. */
export function checkOutFile(path: string, flag = '--out'): void {
  if (!path.trim()) throw new UserError(`${flag} needs a file name`);
  const what = `${flag} ${path}`;
  const s = statOrNull(resolve(path));
  if (s?.isDirectory()) throw new UserError(`${what} is a folder; give a file name (e.g. ${path.replace(/\/$/, '')}/metrics.json)`);
  const parent = dirname(resolve(path));
  if (statOrNull(parent)?.isDirectory() === false) throw new UserError(`${what} goes through ${parent}, which is a file, not a folder; choose another ${flag}`);
  checkOutDir(parent, flag, what);
}

/**
 * mkdir -p that cannot spin: creates the missing components one by one; any failure (a file in the way, no
 * permission, a pseudo-filesystem answering ENOENT) is a one-line UserError.
 */
export function ensureDir(path: string): void {
  const abs = resolve(path);
  const s = statOrNull(abs);
  if (s) {
    if (!s.isDirectory()) throw new UserError(`cannot create folder ${path}: ${abs} is a file`);
    return;
  }
  const parent = dirname(abs);
  if (parent === abs) throw new UserError(`cannot create folder ${path}`);
  ensureDir(parent);
  try {
    mkdirSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statOrNull(abs)?.isDirectory()) return; // created meanwhile by another process
    throw new UserError(`cannot create folder ${path} (${code ?? (e as Error).message}); choose another location`);
  }
}
