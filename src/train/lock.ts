/**
 * The run lock: DIR/lock.json names the process training the run (pid, host, start time) while it holds it, so
 * status.json's `running` is only believed while that process lives. A second trainer on the same folder is refused
 * in one line; a lock left by a killed process (kill -9, power cut: same host, pid gone) is detected as stale,
 * reported, and taken over. The lock is created with O_EXCL, so two processes cannot both take it.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { UserError } from '../util/errors.ts';
import { processAlive } from '../util/process.ts';
import { runFile } from './run-dir.ts';

export interface RunLock {
  pid: number;
  host: string;
  startedAt: string;
}

/** Locks this process holds: released on process.exit() too (an experiment worker exits so when its parent dies). */
const held = new Set<() => void>();
let exitHookInstalled = false;
function releaseOnExit(release: () => void): void {
  held.add(release);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => { for (const r of held) r(); });
  }
}

export function readRunLock(dir: string): RunLock | null {
  try {
    const l = JSON.parse(readFileSync(runFile(dir, 'lock'), 'utf8')) as Partial<RunLock>;
    if (typeof l.pid !== 'number' || typeof l.host !== 'string') return { pid: -1, host: '?', startedAt: '?' };
    return { pid: l.pid, host: l.host, startedAt: String(l.startedAt ?? '?') };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { pid: -1, host: '?', startedAt: '?' }; // unreadable or half-written: treat as stale below
  }
}

/** 'held': a live process on this host has the run; 'stale': the holder is gone; 'free': no lock. */
export function runHolder(dir: string): { state: 'held' | 'stale' | 'free' | 'elsewhere'; lock: RunLock | null } {
  const lock = readRunLock(dir);
  if (!lock) return { state: 'free', lock };
  if (lock.pid === -1) return { state: 'stale', lock };
  if (lock.host !== hostname()) return { state: 'elsewhere', lock };
  return { state: processAlive(lock.pid) ? 'held' : 'stale', lock };
}

export interface HeldLock {
  /** The lock a killed process left behind, when one was taken over. */
  stale: RunLock | null;
  release(): void;
}

/** Takes the run's lock (the folder must exist) or throws a one-line UserError naming the holder. */
export function acquireRunLock(dir: string): HeldLock {
  const path = runFile(dir, 'lock');
  const mine: RunLock = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  let stale: RunLock | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(mine) + '\n', { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
    }
    const h = runHolder(dir);
    if (h.state === 'held') {
      throw new UserError(`${dir} is being trained by process ${h.lock!.pid} on ${h.lock!.host} since ${h.lock!.startedAt}; ` +
        'wait for it to finish, or stop it first');
    }
    if (h.state === 'elsewhere') {
      throw new UserError(`${dir} is locked by process ${h.lock!.pid} on host ${h.lock!.host} since ${h.lock!.startedAt}; ` +
        `if that process is gone, delete ${path} and try again`);
    }
    stale = h.lock;
    rmSync(path, { force: true });
  }
  const release = (): void => {
    held.delete(release);
    const now = readRunLock(dir);
    if (now && now.pid === mine.pid && now.host === mine.host) rmSync(path, { force: true });
  };
  releaseOnExit(release);
  return { stale, release };
}
