import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readImdbArchive } from '../../src/data/imdb.ts';
import { loadDataset } from '../../src/data/load.ts';
import { prepareSplits } from '../../src/data/encode.ts';
import { UserError } from '../../src/util/errors.ts';
import { filmOf, packTarGz, reviewText, tempDir, writeImdbTree } from './helpers.ts';

const root = tempDir();
const tree = writeImdbTree(root, 4, { unsup: true });
const archivePromise = packTarGz(root);

const rejectsWith = async (p: Promise<unknown>, re: RegExp): Promise<void> => {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof UserError, String(e));
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
};

test('archive: streamed in memory, neg=0/pos=1, ids and ratings kept, unsup ignored', async () => {
  const archive = await archivePromise;
  const s = await readImdbArchive(archive);
  assert.equal(s.train.length, 8);
  assert.equal(s.test.length, 8);
  assert.deepEqual(s.train[0], { text: reviewText('train', 'neg', 0), label: 0, id: '0', rating: 1, group: filmOf('train', 0) });
  assert.deepEqual(s.train[7], { text: reviewText('train', 'pos', 3), label: 1, id: '3', rating: 10, group: filmOf('train', 3) });
  assert.match(s.sha256!, /^[0-9a-f]{64}$/);
  assert.ok(!existsSync(join(root, 'train')), 'nothing extracted');
});

test('loadDataset detects an IMDB archive and an extracted folder by layout, with the same result', async () => {
  const archive = await archivePromise;
  const a = await loadDataset({ dataset: archive, valSplit: 0.25, seed: 3 });
  const f = await loadDataset({ dataset: root, valSplit: 0.25, seed: 3 });
  const g = await loadDataset({ dataset: tree, valSplit: 0.25, seed: 3 });
  assert.deepEqual(a.labels, ['neg', 'pos']);
  assert.equal(a.name, 'imdb');
  assert.match(a.description, /sha256 [0-9a-f]{64}/);
  assert.equal(a.val.length, 2);
  assert.deepEqual([a.train, a.val, a.test], [f.train, f.val, f.test]);
  assert.deepEqual([a.train, a.val, a.test], [g.train, g.val, g.test]);
  const env = { RNNLAB_IMDB: archive };
  const e = await loadDataset({ env, valSplit: 0.25, seed: 3 });
  assert.deepEqual(e.test, a.test);
  assert.match(e.description, /RNNLAB_IMDB=/);
});

test('--val-groups film: validation holds whole films, none of them in training; other data is refused in one line', async () => {
  const dir = tempDir();
  writeImdbTree(dir, 20);
  const archive = await packTarGz(dir);
  const a = await loadDataset({ dataset: archive, valSplit: 0.25, seed: 3, valGroups: 'film' });
  const f = await loadDataset({ dataset: dir, valSplit: 0.25, seed: 3, valGroups: 'film' });
  assert.deepEqual([a.train, a.val, a.test], [f.train, f.val, f.test], 'archive and folder agree');
  const valFilms = new Set(a.val.map((e) => e.group));
  assert.ok(a.val.length >= 10 && a.val.length < 14, `val ${a.val.length} of 40 (films of 4 reviews)`);
  assert.ok(a.train.every((e) => e.group !== undefined && !valFilms.has(e.group)), 'a film in both training and validation');
  assert.match(a.description, /val: 25 % of the training films/);
  // the plain split, same seed, puts most films on both sides: what --val-groups is for
  const plain = await loadDataset({ dataset: archive, valSplit: 0.25, seed: 3 });
  const plainVal = new Set(plain.val.map((e) => e.group));
  assert.ok(plain.train.some((e) => plainVal.has(e.group)));

  const csv = join(dir, 'x.csv');
  writeFileSync(csv, 'text,label\n' + Array.from({ length: 20 }, (_, i) => `t ${i},${i % 2}`).join('\n') + '\n');
  await rejectsWith(loadDataset({ dataset: csv, valGroups: 'film' }), /--val-groups film applies to IMDB only/);
  await rejectsWith(loadDataset({ dataset: archive, val: csv, valGroups: 'film' }), /does not apply with --val/);
  const bare = tempDir();
  writeImdbTree(bare, 4);
  for (const split of ['train', 'test']) for (const label of ['pos', 'neg']) rmSync(join(bare, 'aclImdb', split, `urls_${label}.txt`));
  await rejectsWith(loadDataset({ dataset: bare, valGroups: 'film' }), /needs the film lists train\/urls_pos\.txt/);
  assert.equal((await loadDataset({ dataset: bare })).train.length, 8, 'without the lists IMDB still loads');
});

test('truncated, corrupt and wrong-layout archives are one-line UserErrors', async () => {
  const bytes = readFileSync(await archivePromise);
  const dir = tempDir();
  const truncated = join(dir, 'truncated.tar.gz');
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await rejectsWith(readImdbArchive(truncated), /truncated\.tar\.gz: corrupt or truncated gzip data/);
  const corrupt = join(dir, 'corrupt.tar.gz');
  const c = Buffer.from(bytes);
  for (let i = 40; i < c.length - 20; i += 7) c[i] ^= 0x5a;
  writeFileSync(corrupt, c);
  await rejectsWith(loadDataset({ dataset: corrupt }), /corrupt\.tar\.gz: (corrupt or truncated gzip data|bad tar data)/);
  // a gzip stream that is fine, holding a tar cut off at an entry boundary: node-tar alone would not notice
  const plain = gunzipSync(bytes);
  const cutTar = join(dir, 'cut-tar.tar.gz');
  writeFileSync(cutTar, gzipSync(plain.subarray(0, 512 * 6)));
  await rejectsWith(readImdbArchive(cutTar), /cut-tar\.tar\.gz: truncated tar data/);
  const other = tempDir();
  mkdirSync(join(other, 'stuff'));
  writeFileSync(join(other, 'stuff', 'a.txt'), 'hello');
  const wrong = await packTarGz(other, 'wrong.tar.gz', ['stuff']);
  await rejectsWith(loadDataset({ dataset: wrong }), /wrong\.tar\.gz: no train\/pos or train\/neg reviews found; not an IMDB/);
  const noGzip = join(dir, 'garbage.tar.gz');
  writeFileSync(noGzip, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(100, 7)]));
  await rejectsWith(loadDataset({ dataset: noGzip }), /garbage\.tar\.gz: corrupt or truncated gzip data/);
});

test('invalid UTF-8 in a review names the entry', async () => {
  const r = tempDir();
  writeImdbTree(r, 2, { badUtf8: true });
  const archive = await packTarGz(r);
  await rejectsWith(readImdbArchive(archive), /aclImdb\/train\/pos\/99_9\.txt: invalid UTF-8 at line 2/);
  await rejectsWith(loadDataset({ dataset: r }), /99_9\.txt: invalid UTF-8 at line 2/);
});

// The real data (25k train / 25k test), only where the shared folder exists; prints the timing for the record.
const REAL = new URL('../../../shared/data/imdb/aclImdb_v1-train-test.tar.gz', import.meta.url).pathname;
test('real IMDB archive: 25k/25k, load + tokenize + vocabulary', { skip: !existsSync(REAL) && 'real archive not present' }, async () => {
  const t0 = performance.now();
  const d = await loadDataset({ dataset: REAL, valSplit: 0.1, seed: 0 });
  const prep = prepareSplits(d);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`# real IMDB: load ${d.loadSeconds.toFixed(2)} s + tokenize/vocab ${prep.seconds.toFixed(2)} s = ${seconds.toFixed(2)} s`);
  assert.equal(d.train.length + d.val.length, 25_000);
  assert.equal(d.test.length, 25_000);
  assert.equal(prep.vocab.size, 25_000);
  const first = d.train.find((e) => e.label === 1 && e.id === '0') ?? d.val.find((e) => e.label === 1 && e.id === '0');
  assert.ok(first!.text.startsWith('Bromwell High is a cartoon comedy'));
  assert.equal(first!.rating, 9);
});
