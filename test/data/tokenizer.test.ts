import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basicEnglish, basicEnglishReference } from '../../src/data/tokenizer.ts';
import { Rng } from '../../src/util/rng.ts';

// Made by torchtext itself: /usr/bin/python3 scripts/torchtext-ref.py
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/tokenizer-basic-english.json', import.meta.url), 'utf8')) as {
  cases: { text: string; tokens: string[] }[];
};

test('fixture has at least 30 cases', () => {
  assert.ok(fixture.cases.length >= 30);
});

test('basicEnglish matches torchtext basic_english on every fixture string', () => {
  for (const c of fixture.cases) assert.deepEqual(basicEnglish(c.text), c.tokens, JSON.stringify(c.text));
});

test('the literal twelve-regex port matches torchtext too', () => {
  for (const c of fixture.cases) assert.deepEqual(basicEnglishReference(c.text), c.tokens, JSON.stringify(c.text));
});

test('single-pass tokenizer equals the literal port on random tricky strings', () => {
  const pieces = [
    'a', 'B', 'é', 'İ', 'Σ', ' ', '  ', '\t', '\n', '\u00a0', '\u0085', '\x1c', '\ufeff', '\u3000', "'", '"', '.', ',', '(',
    ')', '!', '?', ';', ':', '<', '>', '/', '<br />', '<BR />', '<br "/>', '<br', ' />', '-', '😀', '1', '0.5',
  ];
  const rng = new Rng(7);
  for (let k = 0; k < 3000; k++) {
    let s = '';
    const n = rng.int(12);
    for (let i = 0; i < n; i++) s += pieces[rng.int(pieces.length)];
    assert.deepEqual(basicEnglish(s), basicEnglishReference(s), JSON.stringify(s));
  }
});

test('Python whitespace, not JavaScript whitespace, separates tokens', () => {
  assert.deepEqual(basicEnglish('a\u0085b\x1fc'), ['a', 'b', 'c']);
  assert.deepEqual(basicEnglish('a\ufeffb'), ['a\ufeffb']);
});
