/**
 * Data parallelism inside one run: each batch is split into `replicas` shards of about equal tokens (shards.ts); this
 * thread trains shard 0 on its model, worker threads (replica-thread.ts) train the others on replicas of it, and the
 * replicas' gradients are added into this model's before clipping and the optimizer step, which run once, here.
 *
 *   loss(batch) = Σ_shards Σ_{b ∈ shard} ℓ_b / B        (each shard divides by the whole batch's B, see nn/loss.ts)
 *   ∇ = Σ_shards ∇_shard                                 (added in shard order)
 *
 * so a step is the batch's step up to float rounding, and bit-identical from run to run for a given replica count
 * (same shards, same sums). Dropout masks: shard 0 draws from the run's stream, shard k from a stream seeded by a
 * number drawn from it, in order, so a resumed run draws the same.
 *
 * Why threads in one process and not processes: the replicas read this thread's parameters and this thread reads
 * their gradients in place, through the shared kernel memory (src/nn/kernels.ts), so a step copies only the
 * replica's dense parameters; the embedding, the largest, is read in place (ModelInit.sharedEmbedding). Each thread
 * uses one BLAS thread (two shards on one thread each beat one batch on two BLAS threads: measured in README). The
 * calls are synchronous: the main thread posts the shards, trains its own, then waits on a shared control word for
 * each replica's reply.
 */
import { Worker, MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { RnnClassifier } from '../../nn/model.ts';
import { kernelMemory } from '../../nn/kernels.ts';
import { floatEnvInfo } from '../../nn/fpenv.ts';
import { setBlasThreads } from '../../nn/blas.ts';
import type { Batch } from '../../data/types.ts';
import { lossDenominator } from '../../nn/loss.ts';
import type { Rng } from '../../util/rng.ts';
import { UserError } from '../../util/errors.ts';
import { batchLoss, type BatchLoss } from '../batch-loss.ts';
import { batchRows, shardBounds } from './shards.ts';
import type { ReplicaData, ReplicaReply, ReplicaRequest } from './replica-thread.ts';

/** How long to wait for a replica's reply before calling it lost (its thread died, or is stuck). */
const REPLY_TIMEOUT_MS = 10 * 60_000;

/**
 * The replica's V8 young generation, in MB. A replica allocates little JavaScript per step (its messages and a few
 * views), but V8's default lets the young generation grow to 16 MB or more before collecting it: at 4 MB the W1
 * GRU bench's peak RSS fell from 204 to 200 MB at the same step time (2026-12-06, the 2-core AMD EPYC).
 */
const REPLICA_YOUNG_MB = 4;

const FROM_SOURCES = import.meta.url.endsWith('.ts');
const REPLICA = new URL(FROM_SOURCES ? './replica-thread.ts' : './replica-thread.js', import.meta.url);

interface Replica {
  worker: Worker;
  port: MessagePort;
  control: Int32Array;
  /** its kernel memory (read afresh at each step: its compact embedding gradient may have moved to new pages) */
  memory: WebAssembly.Memory | null;
  grads: Float32Array[];
}

export interface DataParallelOptions {
  /** --class-weights of the run (the replicas compute the same weighted loss) */
  classWeights?: number[] | null;
}

export class DataParallel {
  private readonly replicas: Replica[] = [];
  private dLogits = new Float32Array(0);

  /** `parts` shards per batch: this thread and parts − 1 worker threads (started here, ready on return). */
  constructor(private readonly model: RnnClassifier, readonly parts: number, opts: DataParallelOptions = {}) {
    if (!(Number.isInteger(parts) && parts >= 2)) throw new UserError(`data parallelism needs 2 or more shards, got ${parts}`);
    setBlasThreads(1);
    const memory = kernelMemory();
    const params = model.params.map((p) => ({ name: p.name, offset: p.data.byteOffset, length: p.data.length }));
    try {
      for (let k = 1; k < parts; k++) {
        const channel = new MessageChannel();
        const control = new Int32Array(new SharedArrayBuffer(4));
        const data: ReplicaData = {
          config: model.config, mainMemory: memory, params, denormals: floatEnvInfo().mode,
          classWeights: opts.classWeights ?? null, recompute: model.recomputing, control: control.buffer as SharedArrayBuffer, port: channel.port2,
        };
        const worker = new Worker(bootCode(), {
          eval: true, workerData: data, transferList: [channel.port2], resourceLimits: { maxYoungGenerationSizeMb: REPLICA_YOUNG_MB },
        });
        worker.unref();
        const replica: Replica = { worker, port: channel.port1, control, memory: null, grads: [] };
        this.replicas.push(replica);
        const ready = this.await(replica, k, 'ready');
        const view = ready.memory.buffer;
        replica.memory = ready.memory;
        replica.grads = ready.grads.map((s) => new Float32Array(view, s.offset, s.length));
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /**
   * One training step's forward and backward over `batch`: zeroes the model's gradients and leaves in them the
   * batch's (all shards summed). Returns the batch's mean loss (NaN if any shard diverged) and correct count.
   */
  step(batch: Batch, rng: Rng, classWeights?: number[] | null): BatchLoss {
    const { model } = this;
    const C = model.config.numClasses;
    const bounds = shardBounds(batch.lengths, batch.size, this.parts);
    const denominator = lossDenominator(batch.labels, batch.size, C, classWeights);
    model.zeroGrad();
    const seeds = this.replicas.map(() => rng.nextU32());
    const posted = this.post(batch, bounds, (k, shard) => ({ type: 'step', batch: shard, denominator, seed: seeds[k - 1]! }));
    const own = batchRows(batch, bounds[0]!, bounds[1]!);
    const logits = model.forward(own, true, rng);
    const n = own.size * model.outDim;
    if (this.dLogits.length < n) this.dLogits = new Float32Array(n);
    const d = this.dLogits.subarray(0, n);
    const r = batchLoss(logits, own.labels, own.size, C, d, classWeights, denominator);
    if (Number.isFinite(r.loss)) model.backward(d);
    let loss = r.loss;
    let correct = r.correct;
    for (const [k, replica] of posted) {
      const rep = this.await(replica, k, 'step');
      loss += rep.loss;
      correct += rep.correct;
      if (!Number.isFinite(loss)) continue;
      const values = new Float32Array(replica.memory!.buffer, rep.embGrad.offset, rep.embGrad.length);
      model.addGradients(replica.grads, { tokens: rep.embTokens, values });
    }
    return { loss, correct };
  }

  /** Logits [batch.size × outDim] of a forward-only pass (a fresh array). */
  predictLogits(batch: Batch): Float32Array {
    const { model } = this;
    const D = model.outDim;
    const bounds = shardBounds(batch.lengths, batch.size, this.parts);
    const out = new Float32Array(batch.size * D);
    const posted = this.post(batch, bounds, (_k, shard) => ({ type: 'predict', batch: shard }));
    out.set(model.predictLogits(batchRows(batch, bounds[0]!, bounds[1]!)).subarray(0, (bounds[1]! - bounds[0]!) * D), 0);
    for (const [k, replica] of posted) out.set(this.await(replica, k, 'predict').logits, bounds[k]! * D);
    return out;
  }

  /** Ends the worker threads. */
  close(): void {
    for (const r of this.replicas) {
      r.port.close();
      void r.worker.terminate();
    }
    this.replicas.length = 0;
  }

  /** Posts shards 1… of `batch` (cut at `bounds`) to their replicas; returns [shard index, replica] for each. */
  private post(batch: Batch, bounds: number[], request: (k: number, shard: Batch) => ReplicaRequest): [number, Replica][] {
    const posted: [number, Replica][] = [];
    for (let k = 1; k < bounds.length - 1; k++) {
      const replica = this.replicas[k - 1]!;
      replica.port.postMessage(request(k, batchRows(batch, bounds[k]!, bounds[k + 1]!)));
      posted.push([k, replica]);
    }
    return posted;
  }

  /** Waits (blocking this thread) for replica `k`'s next reply, which must be of `type`. */
  private await<T extends ReplicaReply['type']>(replica: Replica, k: number, type: T): Extract<ReplicaReply, { type: T }> {
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    for (;;) {
      // the control word is read BEFORE looking for the reply: a reply that lands after the look has bumped it
      // since, so the wait below returns at once instead of missing the wake-up
      const seen = Atomics.load(replica.control, 0);
      const got = receiveMessageOnPort(replica.port);
      if (got) {
        const msg = got.message as ReplicaReply;
        if (msg.type === 'error') {
          const text = `data-parallel replica ${k}: ${msg.message}`;
          throw msg.name === 'UserError' ? new UserError(text) : new Error(text);
        }
        if (msg.type !== type) throw new Error(`data-parallel replica ${k}: expected a '${type}' reply, got '${msg.type}'`);
        return msg as Extract<ReplicaReply, { type: T }>;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`data-parallel replica ${k} did not answer in ${REPLY_TIMEOUT_MS / 1000} s (its thread died?)`);
      Atomics.wait(replica.control, 0, seen, Math.min(left, 1000));
    }
  }
}

/**
 * The worker thread's first code: from the sources it registers tsx (a worker does not inherit the loader), then it
 * imports replica-thread; if that fails (a missing or broken module), the failure is the replica's reply, so the
 * main thread, waiting synchronously, hears of it at once instead of at its timeout.
 */
function bootCode(): string {
  const tsx = FROM_SOURCES ? `const m = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}); m.register();` : '';
  return `const { workerData } = require('node:worker_threads');
(async () => { ${tsx} await import(${JSON.stringify(REPLICA.href)}); })().catch((e) => {
  workerData.port.postMessage({ type: 'error', name: 'Error', message: 'its thread could not start: ' + (e && e.message || e) });
  const c = new Int32Array(workerData.control); Atomics.add(c, 0, 1); Atomics.notify(c, 0);
});`;
}
