/**
 * A run directory (what `rnnlab train --out DIR` writes, and what `evaluate` / `predict` / the report read):
 *
 *   config.json              every hyperparameter, the data set, labels (index → string), seed, rnnlab version,
 *                            tokenizer, max-len, truncation side (RunConfig in config.ts)
 *   vocab.json               the vocabulary, token list by index ({"format":"rnnlab-vocab","itos":[…]})
 *   model.safetensors        float32 weights of the KEPT epoch (best on validation by --select, epoch ≥ 1), PyTorch state_dict names:
 *                            nn.Embedding + nn.RNN/GRU/LSTM(batch_first) + nn.Linear load it unchanged
 *   history.jsonl            one JSON line per completed epoch (epoch 0 = before training)
 *   metrics.json             test metrics of the best epoch's weights + the majority-class baseline
 *   status.json              running | interrupted | ok | diverged | failed, with reason and seconds
 *   lock.json                pid, host and start time of the process training the run, while it runs (lock.ts)
 *   checkpoint.safetensors   the LAST completed epoch: weights, optimizer buffers, and (metadata) scheduler, RNG,
 *                            history and early-stopping state, for --resume
 *
 * Every file is written to a temporary name and renamed, so a kill at any moment leaves each file either old or new,
 * never half-written.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/fs.ts';
import { ensureDir } from '../util/paths.ts';
import { Vocab } from '../data/index.ts';
import { RnnClassifier } from '../nn/model.ts';
import { loadSafetensors, saveSafetensors, type SafetensorsFile } from '../nn/safetensors.ts';
import type { Param } from '../nn/param.ts';
import type { RunConfig } from './config.ts';

export const RUN_FILES = {
  config: 'config.json',
  vocab: 'vocab.json',
  model: 'model.safetensors',
  history: 'history.jsonl',
  metrics: 'metrics.json',
  status: 'status.json',
  checkpoint: 'checkpoint.safetensors',
  lock: 'lock.json',
} as const;

/**
 * 'running': a process is (or was, see lock.ts: a stale lock means it was killed) training the run;
 * 'interrupted': stopped by Ctrl-C / SIGTERM / a signal, resumable.
 */
export type RunStatusName = 'running' | 'interrupted' | 'ok' | 'diverged' | 'failed';

export interface RunStatus {
  status: RunStatusName;
  /** One line: why the run diverged or failed. */
  reason?: string;
  /** Wall time spent training this run so far (all sessions together), seconds. */
  seconds: number;
  /** Last completed epoch (0 = only the initial evaluation). */
  epochsCompleted: number;
  epochsPlanned: number;
  /** Epoch whose weights are in model.safetensors; null before epoch 0 finished. */
  bestEpoch: number | null;
  /** True when early stopping (--patience) ended the run before epochsPlanned. */
  stoppedEarly: boolean;
  updatedAt: string;
}

/** One line of history.jsonl (field names match src/report/results.ts's epoch record). */
export interface EpochRecord {
  epoch: number;
  /** null at epoch 0 (no training yet) */
  trainLoss: number | null;
  trainAccuracy: number | null;
  /** null without a validation split */
  valLoss: number | null;
  valAccuracy: number | null;
  testLoss: number | null;
  /** null when the run did not evaluate the test split (a learning-rate search trial) */
  testAccuracy: number | null;
  /** learning rate used during this epoch (at epoch 0: the initial lr) */
  lr: number;
  /** wall time of the epoch, training + evaluation */
  seconds: number;
  /** training tokens (non-padding) per second of training time; null at epoch 0 */
  tokensPerSecond: number | null;
  /**
   * evaluation tokens (validation + test, non-padding) per second of their forward-only passes; absent in runs
   * recorded before it existed
   */
  evalTokensPerSecond?: number | null;
}

export function runFile(dir: string, name: keyof typeof RUN_FILES): string {
  return join(dir, RUN_FILES[name]);
}

/** True when `dir` exists and holds anything besides the run lock (which trainRun takes before looking). */
export function dirHasFiles(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).some((f) => f !== RUN_FILES.lock);
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`cannot read ${path}: ${what} is missing; is this the --out folder of rnnlab train?`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path} is not valid JSON (${(e as Error).message}); the run directory is damaged`);
  }
}

export function readRunConfig(dir: string): RunConfig {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError(`model directory ${dir} does not exist; pass the --out folder of a finished rnnlab train`);
  }
  const path = runFile(dir, 'config');
  if (!existsSync(path)) {
    throw new UserError(`${dir} is not an rnnlab run directory (no ${RUN_FILES.config}); pass the --out folder of rnnlab train`);
  }
  const c = readJson(path, 'the run configuration') as Partial<RunConfig> | null;
  if (!c || c.format !== 'rnnlab-run' || !c.model || !Array.isArray(c.labels) || !c.train || !c.data) {
    throw new UserError(`${path} is not an rnnlab run configuration (format rnnlab-run); the run directory is damaged`);
  }
  return c as RunConfig;
}

export function writeRunConfig(dir: string, c: RunConfig): void {
  writeJsonAtomic(runFile(dir, 'config'), c);
}

export function readVocab(dir: string): Vocab {
  return Vocab.fromJSON(readJson(runFile(dir, 'vocab'), 'the vocabulary'));
}

export function readStatus(dir: string): RunStatus | null {
  const path = runFile(dir, 'status');
  if (!existsSync(path)) return null;
  return readJson(path, 'the run status') as RunStatus;
}

export function writeStatus(dir: string, s: Omit<RunStatus, 'updatedAt'>): void {
  writeJsonAtomic(runFile(dir, 'status'), { ...s, updatedAt: new Date().toISOString() });
}

export function writeHistory(dir: string, history: readonly EpochRecord[]): void {
  writeFileAtomic(runFile(dir, 'history'), history.map((r) => JSON.stringify(r) + '\n').join(''));
}

export function readHistory(dir: string): EpochRecord[] {
  const path = runFile(dir, 'history');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as EpochRecord);
}

/** The model's weights as safetensors tensors, in state_dict order. */
export function paramTensors(params: readonly Param[]): { name: string; shape: readonly number[]; data: Float32Array }[] {
  return params.map((p) => ({ name: p.name, shape: p.shape, data: p.data }));
}

export function saveModelWeights(dir: string, model: RnnClassifier): void {
  // {"format": "pt"} is what safetensors.torch.save_file writes; loaders that check it expect it.
  saveSafetensors(runFile(dir, 'model'), paramTensors(model.params), { format: 'pt' });
}

/**
 * A search trial's per-epoch weights (RunHooks.snapshots): `snapshots/epoch-<e>.safetensors`, the weights evaluated
 * after epoch e (0 = before training). They let the experiment continue the chosen trial as its final run and still
 * evaluate the test split on every epoch it already trained (src/experiment/search/adopt.ts).
 */
export const SNAPSHOT_DIR = 'snapshots';
export function snapshotFile(dir: string, epoch: number): string {
  return join(dir, SNAPSHOT_DIR, `epoch-${epoch}.safetensors`);
}
export function saveSnapshot(dir: string, epoch: number, model: RnnClassifier): void {
  ensureDir(join(dir, SNAPSHOT_DIR));
  saveSafetensors(snapshotFile(dir, epoch), paramTensors(model.params), { format: 'pt' });
}

/** Copies tensors into the model's parameters; every parameter must be present with its exact shape. */
export function loadWeightsInto(model: RnnClassifier, file: SafetensorsFile, source: string, prefix = ''): void {
  for (const p of model.params) {
    const t = file.tensors.get(prefix + p.name);
    if (!t) throw new UserError(`${source} lacks tensor ${prefix + p.name}; it was saved from a different model (check config.json)`);
    if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
      throw new UserError(`${source}: tensor ${prefix + p.name} has shape [${t.shape}] but the model needs [${p.shape}]; ` +
        'config.json and the weights do not belong together');
    }
    p.data.set(t.data);
  }
}

export interface SavedModel {
  dir: string;
  config: RunConfig;
  vocab: Vocab;
  model: RnnClassifier;
}

/** Loads config.json + vocab.json + model.safetensors (the best epoch's weights) into a ready model. */
export function loadSavedModel(dir: string): SavedModel {
  const config = readRunConfig(dir);
  const vocab = readVocab(dir);
  if (vocab.size !== config.model.vocabSize) {
    throw new UserError(`${dir}: vocab.json has ${vocab.size} tokens but the model expects ${config.model.vocabSize}; ` +
      'the run directory is damaged');
  }
  const weights = runFile(dir, 'model');
  if (!existsSync(weights)) {
    throw new UserError(`${dir} has no ${RUN_FILES.model}: no training epoch finished (the untrained model is never kept); ` +
      'train it (or resume it) first');
  }
  const model = new RnnClassifier(config.model, config.seed);
  loadWeightsInto(model, loadSafetensors(weights), weights);
  return { dir, config, vocab, model };
}
