import test from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutDir, checkOutFile, ensureDir } from '../../src/util/paths.ts';
import { writeFileAtomic } from '../../src/util/fs.ts';
import { UserError } from '../../src/util/errors.ts';
import { tmpDir } from '../train/helpers.ts';

const fails = (fn: () => void, re: RegExp): void => assert.throws(fn, (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'));

test('checkOutDir: a file, a path through a file, a pseudo-filesystem are one-line errors; nothing is created', () => {
  const root = tmpDir('rnnlab-paths-');
  const file = join(root, 'file');
  writeFileSync(file, 'x');
  fails(() => checkOutDir(file), /--out .*file is an existing file, not a folder/);
  fails(() => checkOutDir(join(file, 'sub', 'deeper')), /goes through .*file, which is a file, not a folder/);
  fails(() => checkOutDir('/proc/rnnlab-nope'), /is on proc \(\/proc\), a pseudo-filesystem/);
  fails(() => checkOutDir('/sys/rnnlab-nope/x'), /is on sysfs/);
  fails(() => checkOutDir('  '), /needs a folder name/);
  checkOutDir(join(root, 'a', 'b')); // fine, and not created
  assert.ok(!existsSync(join(root, 'a')));
  checkOutDir(root);
  fails(() => checkOutFile(root), /is a folder; give a file name/);
  fails(() => checkOutFile(join(file, 'm.json')), /goes through .*file, which is a file/);
  checkOutFile(join(root, 'new', 'm.json'));
});

test('checkOutDir: a folder without write permission (skipped as root, who may write anywhere)', { skip: process.getuid?.() === 0 }, () => {
  const root = tmpDir('rnnlab-paths-perm-');
  const ro = join(root, 'ro');
  mkdirSync(ro);
  chmodSync(ro, 0o555);
  try {
    fails(() => checkOutDir(join(ro, 'run')), /no permission to write in/);
  } finally {
    chmodSync(ro, 0o755);
  }
});

test('ensureDir / writeFileAtomic on /proc fail at once with one line (Node\'s recursive mkdir spins there)', () => {
  // With mkdirSync(..., { recursive: true }) this call never returned (100 % CPU): the test would hang, not pass.
  fails(() => ensureDir('/proc/rnnlab-nope/sub'), /cannot create folder \/proc\/rnnlab-nope.*ENOENT/);
  fails(() => writeFileAtomic('/proc/rnnlab-nope/x.json', '{}'), /cannot create folder/);
  const root = tmpDir('rnnlab-paths-mk-');
  ensureDir(join(root, 'a', 'b', 'c'));
  assert.ok(existsSync(join(root, 'a', 'b', 'c')));
  ensureDir(join(root, 'a', 'b', 'c')); // already there: fine
  writeFileSync(join(root, 'f'), '');
  fails(() => ensureDir(join(root, 'f', 'x')), /cannot create folder .*is a file/);
});
