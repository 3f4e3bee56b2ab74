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
import { procStatState } from '../../src/util/process.ts';

const LOCK_TS = pathToFileURL(join(import.meta.dirname, '../../src/train/lock.ts')).href;

/** This /proc is of this process's pid namespace (a sandbox may mount another's, where no pid here can be looked up). */
function procIsOurs(): boolean {
  try { return Number(readFileSync('/proc/self/stat', 'utf8').split(' ')[0]) === process.pid; } catch { return false; }
}

test('a lock held by a zombie process is stale', async (t) => {
  if (!procIsOurs()) { t.skip('no /proc of this pid namespace here: processAlive falls back to kill(pid, 0)'); return; }
  // A parent that cannot reap: it spawns `true`, prints the child's pid, then blocks its event loop (Atomics.wait),
  // so libuv's SIGCHLD handler never runs and the exited child stays a zombie until the parent is killed. (A shell's
  // `sleep 0 & exec sleep 5` is racy: the shell reaps the child itself when it exits before the exec.)
  const parent = spawn(process.execPath, ['-e', `const c = require('node:child_process').spawn('true');
    process.stdout.write(c.pid + '\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  try {
    const state = (p: number) => { try { return procStatState(readFileSync(`/proc/${p}/stat`, 'utf8')); } catch { return '?'; } };
    const seen = new Set<string>();
    // the child has to be scheduled and exit: event-based would need its exit, which only a reaper sees; poll
    for (let i = 0; i < 3000 && state(pid) !== 'Z'; i++) { seen.add(state(pid)); await new Promise((r) => setTimeout(r, 10)); }
    assert.equal(state(pid), 'Z', `the child did not become a zombie (states seen: ${[...seen].join(',')})`);
    const dir = mkdtempSync(join(tmpdir(), 'rnnlab-lock-'));
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid, host: hostname(), startedAt: 'then' }));
    assert.equal(runHolder(dir).state, 'stale');
    // control: a live process on this host holds it
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid: parent.pid, host: hostname(), startedAt: 'now' }));
    assert.equal(runHolder(dir).state, 'held');
  } finally {
    parent.kill('SIGKILL');
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
