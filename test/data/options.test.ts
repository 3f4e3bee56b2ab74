import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addDataOptions, parseDataOptions, toLoadOptions, toPrepareOptions } from '../../src/cli/options/data.ts';
import { UserError } from '../../src/util/errors.ts';

const parse = (args: string[]) => {
  const cmd = addDataOptions(new Command('x').exitOverride());
  cmd.parse(args, { from: 'user' });
  return parseDataOptions(cmd.opts());
};

test('defaults', () => {
  assert.deepEqual(parse([]), {
    dataset: 'imdb', textColumn: 'text', labelColumn: 'label', valSplit: 0.1, vocabSize: 25_000, minFreq: 1, maxLen: 200,
    truncate: 'tail', seed: 42, // DEFAULT_SEED, as train's
  });
});

test('values are coerced and mapped to load/prepare options', () => {
  const o = parse(['--dataset', 'a.csv', '--test', 'b.csv', '--text-column', 'body', '--label-column', 'y', '--val-split', '0',
    '--limit', '100', '--vocab-size', '500', '--min-freq', '2', '--max-len', '64', '--truncate', 'head', '--seed', '7']);
  assert.deepEqual(toLoadOptions(o), { dataset: 'a.csv', test: 'b.csv', textColumn: 'body', labelColumn: 'y', valSplit: 0, seed: 7, limit: 100, onProgress: undefined });
  assert.deepEqual(toPrepareOptions(o), { maxSize: 500, minFreq: 2, maxLen: 64, truncate: 'head', onProgress: undefined });
});

test('--val-groups film reaches the load options; absent by default; another value is refused', () => {
  assert.equal(toLoadOptions(parse(['--val-groups', 'film'])).valGroups, 'film');
  assert.equal('valGroups' in toLoadOptions(parse([])), false);
  assert.throws(() => parse(['--val-groups', 'actor']), (e: unknown) => e instanceof UserError && e.message.startsWith('bad data option: --val-groups: '));
});

test('bad values are one-line UserErrors naming the flag', () => {
  for (const [args, flag] of [[['--max-len', '0'], '--max-len'], [['--truncate', 'middle'], '--truncate'], [['--limit', 'x'], '--limit'],
    [['--val-split', '1'], '--val-split'], [['--vocab-size', '1'], '--vocab-size']] as const) {
    assert.throws(() => parse([...args]), (e: unknown) => e instanceof UserError && e.message.startsWith(`bad data option: ${flag}: `) && !e.message.includes('\n'));
  }
});

test('a command with its own --seed can leave it out', () => {
  const cmd = addDataOptions(new Command('t'), { seed: false });
  assert.ok(!cmd.options.some((o) => o.long === '--seed'));
});
