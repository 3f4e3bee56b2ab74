/**
 * The training loop, epoch by epoch, read top to bottom:
 *
 *   epoch 0          evaluate val and test before any update (the curves start at the untrained model); a search
 *                    trial (evaluateTest false) never evaluates the test split, here or later
 *   epoch e ≥ 1      for each batch of the epoch's (seed, e)-determined order:
 *                      zero grads → forward (dropout from the run's RNG) → loss → backward → clip → optimizer step
 *                      (--ema: → update the weight average)
 *                    evaluate val and test (--ema: with the averaged weights); step the lr schedule
 *   after each epoch e ≥ 1, if its validation score (--select: lowest loss or highest accuracy) is the best so far:
 *                    save model.safetensors (the kept weights; --ema: the averaged ones). Epoch 0, the untrained
 *                    model, is never kept.
 *                    save checkpoint.safetensors (last epoch: weights, optimizer, scheduler, RNG, history),
 *                    (snapshots: a search trial also keeps this epoch's evaluated weights, see run-dir.ts)
 *                    history.jsonl and status.json; log one line
 *                    early stopping: stop after `patience` epochs without a better validation score (under
 *                    val-accuracy, a new lowest validation loss also counts: the run is still learning)
 *
 * Divergence (the rule is in divergence.ts): a non-finite batch loss or gradient norm stops the run at that step,
 * before its update; an epoch whose mean training loss is over 100 × chance stops it after that epoch, before the
 * epoch is evaluated or saved. Either way the files of the last completed epoch stay as they are, and the caller
 * marks the run `diverged` with a one-line reason.
 *
 * Determinism: batch order is a pure function of (seed, epoch), dropout masks come from one seeded RNG whose state is
 * checkpointed, and every reduction runs in a fixed order, so the same seed (and BLAS thread count, and
 * --data-parallel count) gives bit-identical numbers, resumed or not.
 */
import { batchCount, epochBatches, wordDropout, type EncodedSplit, type PreparedData } from '../data/index.ts';
import type { RnnClassifier } from '../nn/model.ts';
import type { Param } from '../nn/param.ts';
import { clipGradNorm, type Optimizer, type Scheduler, type WeightAverage } from '../optim/index.ts';
import { DivergedError } from '../util/errors.ts';
import type { Rng } from '../util/rng.ts';
import type { ResolvedTrain } from './config.ts';
import { DEFAULT_SELECT } from './options.ts';
import { batchLoss, evaluateSplitAsync, type BatchLoss, type SplitResult } from './evaluate.ts';
import type { DataParallel } from './parallel/data-parallel.ts';
import type { Batch } from '../data/types.ts';
import { saveCheckpoint, type LoopState } from './checkpoint.ts';
import { epochLossDivergence } from './divergence.ts';
import { EpochBar, formatEpochLine, type Logger } from './progress.ts';
import { runFile, saveModelWeights, saveSnapshot, writeHistory, writeStatus, type EpochRecord } from './run-dir.ts';

export interface LoopContext {
  dir: string;
  model: RnnClassifier;
  optimizer: Optimizer;
  scheduler: Scheduler;
  /** Dropout masks; its state is saved in every checkpoint. */
  rng: Rng;
  data: PreparedData;
  numClasses: number;
  train: ResolvedTrain;
  log: Logger;
  bar: EpochBar;
  /** Called once the epoch's files are written; training goes on when what it returns settles. */
  onEpoch?: (record: EpochRecord) => void | Promise<void>;
  /** --class-weights: one weight per class for the training loss (validation and test losses stay unweighted). */
  classWeights?: number[] | null;
  /** --ema: the average of the weights that is evaluated and kept (the optimizer trains the raw weights). */
  ema?: WeightAverage | null;
  /** The parameters the optimizer updates (all but a frozen embedding); gradient clipping measures only these. */
  trainable?: Param[];
  /** --data-parallel: splits each training step and evaluation batch over threads (src/train/parallel/) */
  parallel?: DataParallel | null;
  /** Checked between batches and epochs: stop without finishing (the last checkpoint stays valid). */
  signal?: AbortSignal;
  /**
   * false: never evaluate the test split (a learning-rate search trial, scored on validation only); the history's
   * test fields are null. Default true.
   */
  evaluateTest?: boolean;
  /** Also save the evaluated weights of every epoch (run-dir.ts saveSnapshot): a search trial's, see RunHooks. */
  snapshots?: boolean;
}

export type LoopEnd =
  | { status: 'ok' }
  | { status: 'diverged'; reason: string }
  | { status: 'interrupted' };

/** Runs epochs state.epoch+1 … train.epochs, updating `state` (and the run directory) after each. */
export async function trainLoop(ctx: LoopContext, state: LoopState): Promise<LoopEnd> {
  const { train } = ctx;
  for (let epoch = state.epoch + 1; epoch <= train.epochs && !state.stoppedEarly; epoch++) {
    // Let timers and IPC in at every epoch too (fitEpoch yields only every 100 ms): an experiment worker whose epochs
    // are shorter than that would otherwise not notice its parent is gone until its whole cell was trained.
    await new Promise((resolve) => setImmediate(resolve));
    if (ctx.signal?.aborted) return { status: 'interrupted' };
    const t0 = performance.now();
    const lr = ctx.optimizer.lr;

    let fit: EpochFit | null = null;
    if (epoch > 0) {
      const r = await fitEpoch(ctx, epoch);
      if (r.status !== 'ok') return r;
      const exploded = epochLossDivergence(r.loss, ctx.numClasses);
      if (exploded) return { status: 'diverged', reason: `training diverged in epoch ${epoch}: ${exploded}; ${hint(train)}` };
      fit = r;
    }
    // With --ema the averaged weights are the model: evaluated here, saved below; the raw ones go on training.
    const averaged = <T>(fn: () => T): T => (ctx.ema ? ctx.ema.withAverage(fn) : fn());
    // Evaluation yields to signal handlers (a Ctrl-C is answered at once), and runs to the end: the epoch is kept.
    const evaluate = (split: EncodedSplit): Promise<SplitResult> => {
      const run = (): Promise<SplitResult> => evaluateSplitAsync(ctx.model, split, ctx.numClasses, { parallel: ctx.parallel });
      return ctx.ema ? ctx.ema.withAverageAsync(run) : run();
    };
    const val = await evaluate(ctx.data.val);
    const test = ctx.evaluateTest === false ? null : await evaluate(ctx.data.test);
    const hasVal = val.n > 0;
    if (hasVal && !Number.isFinite(val.loss)) {
      return { status: 'diverged', reason: `training diverged: the validation loss after epoch ${epoch} is ${val.loss}; ${hint(train)}` };
    }
    if (ctx.snapshots) averaged(() => saveSnapshot(ctx.dir, epoch, ctx.model));
    const seconds = (performance.now() - t0) / 1000;
    const record: EpochRecord = {
      epoch,
      trainLoss: fit ? fit.loss : null,
      trainAccuracy: fit ? fit.accuracy : null,
      valLoss: hasVal ? val.loss : null,
      valAccuracy: hasVal ? val.accuracy : null,
      testLoss: test && Number.isFinite(test.loss) ? test.loss : null,
      testAccuracy: test ? test.accuracy : null,
      lr,
      seconds,
      tokensPerSecond: fit ? fit.tokensPerSecond : null,
      evalTokensPerSecond: evalRate(...(test ? [val, test] : [val])),
    };

    if (epoch > 0) ctx.scheduler.step(epoch - 1, hasVal ? val.loss : undefined);

    // Best = lowest validation loss or highest validation accuracy (--select; strictly better, the earliest epoch wins
    // ties), among the TRAINED epochs: epoch 0 is recorded but never kept, so predict never answers with an untrained
    // model (a checkpoint from before this rule whose best is epoch 0 is replaced by the next epoch). Without a
    // validation split there is nothing to select on (never the test set): the latest epoch is kept.
    const kept = state.bestEpoch !== null && state.bestEpoch > 0 ? state.history.find((h) => h.epoch === state.bestEpoch) : undefined;
    const isBest = epoch > 0 && (!hasVal || kept === undefined || better(train, val, kept));
    if (isBest) {
      state.bestEpoch = epoch;
      state.bestValLoss = hasVal ? val.loss : null;
      state.badEpochs = 0;
      averaged(() => saveModelWeights(ctx.dir, ctx.model));
    } else if (epoch > 0) {
      // Under --select val-accuracy an epoch with the lowest validation loss so far is still learning: on a small
      // validation split the accuracy moves in coarse steps and can sit on a tie (the earliest is kept) while the
      // loss falls, and patience alone would stop such a run. The kept epoch is still chosen by accuracy alone.
      if (selectOf(train) === 'val-accuracy' && hasVal && val.loss < lowestValLoss(state.history)) state.badEpochs = 0;
      else state.badEpochs++;
      if (train.patience !== null && state.badEpochs >= train.patience && epoch < train.epochs) state.stoppedEarly = true;
    }
    state.epoch = epoch;
    state.history.push(record);
    state.seconds += seconds;

    saveCheckpoint(runFile(ctx.dir, 'checkpoint'), ctx.model, {
      format: 'rnnlab-checkpoint', version: 1, ...state,
      optimizer: ctx.optimizer.stateDict(), scheduler: ctx.scheduler.stateDict(), rng: ctx.rng.getState(),
      ...(ctx.ema ? { ema: ctx.ema.state() } : {}),
    });
    writeHistory(ctx.dir, state.history);
    writeStatus(ctx.dir, {
      status: 'running', seconds: state.seconds, epochsCompleted: epoch, epochsPlanned: train.epochs,
      bestEpoch: state.bestEpoch, stoppedEarly: state.stoppedEarly,
    });
    ctx.log(formatEpochLine(record, train.epochs, isBest && hasVal));
    if (state.stoppedEarly) {
      const what = selectOf(train) === 'val-accuracy' ? 'higher validation accuracy nor lower validation loss' : 'lower validation loss';
      ctx.log(`early stopping: no ${what} for ${state.badEpochs} epochs (best: epoch ${state.bestEpoch})`);
    }
    await ctx.onEpoch?.(record);
  }
  return { status: 'ok' };
}

/** The run's --select rule (configs written before --select have none: the default). */
const selectOf = (train: ResolvedTrain) => train.select ?? DEFAULT_SELECT;

/** Is this epoch's validation result strictly better than the kept epoch's under the run's --select rule? */
function better(train: ResolvedTrain, val: { loss: number; accuracy: number }, kept: EpochRecord): boolean {
  if (selectOf(train) === 'val-accuracy') return val.accuracy > (kept.valAccuracy ?? -Infinity);
  return val.loss < (kept.valLoss ?? Infinity);
}

/** The lowest validation loss among the epochs recorded so far (epoch 0, the untrained model, included). */
function lowestValLoss(history: readonly EpochRecord[]): number {
  let lowest = Infinity;
  for (const h of history) if (h.valLoss !== null && h.valLoss < lowest) lowest = h.valLoss;
  return lowest;
}

type Stopped = Exclude<LoopEnd, { status: 'ok' }>;

/** Tokens per second of the epoch's evaluation passes (null when they took no measurable time). */
function evalRate(...parts: { tokens: number; seconds: number }[]): number | null {
  const tokens = parts.reduce((s, p) => s + p.tokens, 0);
  const seconds = parts.reduce((s, p) => s + p.seconds, 0);
  return seconds > 0 ? tokens / seconds : null;
}

interface EpochFit {
  status: 'ok';
  loss: number;
  accuracy: number;
  tokensPerSecond: number;
}

function hint(train: ResolvedTrain): string {
  return train.clip === null ? 'lower --lr or set --clip (e.g. --clip 1)' : 'lower --lr or --clip';
}

/** One pass over the training split. */
async function fitEpoch(ctx: LoopContext, epoch: number): Promise<EpochFit | Stopped> {
  const { model, optimizer, train, numClasses } = ctx;
  const split = ctx.data.train;
  const outDim = numClasses === 2 ? 1 : numClasses;
  const dLogitsBuf = new Float32Array(train.batchSize * outDim);
  const total = batchCount(split.count, train.batchSize);
  ctx.bar.start(epoch, train.epochs, total);
  const t0 = performance.now();
  let lastYield = t0;
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  let tokens = 0;
  let lastFinite: number | null = null;
  let step = 0;
  try {
    for (const batch of epochBatches(split, { batchSize: train.batchSize, seed: train.seed, epoch, shuffle: true, bucket: true })) {
      step++;
      // from the dropout stream, before the masks: checkpointed with it, so a resumed run hides the same words
      if (train.wordDropout) wordDropout(batch, train.wordDropout, ctx.rng);
      const r = ctx.parallel ? ctx.parallel.step(batch, ctx.rng, ctx.classWeights) : forwardBackward(ctx, batch, dLogitsBuf);
      if (!Number.isFinite(r.loss)) return diverged(ctx, epoch, step, `the loss is ${r.loss}`, lastFinite);
      if (train.clip !== null) {
        try {
          clipGradNorm(ctx.trainable ?? model.params, train.clip);
        } catch (e) {
          if (e instanceof DivergedError) return diverged(ctx, epoch, step, 'the gradient norm is not finite', r.loss);
          throw e;
        }
      }
      optimizer.step();
      ctx.ema?.update();
      lastFinite = r.loss;
      lossSum += r.loss * batch.size;
      correct += r.correct;
      seen += batch.size;
      for (let b = 0; b < batch.size; b++) tokens += batch.lengths[b]!;
      const now = performance.now();
      if (now - lastYield > 100) {
        ctx.bar.update(step, lossSum / seen, correct / seen, tokens / ((now - t0) / 1000));
        // Let timers and IPC run (progress redraw, a parent's disconnect or abort) without slowing the loop.
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
        if (ctx.signal?.aborted) return { status: 'interrupted' };
      }
    }
  } finally {
    ctx.bar.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { status: 'ok', loss: lossSum / seen, accuracy: correct / seen, tokensPerSecond: seconds > 0 ? tokens / seconds : 0 };
}

/** One step's gradients on this thread: zeroed, then the batch's (backward only when the loss is finite). */
function forwardBackward(ctx: LoopContext, batch: Batch, dLogitsBuf: Float32Array): BatchLoss {
  const { model } = ctx;
  model.zeroGrad();
  const logits = model.forward(batch, true, ctx.rng);
  const dLogits = dLogitsBuf.subarray(0, batch.size * model.outDim);
  const r = batchLoss(logits, batch.labels, batch.size, ctx.numClasses, dLogits, ctx.classWeights);
  if (Number.isFinite(r.loss)) model.backward(dLogits);
  return r;
}

function diverged(ctx: LoopContext, epoch: number, step: number, what: string, lastFinite: number | null): Stopped {
  const last = lastFinite === null ? 'no finite loss yet this epoch' : `last finite loss ${lastFinite.toFixed(4)}`;
  return {
    status: 'diverged',
    reason: `training diverged at epoch ${epoch}, step ${step}: ${what} (${last}); ${hint(ctx.train)}`,
  };
}
