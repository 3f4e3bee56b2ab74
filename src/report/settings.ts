/**
 * The settings table in the words the user typed: `--batch-size 32`, not `batchSize: 32`. results.json keeps its
 * camelCase keys (scripts read them); only the display changes. The schedule's resolved numbers (--step-size,
 * --gamma), which results.json's settings leave out when they were defaults, come from the run folders' config.json.
 */
import type { Results } from './results.ts';
import type { RunDetail } from './run-folder.ts';

/** Settings values may be numbers, strings, arrays or objects; show scalars bare and the rest as JSON. */
export function settingText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

/** Keys whose flag is not simply the kebab-case key. */
const FLAG_ALIASES: Record<string, string> = { numLayers: 'layers', maxSize: 'vocab-size' };

export function flagName(key: string): string {
  return `--${FLAG_ALIASES[key] ?? key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`;
}

/** Schedule option → (flag, explanation) for the options config.json resolves. */
const SCHEDULE_FLAGS: Record<string, string> = { stepSize: 'stepSize', gamma: 'gamma', factor: 'gamma' };

/** [flag, value] rows: results.json's settings, then the resolved schedule options the settings left implicit. */
export function settingRows(results: Results, details: Map<unknown, RunDetail>): [string, string][] {
  const rows: [string, string][] = Object.entries(results.settings).map(([k, v]) => [flagName(k), settingText(v)]);
  const have = new Set(rows.map(([flag]) => flag));
  const values = new Map<string, Set<string>>();
  for (const d of details.values()) {
    for (const [option, value] of Object.entries(d.schedule?.options ?? {})) {
      const key = SCHEDULE_FLAGS[option];
      if (!key) continue;
      const flag = flagName(key);
      if (!values.has(flag)) values.set(flag, new Set());
      values.get(flag)!.add(settingText(value));
    }
  }
  for (const [flag, set] of values) {
    if (have.has(flag)) continue;
    rows.push([flag, set.size === 1 ? `${[...set][0]} (resolved default)` : 'per cell']);
  }
  return rows;
}
