// `rnnlab data` as a child process: the JSON report, and bad input → exit 2, one line on stderr, no stack trace.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { packTarGz, tempDir, writeImdbTree } from './helpers.ts';

const repo = new URL('../..', import.meta.url).pathname;
const dir = tempDir();

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['bin/rnnlab.js', 'data', ...args], { cwd: repo, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function fails(args: string[], re: RegExp, env: Record<string, string> = {}): Promise<void> {
  const r = await run(args, env);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^rnnlab: /);
  assert.match(lines[0]!, re);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

const csv = join(dir, 'reviews.csv');
writeFileSync(csv, 'text,label\n' + Array.from({ length: 50 }, (_, i) =>
  `"review ${i}: ${i % 2 ? 'good, very good' : 'bad; really bad'}${i % 5 === 0 ? ' word'.repeat(30) : ''}",${i % 2 ? 'pos' : 'neg'}`).join('\n'));

test('data --json: counts per split and label, vocabulary size, length stats', async () => {
  const r = await run(['--dataset', csv, '--json', '--max-len', '20', '--seed', '3']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.labels, ['neg', 'pos']);
  assert.deepEqual(j.test, { ...j.test, total: 10, labels: { neg: 5, pos: 5 } });
  assert.equal(j.val.total, 4);
  assert.equal(j.train.total, 36);
  assert.equal(j.train.labels.neg + j.train.labels.pos, 36);
  // <pad>, <unk>; review good , very bad really word (':' and ';' are separators); the 36 training review numbers
  assert.equal(j.vocabSize, 2 + 7 + 36);
  assert.equal(j.train.majorityBaseline.accuracy, 0.5);
  assert.ok(j.train.longerThanMaxLen > 0 && j.train.longerThanMaxLen < 1);
  assert.ok(j.train.tokens.max > 20);
});

test('data (text): prints the table and statistics', async () => {
  const r = await run(['--dataset', csv]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^train\s+36\s+18\s+18\s+50\.0 % \(neg\)$/m);
  assert.match(r.stdout, /vocabulary: \d+ tokens/);
  assert.match(r.stdout, /<unk> share of tokens: train 0\.0 %/);
  assert.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');
});

test('bad input (incl. a checksum mismatch on download) exits 2 with one line and no stack trace', async () => {
  writeFileSync(join(dir, 'quote.csv'), 'text,label\nfine,1\nalso fine,0\n"broken,1\n');
  writeFileSync(join(dir, 'skew.csv'), 'text,label\n' + 'a,0\n'.repeat(20) + 'b,1\nc,1\n');
  const root = tempDir();
  writeImdbTree(root, 2);
  const cut = join(dir, 'cut.tar.gz');
  writeFileSync(cut, readFileSync(await packTarGz(root)).subarray(0, 300));
  const server = createServer((_req, res) => { res.writeHead(200, { 'content-length': 5 }); res.end('12345'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/aclImdb_v1.tar.gz`;
  // Child processes in parallel: each pays tsx's start-up.
  await Promise.all([
    fails(['--dataset', join(dir, 'nope.csv')], /nope\.csv: no such file or folder/),
    fails(['--dataset', join(dir, 'quote.csv')], /quote\.csv line 4: a quoted field starting here never ends/),
    fails(['--dataset', join(dir, 'skew.csv'), '--val-split', '0'], /the test split has only one class: all \d+ examples are labelled "0"/),
    fails(['--dataset', cut], /cut\.tar\.gz: corrupt or truncated gzip data/),
    // --dataset imdb (the default) with nothing cached: downloads from the local server, and the sha256 differs
    fails([], /download of .* failed \(checksum mismatch: expected sha256 0{64}, got [0-9a-f]{64}\); the file was deleted/, {
      XDG_CACHE_HOME: tempDir(), RNNLAB_IMDB_URL: url, RNNLAB_IMDB_SHA256: '0'.repeat(64), RNNLAB_DOWNLOAD_RETRIES: '1',
      RNNLAB_DOWNLOAD_RETRY_MS: '5', RNNLAB_IMDB: '',
    }),
  ]);
});
