/**
 * rnnlab's trainer: public API.
 *
 *   trainRun({ dir, train, data }, hooks)   start, resume, or return the finished run in `dir` (run.ts)
 *   prepareDataset(spec)                     load + check + encode a data set once, pass it to several runs
 *   parseTrainOptions(raw) / resolveTrain    raw option values (CLI strings or JSON) → typed, fully resolved settings
 *   loadSavedModel(dir) / predictTexts / evaluateSaved   use a saved run directory
 *   majorityClassBaseline                    the one majority baseline (training majority, scored on a split)
 *   runHolder(dir)                           is a process training this run now (lock.json), or was it killed?
 */
export { trainRun, prepareDataset, type PreparedDataset, type RunRequest, type RunHooks, type RunOutcome, type RunMetrics } from './run.ts';
export { parseTrainOptions, trainOptionsSchema, TRAIN_DEFAULTS, TRAIN_FLAGS, ARCHS, POOLINGS, SELECTS, DEFAULT_SELECT, type Select, type TrainOptions } from './options.ts';
export { resolveTrain, modelConfig, runIdentity, identityDifferences, canonical, type ResolvedTrain, type DataSpec, type RunConfig } from './config.ts';
export { majorityClassBaseline, type MajorityBaseline } from './baselines.ts';
export { runHolder, readRunLock, type RunLock } from './lock.ts';
export {
  RUN_FILES, loadSavedModel, readRunConfig, readStatus, readHistory, readVocab, runFile,
  type EpochRecord, type RunStatus, type RunStatusName, type SavedModel,
} from './run-dir.ts';
export { predictTexts, evaluateSaved, type Prediction, type EvaluationResult } from './predict.ts';
export { evaluateSplit, batchLoss } from './evaluate.ts';
export { formatEpochLine, stdoutLogger, type Logger } from './progress.ts';
