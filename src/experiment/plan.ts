/**
 * Planning the grid: archs × optimizers → cells, each with its fully resolved training options.
 *
 * Layers, lowest precedence first (see overrides.ts for the config file format):
 *   1. `rnnlab train`'s defaults, with lr = the cell optimizer's own default (OPTIMIZER_DEFAULTS)
 *   2. the preset (--preset homework)
 *   3. the config file's "all"
 *   4. training flags given on the command line (commander's value source 'cli' or 'env')
 *   5. the config file's "archs", then "optimizers", then "cells"
 * Optimizer hyperparameters from layers that address many optimizers (1–4 and "archs") are dropped for cells whose
 * optimizer does not use them; from "optimizers"/"cells" they are kept, so a misplaced one is an error.
 *
 * Every cell is validated here with the trainer's own parser and resolver, so a bad setting fails in one line before
 * any training starts, not in the middle of the grid.
 */
import { OPTIMIZER_DEFAULTS, OPTIMIZER_NAMES, type OptimizerName } from '../optim/index.ts';
import { ARCHS, TRAIN_FLAGS, parseTrainOptions, type TrainOptions } from '../train/options.ts';
import { resolveTrain } from '../train/config.ts';
import { presetOptionApplies } from '../train/presets.ts';
import { UserError } from '../util/errors.ts';
import type { ExperimentSettings } from './manifest.ts';
import { configLayers, parseGroup, type ExperimentConfig, type Layer, type OptionSpec, type ResolveContext } from './overrides.ts';

/**
 * Training options that cannot differ between cells: the grid itself (arch, optimizer), the seed (it also draws the
 * data splits, which every cell must share), BLAS threads (the experiment divides them between workers), data
 * parallelism (not offered: the cores go to --workers) and --recompute (a memory setting of the machine, for all cells).
 */
export const NOT_PER_CELL = new Set(['arch', 'optimizer', 'seed', 'threads', 'dataParallel', 'recompute']);

/** Optimizer hyperparameters among the training options, and the key each has in OPTIMIZER_DEFAULTS. */
const OPTIMIZER_KEYS = new Set(['momentum', 'weightDecay']);

/** The per-cell training options, each checked by the same parser as its flag. */
export function perCellSpecs(): Map<string, OptionSpec> {
  const specs = new Map<string, OptionSpec>();
  for (const [key, flag] of Object.entries(TRAIN_FLAGS)) {
    if (NOT_PER_CELL.has(key)) continue;
    specs.set(key, {
      key,
      flag,
      parse: (value) => {
        const raw = typeof value === 'boolean' ? String(value) : value;
        return (parseTrainOptions({ [key]: raw }) as Record<string, unknown>)[key];
      },
    });
  }
  return specs;
}

export const cellName = (arch: string, optimizer: string): string => `${arch}-${optimizer}`;

/** "rnn,gru,lstm" → ['rnn','gru','lstm'], checked against the known names, duplicates removed. */
export function parseList(raw: string, known: readonly string[], flag: string): string[] {
  const items = raw.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
  if (items.length === 0) throw new UserError(`${flag} is empty; give a comma-separated list of ${known.join(', ')}`);
  for (const item of items) {
    if (!known.includes(item)) throw new UserError(`${flag}: unknown name '${item}'; use ${known.join(', ')}`);
  }
  return [...new Set(items)];
}

export interface PlanInput {
  archs: string[];
  optimizers: string[];
  /** training option values that were given on the command line (raw strings, not yet parsed) */
  cliTrain: Record<string, unknown>;
  /** the shared seed (train --seed: also the data split seed) and threads, raw */
  seed: unknown;
  threads?: unknown;
  /** --recompute for every cell (RnnClassifier.setRecompute), raw */
  recompute?: unknown;
  preset: { name: string; config: ExperimentConfig } | null;
  config: { source: string; config: ExperimentConfig } | null;
  /** the data options, already parsed (the same for every cell) */
  data: Record<string, unknown>;
}

export interface PlannedCell {
  name: string;
  arch: string;
  optimizer: string;
  /** parsed options with lr made explicit; feed to parseTrainOptions/resolveTrain again in the worker */
  train: TrainOptions;
}

function applies(optimizer: string, key: string): boolean {
  return key in (OPTIMIZER_DEFAULTS[optimizer as OptimizerName] ?? {});
}

/** Resolves every cell; throws a one-line UserError for the first bad setting. */
export function planGrid(input: PlanInput): { cells: PlannedCell[]; settings: ExperimentSettings } {
  const specs = perCellSpecs();
  const ctx: ResolveContext = { specs, knownArchs: ARCHS, knownOptimizers: OPTIMIZER_NAMES };
  for (const key of Object.keys(input.cliTrain)) {
    if (NOT_PER_CELL.has(key)) throw new Error(`planGrid: ${key} is not a per-cell option`);
  }
  const cliLayer: Layer = { level: 'global', values: parseGroup(
    Object.fromEntries(Object.entries(input.cliTrain).filter(([, v]) => v !== undefined)) as Record<string, string>,
    ctx, 'command line') };

  const cells: PlannedCell[] = [];
  for (const arch of input.archs) {
    for (const optimizer of input.optimizers) {
      const name = cellName(arch, optimizer);
      const preset = input.preset
        ? configLayers(input.preset.config, arch, optimizer, ctx, `preset ${input.preset.name}`)
        : { all: [], targeted: [] };
      const config = input.config
        ? configLayers(input.config.config, arch, optimizer, ctx, input.config.source)
        : { all: [], targeted: [] };
      const layers: Layer[] = [
        ...preset.all, ...preset.targeted, ...config.all, cliLayer, ...config.targeted,
      ];
      const merged: Record<string, unknown> = {};
      const fromPreset = new Set<string>();
      for (const layer of layers) {
        const isPreset = preset.all.includes(layer) || preset.targeted.includes(layer);
        for (const [key, value] of Object.entries(layer.values)) {
          if (OPTIMIZER_KEYS.has(key) && layer.level === 'global' && !applies(optimizer, key)) continue;
          merged[key] = value;
          if (isPreset) fromPreset.add(key); else fromPreset.delete(key);
        }
      }
      // a preset's --step-size goes with a step schedule, a preset's other schedule yields to a --step-size: dropped
      // where the config or a flag chose otherwise
      for (const key of fromPreset) {
        if (!presetOptionApplies(key, merged[key], (option) => (fromPreset.has(option) ? undefined : merged[option]))) delete merged[key];
      }
      let train: TrainOptions;
      try {
        train = parseTrainOptions({ ...merged, arch, optimizer, seed: input.seed, threads: input.threads, recompute: input.recompute });
        const resolved = resolveTrain(train);
        train = { ...train, lr: resolved.optimizerOptions.lr };
      } catch (e) {
        if (e instanceof UserError) throw new UserError(`cell ${name}: ${e.message}`);
        throw e;
      }
      cells.push({ name, arch, optimizer, train });
    }
  }
  const settings: ExperimentSettings = {
    data: input.data,
    archs: input.archs,
    optimizers: input.optimizers,
    preset: input.preset?.name ?? null,
    cells: Object.fromEntries(cells.map((c) => [c.name, {
      arch: c.arch, optimizer: c.optimizer, train: withoutMachineSettings(c.train),
    }])),
  };
  return { cells, settings };
}

/** BLAS threads and --recompute change speed and memory, not results: left out of the settings that must match on resume. */
function withoutMachineSettings(t: TrainOptions): Record<string, unknown> {
  const { threads: _t, recompute: _r, ...rest } = t;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}
