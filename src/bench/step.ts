/**
 * The training-step benchmark behind `rnnlab bench`: times full steps (zeroGrad → forward → BCE loss → backward →
 * Adam update) of the real RnnClassifier on random token ids, every sequence at full length T, binary labels.
 *
 * FLOP count (GEMM work only — the numbers a BLAS can speed up; embedding, gate non-linearities and Adam are not
 * counted). For layer l with input width in_l (embed for l = 0, hidden·dirs after) and G gate blocks
 * (rnn 1, gru 3, lstm 4), over N = B·T time-step rows:
 *   forward   X·W_ihᵀ and h·W_hhᵀ              2·N·G·H·(in_l + H)
 *   backward  dX = dG·W_ih, dh = dG·W_hh        2·N·G·H·(in_l + H)
 *             dW_ih = dGᵀ·X, dW_hh = dGᵀ·h      2·N·G·H·(in_l + H)
 * so per layer and direction 6·N·G·H·(in_l + H), plus the classifier head 6·B·(H·dirs)·outDim.
 * (GRU's n-gate multiplies r ⊙ (W_hn·h + b_hn), which is still one G·H-wide recurrent product, as in PyTorch.)
 */
import { RnnClassifier, type Arch, type ModelConfig } from '../nn/model.ts';
import { classificationLoss } from '../nn/loss.ts';
import { blasInfo, setBlasThreads, setSgemmTiming, sgemmTimings, type BlasInfo, type SgemmShapeStats } from '../nn/blas.ts';
import { createOptimizer, type OptimizerName } from '../optim/index.ts';
import type { Batch } from '../data/types.ts';
import { Rng } from '../util/rng.ts';
import { median } from './gemm.ts';
import { floatEnvInfo, floatEnvLine } from '../nn/fpenv.ts';
import { UserError } from '../util/errors.ts';
import { DataParallel } from '../train/parallel/data-parallel.ts';

export const BENCH_VOCAB = 20000;

/** The sizes that define a benchmark workload (W1, W2, or a user's). */
export interface WorkloadShape {
  batchSize: number;
  maxLen: number;
  embed: number;
  hidden: number;
  layers: number;
}

export interface BenchConfig extends WorkloadShape {
  arch: Arch;
  /** timed steps */
  steps: number;
  /** untimed steps first (JIT warm-up, buffer allocation) */
  warmup: number;
  /** BLAS threads; undefined keeps the library's default (or RNNLAB_BLAS_THREADS) */
  threads?: number;
  /**
   * --data-parallel N ≥ 2: each step split over N threads of one BLAS thread each (src/train/parallel/); the
   * `forward` phase then holds zeroGrad, forward, loss and backward of all shards, and the gradient sum
   */
  dataParallel?: number;
  /** RnnClassifier.setRecompute: keep only the layers' outputs, recompute the rest in backward */
  recompute?: boolean;
  seed?: number;
  /** the optimizer whose update ends each step, with its default settings (default adam) */
  optimizer?: OptimizerName;
  /** also time every sgemm call of the timed steps, by shape (adds ~0.1 µs per call) */
  profile?: boolean;
  /**
   * Packed variable-length batches instead of full-length ones: one array of sequence lengths per batch (each
   * batch's size is its array's length, every length ≤ maxLen), used in order, warm-up first (src/bench/packed.ts).
   */
  lengths?: number[][];
}

/** Median milliseconds per step of each phase of the step. */
export interface StepPhases {
  zeroGrad: number;
  forward: number;
  loss: number;
  backward: number;
  optimizer: number;
}

export interface GemmProfile {
  /** mean milliseconds per step spent inside sgemm */
  msPerStep: number;
  /** per call shape ("NT 64x512x128" = op(A) m×k · op(B) k×n with transposes), per step */
  shapes: SgemmShapeStats[];
}

export interface BenchResult extends WorkloadShape {
  arch: Arch;
  optimizer: OptimizerName;
  vocab: number;
  steps: number;
  warmup: number;
  threads: number;
  /** shards per step (1: the batch on one thread) */
  dataParallel: number;
  /** the layers' activations recomputed in backward (--recompute) */
  recompute: boolean;
  /** median milliseconds per training step */
  msPerStep: number;
  msPerStepMin: number;
  msPerStepMean: number;
  /** GEMM GFLOP of one step (formula above) */
  gflopPerStep: number;
  /** gflopPerStep / median step time */
  gflops: number;
  /** process peak resident set size, MiB (process.resourceUsage().maxRSS) */
  peakRssMb: number;
  /** loss of the last step (a sanity check that the step computed something finite) */
  lastLoss: number;
  /** real (unpadded) tokens per second over the timed steps */
  tokensPerSec: number;
  /** the denormal mode in effect (src/nn/fpenv.ts) */
  denormals: string;
  phases: StepPhases;
  gemm?: GemmProfile;
  blas: BlasInfo;
}

/** GEMM FLOPs of one forward+backward step (see the comment at the top of this file). */
export function stepGemmFlops(cfg: {
  arch: Arch; batchSize: number; maxLen: number; embed: number; hidden: number; layers: number;
  bidirectional?: boolean; outDim?: number;
}): number {
  const G = cfg.arch === 'lstm' ? 4 : cfg.arch === 'gru' ? 3 : 1;
  const dirs = cfg.bidirectional ? 2 : 1;
  const N = cfg.batchSize * cfg.maxLen;
  const H = cfg.hidden;
  let flops = 0;
  for (let l = 0; l < cfg.layers; l++) {
    const inDim = l === 0 ? cfg.embed : H * dirs;
    flops += dirs * 6 * N * G * H * (inDim + H);
  }
  flops += 6 * cfg.batchSize * H * dirs * (cfg.outDim ?? 1);
  return flops;
}

/**
 * A batch of random token ids 1..vocab−1 (0 is padding) with random 0/1 labels; every sequence of length maxLen, or
 * of the given lengths (then size = lengths.length).
 */
export function randomBatch(rng: Rng, size: number, maxLen: number, vocab: number, given?: readonly number[]): Batch {
  if (given) size = given.length;
  const tokens = new Int32Array(size * maxLen);
  const lengths = new Int32Array(size).fill(maxLen);
  if (given) lengths.set(given);
  for (let b = 0; b < size; b++) {
    for (let t = 0; t < lengths[b]!; t++) tokens[b * maxLen + t] = 1 + rng.int(vocab - 1);
  }
  const labels = new Int32Array(size);
  for (let b = 0; b < size; b++) labels[b] = rng.int(2);
  return { size, maxLen, tokens, lengths, labels };
}

export function runBench(cfg: BenchConfig, onStep?: (done: number, total: number) => void): BenchResult {
  if (cfg.threads !== undefined) setBlasThreads(cfg.threads);
  const seed = cfg.seed ?? 1;
  const config: ModelConfig = {
    arch: cfg.arch, vocabSize: BENCH_VOCAB, embed: cfg.embed, hidden: cfg.hidden, numLayers: cfg.layers,
    bidirectional: false, dropout: 0, numClasses: 2, pooling: 'last',
  };
  const model = new RnnClassifier(config, seed);
  if (cfg.recompute) model.setRecompute(true); // before DataParallel: its replicas copy it
  const optimizer = cfg.optimizer ?? 'adam';
  const opt = createOptimizer(optimizer, model.params);
  const rng = new Rng(seed + 1);
  // A few distinct batches, generated before timing, so the embedding gradient touches different rows each step
  // without timing the random-number generation.
  const given = cfg.lengths;
  if (given?.some((ls) => ls.some((n) => !(Number.isInteger(n) && n >= 1 && n <= cfg.maxLen)))) {
    throw new UserError(`bench: every sequence length must be a whole number in 1..${cfg.maxLen} (--max-len)`);
  }
  const batches = given
    ? given.map((ls) => randomBatch(rng, ls.length, cfg.maxLen, BENCH_VOCAB, ls))
    : Array.from({ length: Math.min(3, cfg.warmup + cfg.steps) }, () =>
      randomBatch(rng, cfg.batchSize, cfg.maxLen, BENCH_VOCAB));
  const dLogits = new Float32Array(Math.max(...batches.map((b) => b.size)));
  let timedTokens = 0;
  let lastLoss = NaN;
  const phaseTimes: Record<keyof StepPhases, number[]> = { zeroGrad: [], forward: [], loss: [], backward: [], optimizer: [] };
  const dp = (cfg.dataParallel ?? 1) > 1 ? new DataParallel(model, cfg.dataParallel!) : null;
  const step = (i: number): void => {
    const batch = batches[i % batches.length]!;
    if (dp) {
      const t0 = process.hrtime.bigint();
      lastLoss = dp.step(batch, rng).loss;
      const t1 = process.hrtime.bigint();
      opt.step();
      const t2 = process.hrtime.bigint();
      for (const k of ['zeroGrad', 'loss', 'backward'] as const) phaseTimes[k].push(0);
      phaseTimes.forward.push(Number(t1 - t0) / 1e6);
      phaseTimes.optimizer.push(Number(t2 - t1) / 1e6);
      return;
    }
    const t0 = process.hrtime.bigint();
    model.zeroGrad();
    const t1 = process.hrtime.bigint();
    const logits = model.forward(batch, true, rng);
    const t2 = process.hrtime.bigint();
    const dl = dLogits.subarray(0, batch.size);
    lastLoss = classificationLoss(logits, batch.labels, batch.size, 2, dl).loss;
    const t3 = process.hrtime.bigint();
    model.backward(dl);
    const t4 = process.hrtime.bigint();
    opt.step();
    const t5 = process.hrtime.bigint();
    phaseTimes.zeroGrad.push(Number(t1 - t0) / 1e6);
    phaseTimes.forward.push(Number(t2 - t1) / 1e6);
    phaseTimes.loss.push(Number(t3 - t2) / 1e6);
    phaseTimes.backward.push(Number(t4 - t3) / 1e6);
    phaseTimes.optimizer.push(Number(t5 - t4) / 1e6);
  };
  const total = cfg.warmup + cfg.steps;
  for (let i = 0; i < cfg.warmup; i++) {
    step(i);
    onStep?.(i + 1, total);
  }
  for (const k of Object.keys(phaseTimes) as (keyof StepPhases)[]) phaseTimes[k].length = 0; // drop warm-up
  if (cfg.profile) setSgemmTiming(true);
  const times: number[] = [];
  for (let i = 0; i < cfg.steps; i++) {
    const t0 = process.hrtime.bigint();
    step(cfg.warmup + i);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const lens = batches[(cfg.warmup + i) % batches.length]!.lengths;
    for (let b = 0; b < lens.length; b++) timedTokens += lens[b]!;
    onStep?.(cfg.warmup + i + 1, total);
  }
  dp?.close();
  let gemm: GemmProfile | undefined;
  if (cfg.profile) {
    const shapes = sgemmTimings().map((x) => ({
      shape: x.shape, calls: x.calls / cfg.steps, ms: x.ms / cfg.steps, flops: x.flops / cfg.steps,
    }));
    setSgemmTiming(false);
    gemm = { msPerStep: shapes.reduce((t, x) => t + x.ms, 0), shapes };
  }
  if (!Number.isFinite(lastLoss)) throw new Error(`bench: training step produced a non-finite loss (${lastLoss})`);
  const msPerStep = median(times);
  // Packed batches: the GEMM work scales with the real tokens (the mean batch of the timed steps).
  const meanTokens = timedTokens / cfg.steps;
  const gflopPerStep = (given ? stepGemmFlops({ ...cfg, batchSize: 1, maxLen: meanTokens }) : stepGemmFlops(cfg)) / 1e9;
  const blas = blasInfo();
  return {
    arch: cfg.arch, optimizer, batchSize: cfg.batchSize, maxLen: cfg.maxLen, embed: cfg.embed, hidden: cfg.hidden,
    layers: cfg.layers, vocab: BENCH_VOCAB, steps: cfg.steps, warmup: cfg.warmup, threads: blas.threads,
    dataParallel: dp ? cfg.dataParallel! : 1,
    recompute: cfg.recompute === true,
    msPerStep,
    msPerStepMin: Math.min(...times),
    msPerStepMean: times.reduce((s, x) => s + x, 0) / times.length,
    gflopPerStep,
    gflops: gflopPerStep / (msPerStep / 1e3),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    lastLoss,
    tokensPerSec: timedTokens / (times.reduce((t, x) => t + x, 0) / 1e3),
    denormals: floatEnvLine(floatEnvInfo()),
    phases: {
      zeroGrad: median(phaseTimes.zeroGrad), forward: median(phaseTimes.forward), loss: median(phaseTimes.loss),
      backward: median(phaseTimes.backward), optimizer: median(phaseTimes.optimizer),
    },
    ...(gemm ? { gemm } : {}),
    blas,
  };
}
