/**
 * train --resume reads the run's config.json (flags given again must agree, all disagreements listed at once in flag
 * names); status.json says interrupted after SIGTERM / SIGINT; a live run's lock refuses a second trainer.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { oneLineError, REPO, rnnlabAsync, type CliResult } from './helpers.ts';
import { tmpDir, writeSyntheticCsv } from '../train/helpers.ts';
import { hashDir } from '../util/hash-dir.ts';

const root = tmpDir('rnnlab-cli-integrity-');
const csv = writeSyntheticCsv(root, 200);
const small = ['--dataset', csv, '--embed', '8', '--hidden', '8', '--batch-size', '16', '--max-len', '20', '--val-split', '0.2', '--threads', '1'];
const status = (dir: string): string => JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')).status;

test('--resume needs only --out: settings come from config.json; given flags must agree, all listed at once', async () => {
  const dir = join(root, 'run');
  const first = await rnnlabAsync(['train', ...small, '--epochs', '2', '--out', dir]);
  assert.equal(first.code, 0, first.stderr);
  const before = hashDir(dir);
  const bad = await rnnlabAsync(['train', '--out', dir, '--resume', '--hidden', '4', '--lr', '0.5', '--step-size', '3', '--max-len', '30']);
  oneLineError(bad, /holds a different run: /);
  for (const part of ['--lr 0.001 (run) vs 0.5 (given)', '--step-size 1 (run) vs 3 (given)', '--hidden 8 (run) vs 4 (given)', '--max-len 20 (run) vs 30 (given)']) {
    assert.ok(bad.stderr.includes(part), `${part} in ${bad.stderr}`);
  }
  assert.equal(hashDir(dir), before, 'a refused resume changes nothing');
  // extending: only --epochs; the step schedule's step size stays the recorded one
  const more = await rnnlabAsync(['train', '--out', dir, '--resume', '--epochs', '3']);
  assert.equal(more.code, 0, more.stderr);
  assert.match(more.stdout, /^resuming .* after epoch 2 of 3$/m);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.equal(config.train.epochs, 3);
  assert.equal(config.train.schedule.options.stepSize, 1);
  assert.equal(config.train.hidden, 8);
  assert.equal(status(dir), 'ok');
  assert.ok(!existsSync(join(dir, 'lock.json')), 'the lock is released');
  // the same flags again agree: finished, nothing to do
  const same = await rnnlabAsync(['train', '--out', dir, '--resume', '--hidden', '8', '--epochs', '3']);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /already holds this finished run/);
});

test('SIGTERM: exit 143, status.json interrupted, lock released; a live lock refuses a second trainer', async () => {
  const big = writeSyntheticCsv(tmpDir('rnnlab-cli-integrity-big-'), 3000);
  const dir = join(root, 'term');
  const args = ['train', '--dataset', big, '--embed', '32', '--hidden', '64', '--batch-size', '16', '--max-len', '20', '--epochs', '4', '--threads', '1', '--out', dir];
  const r = await new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/rnnlab.js', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!sent && /^epoch 1\/4 /m.test(stdout)) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, stdout, stderr, signal }));
  });
  assert.equal(r.code, 143, `${r.signal} ${r.stderr}`);
  assert.match(r.stderr, /^rnnlab: SIGTERM: stopping at the next batch, .*\nrnnlab: interrupted after epoch [1-3]; continue with rnnlab train --out .* --resume\n$/);
  assert.equal(status(dir), 'interrupted');
  assert.ok(!existsSync(join(dir, 'lock.json')));

  // a live holder (this test process) refuses a second trainer, before any data is loaded, changing nothing
  writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2026-11-29T00:00:00Z' }));
  const before = hashDir(dir);
  oneLineError(await rnnlabAsync(['train', '--out', dir, '--resume']), new RegExp(`is being trained by process ${process.pid} on ${hostname()}`));
  assert.equal(hashDir(dir), before);
});

test('SIGINT during an evaluation is answered at once; the evaluation ends, its epoch is kept, the run resumes', async () => {
  // 1,000 reviews of 300 words, 200 of them test and 400 validation: the evaluation before training takes about a second
  const dir0 = tmpDir('rnnlab-cli-integrity-eval-');
  const words = Array.from({ length: 400 }, (_, i) => `w${i}`);
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const rows = Array.from({ length: 1000 }, (_, i) =>
    `"${Array.from({ length: 300 }, () => words[Math.floor(next() * words.length)]).join(' ')} ${i % 2 ? 'good' : 'bad'}",${i % 2}`);
  const csv = join(dir0, 'long.csv');
  writeFileSync(csv, ['text,label', ...rows].join('\n') + '\n');
  const dir = join(dir0, 'run');
  const args = ['train', '--dataset', csv, '--val-split', '0.5', '--embed', '32', '--hidden', '96', '--max-len', '300',
    '--epochs', '2', '--threads', '1', '--no-baseline', '--out', dir];
  const r = await new Promise<CliResult & { order: string[] }>((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/rnnlab.js', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const order: string[] = [];
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (/^epoch 0\/2 /m.test(stdout) && !order.includes('epoch 0')) order.push('epoch 0');
      if (!sent && /^model: /m.test(stdout)) { // the evaluation before training starts now
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/SIGINT: stopping/.test(stderr) && !order.includes('answer')) order.push('answer');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, order }));
  });
  assert.equal(r.code, 130, r.stderr);
  assert.deepEqual(r.order, ['answer', 'epoch 0'], 'the signal is answered before the evaluation in progress ends');
  assert.match(r.stderr, /^rnnlab: SIGINT: stopping at the next batch, or after the evaluation in progress so that its epoch is kept; Ctrl-C again stops at once, losing only the epoch in progress\nrnnlab: interrupted after epoch 0; continue with rnnlab train --out .* --resume\n$/);
  assert.equal(status(dir), 'interrupted');
  const resumed = await rnnlabAsync(['train', '--out', dir, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /^resuming with the run's --threads 1 \(give --threads or --data-parallel to change it\)$/m);
  assert.doesNotMatch(resumed.stdout, /^epoch 0\/2 /m, 'epoch 0 was kept: not evaluated again');
  assert.match(resumed.stdout, /^epoch 2\/2 /m);
});

test("--resume continues on the run's own thread count or --data-parallel, unless told otherwise: the bits of an uninterrupted run", async () => {
  const whole = join(root, 'dp-whole');
  const part = join(root, 'dp-part');
  const args = ['train', ...small.filter((a, i) => a !== '--threads' && small[i - 1] !== '--threads'), '--data-parallel', '2'];
  assert.equal((await rnnlabAsync([...args, '--epochs', '2', '--out', whole])).code, 0);
  assert.equal((await rnnlabAsync([...args, '--epochs', '1', '--out', part])).code, 0);
  const resumed = await rnnlabAsync(['train', '--out', part, '--resume', '--epochs', '2']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /^resuming with the run's --data-parallel 2 /m);
  assert.deepEqual(readFileSync(join(part, 'model.safetensors')), readFileSync(join(whole, 'model.safetensors')));
  // a choice given is kept, and nothing is said
  const given = await rnnlabAsync(['train', '--out', part, '--resume', '--epochs', '3', '--threads', '1']);
  assert.equal(given.code, 0, given.stderr);
  assert.doesNotMatch(given.stdout, /resuming with the run's/);
});

test('--resume keeps --no-baseline: the resumed run\'s metrics.json is the uninterrupted run\'s, with no NBSVM figure added', async () => {
  const whole = join(root, 'nb-whole');
  const part = join(root, 'nb-part');
  assert.equal((await rnnlabAsync(['train', ...small, '--no-baseline', '--epochs', '2', '--out', whole])).code, 0);
  assert.equal((await rnnlabAsync(['train', ...small, '--no-baseline', '--epochs', '1', '--out', part])).code, 0);
  const resumed = await rnnlabAsync(['train', '--out', part, '--resume', '--epochs', '2']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.doesNotMatch(resumed.stdout, /NBSVM/);
  const metrics = (dir: string) => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
  assert.equal(metrics(part).baseline.nbsvm, undefined);
  assert.deepEqual(metrics(part), metrics(whole));
  assert.equal(JSON.parse(readFileSync(join(part, 'config.json'), 'utf8')).noBaseline, true);
});
