/**
 * The per-epoch checkpoint: everything needed to continue a run so that it ends with exactly the numbers of an
 * uninterrupted one, in ONE file (so it is written with one atomic rename and can never be half old, half new):
 *
 *   tensors    model parameters under their state_dict names, the optimizer's buffers as
 *              `optimizer.<buffer>.<param name>` (e.g. optimizer.exp_avg.rnn.weight_ih_l0), and with --ema the
 *              weight averages as `ema.<param name>`
 *   metadata   "rnnlab.checkpoint": JSON of the rest: epoch, optimizer state (its buffers replaced by the tensor
 *              names above), scheduler state, dropout RNG state, history, early-stopping state, elapsed seconds,
 *              the weight average's decay and step count
 *
 * Why not the optimizer's own JSON state (base64 buffers) as is: for an IMDB-sized vocabulary the Adam buffers are
 * tens of MB, which would blow past the safetensors header limit; as tensors they are just bytes.
 */
import { UserError } from '../util/errors.ts';
import { decodeSafetensors, encodeSafetensors, loadSafetensors, type NamedTensor } from '../nn/safetensors.ts';
import { writeFileAtomic } from '../util/fs.ts';
import type { RnnClassifier } from '../nn/model.ts';
import type { OptimizerState, SchedulerState, WeightAverageState } from '../optim/index.ts';
import { loadWeightsInto, paramTensors, type EpochRecord } from './run-dir.ts';

const META_KEY = 'rnnlab.checkpoint';

/** What the training loop needs to continue after `epoch`. */
export interface LoopState {
  /** Last completed epoch (0 = the initial evaluation). */
  epoch: number;
  history: EpochRecord[];
  bestEpoch: number | null;
  /** The kept epoch's validation loss (null: none yet, or no validation split); under --select val-accuracy not
   *  the lowest so far (trainer.ts derives that from history). */
  bestValLoss: number | null;
  /** Consecutive epochs without a better --select score (early stopping; under val-accuracy a new lowest validation
   *  loss also resets it: trainer.ts). */
  badEpochs: number;
  stoppedEarly: boolean;
  /** Training wall time of all sessions so far, seconds. */
  seconds: number;
}

export interface Checkpoint extends LoopState {
  format: 'rnnlab-checkpoint';
  version: 1;
  optimizer: OptimizerState;
  scheduler: SchedulerState;
  /** Dropout RNG state (xoshiro128** words). */
  rng: number[];
  /** --ema: the weight averages (absent without --ema). */
  ema?: WeightAverageState;
}

/** How the weight averages sit in the metadata: their tensors are `ema.<param name>`. */
interface EmaMeta {
  decay: number;
  steps: number;
  params: string[];
}

export function encodeCheckpoint(model: RnnClassifier, ck: Checkpoint): Uint8Array {
  const tensors: NamedTensor[] = paramTensors(model.params).map((t) => ({ ...t }));
  const sizes = new Map(model.params.map((p) => [p.name, p.shape] as const));
  const buffers: Record<string, string[]> = {};
  for (const [buf, list] of Object.entries(ck.optimizer.buffers)) {
    buffers[buf] = list.map((b64, i) => {
      const pname = ck.optimizer.params[i]!.name;
      const name = `optimizer.${buf}.${pname}`;
      const bytes = Buffer.from(b64, 'base64');
      const data = new Float32Array(bytes.length / 4);
      new Uint8Array(data.buffer).set(bytes);
      tensors.push({ name, shape: sizes.get(pname) ?? [data.length], data });
      return name;
    });
  }
  let ema: EmaMeta | undefined;
  if (ck.ema) {
    for (const a of ck.ema.average) tensors.push({ name: `ema.${a.name}`, shape: sizes.get(a.name) ?? [a.data.length], data: a.data });
    ema = { decay: ck.ema.decay, steps: ck.ema.steps, params: ck.ema.average.map((a) => a.name) };
  }
  const meta = { ...ck, optimizer: { ...ck.optimizer, buffers }, ema };
  return encodeSafetensors(tensors, { [META_KEY]: JSON.stringify(meta) });
}

export function saveCheckpoint(path: string, model: RnnClassifier, ck: Checkpoint): void {
  writeFileAtomic(path, encodeCheckpoint(model, ck));
}

/** Reads a checkpoint, loads its weights into `model`, and returns the rest (optimizer buffers back as base64). */
export function loadCheckpoint(path: string, model: RnnClassifier): Checkpoint {
  const file = loadSafetensors(path);
  return restore(file, model, path);
}

export function decodeCheckpoint(bytes: Uint8Array, model: RnnClassifier, source = 'checkpoint'): Checkpoint {
  return restore(decodeSafetensors(bytes, source), model, source);
}

function restore(file: ReturnType<typeof decodeSafetensors>, model: RnnClassifier, source: string): Checkpoint {
  const raw = file.metadata[META_KEY];
  let ck: Omit<Checkpoint, 'ema'> & { ema?: EmaMeta };
  try {
    ck = JSON.parse(raw ?? '') as typeof ck;
  } catch {
    throw new UserError(`${source} is not an rnnlab checkpoint (no training state); resume needs checkpoint.safetensors from rnnlab train`);
  }
  if (ck.format !== 'rnnlab-checkpoint' || ck.version !== 1) {
    throw new UserError(`${source} is not an rnnlab checkpoint (version 1); start a fresh run`);
  }
  loadWeightsInto(model, file, source);
  const buffers: Record<string, string[]> = {};
  for (const [buf, names] of Object.entries(ck.optimizer.buffers)) {
    buffers[buf] = names.map((name) => {
      const t = file.tensors.get(name);
      if (!t) throw new UserError(`${source} lacks optimizer tensor ${name}; the checkpoint is damaged, start a fresh run`);
      return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64');
    });
  }
  let ema: WeightAverageState | undefined;
  if (ck.ema) {
    ema = {
      decay: ck.ema.decay, steps: ck.ema.steps,
      average: ck.ema.params.map((name) => {
        const t = file.tensors.get(`ema.${name}`);
        if (!t) throw new UserError(`${source} lacks weight-average tensor ema.${name}; the checkpoint is damaged, start a fresh run`);
        return { name, data: Float32Array.from(t.data) };
      }),
    };
  }
  return { ...ck, optimizer: { ...ck.optimizer, buffers }, ema };
}
