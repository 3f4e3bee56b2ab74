/**
 * Kill -9 in the middle of `rnnlab train`, then `--resume`: the run must end with exactly the numbers and weights of
 * an uninterrupted run (every file is written atomically, and the checkpoint holds optimizer, scheduler and RNG).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, rnnlabAsync } from './helpers.ts';
import { tmpDir, writeSyntheticCsv } from '../train/helpers.ts';
import { loadSafetensors } from '../../src/nn/safetensors.ts';
import { runHolder } from '../../src/train/lock.ts';

const root = tmpDir('rnnlab-cli-resume-');
const csv = writeSyntheticCsv(root, 600);
const args = ['train', '--dataset', csv, '--embed', '32', '--hidden', '64', '--batch-size', '16', '--max-len', '20',
  '--epochs', '3', '--lr', '0.01', '--dropout', '0.2', '--schedule', 'cosine', '--threads', '1'];

const KILL_ON_LINE = join(REPO, 'test/fixtures/kill-on-line.mjs');

/**
 * Trains until the epoch 1 line is printed, where the process SIGKILLs itself (test/fixtures/kill-on-line.mjs): the
 * kill lands right after epoch 1's files are written, with epochs 2 and 3 to go, on any machine, fast or slow.
 */
function trainAndKill(out: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', KILL_ON_LINE, 'bin/rnnlab.js', ...args, '--out', out], {
      cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RNNLAB_TEST_KILL_ON: '^epoch 1/3 ' },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.on('error', reject);
    child.on('close', (_code, signal) => (signal === 'SIGKILL' ? resolve(stdout) : reject(new Error(`not killed: ${stdout}`))));
  });
}

function history(dir: string): unknown[] {
  return readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const { seconds: _s, tokensPerSecond: _t, evalTokensPerSecond: _e, ...rest } = JSON.parse(l);
    return rest;
  });
}

test('kill -9 mid-run, then --resume: identical history, metrics and weights to a straight run', async () => {
  const straight = join(root, 'straight');
  const killed = join(root, 'killed');
  const [s] = await Promise.all([rnnlabAsync([...args, '--out', straight]), trainAndKill(killed)]);
  assert.equal(s.code, 0, s.stderr);

  const status = JSON.parse(readFileSync(join(killed, 'status.json'), 'utf8'));
  assert.equal(status.status, 'running', 'killed mid-run');
  assert.equal(status.epochsCompleted, 1);

  // status.json still says running, but the lock's process is gone: detected as stale
  assert.equal(runHolder(killed).state, 'stale');
  // --resume alone: every setting comes from the run's config.json (--threads is not recorded)
  const r = await rnnlabAsync(['train', '--out', killed, '--resume', '--threads', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^resuming .* after epoch 1 of 3$/m);
  assert.match(r.stdout, /^note: .* was last held by process \d+ on .*, which is gone \(killed\?\); its status.json "running" was stale$/m);
  assert.deepEqual(history(killed), history(straight));
  const metrics = (d: string) => JSON.parse(readFileSync(join(d, 'metrics.json'), 'utf8'));
  assert.deepEqual(metrics(killed), metrics(straight));
  assert.ok(readFileSync(join(killed, 'model.safetensors')).equals(readFileSync(join(straight, 'model.safetensors'))));
  const tensors = (d: string) => Object.fromEntries([...loadSafetensors(join(d, 'checkpoint.safetensors')).tensors].map(([k, v]) => [k, Array.from(v.data)]));
  assert.deepEqual(tensors(killed), tensors(straight));
  assert.equal(JSON.parse(readFileSync(join(killed, 'status.json'), 'utf8')).status, 'ok');
});
