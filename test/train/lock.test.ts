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
  // `sleep 0` is the shell's child; once the shell has become `sleep 5` (exec) nobody reaps it: a zombie
  const sh = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolve) => sh.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  try {
    const state = (p: number) => { try { return procStatState(readFileSync(`/proc/${p}/stat`, 'utf8')); } catch { return '?'; } };
    const seen = new Set<string>();
    for (let i = 0; i < 300 && state(pid) !== 'Z'; i++) { seen.add(state(pid)); await new Promise((r) => setTimeout(r, 10)); }
    if (state(pid) !== 'Z') {
      // Some sandboxes never show one (the child invisible, or reaped behind the shell's back): the behaviour under
      // test needs a zombie to exist, so say what was seen instead of failing on the sandbox. procStatState's own
      // test covers the parsing on every machine.
      t.skip(`no zombie could be made here (child's states seen: ${[...seen].join(',')}; shell's: ${state(sh.pid!)})`);
      return;
    }
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
