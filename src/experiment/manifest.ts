/**
 * DIR/experiment.json: the settings an experiment folder was created with, so that running the same command again
 * resumes it and running a different one cannot silently mix two experiments in one folder.
 *
 * Only what decides the numbers is compared: the data options and each cell's fully resolved training options (after
 * preset, --config and command-line flags were merged). How the work is scheduled (--workers) and where the report
 * compares to (--compare) may change between runs.
 *
 * One change is a continuation, not a different experiment: more seeds (a larger --seeds or --race-to, everything
 * else equal). Every finished trial keeps its meaning — search trials and final runs are named by their rate and model
 * seed, not by the seed count — so the folder is resumed and only the missing final runs are trained.
 *
 * DIR/.lock holds the pid of the experiment process working in the folder, so two processes never train the same
 * cells at once. A lock left by a killed process (its pid no longer alive) is taken over.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../util/process.ts';
import { UserError } from '../util/errors.ts';
import { writeJsonAtomic } from '../util/fs.ts';
import { VERSION } from '../version.ts';
import type { StudySettings } from './search/study.ts';

export interface CellSettings {
  arch: string;
  optimizer: string;
  train: Record<string, unknown>;
}

export interface ExperimentSettings {
  data: Record<string, unknown>;
  archs: string[];
  optimizers: string[];
  preset: string | null;
  cells: Record<string, CellSettings>;
  /** --lr-search / --seeds; absent for today's grid (no search, one seed), so older folders still resume */
  study?: StudySettings;
}

export interface Manifest {
  format: 'rnnlab-experiment';
  version: 1;
  rnnlab: string;
  createdAt: string;
  updatedAt: string;
  settings: ExperimentSettings;
}

export const MANIFEST_FILE = 'experiment.json';

/** JSON with object keys sorted, so equal settings give equal strings whatever order they were built in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);
const show = (v: unknown): string => (v === undefined ? 'unset' : JSON.stringify(v));

/** Human-readable differences between two settings, most important first ("epochs: 5 → 3 (all cells)"). */
export function describeDifferences(old: ExperimentSettings, now: ExperimentSettings): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(old.data), ...Object.keys(now.data)])) {
    if (!same(old.data[key], now.data[key])) out.push(`${key}: ${show(old.data[key])} → ${show(now.data[key])}`);
  }
  if (!same(old.study ?? null, now.study ?? null)) {
    const brief = (s?: StudySettings) => `lr search ${s?.lrSearch ?? 'off'}, ${s?.seeds ?? 1} seed(s)` +
      (s?.lrSearch === 'halving' ? ` (grids ${JSON.stringify(s.grids)})` : '');
    out.push(`study: ${brief(old.study)} → ${brief(now.study)}`);
  }
  if (!same(old.preset, now.preset)) out.push(`preset: ${show(old.preset)} → ${show(now.preset)}`);
  if (!same(old.archs, now.archs)) out.push(`archs: ${old.archs.join(',')} → ${now.archs.join(',')}`);
  if (!same(old.optimizers, now.optimizers)) {
    out.push(`optimizers: ${old.optimizers.join(',')} → ${now.optimizers.join(',')}`);
  }
  // per-option differences over the cells both runs have, folded when every common cell changed the same way
  const common = Object.keys(now.cells).filter((c) => c in old.cells);
  const byChange = new Map<string, string[]>();
  for (const cell of common) {
    const a = old.cells[cell]!.train;
    const b = now.cells[cell]!.train;
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (same(a[key], b[key])) continue;
      const change = `${key}: ${show(a[key])} → ${show(b[key])}`;
      byChange.set(change, [...(byChange.get(change) ?? []), cell]);
    }
  }
  for (const [change, cells] of byChange) {
    out.push(`${change} (${cells.length === common.length && common.length > 1 ? 'all cells' : cells.join(', ')})`);
  }
  return out;
}

/** A study's settings, with today's plain grid (no study recorded) spelled out. */
function studyOf(s: ExperimentSettings): StudySettings {
  return s.study ?? { lrSearch: 'off', seeds: 1 };
}

/**
 * "seeds 1 → 5" (or "race to 3 → 5") when `now` is `old` with more final runs per cell and nothing else changed;
 * null otherwise (fewer seeds, or any other change, is a different experiment).
 */
export function moreSeedsOnly(old: ExperimentSettings, now: ExperimentSettings): string | null {
  const a = studyOf(old);
  const b = studyOf(now);
  const { seeds: sa, raceTo: ra, ...restA } = a;
  const { seeds: sb, raceTo: rb, ...restB } = b;
  const { study: _a, ...otherA } = old;
  const { study: _b, ...otherB } = now;
  if (!same(otherA, otherB) || !same(restA, restB)) return null;
  const capA = ra ?? sa;
  const capB = rb ?? sb;
  if (sb < sa || capB < capA || (sb === sa && capB === capA)) return null;
  const parts = [];
  if (sb !== sa) parts.push(`seeds ${sa} → ${sb}`);
  if (ra !== rb) parts.push(`race to ${ra ?? 'off'} → ${rb ?? 'off'}`);
  return parts.join(', ');
}

/** Cells whose results from `old` cannot be reused under `now` (changed, or everything when the data changed). */
export function staleCells(old: ExperimentSettings, now: ExperimentSettings): string[] {
  // a different search or seed count changes which runs each cell holds: every cell starts over
  const dataChanged = !same(old.data, now.data) || !same(old.study ?? null, now.study ?? null);
  return Object.keys(now.cells).filter(
    (c) => dataChanged || !(c in old.cells) || !same(old.cells[c], now.cells[c]),
  );
}

export function readManifest(dir: string): Manifest | null {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return null;
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (e) {
    throw new UserError(`${path} is not valid JSON (${(e as Error).message}); delete the folder or pick a new --out`);
  }
  if (m?.format !== 'rnnlab-experiment' || !m.settings?.cells) {
    throw new UserError(`${path} is not an rnnlab experiment file; pick a new --out`);
  }
  return m;
}

export interface PrepareResult {
  /** the folder already held this experiment (same settings, or the same with more seeds): cells resume */
  resumed: boolean;
  /** set when the folder's experiment was continued with more seeds: "seeds 1 → 5" */
  moreSeeds?: string;
  /** cells whose old run folders were deleted because --force changed their settings */
  reset: string[];
}

/**
 * Makes `dir` hold an experiment with `settings`: creates experiment.json in a new or empty folder, accepts a folder
 * created with the same settings (resume), and otherwise refuses (one line naming the differences) unless `force`,
 * in which case the cells whose settings changed lose their run folders and start over; unchanged cells are kept.
 */
export function prepareExperimentDir(
  dir: string, settings: ExperimentSettings, force: boolean, cellDir: (cell: string) => string | string[],
): PrepareResult {
  const old = readManifest(dir);
  const now = new Date().toISOString();
  if (old === null) {
    if (existsSync(dir) && readdirSync(dir).filter((f) => f !== '.lock').length > 0) {
      throw new UserError(`${dir} already exists and is not an rnnlab experiment folder (no ${MANIFEST_FILE}); ` +
        'pick a new --out or empty it');
    }
    writeJsonAtomic(join(dir, MANIFEST_FILE), {
      format: 'rnnlab-experiment', version: 1, rnnlab: VERSION, createdAt: now, updatedAt: now, settings,
    } satisfies Manifest);
    return { resumed: false, reset: [] };
  }
  const diffs = describeDifferences(old.settings, settings);
  if (diffs.length === 0) return { resumed: true, reset: [] };
  const more = moreSeedsOnly(old.settings, settings);
  if (more !== null) {
    writeJsonAtomic(join(dir, MANIFEST_FILE), { ...old, rnnlab: VERSION, updatedAt: now, settings } satisfies Manifest);
    return { resumed: true, reset: [], moreSeeds: more };
  }
  if (!force) {
    const shown = diffs.slice(0, 3).join('; ') + (diffs.length > 3 ? `; and ${diffs.length - 3} more` : '');
    throw new UserError(`${dir} holds an experiment with different settings (${shown}); rerun with the same ` +
      'options to resume it, add --force to redo the changed cells, or pick a new --out');
  }
  const reset = staleCells(old.settings, settings);
  for (const cell of reset) {
    for (const d of [cellDir(cell)].flat()) rmSync(d, { recursive: true, force: true });
  }
  writeJsonAtomic(join(dir, MANIFEST_FILE), { ...old, rnnlab: VERSION, updatedAt: now, settings } satisfies Manifest);
  return { resumed: true, reset };
}

/** Takes DIR/.lock for this process; returns the release function. */
export function lockExperimentDir(dir: string): () => void {
  const path = join(dir, '.lock');
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
      throw new UserError(`another rnnlab experiment (pid ${pid}) is working in ${dir}; wait for it to finish or ` +
        'stop it, then run this command again');
    }
  }
  writeFileSync(path, String(process.pid));
  return () => rmSync(path, { force: true });
}
