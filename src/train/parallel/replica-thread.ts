/**
 * A data-parallel replica: the entry script of one worker thread of src/train/parallel/data-parallel.ts.
 *
 * It owns a model of the same shape as the main thread's, in its own kernel memory (module state is per thread),
 * with one BLAS thread. Its embedding is the main thread's table, read in place from the main kernel memory (shared;
 * ModelInit.sharedEmbedding), and its embedding gradient is compact (a row per token of the shard, not a [V, E]
 * table): two [V, E] buffers fewer, 20 MB at W1's 20,000 × 128. Before each shard it copies the main thread's other
 * parameters, which are small. It then runs forward, loss and backward on the shard into its own gradients, which
 * the main thread reads in place and adds to its own. Requests come as messages; each reply goes back on the port,
 * then the control word is bumped and notified (the main thread waits on it synchronously, so the step stays one
 * synchronous call).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { RnnClassifier, type ModelConfig } from '../../nn/model.ts';
import { applyDenormalMode, type DenormalMode } from '../../nn/fpenv.ts';
import { setBlasThreads } from '../../nn/blas.ts';
import { kernelMemory } from '../../nn/kernels.ts';
import { Rng } from '../../util/rng.ts';
import type { Batch } from '../../data/types.ts';
import { batchLoss } from '../batch-loss.ts';

export interface Span { offset: number; length: number }

export interface ReplicaData {
  config: ModelConfig;
  /** the main thread's kernel memory and where each parameter's values lie in it (params order; names to check) */
  mainMemory: WebAssembly.Memory;
  params: (Span & { name: string })[];
  denormals: DenormalMode;
  classWeights: number[] | null;
  /** the main model's setRecompute (memory layout only: the gradients are the same bits either way) */
  recompute: boolean;
  /** Int32Array[1] over it: bumped after every reply */
  control: SharedArrayBuffer;
  port: MessagePort;
}

export type ReplicaRequest =
  | { type: 'step'; batch: Batch; denominator: number; seed: number }
  | { type: 'predict'; batch: Batch };

export type ReplicaReply =
  | { type: 'ready'; memory: WebAssembly.Memory; grads: Span[] }
  /** embTokens: the tokens with an embedding gradient; embGrad: where their rows lie in the replica's memory */
  | { type: 'step'; loss: number; correct: number; embTokens: Int32Array; embGrad: Span }
  | { type: 'predict'; logits: Float32Array }
  | { type: 'error'; name: string; message: string };

const data = workerData as ReplicaData;
const control = new Int32Array(data.control);
const port = data.port;

function reply(msg: ReplicaReply): void {
  port.postMessage(msg);
  Atomics.add(control, 0, 1);
  Atomics.notify(control, 0);
}

try {
  applyDenormalMode(data.denormals); // this thread's MXCSR and kernels, like the main thread's
  setBlasThreads(1);
  const main = data.params.map((s) => new Float32Array(data.mainMemory.buffer, s.offset, s.length));
  const embIndex = data.params.findIndex((s) => s.name === 'embedding.weight');
  // its other initial values are overwritten before every shard
  const model = new RnnClassifier(data.config, 1, { sharedEmbedding: main[embIndex] });
  model.setRecompute(data.recompute);
  model.params.forEach((p, i) => {
    if (p.name !== data.params[i]!.name) throw new Error(`parameter ${i} is ${p.name} here, ${data.params[i]!.name} in the main thread`);
  });
  let dLogits = new Float32Array(0);

  /** The main thread's parameters as they are now (the embedding is read in place). */
  const syncParams = (): void => {
    for (let i = 0; i < model.params.length; i++) if (i !== embIndex) model.params[i]!.data.set(main[i]!);
  };

  port.on('message', (req: ReplicaRequest) => {
    try {
      syncParams();
      if (req.type === 'predict') {
        reply({ type: 'predict', logits: model.predictLogits(req.batch).slice() });
        return;
      }
      const { batch } = req;
      model.zeroGrad();
      const logits = model.forward(batch, true, new Rng(req.seed));
      const n = batch.size * model.outDim;
      if (dLogits.length < n) dLogits = new Float32Array(n);
      const d = dLogits.subarray(0, n);
      const r = batchLoss(logits, batch.labels, batch.size, data.config.numClasses, d, data.classWeights, req.denominator);
      if (Number.isFinite(r.loss)) model.backward(d);
      const emb = model.sharedEmbeddingGrad();
      reply({
        type: 'step', loss: r.loss, correct: r.correct,
        embTokens: emb.tokens.slice(), embGrad: { offset: emb.values.byteOffset, length: emb.values.length },
      });
    } catch (e) {
      reply({ type: 'error', name: (e as Error)?.name ?? 'Error', message: (e as Error)?.message ?? String(e) });
    }
  });
  const memory = kernelMemory();
  reply({
    type: 'ready', memory,
    grads: model.params.map((p) => ({ offset: p.grad.byteOffset, length: p.grad.length })),
  });
} catch (e) {
  reply({ type: 'error', name: (e as Error)?.name ?? 'Error', message: (e as Error)?.message ?? String(e) });
}
