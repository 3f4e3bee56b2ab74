/**
 * Tiny synthetic data for the trainer tests: short texts of filler words where the label is decided by one word
 * ("great" / "awful", or a third class "meh" for the 3-class set), so a small model learns it in seconds.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/util/rng.ts';
import type { DataSpec } from '../../src/train/config.ts';
import { parseTrainOptions, type TrainOptions } from '../../src/train/options.ts';
import { RnnClassifier } from '../../src/nn/model.ts';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.ts';
import { readRunConfig } from '../../src/train/run-dir.ts';

const FILLER = ['the', 'a', 'movie', 'film', 'plot', 'actor', 'was', 'is', 'really', 'quite', 'and', 'story', 'scene',
  'music', 'very', 'this', 'it', 'of', 'ending', 'cast'];
const CUE = { pos: 'great', neg: 'awful', mid: 'meh' } as const;

export function tmpDir(prefix = 'rnnlab-train-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a CSV (text,label) with n rows; returns its path. */
export function writeSyntheticCsv(dir: string, n = 200, opts: { classes?: 2 | 3; seed?: number } = {}): string {
  const rng = new Rng(opts.seed ?? 7);
  const labels = opts.classes === 3 ? (['neg', 'pos', 'mid'] as const) : (['neg', 'pos'] as const);
  const rows = ['text,label'];
  for (let i = 0; i < n; i++) {
    const label = labels[i % labels.length]!;
    const len = 4 + rng.int(8);
    const words = Array.from({ length: len }, () => FILLER[rng.int(FILLER.length)]!);
    words.splice(rng.int(len + 1), 0, CUE[label]);
    rows.push(`${words.join(' ')},${label}`);
  }
  const path = join(dir, 'data.csv');
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

export function dataSpec(csv: string, over: Partial<DataSpec['load']> = {}): DataSpec {
  return {
    load: { dataset: csv, valSplit: 0.2, seed: 42, textColumn: 'text', labelColumn: 'label', ...over },
    prepare: { maxSize: 1000, minFreq: 1, maxLen: 20, truncate: 'head' },
  };
}

/** Small, fast settings; override as needed. */
export function smallTrain(over: Record<string, unknown> = {}): TrainOptions {
  // PyTorch's init (embedInitStd 1, forgetBias 'pytorch') and a constant rate: the trainer tests' expected dynamics
  // (e.g. where --patience stops) were tuned on them
  return parseTrainOptions({ embed: 8, embedInitStd: 1, forgetBias: 'pytorch', schedule: 'constant', hidden: 8, batchSize: 16, epochs: 3, lr: 0.01, seed: 42, ...over });
}

/** A logger that collects lines instead of printing. */
export function collector(): { lines: string[]; log: (l: string) => void } {
  const lines: string[] = [];
  return { lines, log: (l) => lines.push(l) };
}

/**
 * Rewrites a run's last checkpoint with every element of one parameter set to `value`, through the library's own
 * checkpoint functions: the state a run is in when its last update blew that parameter up (NaN, or huge but finite).
 * Resuming the run then meets it at the first step of the next epoch — on every IEEE-754 machine, whatever the BLAS
 * kernel, since NaN propagates through every sum and a huge finite output bias gives a huge finite loss.
 */
export function setCheckpointParam(dir: string, param: string, value: number): void {
  const model = new RnnClassifier(readRunConfig(dir).model, 1);
  const path = join(dir, 'checkpoint.safetensors');
  const ck = loadCheckpoint(path, model);
  const p = model.params.find((x) => x.name === param);
  if (!p) throw new Error(`no parameter ${param} in ${model.params.map((x) => x.name).join(', ')}`);
  p.data.fill(value);
  saveCheckpoint(path, model, ck);
}
