/** --help of every command: examples, one default format, required options marked, every environment variable named. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, rnnlab } from './helpers.ts';

const COMMANDS = ['experiment', 'train', 'evaluate', 'predict', 'data', 'baseline', 'report', 'compare', 'bench',
  'bench-suite', 'info', 'worker'];

test('every command (and the top level) has examples, shows defaults as "(default: x)" and marks required options', () => {
  for (const args of [[], ...COMMANDS.map((c) => [c])]) {
    const r = rnnlab([...args, '--help']);
    assert.equal(r.code, 0, r.stderr);
    const what = `rnnlab ${args.join(' ')} --help`;
    assert.match(r.stdout, /\nExamples:\n {2}\$ rnnlab /, `${what} has examples`);
    assert.doesNotMatch(r.stdout, /\(default: "/, `${what}: defaults unquoted`);
    assert.doesNotMatch(r.stdout.replace(/\s+/g, ' '), /\(default [^:]/, `${what}: "(default: x)" everywhere`);
  }
  assert.match(rnnlab(['train', '--help']).stdout, /--out <dir>\s+\(required\)/);
  assert.match(rnnlab(['predict', '--help']).stdout, /--model <dir>\s+\(required\)/);
});

test('the top-level help and README name every environment variable the sources read', () => {
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') || e.name.endsWith('.js') ? [join(dir, e.name)] : []));
  const names = new Set<string>();
  for (const file of [...walk(join(REPO, 'src')), join(REPO, 'bin', 'rnnlab.js')]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)|process\.env\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1] ?? m[2]!);
  }
  assert.ok(names.has('RNNLAB_BLAS') && names.has('RNNLAB_IMDB'), [...names].join(' '));
  const help = rnnlab(['--help']).stdout;
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  for (const name of names) {
    assert.ok(help.includes(name), `${name} is in rnnlab --help`);
    assert.ok(readme.includes(`\`${name}\``), `${name} is in README's table`);
  }
});
