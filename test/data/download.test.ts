// Download tests against a local HTTP server on 127.0.0.1 (never the internet): resume after a cut-off response,
// a server that ignores Range, a corrupted body (checksum mismatch), a 404, and the full loadDataset path.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { downloadFile, locateImdb } from '../../src/data/download.ts';
import { loadDataset } from '../../src/data/load.ts';
import { UserError } from '../../src/util/errors.ts';
import { packTarGz, tempDir, writeImdbTree } from './helpers.ts';

const root = tempDir();
writeImdbTree(root, 3);
const body = readFileSync(await packTarGz(root));
const sha256 = createHash('sha256').update(body).digest('hex');
const requests: { path: string; range?: string }[] = [];
let cutOnce = true;

function send(res: ServerResponse, req: IncomingMessage, data: Buffer, honourRange: boolean): void {
  const m = honourRange ? /bytes=(\d+)-/.exec(req.headers.range ?? '') : null;
  const start = m ? Number(m[1]) : 0;
  if (m) res.writeHead(206, { 'content-length': data.length - start, 'content-range': `bytes ${start}-${data.length - 1}/${data.length}` });
  else res.writeHead(200, { 'content-length': data.length });
  res.end(data.subarray(start));
}

const server = createServer((req, res) => {
  const path = req.url ?? '/';
  requests.push({ path, range: req.headers.range });
  if (path === '/ok') return send(res, req, body, true);
  if (path === '/norange') return send(res, req, body, false);
  if (path === '/cut') {
    if (cutOnce) { // promise the whole file, send a third, then drop the connection
      cutOnce = false;
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, Math.floor(body.length / 3)), () => res.destroy());
      return;
    }
    return send(res, req, body, true);
  }
  if (path === '/corrupt') {
    const bad = Buffer.from(body);
    bad[bad.length >> 1] ^= 0xff;
    return send(res, req, bad, true);
  }
  res.writeHead(404).end('not found');
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => server.close());

const spec = (path: string) => ({ url: base + path, sha256, size: body.length });

test('downloads, verifies and renames atomically', async () => {
  const dest = join(tempDir(), 'sub', 'a.tar.gz');
  const seen: number[] = [];
  await downloadFile(spec('/ok'), dest, { onProgress: (p) => seen.push(p.done) });
  assert.deepEqual(readFileSync(dest), body);
  assert.ok(!existsSync(dest + '.part'));
  assert.equal(seen.at(-1), body.length);
});

test('a cut-off response is retried and resumed with a Range request', async () => {
  const dest = join(tempDir(), 'b.tar.gz');
  requests.length = 0;
  await downloadFile(spec('/cut'), dest, { retryDelayMs: 5 });
  assert.deepEqual(readFileSync(dest), body);
  const cut = requests.filter((r) => r.path === '/cut');
  assert.equal(cut.length, 2);
  assert.equal(cut[0]!.range, undefined);
  assert.equal(cut[1]!.range, `bytes=${Math.floor(body.length / 3)}-`);
});

test('an existing partial file is resumed; a server ignoring Range restarts it', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'c.tar.gz.part'), body.subarray(0, 100));
  requests.length = 0;
  await downloadFile(spec('/ok'), join(dir, 'c.tar.gz'));
  assert.equal(requests[0]!.range, 'bytes=100-');
  assert.deepEqual(readFileSync(join(dir, 'c.tar.gz')), body);
  writeFileSync(join(dir, 'd.tar.gz.part'), Buffer.alloc(100, 1)); // garbage the server will not append to
  await downloadFile(spec('/norange'), join(dir, 'd.tar.gz'));
  assert.deepEqual(readFileSync(join(dir, 'd.tar.gz')), body);
});

test('a corrupted download fails the checksum, is deleted, and says so', async () => {
  const dir = tempDir();
  const dest = join(dir, 'e.tar.gz');
  await assert.rejects(downloadFile(spec('/corrupt'), dest, { retries: 1, retryDelayMs: 5 }), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, new RegExp(`checksum mismatch: expected sha256 ${sha256}, got [0-9a-f]{64}\\); the file was deleted`));
    return true;
  });
  assert.ok(!existsSync(dest) && !existsSync(dest + '.part'));
});

test('HTTP 404 fails at once with the status', async () => {
  requests.length = 0;
  await assert.rejects(downloadFile(spec('/missing'), join(tempDir(), 'f'), { retryDelayMs: 5 }), /HTTP 404/);
  assert.equal(requests.length, 1);
});

test('--dataset imdb: cache first, else download into $XDG_CACHE_HOME/rnnlab', async () => {
  const cache = tempDir();
  const env = { XDG_CACHE_HOME: cache, RNNLAB_IMDB_URL: `${base}/ok`, RNNLAB_IMDB_SHA256: sha256, RNNLAB_IMDB_SIZE: String(body.length) };
  requests.length = 0;
  const d = await loadDataset({ env, valSplit: 0 });
  assert.equal(d.train.length, 6);
  assert.ok(existsSync(join(cache, 'rnnlab', 'aclImdb_v1.tar.gz')));
  assert.match(d.description, new RegExp(`sha256 ${sha256}`));
  await loadDataset({ env, valSplit: 0 });
  assert.equal(requests.length, 1, 'second load uses the cache');
  const located = await locateImdb(env);
  assert.equal(located.path, join(cache, 'rnnlab', 'aclImdb_v1.tar.gz'));
  await assert.rejects(locateImdb({ RNNLAB_IMDB: join(cache, 'nope') }), /RNNLAB_IMDB points at .*nope, which does not exist/);
});
