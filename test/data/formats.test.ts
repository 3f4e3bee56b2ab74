import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../src/data/csv.ts';
import { loadDataset } from '../../src/data/load.ts';
import { UserError } from '../../src/util/errors.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir();
const file = (name: string, content: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const rejects = async (opts: Parameters<typeof loadDataset>[0], re: RegExp): Promise<void> => {
  await assert.rejects(loadDataset(opts), (e: unknown) => {
    assert.ok(e instanceof UserError, String(e));
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
};

test('CSV: RFC 4180 quoting, CRLF, embedded newlines, doubled quotes, line numbers', () => {
  const t = parseCsv('text,label\r\n"a, ""b""\r\nc",1\r\nplain 5\'11",0\r\n\r\nlast,2', 'x.csv');
  assert.deepEqual(t.header, ['text', 'label']);
  assert.deepEqual(t.rows, [['a, "b"\r\nc', '1'], ['plain 5\'11"', '0'], ['last', '2']]);
  assert.deepEqual(t.lines, [2, 4, 6]);
  assert.throws(() => parseCsv('text,label\nok,1\n"never closed,1\n', 'x.csv'), /x\.csv line 3: a quoted field/);
  assert.throws(() => parseCsv('text,label\nok,1\n\n"ab"c,1\n', 'x.csv'), /x\.csv line 4: unexpected text after a closing quote/);
  assert.throws(() => parseCsv('text,label\n"multi\nline",1\nx,1,2\n', 'x.csv'), /x\.csv line 4: 3 fields/);
});

const rows = (n: number, labels: string[]): string =>
  'id,text,label\n' + Array.from({ length: n }, (_, i) => `${i},"review ${i}, with ""quotes""",${labels[i % labels.length]}`).join('\n') + '\n';

test('CSV data set: labels sorted, seeded stratified test (0.2) and val (0.1) splits', async () => {
  const p = file('three.csv', rows(100, ['pos', 'neg', 'neutral', 'neg']));
  const d = await loadDataset({ dataset: p, seed: 1 });
  assert.deepEqual(d.labels, ['neg', 'neutral', 'pos']);
  assert.equal(d.test.length, 20);
  assert.equal(d.val.length, 8);
  assert.equal(d.train.length, 72);
  assert.equal(d.name, 'three');
  assert.match(d.train[0]!.text, /^review \d+, with "quotes"$/);
  const again = await loadDataset({ dataset: p, seed: 1 });
  assert.deepEqual(again.test, d.test);
  const limited = await loadDataset({ dataset: p, seed: 1, limit: 40, valSplit: 0.2 });
  assert.equal(limited.train.length + limited.val.length, 40);
  assert.equal(limited.val.length, 8); // 20, 10, 10 per class → 4 + 2 + 2
  assert.equal(limited.test.length, 20);
});

test('CSV with custom columns, numeric labels, and a separate --test file', async () => {
  const train = file('num.csv', 'body,stars\n' + Array.from({ length: 30 }, (_, i) => `text ${i},${[10, 2, 1][i % 3]}`).join('\n'));
  const testFile = file('num-test.csv', 'body,stars\nx,1\ny,10\nz,2\n');
  const d = await loadDataset({ dataset: train, test: testFile, textColumn: 'body', labelColumn: 'stars', valSplit: 0 });
  assert.deepEqual(d.labels, ['1', '2', '10']);
  assert.deepEqual(d.test.map((e) => e.label), [0, 2, 1]);
  assert.equal(d.train.length, 30);
  await rejects({ dataset: train, test: file('bad-test.csv', 'body,stars\nq,7\n'), textColumn: 'body', labelColumn: 'stars' },
    /label "7" never occurs in the training data/);
});

test('JSONL data set, and one sub-folder per class', async () => {
  const p = file('d.jsonl', Array.from({ length: 20 }, (_, i) => JSON.stringify({ text: `t${i}`, label: i % 2 === 0 })).join('\n') + '\n\n');
  const d = await loadDataset({ dataset: p, valSplit: 0 });
  assert.deepEqual(d.labels, ['false', 'true']);
  assert.equal(d.train.length + d.test.length, 20);
  const root = join(dir, 'classes');
  for (const c of ['spam', 'ham']) {
    mkdirSync(join(root, c), { recursive: true });
    for (let i = 0; i < 10; i++) writeFileSync(join(root, c, `${i}.txt`), `${c} message ${i}`);
  }
  const f = await loadDataset({ dataset: root, valSplit: 0 });
  assert.deepEqual(f.labels, ['ham', 'spam']);
  assert.equal(f.test.length, 4);
  assert.ok(f.train.every((e) => e.text.startsWith(f.labels[e.label]!)));
});

test('bad input: each a one-line UserError naming the cause', async () => {
  await rejects({ dataset: join(dir, 'missing.csv') }, /missing\.csv: no such file or folder/);
  await rejects({ dataset: file('empty.csv', '') }, /empty\.csv is empty/);
  await rejects({ dataset: file('cols.csv', 'review,sentiment\na,1\n') }, /no text column "text" and label column "label".*"review", "sentiment"/);
  await rejects({ dataset: file('quote.csv', 'text,label\nok,1\n"broken,0\n') }, /quote\.csv line 3: a quoted field starting here never ends/);
  await rejects({ dataset: file('emptytext.csv', 'text,label\nok,1\n  ,0\n') }, /emptytext\.csv line 3: empty text/);
  await rejects({ dataset: file('nolabel.csv', 'text,label\nok,1\nfine,\n') }, /nolabel\.csv line 3: missing label/);
  await rejects({ dataset: file('utf8.csv', Buffer.concat([Buffer.from('text,label\nok,1\nbad'), Buffer.from([0xc3, 0x28]), Buffer.from(',0\n')])) },
    /utf8\.csv: invalid UTF-8 at line 3/);
  await rejects({ dataset: file('one.csv', 'text,label\na,x\nb,x\nc,x\n') }, /single label \("x"\)/);
  await rejects({ dataset: file('bad.jsonl', '{"text":"a","label":1}\n{"text": oops}\n') }, /bad\.jsonl line 2: not valid JSON/);
  await rejects({ dataset: file('nolabel.jsonl', '{"text":"a","label":1}\n{"text":"b"}\n') }, /nolabel\.jsonl line 2: missing label/);
  await rejects({ dataset: 'imdb', test: 'x' }, /--test is not used with IMDB/);
  await rejects({ dataset: file('v.csv', rows(10, ['a', 'b'])), valSplit: 1 }, /--val-split/);
});
