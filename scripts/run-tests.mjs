#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner through tsx. (Node 20's --test does not expand globs.)
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? find(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []);
}
const files = process.argv.length > 2 ? process.argv.slice(2) : find('test').sort();
// Two files at a time: no test infers anything from wall-clock time or from how fast another process runs (kill
// tests kill at a printed line, pool tests count events), so sharing the CPU with a second file changes no outcome.
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
