import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stepGemmFlops } from '../../src/bench/step.ts';
import { formatMarkdown, type SuiteReport } from '../../src/bench/suite.ts';
import type { BenchResult } from '../../src/bench/step.ts';

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/rnnlab.js', ...args], {
    encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

for (const arch of ['lstm', 'gru', 'rnn']) {
  test(`rnnlab bench --json (${arch}, tiny config) prints one JSON object with positive numbers`, () => {
    const r = cli(['bench', '--json', '--arch', arch, '--batch-size', '3', '--max-len', '5', '--embed', '8',
      '--hidden', '6', '--layers', '2', '--steps', '2', '--warmup', '1', '--threads', '1']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const j = JSON.parse(lines[0]!) as BenchResult;
    assert.equal(j.arch, arch);
    assert.equal(j.optimizer, 'adam');
    assert.deepEqual([j.batchSize, j.maxLen, j.embed, j.hidden, j.layers, j.steps, j.warmup], [3, 5, 8, 6, 2, 2, 1]);
    assert.equal(j.threads, j.blas.backend === 'openblas' ? 1 : j.threads);
    for (const k of ['msPerStep', 'msPerStepMin', 'msPerStepMean', 'gflopPerStep', 'gflops', 'peakRssMb'] as const) {
      assert.ok(Number.isFinite(j[k]) && j[k] > 0, `${k} = ${j[k]}`);
    }
    assert.ok(Number.isFinite(j.lastLoss));
    assert.equal(j.gflopPerStep, stepGemmFlops({ arch: j.arch, batchSize: 3, maxLen: 5, embed: 8, hidden: 6, layers: 2 }) / 1e9);
  });
}

test('rnnlab bench --optimizer ends each step with that update (recorded), and rejects an unknown one in one line', () => {
  const r = cli(['bench', '--json', '--arch', 'rnn', '--optimizer', 'adadelta', '--batch-size', '3', '--max-len', '5',
    '--embed', '8', '--hidden', '6', '--steps', '2', '--warmup', '1', '--threads', '1']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout.trim()) as BenchResult;
  assert.equal(j.optimizer, 'adadelta');
  assert.ok(Number.isFinite(j.lastLoss) && j.phases.optimizer >= 0);
  const bad = cli(['bench', '--optimizer', 'lion']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^rnnlab: unknown --optimizer 'lion'; use one of sgd, nag, adadelta, adam, adamw, rmsprop\n$/);
});

test('rnnlab bench rejects a bad --arch with a one-line error', () => {
  const r = cli(['bench', '--arch', 'transformer']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^rnnlab: unknown --arch 'transformer'/);
});

test('rnnlab bench --data-parallel 2 splits each step (recorded); with --threads, or below 1, it is a one-line error', () => {
  const r = cli(['bench', '--json', '--arch', 'gru', '--batch-size', '4', '--max-len', '5', '--embed', '8',
    '--hidden', '6', '--steps', '2', '--warmup', '1', '--data-parallel', '2']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout.trim()) as BenchResult;
  assert.equal(j.dataParallel, 2);
  assert.ok(Number.isFinite(j.lastLoss) && j.msPerStep > 0);
  const both = cli(['bench', '--threads', '2', '--data-parallel', '2']);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /^rnnlab: --threads 2 and --data-parallel 2: give one .*\n$/);
  const zero = cli(['bench', '--data-parallel', '0']);
  assert.equal(zero.status, 2);
  assert.match(zero.stderr, /^rnnlab: --data-parallel must be an integer ≥ 1, got '0'\n$/);
});

test('rnnlab bench --recompute (recorded) computes the same losses as without it', () => {
  const args = ['bench', '--json', '--arch', 'lstm', '--batch-size', '4', '--max-len', '6', '--embed', '8',
    '--hidden', '6', '--layers', '3', '--steps', '2', '--warmup', '1', '--threads', '1'];
  const runs = [cli(args), cli([...args, '--recompute'])].map((r) => {
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim()) as BenchResult;
  });
  assert.deepEqual(runs.map((j) => j.recompute), [false, true]);
  assert.ok(Number.isFinite(runs[0]!.lastLoss));
  assert.equal(runs[1]!.lastLoss, runs[0]!.lastLoss);
});

test('rnnlab info --json reports the BLAS backend, threads and a positive GFLOP/s', () => {
  for (const env of [{}, { RNNLAB_BLAS: 'typescript' }]) {
    const r = cli(['info', '--json', '--size', '64', '--reps', '2'], env);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { blas: { backend: string; threads: number }; sgemm: { gflops: number }; cores: number; node: string };
    if ('RNNLAB_BLAS' in env) assert.equal(j.blas.backend, 'typescript');
    assert.ok(['openblas', 'cblas', 'accelerate', 'typescript'].includes(j.blas.backend));
    assert.ok(j.blas.threads >= 1 && j.cores >= 1 && j.sgemm.gflops > 0);
    assert.equal(j.node, process.version);
  }
});

test('stepGemmFlops: 6·B·T·G·H·(in + H) per layer plus the head', () => {
  // LSTM, B=2, T=3, E=5, H=4, 2 layers: layer 0 in=5, layer 1 in=4; head 6·B·H·1
  const want = 6 * 6 * 4 * 4 * (5 + 4) + 6 * 6 * 4 * 4 * (4 + 4) + 6 * 2 * 4;
  assert.equal(stepGemmFlops({ arch: 'lstm', batchSize: 2, maxLen: 3, embed: 5, hidden: 4, layers: 2 }), want);
  assert.equal(stepGemmFlops({ arch: 'rnn', batchSize: 1, maxLen: 1, embed: 1, hidden: 1, layers: 1 }), 6 * 2 + 6);
});

test('formatMarkdown: one row per result, PyTorch at its best with its settings, the no-flush figure, errors listed', () => {
  const base = { batchSize: 64, maxLen: 200, embed: 128, hidden: 128, layers: 1, steps: 2, warmup: 1 };
  const settings = (openblas: string, flush: boolean) => ({
    flushDenormal: flush, torchThreads: 2, OPENBLAS_NUM_THREADS: openblas, OMP_NUM_THREADS: '2',
    OMP_WAIT_POLICY: 'passive', blas: '/lib/libopenblasp.so',
  });
  const torch = (ms: number, openblas: string, flush: boolean, tokensPerSec?: number) => ({
    msPerStep: ms, msPerStepMin: ms - 10, peakRssMb: 400, threads: 2, torch: '1.13', lastLoss: 0.69,
    settings: settings(openblas, flush), ...(tokensPerSec ? { tokensPerSec } : {}),
  });
  const report: SuiteReport = {
    date: '2025-01-01T00:00:00.000Z',
    system: { node: 'v20', platform: 'linux-x64', cpuModel: 'Test CPU', cores: 2,
      blas: { backend: 'openblas', path: '/lib/libopenblas.so', threads: 2 }, denormals: 'denormals flushed to zero (…)' },
    torchVersion: '1.13',
    threads: 2,
    packedSource: 'synthetic (…)',
    rows: [
      { workload: 'W1', arch: 'lstm', config: base,
        rnnlab: { msPerStep: 300, peakRssMb: 250.4 } as BenchResult,
        torch: torch(200, '1', true), torchNoFlush: torch(900, '1', false),
        torchVariants: [
          { flush: true, result: torch(260, 'unset', true) },
          { flush: true, openblasThreads: 1, result: torch(200, '1', true) },
          { flush: false, openblasThreads: 1, result: torch(900, '1', false) },
        ] },
      { workload: 'W1', arch: 'gru', config: base, rnnlab: { error: 'boom' }, torch: null },
      { workload: 'R1', arch: 'rnn', config: { ...base, batchSize: 32 },
        rnnlab: { msPerStep: 50, peakRssMb: 180, tokensPerSec: 100000 } as BenchResult,
        torch: torch(100, 'unset', true, 50000), torchNoFlush: { error: 'killed' },
        torchVariants: [{ flush: false, result: { error: 'killed' } }] },
    ],
  };
  const md = formatMarkdown(report);
  assert.match(md, /Test CPU, 2 cores/);
  assert.match(md, /BLAS openblas \/lib\/libopenblas\.so, 2 threads; suite threads: 2; denormals flushed to zero/);
  assert.match(md, /torch\.set_flush_denormal\(True\); OPENBLAS_NUM_THREADS unset and =1 tried per row/);
  assert.match(md, /R1 lengths: synthetic/);
  assert.match(md, /\| W1 \(B64 T200 E128 H128 L1\) \| lstm \| 300\.0 \| 200\.0 \| 1 \| 900\.0 \| 1\.50 \| — \| — \| 250 \| 400 \|/);
  assert.match(md, /\| W1 \(B64 T200 E128 H128 L1\) \| gru \| error \| — \| — \| — \| — \| — \| — \| — \| — \|/);
  assert.match(md, /\| R1 \(packed B32 T≤200 E128 H128 L1\) \| rnn \| 50\.0 \| 100\.0 \| unset \| error \| 0\.50 \| 100000 \| 50000 \| 180 \| 400 \|/);
  assert.match(md, /- W1 gru rnnlab: boom/);
  assert.match(md, /- R1 rnn PyTorch \(OPENBLAS_NUM_THREADS=unset, flush off\): killed/);
});

test('rnnlab bench --lengths-file times packed variable-length batches and counts their real tokens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-bench-test-'));
  try {
    const file = join(dir, 'lengths.json');
    writeFileSync(file, JSON.stringify({ source: 'test', batches: [[5, 3, 1], [4, 4], [2, 5, 5, 1]] }));
    const r = cli(['bench', '--json', '--arch', 'gru', '--max-len', '5', '--embed', '8', '--hidden', '6',
      '--steps', '2', '--warmup', '1', '--threads', '1', '--lengths-file', file]);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout.trim()) as BenchResult;
    assert.ok(Number.isFinite(j.lastLoss));
    // timed steps: batches 2 and 3 (8 + 13 real tokens) over the sum of their step times
    const seconds = (j.msPerStepMean * 2) / 1e3;
    assert.ok(Math.abs(j.tokensPerSec * seconds - 21) < 1e-6 * 21, `tokens/s ${j.tokensPerSec}, ${seconds} s`);
    writeFileSync(file, JSON.stringify({ source: 'test', batches: [[9]] }));
    const bad = cli(['bench', '--json', '--max-len', '5', '--steps', '1', '--warmup', '0', '--lengths-file', file]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^rnnlab: bench: every sequence length must be a whole number in 1\.\.5/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
