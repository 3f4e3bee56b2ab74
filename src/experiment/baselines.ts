/**
 * The experiment's NBSVM baseline (src/baseline): computed once per experiment folder, from the whole texts of the
 * same splits every cell trains on, and kept in DIR/baselines.json so that a resumed or re-reported experiment shows
 * it without recomputing. Cells do not compute it (their metrics.json holds the majority baseline only).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../data/index.ts';
import { nbsvmBaseline, nbsvmLine, nbsvmRecord, type NbsvmRecord } from '../baseline/index.ts';
import { canonical, type DataSpec } from '../train/config.ts';
import { writeJsonAtomic } from '../util/fs.ts';

export const BASELINES_FILE = 'baselines.json';

/** The stored record when it was made from this data spec, else (when `compute`) a new one, stored. */
export async function experimentNbsvm(dir: string, data: DataSpec, compute: boolean, say: (line: string) => void):
  Promise<NbsvmRecord | undefined> {
  const path = join(dir, BASELINES_FILE);
  if (existsSync(path)) {
    try {
      const stored = JSON.parse(readFileSync(path, 'utf8')) as { data?: unknown; nbsvm?: NbsvmRecord };
      if (stored.nbsvm && canonical(stored.data) === canonical(data.load)) return stored.nbsvm;
    } catch {
      // unreadable: recompute below
    }
  }
  if (!compute) return undefined;
  const loaded = await loadDataset(data.load);
  const nbsvm = nbsvmRecord(nbsvmBaseline(loaded));
  writeJsonAtomic(path, { data: data.load, nbsvm });
  say(`baseline to beat: ${nbsvmLine(nbsvm)}`);
  return nbsvm;
}
