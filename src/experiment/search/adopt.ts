/**
 * The chosen rate's first final run continues its search trial instead of training the same epochs again.
 *
 * The search trials of a cell train with the experiment's first model seed and a step schedule pinned to the full
 * length (trial.ts), so the trial of the chosen rate IS the first epochs of that rate's first final run: same options,
 * initialisation, batch order and dropout stream, bit for bit. It differs only in what it evaluated: never the test
 * split. So before that final run starts, its folder is made from the trial's —
 *
 *   config, vocabulary, kept weights, checkpoint, status     copied
 *   history (also inside the checkpoint)                     the test split now evaluated on the weights of each
 *                                                            epoch, which the trial kept (snapshots/, run-dir.ts):
 *                                                            the figures the final run itself would have written
 *
 * — and the final run resumes after the trial's last epoch (src/train/run.ts), ending with exactly the numbers of a
 * run trained from scratch (test/experiment/search/adopt.test.ts), about two epochs per cell sooner. The test split is read
 * here, after the search has chosen: the rule "not during the search" holds.
 *
 * Anything unexpected — the final's folder already started, a trial that did not end ok, a different run identity,
 * a missing snapshot, early stopping (whose state depends on the run's length) — and nothing is adopted: the final
 * run trains from scratch as before.
 */
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RnnClassifier } from '../../nn/model.ts';
import { loadSafetensors } from '../../nn/safetensors.ts';
import { loadCheckpoint, saveCheckpoint } from '../../train/checkpoint.ts';
import { identityDifferences, resolveTrain, runIdentity, type DataSpec, type RunConfig } from '../../train/config.ts';
import { evaluateSplit } from '../../train/evaluate.ts';
import type { TrainOptions } from '../../train/options.ts';
import {
  dirHasFiles, loadWeightsInto, readHistory, readRunConfig, readStatus, RUN_FILES, runFile, snapshotFile,
  writeHistory, writeRunConfig, writeStatus, SNAPSHOT_DIR, type EpochRecord, type RunStatus,
} from '../../train/run-dir.ts';
import type { PreparedDataset } from '../../train/run.ts';

/** What adoptTrial needs from the trial's folder, read once by the checks. */
interface TrialRecord {
  saved: RunConfig;
  status: RunStatus;
  history: EpochRecord[];
}

/** The trial's record when `src` can start `dst`, else why it cannot. */
function inspect(src: string, dst: string, train: TrainOptions, data: DataSpec): TrialRecord | string {
  if (dirHasFiles(dst)) return 'the final run has started';
  const status = existsSync(src) ? readStatus(src) : null;
  if (status?.status !== 'ok' || status.stoppedEarly) return 'the trial did not end ok';
  const final = resolveTrain(train);
  if (final.patience !== null) return 'early stopping depends on the run length';
  const saved = readRunConfig(src);
  if (saved.testHeldBack !== true) return 'not a search trial';
  if (identityDifferences(runIdentity(saved.train, saved.data.spec), runIdentity(final, data)).length > 0) return 'a different run';
  if (status.epochsCompleted >= final.epochs) return 'nothing left to continue';
  if (!existsSync(runFile(src, 'checkpoint'))) return 'no checkpoint';
  const history = readHistory(src);
  if (history.length !== status.epochsCompleted + 1) return 'an incomplete history';
  if (history.some((h) => !existsSync(snapshotFile(src, h.epoch)))) return 'no per-epoch weights';
  return { saved, status, history };
}

/** Why `src` cannot start `dst`, or null when it can. */
export function adoptionBlocker(src: string, dst: string, train: TrainOptions, data: DataSpec): string | null {
  const r = inspect(src, dst, train, data);
  return typeof r === 'string' ? r : null;
}

/**
 * Makes `dst` (absent or empty) the continuation of the search trial `src`, with the test split evaluated on every
 * epoch `src` trained. Returns false (and changes nothing) when adoptionBlocker says no.
 */
export function adoptTrial(src: string, dst: string, ds: PreparedDataset, train: TrainOptions, data: DataSpec): boolean {
  const record = inspect(src, dst, train, data);
  if (typeof record === 'string') return false;
  const { saved, status } = record;
  const t0 = performance.now();
  const numClasses = ds.labels.length;
  const model = new RnnClassifier(saved.model, saved.seed);
  const history = record.history.map((h) => {
    const file = snapshotFile(src, h.epoch);
    loadWeightsInto(model, loadSafetensors(file), file);
    const test = evaluateSplit(model, ds.prepared.test, numClasses);
    // as the trainer records it (trainer.ts)
    return { ...h, testLoss: Number.isFinite(test.loss) ? test.loss : null, testAccuracy: test.accuracy };
  });

  // Built next to dst and renamed into place: a kill leaves either no final run or a complete one.
  const tmp = `${dst}.adopting`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const f of [RUN_FILES.vocab, RUN_FILES.model]) cpSync(join(src, f), join(tmp, f));
  const { testHeldBack: _held, ...config } = saved;
  writeRunConfig(tmp, config);
  writeHistory(tmp, history);
  // The run's elapsed time starts with this evaluation: the trial's training time is the search's (results.ts adds
  // the two, and must not count those epochs twice).
  const seconds = (performance.now() - t0) / 1000;
  const ck = loadCheckpoint(runFile(src, 'checkpoint'), model);
  saveCheckpoint(runFile(tmp, 'checkpoint'), model, { ...ck, history, seconds });
  writeStatus(tmp, { ...status, seconds });
  if (existsSync(dst)) rmSync(dst, { recursive: true, force: true }); // at most a stale run lock (adoptionBlocker checked)
  renameSync(tmp, dst);
  return true;
}

/**
 * Deletes what only served to continue search trials once none can be continued — every trial of a cell whose
 * search is over and whose first final run has started (or that chose no rate): the per-epoch weights (~13 MB an
 * epoch for an IMDB model) and the checkpoint (weights and optimizer state, ~50 MB with Adam). Each trial keeps its
 * record: config, history, status and kept weights (what the planner, results.json and the report read).
 */
export function dropTrialState(expDir: string, trialIds: readonly string[]): void {
  for (const id of trialIds) {
    rmSync(join(expDir, id, SNAPSHOT_DIR), { recursive: true, force: true });
    rmSync(runFile(join(expDir, id), 'checkpoint'), { force: true });
  }
}
