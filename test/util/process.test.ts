import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { procStatState, processAlive } from '../../src/util/process.ts';

test('procStatState reads the state after the last parenthesis, whatever the command name holds', () => {
  assert.equal(procStatState('4242 (node) S 1 4242 4242 0 -1'), 'S');
  assert.equal(procStatState('4242 (sleep) Z 77 4242 4242 0 -1'), 'Z');
  assert.equal(procStatState('4242 (evil) R (x) Z 1 2 3 4'), 'Z', 'a name containing ") R (" must not fool it');
  assert.equal(procStatState('4242 (a) b) R 1 2'), 'R');
  assert.equal(procStatState('garbage'), '');
});

test('processAlive: this process is alive; a child that has exited and been reaped is not', () => {
  assert.equal(processAlive(process.pid), true);
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(r.stdout);
  assert.ok(Number.isInteger(pid) && pid > 0);
  assert.equal(processAlive(pid), false);
});
