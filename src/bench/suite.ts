/**
 * `rnnlab bench-suite` (`npm run bench`): the fixed workloads, each timed in a FRESH child process (so the peak RSS
 * reported is that workload's own), against PyTorch's fused CPU kernels (scripts/torch-bench.py) in the same run
 * when the given Python can import torch. Produces a markdown table and a JSON record.
 *
 * PyTorch at its best, since a ratio against a handicapped baseline is not a result: flush-to-zero on
 * (torch.set_flush_denormal(True)), torch threads = the suite's threads, OMP_WAIT_POLICY=passive, and OpenBLAS's
 * own pool both unset and OPENBLAS_NUM_THREADS=1 (Debian's PyTorch calls OpenBLAS, whose threads can fight torch's
 * on 2 cores): the faster of the two is the row's baseline, and the same setting without the flush is printed
 * beside it.
 *
 * Workloads: W1 (fixed length, batch 64: PyTorch's best case), W2 (25 thin layers, batch 1000), and R1, the real
 * one: packed variable-length batches of 32 with IMDB's lengths (src/bench/packed.ts), measured in tokens/s.
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
  /** packed variable-length batches from a lengths file (src/bench/packed.ts); batchSize is then each batch's size */
  packed?: boolean;
}

export const WORKLOADS: readonly Workload[] = [
  { id: 'W1', batchSize: 64, maxLen: 200, embed: 128, hidden: 128, layers: 1, steps: 10, warmup: 2, quickSteps: 3, quickWarmup: 1 },
  { id: 'W2', batchSize: 1000, maxLen: 200, embed: 64, hidden: 8, layers: 25, steps: 3, warmup: 1, quickSteps: 1, quickWarmup: 1 },
  { id: 'R1', batchSize: 32, maxLen: 200, embed: 128, hidden: 128, layers: 1, steps: 30, warmup: 3, quickSteps: 6, quickWarmup: 1, packed: true },
];

export const ARCHS: readonly Arch[] = ['lstm', 'gru', 'rnn'];

export interface TorchSettings {
  flushDenormal: boolean;
  torchThreads: number;
  OPENBLAS_NUM_THREADS: string;
  OMP_NUM_THREADS: string;
  OMP_WAIT_POLICY: string;
  /** the BLAS library the Python process mapped */
  blas: string;
}

export interface TorchResult {
  msPerStep: number;
  msPerStepMin: number;
  peakRssMb: number;
  threads: number;
  torch: string;
  lastLoss: number;
  tokensPerSec?: number;
  settings?: TorchSettings;
}

/** One PyTorch configuration tried for a row. */
export interface TorchVariant {
  /** OPENBLAS_NUM_THREADS for the Python process; undefined = unset */
  openblasThreads?: number;
  flush: boolean;
  result: TorchResult | { error: string };
}

export interface SuiteRow {
  workload: string;
  arch: Arch;
  config: { batchSize: number; maxLen: number; embed: number; hidden: number; layers: number; steps: number; warmup: number };
  rnnlab: BenchResult | { error: string };
  /** PyTorch at its best: the fastest flush-on variant (null: PyTorch not run) */
  torch: TorchResult | { error: string } | null;
  /** the same OPENBLAS_NUM_THREADS setting as `torch`, without the flush */
  torchNoFlush?: TorchResult | { error: string } | null;
  /** every variant tried */
  torchVariants?: TorchVariant[];
}

export interface SuiteReport {
  date: string;
  system: SystemInfo;
  torchVersion: string | null;
  threads: number;
  /** rnnlab's steps split over this many threads of one BLAS thread each (absent: 1, `threads` BLAS threads) */
  dataParallel?: number;
  /** rnnlab ran with --recompute (absent: off) */
  recompute?: true;
  /** where R1's lengths came from (an IMDB archive, or synthetic) */
  packedSource?: string;
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

/** The workload's shape and step counts, as flags both benches take (the thread flags are each side's own). */
function shapeArgs(w: Workload, arch: Arch, steps: number, warmup: number, lengthsFile?: string): string[] {
  return [
    '--arch', arch, '--batch-size', String(w.batchSize), '--max-len', String(w.maxLen), '--embed', String(w.embed),
    '--hidden', String(w.hidden), '--layers', String(w.layers), '--steps', String(steps), '--warmup', String(warmup),
    ...(lengthsFile ? ['--lengths-file', lengthsFile] : []),
  ];
}

/** How rnnlab's side runs beyond the BLAS threads: `rnnlab bench --data-parallel N`, `--recompute`. */
export interface RnnlabEngine {
  dataParallel?: number;
  recompute?: boolean;
}

export async function runRnnlab(
  w: Workload, arch: Arch, steps: number, warmup: number, threads: number, lengthsFile?: string, engine: RnnlabEngine = {},
): Promise<BenchResult> {
  const dataParallel = engine.dataParallel ?? 1;
  // --data-parallel N replaces the BLAS threads: N threads of one BLAS thread each
  const parallel = dataParallel > 1 ? ['--data-parallel', String(dataParallel)] : ['--threads', String(threads)];
  const args = [...shapeArgs(w, arch, steps, warmup, lengthsFile), ...parallel, ...(engine.recompute ? ['--recompute'] : [])];
  return (await runJson(process.execPath, [BIN, 'bench', '--json', ...args], process.env)) as BenchResult;
}

export interface TorchRunOptions {
  /** OPENBLAS_NUM_THREADS; undefined leaves it unset (OpenBLAS then starts one thread per core) */
  openblasThreads?: number;
  /** torch.set_flush_denormal(True) */
  flush: boolean;
  lengthsFile?: string;
}

export async function runTorch(
  python: string, w: Workload, arch: Arch, steps: number, warmup: number, threads: number, opts: TorchRunOptions,
): Promise<TorchResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'passive' };
  if (opts.openblasThreads === undefined) delete env.OPENBLAS_NUM_THREADS;
  else env.OPENBLAS_NUM_THREADS = String(opts.openblasThreads);
  const args = [...shapeArgs(w, arch, steps, warmup, opts.lengthsFile), '--threads', String(threads), '--flush-denormal', opts.flush ? 'on' : 'off'];
  return (await runJson(python, [TORCH_SCRIPT, ...args], env)) as TorchResult;
}

const ok = (r: TorchResult | { error: string } | null | undefined): TorchResult | null =>
  r && !('error' in r) ? r : null;

/**
 * PyTorch at its best for one row: flush on with OpenBLAS's pool unset and with OPENBLAS_NUM_THREADS=1; the faster
 * is the baseline; then the same OpenBLAS setting without the flush, for the record.
 */
export async function runTorchBest(
  python: string, w: Workload, arch: Arch, steps: number, warmup: number, threads: number, lengthsFile?: string,
  onVariant?: (v: TorchVariant) => void,
): Promise<Pick<SuiteRow, 'torch' | 'torchNoFlush' | 'torchVariants'>> {
  const variants: TorchVariant[] = [];
  const tryOne = async (openblasThreads: number | undefined, flush: boolean): Promise<TorchVariant> => {
    let result: TorchVariant['result'];
    try {
      result = await runTorch(python, w, arch, steps, warmup, threads, { openblasThreads, flush, lengthsFile });
    } catch (e) {
      result = { error: (e as Error).message };
    }
    const v: TorchVariant = { flush, result, ...(openblasThreads === undefined ? {} : { openblasThreads }) };
    variants.push(v);
    onVariant?.(v);
    return v;
  };
  const unset = await tryOne(undefined, true);
  const one = await tryOne(1, true);
  const a = ok(unset.result), b = ok(one.result);
  const best = a && b ? (b.msPerStep < a.msPerStep ? one : unset) : b ? one : unset;
  const noFlush = await tryOne(best.openblasThreads, false);
  return { torch: best.result, torchNoFlush: noFlush.result, torchVariants: variants };
}

function fmt(x: number | undefined, digits: number): string {
  return x !== undefined && Number.isFinite(x) ? x.toFixed(digits) : '—';
}

/** "unset" or the value, for the OPENBLAS_NUM_THREADS column. */
function openblasSetting(t: TorchResult | null): string {
  return t?.settings ? t.settings.OPENBLAS_NUM_THREADS : '—';
}

/** The report as markdown: a header with date, CPU, BLAS and both sides' settings, then one row per (workload, arch). */
export function formatMarkdown(r: SuiteReport): string {
  const anyTorch = r.rows.map((row) => ok(row.torch)).find((t) => t !== null) ?? null;
  const tset = anyTorch?.settings;
  const lines = [
    `# rnnlab benchmark`,
    '',
    `- date: ${r.date}`,
    `- CPU: ${r.system.cpuModel}, ${r.system.cores} cores; Node ${r.system.node}`,
    `- rnnlab: BLAS ${blasLine(r.system.blas)}; suite threads: ${r.threads}` +
      ((r.dataParallel ?? 1) > 1 ? `; rnnlab's steps split over ${r.dataParallel} threads of one BLAS thread each (--data-parallel)` : '') +
      (r.recompute ? "; rnnlab's layer activations recomputed in backward (--recompute)" : '') +
      (r.system.denormals ? `; ${r.system.denormals}` : ''),
    `- PyTorch: ${r.torchVersion ? `${r.torchVersion} (fused nn.LSTM/GRU/RNN, packed sequences for R1), ` +
      `torch.set_num_threads(${r.threads}), OMP_NUM_THREADS=${r.threads}, OMP_WAIT_POLICY=passive, ` +
      `torch.set_flush_denormal(True); OPENBLAS_NUM_THREADS unset and =1 tried per row, the faster kept` +
      (tset ? `; BLAS ${tset.blas}` : '') : 'not available'}`,
    ...(r.packedSource ? [`- R1 lengths: ${r.packedSource}; batches of 32 in the trainer's order (shuffled, bucketed)`] : []),
    '',
    '| workload | arch | rnnlab ms/step | PyTorch best ms/step | its OPENBLAS_NUM_THREADS | PyTorch no-flush ms/step | ' +
      'rnnlab/PyTorch best | rnnlab tokens/s | PyTorch best tokens/s | rnnlab peak RSS MB | PyTorch peak RSS MB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of r.rows) {
    const c = row.config;
    const wl = row.workload === 'R1'
      ? `${row.workload} (packed B32 T≤${c.maxLen} E${c.embed} H${c.hidden} L${c.layers})`
      : `${row.workload} (B${c.batchSize} T${c.maxLen} E${c.embed} H${c.hidden} L${c.layers})`;
    const ours = 'error' in row.rnnlab ? null : row.rnnlab;
    const theirs = ok(row.torch);
    const noFlush = ok(row.torchNoFlush);
    const ratio = ours && theirs ? ours.msPerStep / theirs.msPerStep : NaN;
    lines.push(`| ${wl} | ${row.arch} | ${ours ? fmt(ours.msPerStep, 1) : 'error'} | ` +
      `${theirs ? fmt(theirs.msPerStep, 1) : row.torch ? 'error' : '—'} | ${openblasSetting(theirs)} | ` +
      `${noFlush ? fmt(noFlush.msPerStep, 1) : row.torchNoFlush ? 'error' : '—'} | ${fmt(ratio, 2)} | ` +
      `${fmt(ours?.tokensPerSec, 0)} | ${fmt(theirs?.tokensPerSec, 0)} | ` +
      `${ours ? fmt(ours.peakRssMb, 0) : '—'} | ${theirs ? fmt(theirs.peakRssMb, 0) : '—'} |`);
  }
  const errors = r.rows.flatMap((row) => [
    ...('error' in row.rnnlab ? [`${row.workload} ${row.arch} rnnlab: ${row.rnnlab.error}`] : []),
    ...(row.torchVariants ?? []).flatMap((v) => 'error' in v.result
      ? [`${row.workload} ${row.arch} PyTorch (OPENBLAS_NUM_THREADS=${v.openblasThreads ?? 'unset'}, ` +
        `flush ${v.flush ? 'on' : 'off'}): ${v.result.error}`]
      : []),
    ...(!row.torchVariants && row.torch && 'error' in row.torch ? [`${row.workload} ${row.arch} PyTorch: ${row.torch.error}`] : []),
  ]);
  if (errors.length) lines.push('', 'Errors:', ...errors.map((e) => `- ${e}`));
  return lines.join('\n') + '\n';
}
