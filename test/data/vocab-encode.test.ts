import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocab, compareCodePoints, PAD, UNK } from '../../src/data/vocab.ts';
import { buildVocab, encodeSplit, exampleIds, prepareSplits } from '../../src/data/encode.ts';
import { TokenInterner } from '../../src/data/interner.ts';
import { basicEnglish } from '../../src/data/tokenizer.ts';
import type { Example } from '../../src/data/types.ts';
import { UserError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/rng.ts';

test('vocab: specials first, then frequency, ties by code point', () => {
  const v = Vocab.build([['b', 'a', 'c', 'b'], ['c', 'd', 'b']]);
  assert.deepEqual(v.itos, ['<pad>', '<unk>', 'b', 'c', 'a', 'd']);
  assert.equal(v.id('b'), 2);
  assert.equal(v.id('zzz'), UNK);
  assert.equal(v.size, 6);
});

test('vocab: maxSize counts the specials, minFreq drops rare tokens', () => {
  const lists = [['x', 'x', 'x', 'y', 'y', 'z']];
  assert.deepEqual(Vocab.build(lists, { maxSize: 3 }).itos, ['<pad>', '<unk>', 'x']);
  assert.deepEqual(Vocab.build(lists, { minFreq: 2 }).itos, ['<pad>', '<unk>', 'x', 'y']);
  assert.throws(() => Vocab.build(lists, { maxSize: 1 }), UserError);
});

test('vocab: literal "<unk>"/"<pad>" tokens map to the specials, not new entries', () => {
  const v = Vocab.build([['<unk>', '<pad>', 'a']]);
  assert.deepEqual(v.itos, ['<pad>', '<unk>', 'a']);
  assert.deepEqual([...v.encode(['<pad>', 'a', 'q'])], [PAD, 2, UNK]);
});

test('vocab: toJSON / fromJSON round trip, bad JSON is a UserError', () => {
  const v = Vocab.build([['é', 'b', 'b', '😀']]);
  const back = Vocab.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
  assert.deepEqual(back.itos, v.itos);
  assert.deepEqual(Vocab.fromJSON([...v.itos]).itos, v.itos);
  assert.throws(() => Vocab.fromJSON({ itos: ['a', 'b'] }), UserError);
  assert.throws(() => Vocab.fromJSON({ nope: 1 }), UserError);
});

test('compareCodePoints orders like Python (astral after U+FFFF-range BMP)', () => {
  const words = ['\uffff', '😀', 'b', 'a', 'ab', ''];
  words.sort(compareCodePoints);
  assert.deepEqual(words, ['', 'a', 'ab', 'b', '\uffff', '😀']);
});

const ex = (text: string, label = 0): Example => ({ text, label });

test('encodeSplit: head/tail truncation, empty text → one <unk>', () => {
  const v = Vocab.build([basicEnglish('one two three four five')]);
  const split = [ex('one two three four five'), ex(''), ex('two unknownword')];
  const head = encodeSplit(split, v, { maxLen: 3, truncate: 'head' });
  assert.deepEqual(v.decode(exampleIds(head, 0)), ['one', 'two', 'three']);
  assert.deepEqual([...exampleIds(head, 1)], [UNK]);
  assert.deepEqual(v.decode(exampleIds(head, 2)), ['two', '<unk>']);
  assert.deepEqual([...head.lengths], [3, 1, 2]);
  assert.deepEqual([...head.fullLengths], [5, 0, 2]);
  assert.equal(head.unkCount, 2);
  const tail = encodeSplit(split, v, { maxLen: 3, truncate: 'tail' });
  assert.deepEqual(v.decode(exampleIds(tail, 0)), ['three', 'four', 'five']);
});

test('prepareSplits equals buildVocab + encodeSplit, vocab from train only', () => {
  const rng = new Rng(3);
  const words = ['the', 'film', 'was', 'great', 'awful', "isn't", 'Plot.', 'ACTING', 'bad!', '<br />', 'é', '"q"'];
  const make = (n: number, extra: string): Example[] => Array.from({ length: n }, () => ({
    text: Array.from({ length: rng.int(30) }, () => words[rng.int(words.length)]).join(' ') + extra,
    label: rng.int(2),
  }));
  const splits = { train: make(60, ''), val: make(10, ' valonly'), test: make(10, ' testonly') };
  const opts = { maxSize: 8, maxLen: 12, truncate: 'tail' as const };
  const fast = prepareSplits(splits, opts);
  const vocab = buildVocab(splits.train, opts);
  assert.deepEqual(fast.vocab.itos, vocab.itos);
  assert.ok(!vocab.stoi.has('valonly') && !vocab.stoi.has('testonly'));
  for (const name of ['train', 'val', 'test'] as const) {
    const slow = encodeSplit(splits[name], vocab, opts);
    assert.deepEqual(fast[name], slow, name);
  }
});

test('TokenInterner: same id for equal ranges, survives growth and hash collisions', () => {
  const it = new TokenInterner();
  const seen = new Map<string, number>();
  for (let i = 0; i < 50_000; i++) {
    const tok = `w${i % 20_000}`;
    const s = `xx ${tok} yy`;
    const id = it.intern(s, 3, 3 + tok.length);
    if (seen.has(tok)) assert.equal(id, seen.get(tok));
    else seen.set(tok, id);
  }
  assert.equal(it.size, 20_000);
  assert.equal(it.tokens[seen.get('w123')!], 'w123');
  // FNV-1a collision-free check is not enough: equal hashes must still compare text
  assert.notEqual(it.id('ab'), it.id('ba'));
});
