/**
 * `rnnlab bench-suite` (`npm run bench`): the fixed workloads, each timed in a FRESH child process (so the peak RSS
 * reported is that workload's own), against PyTorch's fused CPU kernels (scripts/torch-bench.py) in the same run
 * when the given Python can import torch. Produces a markdown table and a JSON record.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Arch } from '../nn/model.ts';
import type { BenchResult, WorkloadShape } from './step.ts';
import { blasLine, type SystemInfo } from './system.ts';

export interface Workload extends WorkloadShape {
  id: string;
  /** default timed steps / warm-up steps (a W2 step takes seconds) */
  steps: number;
  warmup: number;
  /** timed / warm-up steps under --quick */
  quickSteps: number;
  quickWarmup: number;
}

export const WORKLOADS: readonly Workload[] = [
  { id: 'W1', batchSize: 64, maxLen: 200, embed: 128, hidden: 128, layers: 1, steps: 10, warmup: 2, quickSteps: 3, quickWarmup: 1 },
  { id: 'W2', batchSize: 1000, maxLen: 200, embed: 64, hidden: 8, layers: 25, steps: 3, warmup: 1, quickSteps: 1, quickWarmup: 1 },
];

export const ARCHS: readonly Arch[] = ['lstm', 'gru', 'rnn'];

export interface TorchResult {
  msPerStep: number;
  msPerStepMin: number;
  peakRssMb: number;
  threads: number;
  torch: string;
  lastLoss: number;
}

export interface SuiteRow {
  workload: string;
  arch: Arch;
  config: { batchSize: number; maxLen: number; embed: number; hidden: number; layers: number; steps: number; warmup: number };
  rnnlab: BenchResult | { error: string };
  torch: TorchResult | { error: string } | null;
}

export interface SuiteReport {
  date: string;
  system: SystemInfo;
  torchVersion: string | null;
  threads: number;
  rows: SuiteRow[];
}

const BIN = fileURLToPath(new URL('../../bin/rnnlab.js', import.meta.url));
const TORCH_SCRIPT = fileURLToPath(new URL('../../scripts/torch-bench.py', import.meta.url));

/**
 * The torch version when `python` can import torch, else null. Also null without scripts/torch-bench.py, which the
 * published package does not ship: the PyTorch baseline is run from a checkout.
 */
export function torchVersion(python: string): string | null {
  if (!existsSync(TORCH_SCRIPT)) return null;
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0 || typeof r.stdout !== 'string') return null;
  return r.stdout.trim() || null;
}

/** Runs a command, collects stdout, passes stderr through; resolves with the last stdout line parsed as JSON. */
function runJson(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        const tail = err.trim().split('\n').slice(-3).join(' | ');
        reject(new Error(`${signal ?? `exit ${code}`}${tail ? `: ${tail}` : ''}`));
        return;
      }
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`no JSON result on stdout (got '${last.slice(0, 200)}')`));
      }
    });
  });
}

function shapeArgs(w: Workload, arch: Arch, steps: number, warmup: number, threads: number): string[] {
  return [
    '--arch', arch, '--batch-size', String(w.batchSize), '--max-len', String(w.maxLen), '--embed', String(w.embed),
    '--hidden', String(w.hidden), '--layers', String(w.layers), '--steps', String(steps), '--warmup', String(warmup),
    '--threads', String(threads),
  ];
}

export async function runRnnlab(w: Workload, arch: Arch, steps: number, warmup: number, threads: number): Promise<BenchResult> {
  return (await runJson(process.execPath, [BIN, 'bench', '--json', ...shapeArgs(w, arch, steps, warmup, threads)],
    process.env)) as BenchResult;
}

export async function runTorch(
  python: string, w: Workload, arch: Arch, steps: number, warmup: number, threads: number,
): Promise<TorchResult> {
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'passive' };
  return (await runJson(python, [TORCH_SCRIPT, ...shapeArgs(w, arch, steps, warmup, threads)], env)) as TorchResult;
}

function fmt(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

/** The report as markdown: a header with date, CPU and BLAS, then one table row per (workload, arch). */
export function formatMarkdown(r: SuiteReport): string {
  const lines = [
    `# rnnlab benchmark`,
    '',
    `- date: ${r.date}`,
    `- CPU: ${r.system.cpuModel}, ${r.system.cores} cores; Node ${r.system.node}`,
    `- BLAS: ${blasLine(r.system.blas)}; suite threads: ${r.threads}`,
    `- PyTorch: ${r.torchVersion ? `${r.torchVersion} (fused nn.LSTM/GRU/RNN, ${r.threads} threads)` : 'not available'}`,
    '',
    '| workload | arch | rnnlab ms/step | PyTorch ms/step | rnnlab/PyTorch | rnnlab peak RSS MB | PyTorch peak RSS MB |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of r.rows) {
    const c = row.config;
    const wl = `${row.workload} (B${c.batchSize} T${c.maxLen} E${c.embed} H${c.hidden} L${c.layers})`;
    const ours = 'error' in row.rnnlab ? null : row.rnnlab;
    const theirs = row.torch && !('error' in row.torch) ? row.torch : null;
    const ratio = ours && theirs ? ours.msPerStep / theirs.msPerStep : NaN;
    lines.push(`| ${wl} | ${row.arch} | ${ours ? fmt(ours.msPerStep, 1) : 'error'} | ` +
      `${theirs ? fmt(theirs.msPerStep, 1) : row.torch ? 'error' : '—'} | ${fmt(ratio, 2)} | ` +
      `${ours ? fmt(ours.peakRssMb, 0) : '—'} | ${theirs ? fmt(theirs.peakRssMb, 0) : '—'} |`);
  }
  const errors = r.rows.flatMap((row) => [
    ...('error' in row.rnnlab ? [`${row.workload} ${row.arch} rnnlab: ${row.rnnlab.error}`] : []),
    ...(row.torch && 'error' in row.torch ? [`${row.workload} ${row.arch} PyTorch: ${row.torch.error}`] : []),
  ]);
  if (errors.length) lines.push('', 'Errors:', ...errors.map((e) => `- ${e}`));
  return lines.join('\n') + '\n';
}
