/** Pretrained word vectors (src/data/embeddings.ts) on small files written here: formats, matching, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { embeddingsDim, loadEmbeddings, tokenCoverage } from '../../src/data/embeddings.ts';
import { UserError } from '../../src/util/errors.ts';
import { tempDir } from './helpers.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ITOS = ['<pad>', '<unk>', 'the', 'great', 'awful', 'film', 'new york'];
const GLOVE = [
  'the 0.1 0.2 0.3',
  'Great 9 9 9', // another case: used only if no exact "great" exists
  'great 1 -1 0.5',
  'awful -1 1 -0.5',
  'movie 0 0 1', // not in the vocabulary
  'new york 2 2 2', // GloVe 840B has words with spaces: the vector is the last D fields
  '<unk> 7 7 7', // specials are never matched
].join('\n') + '\n';

function file(dir: string, name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const row = (v: Float32Array, i: number, d: number): number[] => Array.from(v.subarray(i * d, (i + 1) * d));

test('GloVe text: vocabulary rows filled, exact case preferred, specials skipped, coverage counted', async () => {
  const dir = tempDir();
  const e = await loadEmbeddings(file(dir, 'g.txt', GLOVE), ITOS);
  assert.equal(e.info.dim, 3);
  assert.equal(e.info.format, 'glove');
  assert.deepEqual(Array.from(e.found), [0, 0, 1, 1, 1, 0, 1]);
  assert.deepEqual(row(e.vectors, 3, 3), [1, -1, 0.5]);
  assert.deepEqual(row(e.vectors, 2, 3), [0.1, 0.2, 0.3].map(Math.fround));
  assert.deepEqual(row(e.vectors, 6, 3), [2, 2, 2]);
  assert.deepEqual(row(e.vectors, 1, 3), [0, 0, 0]);
  assert.equal(e.info.found, 4);
  assert.equal(e.info.coverage, 4 / 5);
  // token coverage: ids 2, 3 covered; 1 (<unk>) and 5 not
  assert.equal(tokenCoverage(e.found, Int32Array.from([2, 3, 1, 5])), 0.5);
});

test('word2vec / fastText .vec with a header, and another case used when no exact match exists', async () => {
  const dir = tempDir();
  const vec = '3 2\nThe 1 2\nFILM 3 4\nfilm 5 6\n';
  const e = await loadEmbeddings(file(dir, 'w.vec', vec), ITOS);
  assert.equal(e.info.format, 'word2vec');
  assert.equal(e.info.dim, 2);
  assert.deepEqual(row(e.vectors, 2, 2), [1, 2]); // "The" for "the"
  assert.deepEqual(row(e.vectors, 5, 2), [5, 6]); // exact "film" beats the earlier "FILM"
  assert.equal(embeddingsDim(join(dir, 'w.vec')), 2);
});

test('gzipped files are recognised by content and streamed through gunzip', async () => {
  const dir = tempDir();
  const p = file(dir, 'glove.6B.3d.txt.gz', gzipSync(GLOVE));
  assert.equal(embeddingsDim(p), 3);
  const e = await loadEmbeddings(p, ITOS, { dim: 3 });
  assert.equal(e.info.format, 'glove+gzip');
  assert.equal(e.info.found, 4);
  assert.equal(embeddingsDim(file(dir, 'h.vec.gz', gzipSync('2 4\na 1 2 3 4\n'))), 4);
});

test('bad files are one-line UserErrors naming the file (and line)', async () => {
  const dir = tempDir();
  const expectError = async (p: string, re: RegExp, dim?: number): Promise<void> => {
    await assert.rejects(loadEmbeddings(p, ITOS, dim === undefined ? {} : { dim }), (e: unknown) => {
      assert.ok(e instanceof UserError, String(e));
      assert.match(e.message, re);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  };
  await expectError(join(dir, 'missing.txt'), /no such file.*glove/i);
  await expectError(file(dir, 'dim.txt', GLOVE), /3-dimensional vectors but the model's embedding size is 5; pass --embed 3/, 5);
  await expectError(file(dir, 'short.txt', 'the 1 2 3\ngreat 1 2\n'), /line 2: expected 3 numbers after "great", got 2|line 2: expected a word and 3 numbers/);
  await expectError(file(dir, 'nan.txt', 'the 1 2 3\ngreat 1 x 3\n'), /line 2: "x" is not a number/);
  await expectError(file(dir, 'empty.txt', ''), /is empty/);
  const gz = gzipSync(GLOVE);
  await expectError(file(dir, 'broken.txt.gz', Buffer.concat([gz.subarray(0, 12), Buffer.alloc(40, 7)])), /not a readable gzip file/);
  assert.throws(() => embeddingsDim(file(dir, 'one.txt', 'lonely\n')), /first line holds no vector/);
});

test('a large file is streamed: peak memory grows far less than the file size', () => {
  // 48 MB of 50-d vectors, of which the vocabulary needs two: read whole, the peak RSS would grow by > 48 MB
  const dir = tempDir();
  const path = join(dir, 'big.txt');
  const nums = Array.from({ length: 50 }, (_, k) => (k / 7).toFixed(6)).join(' ');
  const lines: string[] = [];
  for (let i = 0; lines.length * (nums.length + 9) < 48e6; i++) lines.push(`w${i} ${nums}`);
  lines.push(`great ${nums}`);
  writeFileSync(path, lines.join('\n') + '\n');
  lines.length = 0;
  const peak = (code: string): number => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return Number(r.stdout.trim().split('\n').pop());
  };
  const load = `const m = await import('./src/data/embeddings.ts');`;
  const base = peak(`${load} console.log(process.resourceUsage().maxRSS);`);
  const used = peak(`${load} const e = await m.loadEmbeddings(${JSON.stringify(path)}, ['<pad>', '<unk>', 'great', 'w3']);
    if (e.info.found !== 2) throw new Error('found ' + e.info.found); console.log(process.resourceUsage().maxRSS);`);
  const grewMb = (used - base) / 1024; // maxRSS is in KiB
  assert.ok(grewMb < 24, `peak RSS grew by ${grewMb.toFixed(1)} MB reading a 48 MB file`);
});
