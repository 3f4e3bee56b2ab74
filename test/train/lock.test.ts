/**
 * The run lock: a lock whose process has exited but was not reaped (a zombie, as orphaned workers become where PID 1
 * reaps slowly) is stale, not held; a process that leaves through process.exit() (an experiment worker whose parent
 * died) removes its lock on the way out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { runHolder } from '../../src/train/lock.ts';

const LOCK_TS = pathToFileURL(join(import.meta.dirname, '../../src/train/lock.ts')).href;

test('a lock held by a zombie process is stale', { skip: !existsSync('/proc/self/stat') && 'no /proc here' }, async () => {
  // `sleep 0` is the shell's child; once the shell has become `sleep 5` (exec) nobody reaps it: a zombie
  const sh = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolve) => sh.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  try {
    const state = () => { try { return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0]; } catch { return '?'; } };
    for (let i = 0; i < 500 && state() !== 'Z'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(state(), 'Z', 'the child did not become a zombie');
    const dir = mkdtempSync(join(tmpdir(), 'rnnlab-lock-'));
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid, host: hostname(), startedAt: 'then' }));
    assert.equal(runHolder(dir).state, 'stale');
    // control: a live process on this host holds it
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid: sh.pid, host: hostname(), startedAt: 'now' }));
    assert.equal(runHolder(dir).state, 'held');
  } finally {
    sh.kill('SIGKILL');
  }
});

test('process.exit() releases the locks the process holds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-lock-'));
  const script = `import { acquireRunLock } from ${JSON.stringify(LOCK_TS)};
    import { existsSync } from 'node:fs';
    acquireRunLock(${JSON.stringify(dir)});
    if (!existsSync(${JSON.stringify(join(dir, 'lock.json'))})) process.exit(3);
    process.exit(0);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(existsSync(join(dir, 'lock.json')), false, 'the lock outlived process.exit()');
});
