/**
 * evaluateRun: what `rnnlab evaluate` and the library's Model.evaluate score, decided in one place.
 *
 *   - no dataset, or the run's own data set (same name or path, or the same files under another name, recognised by
 *     the fingerprint recorded in config.json): the test split recorded in config.json, rebuilt with the recorded
 *     seed, limit and validation settings. Nothing about that split can be overridden — a different seed would draw
 *     "test" rows the model was trained on — and a data set whose files changed since training is refused.
 *   - another data set: every row of it is a test row (split 'test': only its own test split: IMDB's test half, a
 *     test/ folder, else a seeded stratified 20 %).
 * Texts are always encoded as in training (the run's vocabulary, max-len and truncation side).
 */
import { resolve } from 'node:path';
import { DEFAULT_SEED, fingerprintPath, loadAllRows, loadDataset } from '../data/index.ts';
import { UserError } from '../util/errors.ts';
import { evaluateSaved, type EvaluationResult } from './predict.ts';
import type { SavedModel } from './run-dir.ts';

export interface EvaluateTarget {
  /** Another data set ('imdb' or a path); absent: the run's own recorded test split. */
  dataset?: string;
  /** For another data set: 'all' rows (default) or only its own 'test' split. */
  split?: 'all' | 'test';
  /** For another data set with split 'test': the seed of its 20 % test split (default DEFAULT_SEED). */
  seed?: number;
  /** For another data set (default: the run's). */
  textColumn?: string;
  labelColumn?: string;
}

/** Is `dataset` the run's own data set (by name, path, or recorded fingerprint)? */
export function isOwnDataset(saved: SavedModel, dataset: string | undefined): boolean {
  const recorded = saved.config.data.spec.load.dataset ?? 'imdb';
  const fp = saved.config.data.fingerprint?.dataset ?? null;
  return dataset === undefined || dataset === recorded ||
    (dataset !== 'imdb' && recorded !== 'imdb' && resolve(dataset) === resolve(recorded)) ||
    (fp !== null && fingerprintPath(dataset) === fp);
}

export async function evaluateRun(saved: SavedModel, target: EvaluateTarget = {}): Promise<EvaluationResult> {
  const spec = saved.config.data.spec.load;
  const seedOf = spec.seed ?? DEFAULT_SEED;
  if (target.split !== undefined && target.split !== 'all' && target.split !== 'test') {
    throw new UserError(`--split must be all or test (got ${JSON.stringify(target.split)})`);
  }
  if (isOwnDataset(saved, target.dataset)) {
    const why = "the run's own data set is scored on the test split recorded in config.json (another split could hold training rows)";
    if (target.seed !== undefined) throw new UserError(`--seed does not apply: ${why}; it was drawn with seed ${seedOf}`);
    if (target.split !== undefined) throw new UserError(`--split does not apply: ${why}`);
    if (target.textColumn !== undefined || target.labelColumn !== undefined) {
      throw new UserError(`--text-column / --label-column do not apply: ${why}`);
    }
    const path = target.dataset ?? spec.dataset ?? 'imdb';
    const fp = saved.config.data.fingerprint?.dataset ?? null;
    if (fp !== null && fingerprintPath(path) !== fp) {
      throw new UserError(`${path} changed since ${saved.dir} was trained (its fingerprint differs from config.json's), so ` +
        'the recorded test split cannot be rebuilt; restore the file, or train a new run on it');
    }
    const data = await loadDataset({ ...spec, dataset: path });
    return evaluateSaved(saved, data,
      `the run's own test split of ${data.name} (seed ${seedOf}${spec.limit !== undefined ? `, limit ${spec.limit}` : ''})`);
  }
  const other = target.dataset!;
  const cols = { textColumn: target.textColumn ?? spec.textColumn, labelColumn: target.labelColumn ?? spec.labelColumn };
  if ((target.split ?? 'all') === 'all') {
    if (target.seed !== undefined) throw new UserError('--seed only applies with --split test (every row is scored otherwise)');
    return evaluateSaved(saved, await loadAllRows({ dataset: other, ...cols }), `every row of ${other}`);
  }
  const data = await loadDataset({ dataset: other, ...cols, seed: target.seed ?? DEFAULT_SEED, valSplit: 0 });
  return evaluateSaved(saved, data, `the test split of ${other}`);
}
