/**
 * Test helpers for the queue: a private redis-server on 127.0.0.1 at a free port (temp dir, no persistence, a
 * password), CLI processes whose output can be awaited, and a free port with nothing listening.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT } from '../helpers.ts';

/** Why the queue tests cannot run here, or null when redis-server is installed. */
export function redisMissing(): string | null {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return r.error ? 'redis-server is not installed (apt-get install redis-server; scripts/setup-debian.sh does)' : null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  port: number;
  password: string;
  url: (password?: string) => string;
  stop(): Promise<void>;
}

export async function startRedis(password = 'test-Pa55-word'): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-redis-'));
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', 'no', '--requirepass', password], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`)));
  });
  return {
    port, password,
    url: (pw = password) => `redis://:${pw}@127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => {
      proc.once('exit', () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      });
      proc.kill('SIGTERM');
    }),
  };
}

/** A CLI process whose stdout + stderr can be awaited for a pattern, and its exit. */
export class CliProcess {
  readonly proc: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: { re: RegExp; resolve: () => void }[] = [];

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.proc = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT, env: { ...process.env, RNNLAB_BLAS: 'typescript', ...env },
    }) as ChildProcessWithoutNullStreams;
    const feed = (which: 'stdout' | 'stderr') => (d: Buffer): void => {
      this[which] += d.toString();
      this.waiters = this.waiters.filter((w) => {
        if (!w.re.test(this.stdout + this.stderr)) return true;
        w.resolve();
        return false;
      });
    };
    this.proc.stdout.on('data', feed('stdout'));
    this.proc.stderr.on('data', feed('stderr'));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves when the output matches `re` (rejects if the process exits first). */
  waitFor(re: RegExp): Promise<void> {
    if (re.test(this.stdout + this.stderr)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ re, resolve });
      void this.exited.then(() => reject(new Error(`exited before printing ${re}:\n${this.stdout}\n${this.stderr}`)));
    });
  }
}

/** Runs the CLI to its end without blocking the event loop (other test processes keep being read). */
export async function runCliAsync(args: string[], env: NodeJS.ProcessEnv = {}):
  Promise<{ status: number | null; stdout: string; stderr: string }> {
  const p = new CliProcess(args, env);
  const { code } = await p.exited;
  return { status: code, stdout: p.stdout, stderr: p.stderr };
}
