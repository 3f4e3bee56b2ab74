/**
 * rnnlab's public API: everything exported here is what `import { … } from 'rnnlab'` gives; the other modules are
 * internal and may change. Importing this module has no side effects: it reads no environment variable, loads no
 * BLAS and no WebAssembly, and installs no signal handler; the BLAS is chosen (RNNLAB_BLAS, …) on the first matrix
 * product, the kernels compiled on the first model built.
 *
 * High level (src/api.ts), the CLI's commands as functions:
 *   train({ out, dataset, arch, epochs, …, onEpoch, signal })  → RunOutcome        (rnnlab train)
 *   loadModel(dir) → Model; model.predict(texts), model.evaluate()                  (rnnlab predict / evaluate)
 *   evaluate(dir | model, data?)                                                     (rnnlab evaluate)
 *   runExperiment({ out, archs, optimizers, … })                                     (rnnlab experiment)
 *
 * Building blocks, for a training loop of your own (names as in PyTorch / torchtext where they exist):
 *   data      loadDataset, basicEnglish (torchtext's tokenizer), Vocab, prepareSplits, encodeSplit, epochBatches
 *             (a seeded DataLoader with length bucketing), loadEmbeddings (GloVe / word2vec / fastText text files)
 *   model     RnnClassifier (Embedding → RNN/GRU/LSTM → pooling → Linear; parameters named like PyTorch's
 *             state_dict), classificationLoss (BCEWithLogits / CrossEntropy, optional class weights), probabilities
 *   optim     createOptimizer('sgd' | 'nag' | 'adadelta' | 'adam' | 'adamw' | 'rmsprop', params, { lr, … }),
 *             createScheduler('constant' | 'step' | 'cosine' | 'plateau', optimizer, …), clipGradNorm
 *   engine    blasInfo, setBlasThreads
 *   files     saveSafetensors / loadSafetensors, trainRun (the resumable run directory), loadSavedModel
 */
export {
  train, loadModel, evaluate, runExperiment, Model,
  type DataOptions, type TrainSettings, type TrainCallOptions, type ExperimentCallOptions,
  type RunOutcome, type EpochRecord, type Prediction, type EvaluationResult, type EvaluateTarget, type ExperimentSummary, type Results,
  type RunConfig,
} from './api.ts';

// ---- data ----
export {
  loadDataset, basicEnglish, Vocab, PAD, UNK, prepareSplits, encodeSplit, buildVocab, epochBatches, batchCount,
  classCounts, majorityBaseline, checkSplits,
  type LoadOptions, type LoadedData, type Example, type Batch, type EncodedSplit, type PreparedData,
  type PrepareOptions, type EncodeOptions, type BatchOptions, type VocabJSON, type Truncate,
} from './data/index.ts';
export { loadEmbeddings, type EmbeddingsInfo, type LoadEmbeddingsOptions } from './data/embeddings.ts';

// ---- model ----
export { RnnClassifier, type ModelConfig, type ModelInit, type Arch, type Pooling } from './nn/model.ts';
export { classificationLoss, probabilities, balancedClassWeights, type LossResult } from './nn/loss.ts';
export type { Param } from './nn/param.ts';
export { saveSafetensors, loadSafetensors } from './nn/safetensors.ts';
export { blasInfo, setBlasThreads, type BlasInfo, type BlasBackend } from './nn/blas.ts';

// ---- optimizers ----
export {
  createOptimizer, createScheduler, clipGradNorm, gradNorm, OPTIMIZER_NAMES, OPTIMIZER_DEFAULTS, SCHEDULE_KINDS,
  type Optimizer, type OptimizerName, type OptimizerOptions, type Scheduler, type ScheduleKind, type ScheduleOptions,
} from './optim/index.ts';

// ---- training, lower level ----
export {
  trainRun, prepareDataset, loadSavedModel, predictTexts, evaluateSplit, TRAIN_DEFAULTS,
  type RunRequest, type RunHooks, type PreparedDataset, type SavedModel, type TrainOptions, type DataSpec,
} from './train/index.ts';
export { computeMetrics, type Metrics } from './train/metrics.ts';

export { UserError, isUserError } from './util/errors.ts';
export { VERSION } from './version.ts';
