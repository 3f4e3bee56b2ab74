/**
 * RnnClassifier: the whole network, forward and backward, over one padded batch.
 *
 *   tokens ──embedding──▶ x₀ [N, E]  ──embedding dropout──▶   (packed time-major, see packing.ts)
 *          ──layer 0 (fwd ‖ rev)──▶ out₀ [N, D]   ──dropout──▶ …   (dropout between layers, not after the last)
 *          ──layer L−1──▶ out_{L−1} [N, D]
 *          ──pool (last | mean | max, or several concatenated)──▶ feat [B, F]  ──dropout──▶  ──fc──▶ logits [B, outDim]
 *
 * D = hidden · directions; F = D · (pooling kinds); outDim = 1 for two classes (one logit, BCE-with-logits), else
 * numClasses. Parameters are named, shaped and ordered like the PyTorch state_dict of
 *   nn.Embedding(V, E) → nn.RNN/GRU/LSTM(E, H, numLayers, batch_first, bidirectional) → nn.Linear(F, outDim)
 * so weights can be exchanged with PyTorch one-to-one (see scripts/torch-ref-nn.py).
 *
 * All work buffers are allocated for the largest (batch size × padded length) seen and reused; forward() saves
 * what backward() needs in them, so backward() must follow its forward() (once) before the next forward().
 * With setRecompute(true) it saves only each layer's output, and backward() runs each layer's forward again.
 */
import { UserError } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';
import type { Batch } from '../data/types.ts';
import { makeParam, type Param } from './param.ts';
import { packLayout, type PackedLayout } from './packing.ts';
import { embeddingBackward, embeddingForward } from './embedding.ts';
import { DirBuffers, Rows, inputGradRows, type DirCall, type DirWeights } from './recurrent.ts';
import { rnnBackward, rnnForward } from './rnn.ts';
import { gruBackward, gruForward } from './gru.ts';
import { lstmBackward, lstmForward } from './lstm.ts';
import { dropoutBackward, dropoutForward } from './dropout.ts';
import { poolBackward, poolForward, poolKinds, type Pooling, type PoolKind } from './pooling.ts';
import { linearBackward, linearForward } from './linear.ts';
import { allocF32, allocI32, release } from './kernels.ts';
import { applyDenormalMode } from './fpenv.ts';

/**
 * Work buffers in kernel memory are not garbage-collected with their typed-array views, so a model returns them to
 * the allocator when it reallocates, when dispose() is called, or at the latest when the model itself is collected.
 */
const workReleaser = new FinalizationRegistry<(Float32Array | Int32Array)[]>((bufs) => {
  for (const b of bufs) release(b);
});

export type Arch = 'rnn' | 'gru' | 'lstm';
export type { Pooling } from './pooling.ts';

export interface ModelConfig {
  arch: Arch;
  vocabSize: number;
  embed: number;
  hidden: number;
  numLayers: number;
  bidirectional: boolean;
  /** Dropout probability between recurrent layers and before the linear head (0 = none). */
  dropout: number;
  /**
   * Dropout probability on the embedded tokens, the first layer's input (PyTorch: nn.Dropout after nn.Embedding);
   * absent or 0 = none. Training only, like `dropout`.
   */
  embedDropout?: number;
  numClasses: number;
  /** 'last' | 'mean' | 'max', or several joined by '+' and concatenated (ULMFiT's 'last+max+mean'). */
  pooling: Pooling;
}

/** How to initialise a new model's weights (beyond the seed). */
export interface ModelInit {
  /** Standard deviation of the embedding's N(0, s²) init (default 1, as PyTorch's nn.Embedding). */
  embedStd?: number;
  /**
   * LSTM only: the forget gate's starting bias. PyTorch draws every bias from U(±1/√hidden), so the forget gate starts
   * half open and the cell state fades within a few steps; Keras (unit_forget_bias) and Jozefowicz et al. (2015) start
   * it at 1, which keeps the memory open while the gates learn. Given a value b, bias_ih's forget slice [H, 2H) is set
   * to b and bias_hh's to 0 (their sum is what the gate sees); the other weights keep their PyTorch draws.
   * Absent: PyTorch's init.
   */
  forgetBias?: number;
  /**
   * The embedding's table, read in place and never written: another model's `embedding.weight` values ([vocabSize,
   * embed]), for a data-parallel replica on another thread (src/train/parallel/), whose memory it lies in. The model
   * then holds no [V, E] table of its own and no [V, E] gradient: its embedding gradient is kept compact, one row per
   * token of the batches since zeroGrad (sharedEmbeddingGrad). The other weights are drawn as without it.
   */
  sharedEmbedding?: Float32Array;
}

/**
 * The embedding gradient of a model built with ModelInit.sharedEmbedding (its table, embedding.weight's data, is
 * another model's, gathered by row copies: see embedding.ts): one row per token that got a gradient since zeroGrad,
 * in the order backward first met them. A replica's shard of a W1 batch (6,400 packed rows, about 5,500 distinct
 * tokens of 20,000) makes room for 6,400 rows: a third of a [V, E] gradient.
 */
interface SharedEmbedding {
  /** gradient rows [capacity, E], in kernel memory (the scatter kernel adds into it); rows from `count` on are +0 */
  grad: Float32Array;
  /** the token id of each gradient row */
  tokens: Int32Array;
  count: number;
  /** token id → its gradient row + 1 (0: none since zeroGrad) */
  slot: Int32Array;
  /** each packed row's gradient row, the scatter's index [capRows] (kernel memory; allocated with the work buffers) */
  rows: Int32Array;
}

/**
 * Rows per chunk of the embedding's gradient pass (embeddingGrads): large enough that its GEMM runs at full rate
 * (4,096 × E × G·H), small enough that the chunk (2 MB at E = 128) is nothing beside the activations.
 */
export const EMBED_GRAD_CHUNK = 4096;

/** Gate blocks per cell: rows of weight_ih are G·hidden. */
export const GATES: Record<Arch, number> = { rnn: 1, gru: 3, lstm: 4 };

type CellFn = (c: DirCall) => void;
type CellBackFn = (c: DirCall, dOut: Rows, dx: Float32Array | null, dxBeta: 0 | 1) => void;
const CELLS: Record<Arch, { forward: CellFn; backward: CellBackFn }> = {
  rnn: { forward: rnnForward, backward: rnnBackward },
  gru: { forward: gruForward, backward: gruBackward },
  lstm: { forward: lstmForward, backward: lstmBackward },
};

/** Throws a UserError naming the first invalid field of a model config. */
export function validateModelConfig(c: ModelConfig): void {
  const posInt = (v: number, name: string): void => {
    if (!(Number.isInteger(v) && v >= 1)) throw new UserError(`model ${name} must be a positive integer, got ${v}`);
  };
  if (!(c.arch in GATES)) throw new UserError(`unknown architecture '${c.arch}'; use rnn, gru or lstm`);
  posInt(c.vocabSize, 'vocabSize');
  posInt(c.embed, 'embed');
  posInt(c.hidden, 'hidden');
  posInt(c.numLayers, 'numLayers');
  if (!(Number.isInteger(c.numClasses) && c.numClasses >= 2)) {
    throw new UserError(`numClasses must be an integer ≥ 2, got ${c.numClasses}; a classifier needs two labels`);
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new UserError(`dropout must be in [0, 1), got ${c.dropout}`);
  const ed = c.embedDropout ?? 0;
  if (!(ed >= 0 && ed < 1)) throw new UserError(`embedding dropout must be in [0, 1), got ${c.embedDropout}`);
  poolKinds(c.pooling);
}

/** The forward-only buffers of RnnClassifier.predictLogits. */
interface InferenceWork {
  capRows: number;
  capB: number;
  lay: PackedLayout | undefined;
  ids: Int32Array;
  emb: Float32Array;
  /** layer outputs, used in turn (layer k writes outs[k % 2]); one when there is one layer */
  outs: Float32Array[];
  outRows: Rows[][];
  dirBufs: DirBuffers[][];
  feat: Float32Array;
  argmax: Int32Array;
  logits: Float32Array;
  /** every kernel-memory buffer above */
  buffers: (Float32Array | Int32Array)[];
}

interface Layer {
  /** One entry per direction (forward, then reverse). */
  dirs: { w: DirWeights; params: Param[] }[];
  inDim: number;
}

export class RnnClassifier {
  readonly config: ModelConfig;
  readonly params: Param[] = [];
  /** 1 for binary (one logit), numClasses otherwise. */
  readonly outDim: number;
  private readonly dirs: number;
  private readonly D: number;
  /** The pooling kinds of config.pooling, in feature order. */
  private readonly pool: PoolKind[];
  /** Width of the pooled feature the head reads: D per pooling kind. */
  private readonly F: number;
  private readonly embedding: Param;
  /** ModelInit.sharedEmbedding's compact gradient; null for a model with its own table (the usual case). */
  private readonly sharedEmb: SharedEmbedding | null = null;
  private readonly layers: Layer[] = [];
  private readonly fcW: Param;
  private readonly fcB: Param;
  /** Default dropout stream when forward() is given no Rng. */
  private readonly dropRng: Rng;

  // ---- work buffers (see ensureCapacity) ----
  private capRows = 0;
  private capB = 0;
  private lay: PackedLayout | undefined;
  private ids: Int32Array = new Int32Array(0);
  private emb: Float32Array = new Float32Array(0);
  private embDrop: Float32Array = new Float32Array(0);
  private embMask: Float32Array = new Float32Array(0);
  private outs: Float32Array[] = [];
  private outRows: Rows[][] = [];
  private drops: Float32Array[] = [];
  private masks: Float32Array[] = [];
  private dirBufs: DirBuffers[][] = [];
  private dA: Float32Array = new Float32Array(0);
  private dB: Float32Array = new Float32Array(0);
  private dARows: Rows[] = [];
  private dBRows: Rows[] = [];
  /** One chunk of the embedding's input gradient (see embeddingGrads): [embedChunk, E]. */
  private dEmb: Float32Array = new Float32Array(0);
  private embedChunk = EMBED_GRAD_CHUNK;
  /**
   * The embedding rows with a gradient since the last zeroGrad: a mark per row and their ascending list (empty with a
   * shared embedding, whose rows are listed in sharedEmb.tokens).
   */
  private readonly rowMark: Uint8Array;
  private readonly rowList: Int32Array;
  private feat = new Float32Array(0);
  private featDrop = new Float32Array(0);
  private featMask = new Float32Array(0);
  private dFeat = new Float32Array(0);
  private argmax = new Int32Array(0);
  /** Everything ensureCapacity allocated in kernel memory (the layer outputs, their gradients, DirBuffers). */
  private work: (Float32Array | Int32Array)[] = [];
  private logits = new Float32Array(0);

  /** Forward-only buffers of predictLogits (see there); separate from the training ones above. */
  private inf: InferenceWork | null = null;

  // ---- what the last forward() did, for backward() ----
  private calls: DirCall[][] = [];
  private lastB = 0;
  private lastDropout = false;
  private lastEmbedDropout = false;
  private pendingBackward = false;
  /** setRecompute: one set of DirBuffers per direction, shared by every layer; backward() refills it per layer. */
  private recompute = false;

  /**
   * `init` (see ModelInit) left empty gives PyTorch's initialisation; `rnnlab train` passes its own measured defaults
   * (TRAIN_DEFAULTS.embedInitStd and .forgetBias).
   */
  constructor(config: ModelConfig, seed: number, init: ModelInit = {}) {
    validateModelConfig(config);
    applyDenormalMode(); // the engine's flush-to-zero setting, before any kernel or BLAS runs (src/nn/fpenv.ts)
    this.config = { ...config };
    const { arch, vocabSize: V, embed: E, hidden: H, numLayers, bidirectional, numClasses } = config;
    this.dirs = bidirectional ? 2 : 1;
    this.D = H * this.dirs;
    this.pool = poolKinds(config.pooling);
    this.F = this.D * this.pool.length;
    this.outDim = numClasses === 2 ? 1 : numClasses;
    const G = GATES[arch];

    const shared = init.sharedEmbedding;
    if (shared) {
      if (shared.length !== V * E) throw new Error(`sharedEmbedding: ${shared.length} values for a ${V} × ${E} embedding`);
      this.embedding = this.add({ name: 'embedding.weight', shape: [V, E], data: shared, grad: new Float32Array(0), gradRows: null });
      this.sharedEmb = { grad: allocF32(0), tokens: new Int32Array(0), count: 0, slot: new Int32Array(V), rows: new Int32Array(0) };
    } else {
      this.embedding = this.add(makeParam('embedding.weight', [V, E]));
    }
    this.rowMark = new Uint8Array(shared ? 0 : V);
    this.rowList = new Int32Array(shared ? 0 : V);
    if (!shared) this.embedding.gradRows = this.rowList.subarray(0, 0); // all zero so far
    for (let k = 0; k < numLayers; k++) {
      const inDim = k === 0 ? E : this.D;
      const layer: Layer = { dirs: [], inDim };
      for (let d = 0; d < this.dirs; d++) {
        const sfx = `_l${k}${d === 1 ? '_reverse' : ''}`;
        const wIh = this.add(makeParam(`rnn.weight_ih${sfx}`, [G * H, inDim]));
        const wHh = this.add(makeParam(`rnn.weight_hh${sfx}`, [G * H, H]));
        const bIh = this.add(makeParam(`rnn.bias_ih${sfx}`, [G * H]));
        const bHh = this.add(makeParam(`rnn.bias_hh${sfx}`, [G * H]));
        layer.dirs.push({
          params: [wIh, wHh, bIh, bHh],
          w: {
            wIh: wIh.data, wHh: wHh.data, bIh: bIh.data, bHh: bHh.data,
            gwIh: wIh.grad, gwHh: wHh.grad, gbIh: bIh.grad, gbHh: bHh.grad,
          },
        });
      }
      this.layers.push(layer);
    }
    this.fcW = this.add(makeParam('fc.weight', [this.outDim, this.F]));
    this.fcB = this.add(makeParam('fc.bias', [this.outDim]));

    // PyTorch default init (the embedding's scale aside), drawn in state_dict order from the seeded stream.
    const rng = new Rng(seed);
    const e = this.embedding.data;
    const embedStd = init.embedStd ?? 1;
    if (!(embedStd > 0 && Number.isFinite(embedStd))) throw new UserError(`embedding init std must be > 0, got ${embedStd}`);
    if (shared) for (let i = 0; i < V * E; i++) rng.normal(); // the same draws for the other weights as without it
    else for (let i = 0; i < e.length; i++) e[i] = embedStd * rng.normal();
    const rb = 1 / Math.sqrt(H);
    for (const layer of this.layers) {
      for (const dir of layer.dirs) for (const p of dir.params) fillUniform(p.data, rb, rng);
    }
    if (init.forgetBias !== undefined) {
      const b = init.forgetBias;
      if (!Number.isFinite(b)) throw new UserError(`LSTM forget-gate bias must be a finite number, got ${b}`);
      if (arch !== 'lstm') throw new UserError(`a forget-gate bias only applies to an LSTM (this model is ${arch})`);
      for (const layer of this.layers) {
        for (const dir of layer.dirs) {
          dir.w.bIh.fill(b, H, 2 * H); // gate order i, f, g, o: f is the second block
          dir.w.bHh.fill(0, H, 2 * H);
        }
      }
    }
    const fb = 1 / Math.sqrt(this.F);
    fillUniform(this.fcW.data, fb, rng);
    fillUniform(this.fcB.data, fb, rng);
    this.dropRng = rng.fork();
    workReleaser.register(this, this.work, this);
  }

  /** Frees the work buffers now (they are reallocated if the model is used again). Parameters stay. */
  dispose(): void {
    this.releaseWork();
    this.capRows = 0;
    this.capB = 0;
    this.inf = null; // its buffers are in this.work too
  }

  private releaseWork(): void {
    for (const b of this.work) release(b);
    this.work.length = 0; // the same array stays registered with workReleaser
    this.inf = null; // its buffers were in this.work
  }

  private allocWork(n: number): Float32Array {
    const b = allocF32(n);
    this.work.push(b);
    return b;
  }

  /** Total number of scalar parameters. */
  get numParams(): number {
    return this.params.reduce((s, p) => s + p.data.length, 0);
  }

  /**
   * Zeroes every gradient. The embedding's only in the rows the batches since the last call touched (a few thousand
   * of an IMDB vocabulary's 25,000; the rest are still zero), which, with the norm and clipping over those rows
   * only (src/optim/clip.ts), saves ~10 ms of a 30-ms Elman RNN step, bit for bit the same.
   */
  zeroGrad(): void {
    const emb = this.embedding;
    for (const p of this.params) {
      if (p !== emb || !emb.gradRows) p.grad.fill(0);
    }
    if (emb.gradRows) {
      const E = emb.shape[1]!;
      for (const r of emb.gradRows) {
        emb.grad.fill(0, r * E, r * E + E);
        this.rowMark[r] = 0;
      }
    }
    const s = this.sharedEmb;
    if (s) {
      const E = emb.shape[1]!;
      s.grad.fill(0, 0, s.count * E);
      for (let k = 0; k < s.count; k++) s.slot[s.tokens[k]!] = 0;
      s.count = 0;
    } else {
      emb.gradRows = this.rowList.subarray(0, 0);
    }
  }

  /**
   * The embedding gradient of a model built with ModelInit.sharedEmbedding: `values` row k ([count, E]) is the gradient
   * of token `tokens[k]`'s row; every other row's is +0. Views of this model's buffers, valid until the next
   * backward() or zeroGrad().
   */
  sharedEmbeddingGrad(): { tokens: Int32Array; values: Float32Array } {
    const s = this.sharedEmb;
    if (!s) throw new Error('sharedEmbeddingGrad: this model has its own embedding table (see ModelInit.sharedEmbedding)');
    const E = this.config.embed;
    return { tokens: s.tokens.subarray(0, s.count), values: s.grad.subarray(0, s.count * E) };
  }

  /**
   * Logits [batch.size × outDim] in batch order (a reused buffer: copy it if you keep it past the next call).
   * training = true applies dropout (drawing masks from `rng`, or the model's own stream).
   */
  forward(batch: Batch, training: boolean, rng?: Rng): Float32Array {
    const { hidden: H, embed: E, vocabSize: V, arch, dropout: p } = this.config;
    const B = batch.size;
    if (batch.tokens.length < B * batch.maxLen || batch.lengths.length < B) {
      throw new UserError(`malformed batch: ${batch.tokens.length} tokens for size ${B} × maxLen ${batch.maxLen}`);
    }
    const lay = packLayout(batch.lengths, B, batch.maxLen, this.lay);
    this.lay = lay;
    this.ensureCapacity(B, Math.max(lay.N, B * batch.maxLen));
    const N = lay.N;
    const D = this.D;
    const useDropout = training && p > 0;
    const pe = this.config.embedDropout ?? 0;
    const useEmbedDropout = training && pe > 0;
    const r = rng ?? this.dropRng;

    embeddingForward(this.emb, this.ids, this.embedding.data, V, E, batch.tokens, batch.maxLen, lay);
    let x: Float32Array = this.emb;
    if (useEmbedDropout) {
      dropoutForward(this.embDrop, x, this.embMask, N * E, pe, r);
      x = this.embDrop;
    }
    const cell = CELLS[arch];
    this.calls = [];
    for (let k = 0; k < this.layers.length; k++) {
      const layer = this.layers[k]!;
      const calls: DirCall[] = [];
      for (let d = 0; d < this.dirs; d++) {
        const c: DirCall = {
          lay, reverse: d === 1, H, inDim: layer.inDim, x, w: layer.dirs[d]!.w,
          out: this.outRows[k]![d]!, buf: this.dirBufs[k]![d]!,
        };
        cell.forward(c);
        calls.push(c);
      }
      this.calls.push(calls);
      x = this.outs[k]!;
      if (useDropout && k < this.layers.length - 1) {
        dropoutForward(this.drops[k]!, x, this.masks[k]!, N * D, p, r);
        x = this.drops[k]!;
      }
    }

    poolForward(this.pool, this.feat, this.outs[this.layers.length - 1]!, lay, H, this.dirs, this.argmax);
    let f: Float32Array = this.feat;
    if (useDropout) {
      dropoutForward(this.featDrop, f, this.featMask, B * this.F, p, r);
      f = this.featDrop;
    }
    const logits = this.logits.length === B * this.outDim ? this.logits : this.logits.subarray(0, B * this.outDim);
    linearForward(logits, f, this.fcW.data, this.fcB.data, B, this.F, this.outDim);
    this.lastB = B;
    this.lastDropout = useDropout;
    this.lastEmbedDropout = useEmbedDropout;
    this.pendingBackward = true;
    return logits;
  }

  /**
   * Logits of `batch` with no dropout and nothing kept for backward — PyTorch's `with torch.no_grad(): model(x)`
   * (for validation, test and predict). Same numbers as forward(batch, false), bit for bit, from a leaner set of
   * buffers: no gradients, no per-step history (the previous h and the LSTM cell state are per-step [B, H] buffers),
   * one gates buffer shared by every layer and direction, and two layer outputs used in turn. Those buffers are kept
   * apart from the training ones, so evaluating at batch 256 does not grow what training at 32 uses. The returned
   * buffer is reused by the next call; backward() cannot follow it.
   */
  predictLogits(batch: Batch): Float32Array {
    const { hidden: H, embed: E, vocabSize: V, arch } = this.config;
    const B = batch.size;
    if (batch.tokens.length < B * batch.maxLen || batch.lengths.length < B) {
      throw new UserError(`malformed batch: ${batch.tokens.length} tokens for size ${B} × maxLen ${batch.maxLen}`);
    }
    const inf = this.inferenceWork(B, Math.max(1, B * batch.maxLen));
    const lay = packLayout(batch.lengths, B, batch.maxLen, inf.lay);
    inf.lay = lay;
    embeddingForward(inf.emb, inf.ids, this.embedding.data, V, E, batch.tokens, batch.maxLen, lay);
    let x: Float32Array = inf.emb;
    const cell = CELLS[arch];
    for (let k = 0; k < this.layers.length; k++) {
      const layer = this.layers[k]!;
      for (let d = 0; d < this.dirs; d++) {
        cell.forward({
          lay, reverse: d === 1, H, inDim: layer.inDim, x, w: layer.dirs[d]!.w,
          out: inf.outRows[k & 1]![d]!, buf: inf.dirBufs[k]![d]!,
        });
      }
      x = inf.outs[k & 1]!;
    }
    poolForward(this.pool, inf.feat, x, lay, H, this.dirs, inf.argmax);
    const logits = inf.logits.subarray(0, B * this.outDim);
    linearForward(logits, inf.feat, this.fcW.data, this.fcB.data, B, this.F, this.outDim);
    this.pendingBackward = false;
    return logits;
  }

  /** predictLogits' buffers, (re)allocated when a batch needs more rows or sequences. */
  private inferenceWork(B: number, rows: number): InferenceWork {
    const old = this.inf;
    if (old && rows <= old.capRows && B <= old.capB) return old;
    const capB = Math.max(B, old?.capB ?? 0);
    const capRows = Math.max(rows, old?.capRows ?? 0);
    if (old) for (const b of old.buffers) { release(b); this.work.splice(this.work.indexOf(b), 1); }
    const { hidden: H, embed: E, arch } = this.config;
    const D = this.D;
    const G = GATES[arch];
    const buffers: (Float32Array | Int32Array)[] = [];
    const f32 = (n: number): Float32Array => { const b = allocF32(n); buffers.push(b); return b; };
    const ids = allocI32(capRows);
    buffers.push(ids);
    const emb = f32(capRows * E);
    const gates = f32(capRows * G * H);
    const outs = this.layers.length > 1 ? [f32(capRows * D), f32(capRows * D)] : [f32(capRows * D)];
    const outRows = outs.map((o) => Array.from({ length: this.dirs }, (_, d) => new Rows(o.subarray(d * H), D)));
    const dirBufs = this.layers.map(() => Array.from({ length: this.dirs }, () => {
      const db = DirBuffers.forInference(G, H, capRows, capB, arch, gates);
      buffers.push(...db.buffers());
      return db;
    }));
    this.work.push(...buffers); // released with the model (workReleaser) or by dispose()
    this.inf = {
      capRows, capB, lay: old?.lay, ids, emb, outs, outRows, dirBufs, buffers,
      feat: new Float32Array(capB * this.F), argmax: new Int32Array(capB * D), logits: new Float32Array(capB * this.outDim),
    };
    return this.inf;
  }

  /**
   * Activation recomputation, per layer (what torch.utils.checkpoint does around each layer). Off (the default),
   * training keeps every layer's gate activations, previous states and (LSTM, GRU) cell or W_hn·h values for
   * backward: (G + 2)·H floats per packed row, direction and layer ((G + 1)·H for the RNN), on top of the layer's
   * output. On, the layers
   * share one such set per direction, and backward() runs layer k's forward again just before its backward (the
   * same input, weights and BLAS calls, so the same bits). Stored activations drop to the layers' outputs, H floats
   * per row, direction and layer (the 25-layer W2 LSTM: from 56 to 8 + one layer's 48 floats per token), for one
   * more forward of every layer but the last. The gradients are bit-identical either way. Set it before the first
   * forward, and before a DataParallel is built on this model (its replicas copy the setting).
   */
  setRecompute(on: boolean): void {
    if (on === this.recompute) return;
    this.recompute = on;
    this.capRows = 0; // the buffers are laid out anew by the next forward()
    this.pendingBackward = false;
  }

  /** Whether setRecompute(true) is in force. */
  get recomputing(): boolean {
    return this.recompute;
  }

  /** Bytes of kernel memory this model's work buffers hold now (training and forward-only), parameters excluded. */
  workBytes(): number {
    return this.work.reduce((sum, b) => sum + b.byteLength, 0);
  }

  /** Accumulates d(loss)/d(params) into param.grad, given d(loss)/d(logits) of the last forward(). */
  backward(dLogits: Float32Array): void {
    if (!this.pendingBackward || !this.lay) throw new Error('RnnClassifier.backward() needs a forward() first (once per forward)');
    this.pendingBackward = false;
    const { hidden: H, embed: E, arch } = this.config;
    const lay = this.lay;
    const B = this.lastB;
    const D = this.D;
    const N = lay.N;
    const L = this.layers.length;

    const fIn = this.lastDropout ? this.featDrop : this.feat;
    linearBackward(this.dFeat, this.fcW.grad, this.fcB.grad, dLogits, fIn, this.fcW.data, B, this.F, this.outDim);
    if (this.lastDropout) dropoutBackward(this.dFeat, this.dFeat, this.featMask, B * this.F);

    // dOut of the current layer lives in one of two ping-pong buffers; its dx goes to the other.
    let dCur: Float32Array = this.dA;
    let dCurRows = this.dARows;
    let dNext: Float32Array = this.dB;
    let dNextRows = this.dBRows;
    poolBackward(this.pool, dCur, this.dFeat, lay, H, this.dirs, this.argmax);
    const cell = CELLS[arch];
    for (let k = L - 1; k >= 0; k--) {
      const dx = k > 0 ? dNext : null; // the first layer's input gradient: embeddingGrads() below, in chunks
      for (let d = 0; d < this.dirs; d++) {
        // Recomputing: the shared buffers hold the last layer's forward (or another layer's backward), not layer k's.
        if (this.recompute && k < L - 1) cell.forward(this.calls[k]![d]!);
        cell.backward(this.calls[k]![d]!, dCurRows[d]!, dx, d === 0 ? 0 : 1);
      }
      if (k > 0) {
        if (this.lastDropout) dropoutBackward(dNext, dNext, this.masks[k - 1]!, N * D);
        [dCur, dNext] = [dNext, dCur];
        [dCurRows, dNextRows] = [dNextRows, dCurRows];
      }
    }
    this.embeddingGrads();
    if (this.sharedEmb) return; // its rows are listed in sharedEmb.tokens
    // The rows that now hold a gradient (with those of earlier backward calls since zeroGrad), in ascending order.
    const mark = this.rowMark, ids = this.ids;
    for (let n = 0; n < N; n++) mark[ids[n]!] = 1;
    this.listGradRows();
  }

  /**
   * The embedding's gradient, after the first layer's backward left each direction's dG (the gradient of its gate
   * pre-activations) in its gates buffer: dX = Σ_directions dG · W_ih, through the embedding dropout's mask,
   * scatter-added into embedding.grad by token id. Done in chunks of rows, so the [N, E] dX is never held whole
   * (W2's 200,000 rows × 64: 51 MB). Each row's dX is the same dot products and the scatter goes in the same row
   * order as one pass over all rows, but OpenBLAS may sum a row's products in another order when it is given fewer
   * rows, so the chunk size can move low bits (it is fixed, so a run still reproduces itself).
   */
  private embeddingGrads(): void {
    const { embed: E, arch } = this.config;
    const N = this.lay!.N;
    const G = GATES[arch];
    // A shared embedding scatters into its compact rows: the same additions, in the same order, into other addresses.
    const s = this.sharedEmb;
    if (s) this.assignSharedRows(s, N);
    const dW = s ? s.grad : this.embedding.grad;
    const index = s ? s.rows : this.ids;
    for (let r0 = 0; r0 < N; r0 += this.embedChunk) {
      const n = Math.min(this.embedChunk, N - r0);
      for (let d = 0; d < this.dirs; d++) inputGradRows(this.calls[0]![d]!, G, r0, n, this.dEmb, d === 0 ? 0 : 1);
      if (this.lastEmbedDropout) dropoutBackward(this.dEmb, this.dEmb, this.embMask.subarray(r0 * E), n * E);
      embeddingBackward(dW, this.dEmb, index.subarray(r0), n, E);
    }
  }

  /** s.rows[n] = the gradient row of packed row n's token, giving a row to each token that has none yet. */
  private assignSharedRows(s: SharedEmbedding, N: number): void {
    const { vocabSize: V, embed: E } = this.config;
    const ids = this.ids;
    for (let n = 0; n < N; n++) {
      const id = ids[n]!;
      let k = s.slot[id]!;
      if (k === 0) {
        if (s.count === s.tokens.length) {
          // grow, at most to V: room for every row of this batch (its tokens are at most N), or double; the rows
          // kept move, the new ones are +0. One allocation in the usual case of one backward per zeroGrad.
          const cap = Math.min(V, Math.max(s.count + N - n, 2 * s.count));
          const grad = allocF32(cap * E);
          grad.set(s.grad.subarray(0, s.count * E));
          release(s.grad);
          s.grad = grad;
          const tokens = new Int32Array(cap);
          tokens.set(s.tokens.subarray(0, s.count));
          s.tokens = tokens;
        }
        s.tokens[s.count] = id;
        k = s.slot[id] = ++s.count;
      }
      s.rows[n] = k - 1;
    }
  }

  /**
   * Rows per chunk of embeddingGrads (default EMBED_GRAD_CHUNK). Any size gives the same gradients up to rounding;
   * tests set a tiny one to see that. Takes effect at the next forward().
   */
  setEmbeddingGradChunk(rows: number): void {
    if (!(Number.isInteger(rows) && rows >= 1)) throw new Error(`setEmbeddingGradChunk: rows must be a positive integer, got ${rows}`);
    this.embedChunk = rows;
    this.capRows = 0;
  }

  /** embedding.gradRows = the marked rows, ascending (after backward or addGradients marked theirs). */
  private listGradRows(): void {
    const mark = this.rowMark;
    let count = 0;
    for (let r = 0; r < mark.length; r++) if (mark[r]) this.rowList[count++] = r;
    this.embedding.gradRows = this.rowList.subarray(0, count);
  }

  /**
   * Adds a replica's gradients into this model's (data parallelism, src/train/parallel/: another thread's model ran
   * backward on another shard of the batch). `grads` are in `params` order, the embedding's entry unread: that replica
   * was built with ModelInit.sharedEmbedding, and `embedding` is its compact gradient (sharedEmbeddingGrad: row k of
   * `values` for token `tokens[k]`). This model's gradRows become the union. Float addition is commutative,
   * so the sum of two shards does not depend on which thread finished first.
   */
  addGradients(grads: readonly Float32Array[], embedding: { tokens: Int32Array; values: Float32Array }): void {
    if (grads.length !== this.params.length) throw new Error(`addGradients: ${grads.length} gradients for ${this.params.length} parameters`);
    if (this.sharedEmb) throw new Error('addGradients: a model with a shared embedding cannot take other gradients');
    const emb = this.embedding;
    const E = emb.shape[1]!;
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i]!;
      if (p === emb) continue; // the replica's comes compact, below
      const g = grads[i]!;
      if (g.length !== p.grad.length) throw new Error(`addGradients: ${p.name} has ${p.grad.length} values, got ${g.length}`);
      const dst = p.grad;
      for (let j = 0; j < dst.length; j++) dst[j]! += g[j]!;
    }
    const { tokens, values } = embedding;
    if (values.length !== tokens.length * E) throw new Error(`addGradients: ${tokens.length} embedding rows, ${values.length} values`);
    const dst = emb.grad;
    const mark = this.rowMark;
    for (let k = 0; k < tokens.length; k++) {
      const r = tokens[k]!;
      const o = r * E;
      const src = k * E;
      for (let j = 0; j < E; j++) dst[o + j]! += values[src + j]!;
      mark[r] = 1;
    }
    this.listGradRows();
  }

  private add(p: Param): Param {
    this.params.push(p);
    return p;
  }

  /** (Re)allocates the work buffers when a batch needs more rows or sequences than the current ones hold. */
  private ensureCapacity(B: number, rows: number): void {
    const { hidden: H, embed: E, arch } = this.config;
    const D = this.D;
    if (B > this.capB) {
      this.capB = B;
      this.feat = new Float32Array(B * this.F);
      this.featDrop = new Float32Array(B * this.F);
      this.featMask = new Float32Array(B * this.F);
      this.dFeat = new Float32Array(B * this.F);
      this.argmax = new Int32Array(B * D);
      this.capRows = 0; // DirBuffers hold per-sequence scratch too: rebuild them below
    }
    // A smaller (last) batch gets a view of the logits buffer, see forward().
    if (this.logits.length < B * this.outDim) this.logits = new Float32Array(B * this.outDim);
    if (rows <= this.capRows) return;
    this.capRows = rows;
    this.releaseWork();
    this.ids = allocI32(rows);
    this.work.push(this.ids);
    if (this.sharedEmb) {
      this.sharedEmb.rows = allocI32(rows);
      this.work.push(this.sharedEmb.rows);
    }
    this.emb = this.allocWork(rows * E);
    this.dEmb = this.allocWork(Math.min(rows, this.embedChunk) * E);
    const embedDropout = (this.config.embedDropout ?? 0) > 0;
    this.embDrop = new Float32Array(embedDropout ? rows * E : 0);
    this.embMask = new Float32Array(embedDropout ? rows * E : 0);
    // The recurrent kernels read and write these (outputs and their gradients), so they live in kernel memory.
    this.dA = this.allocWork(rows * D);
    // dB takes the input gradient of layers 1…L−1; the first layer's goes to the embedding in chunks (embeddingGrads)
    this.dB = this.allocWork(this.layers.length > 1 ? rows * D : 0);
    this.dARows = [];
    this.dBRows = [];
    for (let d = 0; d < this.dirs; d++) {
      this.dARows.push(new Rows(this.dA.subarray(d * H), D));
      this.dBRows.push(new Rows(this.dB.subarray(d * H), D));
    }
    this.outs = [];
    this.outRows = [];
    this.drops = [];
    this.masks = [];
    this.dirBufs = [];
    const G = GATES[arch];
    const newDirBuffers = (): DirBuffers => {
      const db = new DirBuffers(G, H, rows, this.capB, arch);
      this.work.push(...db.buffers());
      return db;
    };
    const shared = this.recompute ? Array.from({ length: this.dirs }, newDirBuffers) : null;
    for (let k = 0; k < this.layers.length; k++) {
      const out = this.allocWork(rows * D);
      this.outs.push(out);
      const rs: Rows[] = [];
      const bufs: DirBuffers[] = [];
      for (let d = 0; d < this.dirs; d++) {
        rs.push(new Rows(out.subarray(d * H), D));
        bufs.push(shared ? shared[d]! : newDirBuffers());
      }
      this.outRows.push(rs);
      this.dirBufs.push(bufs);
      const between = this.config.dropout > 0 && k < this.layers.length - 1;
      this.drops.push(new Float32Array(between ? rows * D : 0));
      this.masks.push(new Float32Array(between ? rows * D : 0));
    }
  }
}

function fillUniform(a: Float32Array, bound: number, rng: Rng): void {
  for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-bound, bound);
}
