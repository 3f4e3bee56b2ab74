/**
 * Per-cell settings: `--config FILE` and presets, and how they merge with command-line flags.
 *
 * A config file is JSON:
 *
 *   {
 *     "all":        { "epochs": 10, "hidden": 64 },          every cell
 *     "archs":      { "lstm": { "hidden": 32 } },            every cell of an architecture
 *     "optimizers": { "sgd": { "lr": 0.5, "momentum": 0.9 } },  every cell of an optimizer
 *     "cells":      { "lstm/sgd": { "lr": 1.0 } },           one cell ("lstm/sgd" or "lstm-sgd")
 *     "lrGrid":     { "sgd": [0.1, 0.3, 1], "rnn/sgd": [0.01, 0.1] },  --lr-search halving: starting grids
 *     "comment":    "free text, ignored"
 *   }
 *
 * Keys inside each group are `rnnlab train`'s option names, camelCase or as flags ("batchSize", "batch-size" or
 * "--batch-size"); values are JSON numbers, strings or booleans and go through the same parser as the flag, so a
 * value the command line would reject is rejected here too. Data options (what data, how it is split and encoded)
 * cannot be set per cell: every cell must train on identical data.
 *
 * Precedence, lowest first: built-in defaults (the optimizer's own default lr) < preset < config "all" < flags given
 * on the command line < config "archs" < "optimizers" < "cells". So a flag overrides the config's general settings,
 * and the config's targeted settings override the flag for the cells they name.
 *
 * Optimizer hyperparameters set for many optimizers at once (defaults, "all", flags, "archs") only reach the cells
 * whose optimizer uses them (--momentum does not break the adam cells); set per optimizer or per cell, an option the
 * optimizer does not use is an error.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError, zodOneLine } from '../util/errors.ts';

const value = z.union([z.number(), z.string(), z.boolean()]);
const group = z.record(z.string(), value);

export const experimentConfigSchema = z.strictObject({
  all: group.optional(),
  archs: z.record(z.string(), group).optional(),
  optimizers: z.record(z.string(), group).optional(),
  cells: z.record(z.string(), group).optional(),
  /** --lr-search halving: the starting grid of an optimizer ("sgd") or a cell ("lstm/sgd"), instead of the built-in */
  lrGrid: z.record(z.string(), z.array(z.number().positive().finite()).min(1)).optional(),
  comment: z.string().optional(),
});

export type ExperimentConfig = z.infer<typeof experimentConfigSchema>;
export type OverrideGroup = Record<string, string | number | boolean>;

/** One-line summary of a zod error (the CLI prints one line). */
export const oneLineZodError = (error: z.ZodError): string => zodOneLine(error);

export function parseExperimentConfig(json: unknown, source: string): ExperimentConfig {
  const parsed = experimentConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new UserError(`${source}: ${oneLineZodError(parsed.error)}; see rnnlab experiment --help for the format`);
  }
  return parsed.data;
}

export function readExperimentConfig(path: string): ExperimentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`cannot read config file ${path}; check the path given to --config`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`config file ${path} is not valid JSON (${(e as Error).message})`);
  }
  return parseExperimentConfig(json, `config file ${path}`);
}

/** How one training option is checked and converted: the same parser its command-line flag uses. */
export interface OptionSpec {
  /** camelCase key in the options object */
  key: string;
  /** "--batch-size" */
  flag: string;
  /** converts a config value to the option's value; throws a UserError for a bad one */
  parse(value: string | number | boolean): unknown;
}

/** Normalizes "batch-size", "--batch-size" and "batchSize" to "batchSize". */
export function normalizeKey(key: string): string {
  return key.replace(/^-+/, '').replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** "lstm/sgd" or "lstm-sgd" → { arch, optimizer } */
export function parseCellKey(key: string): { arch: string; optimizer: string } | null {
  const m = /^([a-z0-9]+)[/-]([a-z0-9]+)$/i.exec(key.trim());
  return m ? { arch: m[1]!.toLowerCase(), optimizer: m[2]!.toLowerCase() } : null;
}

/** Layers of settings in precedence order (lowest first), each an already-parsed options object. */
export type Layer = { level: 'global' | 'targeted'; values: Record<string, unknown> };

export interface ResolveContext {
  specs: Map<string, OptionSpec>;
  knownArchs: readonly string[];
  knownOptimizers: readonly string[];
}

/** Parses one group's values through the option specs: { batchSize: 32 } → { batchSize: 32 } (checked). */
export function parseGroup(group: OverrideGroup, ctx: ResolveContext, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, raw] of Object.entries(group)) {
    const key = normalizeKey(rawKey);
    const spec = ctx.specs.get(key);
    if (!spec) {
      const known = [...ctx.specs.keys()].sort().join(', ');
      throw new UserError(`${where}: unknown or not per-cell option '${rawKey}'; per-cell options are: ${known}`);
    }
    try {
      out[key] = spec.parse(raw);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new UserError(`${where}: ${spec.flag} ${JSON.stringify(raw)}: ${msg.replace(/^bad training option: /, '')}`);
    }
  }
  return out;
}

/** Checks the names used as group keys and returns the config's layers for one cell. */
export function configLayers(config: ExperimentConfig, arch: string, optimizer: string, ctx: ResolveContext,
  source: string): { all: Layer[]; targeted: Layer[] } {
  const all: Layer[] = [];
  const targeted: Layer[] = [];
  if (config.all) all.push({ level: 'global', values: parseGroup(config.all, ctx, `${source} "all"`) });
  for (const [name, g] of Object.entries(config.archs ?? {})) {
    if (!ctx.knownArchs.includes(name)) {
      throw new UserError(`${source}: unknown architecture '${name}' in "archs"; use ${ctx.knownArchs.join(', ')}`);
    }
    if (name === arch) targeted.push({ level: 'global', values: parseGroup(g, ctx, `${source} "archs.${name}"`) });
  }
  for (const [name, g] of Object.entries(config.optimizers ?? {})) {
    if (!ctx.knownOptimizers.includes(name)) {
      throw new UserError(`${source}: unknown optimizer '${name}' in "optimizers"; use ` +
        ctx.knownOptimizers.join(', '));
    }
    if (name === optimizer) {
      targeted.push({ level: 'targeted', values: parseGroup(g, ctx, `${source} "optimizers.${name}"`) });
    }
  }
  for (const [name, g] of Object.entries(config.cells ?? {})) {
    const cell = parseCellKey(name);
    if (!cell || !ctx.knownArchs.includes(cell.arch) || !ctx.knownOptimizers.includes(cell.optimizer)) {
      throw new UserError(`${source}: cell '${name}' in "cells" must be ARCH/OPTIMIZER, e.g. "lstm/adam", with ` +
        `ARCH one of ${ctx.knownArchs.join(', ')} and OPTIMIZER one of ${ctx.knownOptimizers.join(', ')}`);
    }
    if (cell.arch === arch && cell.optimizer === optimizer) {
      targeted.push({ level: 'targeted', values: parseGroup(g, ctx, `${source} "cells.${name}"`) });
    }
  }
  return { all, targeted };
}

/** The config's "lrGrid" for one cell: a cell entry wins over an optimizer entry; undefined when neither is given. */
export function configLrGrid(config: ExperimentConfig | undefined, arch: string, optimizer: string, ctx: ResolveContext,
  source: string): number[] | undefined {
  let grid: number[] | undefined;
  for (const [key, values] of Object.entries(config?.lrGrid ?? {})) {
    const cell = parseCellKey(key);
    const known = ctx.knownOptimizers.includes(key) ||
      (cell !== null && ctx.knownArchs.includes(cell.arch) && ctx.knownOptimizers.includes(cell.optimizer));
    if (!known) {
      throw new UserError(`${source}: "lrGrid" key '${key}' must be an optimizer (${ctx.knownOptimizers.join(', ')}) ` +
        'or a cell ARCH/OPTIMIZER');
    }
    if (key === optimizer && grid === undefined) grid = values;
    if (cell && cell.arch === arch && cell.optimizer === optimizer) return values;
  }
  return grid;
}
