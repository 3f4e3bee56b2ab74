/**
 * Forward-only passes over a whole split: mean loss and accuracy (every epoch, on val and test), and optionally the
 * class probabilities of every example in split order (for the final metrics and `rnnlab evaluate`).
 *
 * Evaluation batches are length-bucketed but not shuffled (a pure function of the split), so the numbers never
 * depend on the epoch or the seed. Dropout is off (training = false).
 */
import { epochBatches, type EncodedSplit } from '../data/index.ts';
import { probabilities } from '../nn/loss.ts';
import type { RnnClassifier } from '../nn/model.ts';
import { batchLoss } from './batch-loss.ts';
import type { DataParallel } from './parallel/data-parallel.ts';

export { batchLoss, type BatchLoss } from './batch-loss.ts';

export interface SplitResult {
  n: number;
  /** Mean loss over the split (NaN/Infinity if the model diverged). */
  loss: number;
  accuracy: number;
  /** real (non-padding) tokens read, and the seconds the passes took: the evaluation speed */
  tokens: number;
  seconds: number;
  /** With `collect`: [n * numClasses] probabilities, row i = example i of the split. */
  probs?: Float32Array;
}

/** Batch size for evaluation: no gradients are kept, so larger batches are fine, but keep the padding bounded. */
export const EVAL_BATCH = 256;

export interface EvaluateOptions {
  collect?: boolean;
  batchSize?: number;
  parallel?: DataParallel | null;
}

export function evaluateSplit(model: RnnClassifier, split: EncodedSplit, numClasses: number, opts: EvaluateOptions = {}): SplitResult {
  const passes = evaluationPasses(model, split, numClasses, opts);
  for (;;) {
    const r = passes.next();
    if (r.done) return r.value;
  }
}

/**
 * evaluateSplit, but letting timers, IPC and signal handlers run between batches once `yieldMs` (100) have passed
 * since they last could: the trainer's evaluation of a full IMDB split takes a minute or more, and a Ctrl-C must be
 * heard (and answered) during it. The same numbers, bit for bit.
 */
export async function evaluateSplitAsync(
  model: RnnClassifier, split: EncodedSplit, numClasses: number, opts: EvaluateOptions & { yieldMs?: number } = {},
): Promise<SplitResult> {
  const yieldMs = opts.yieldMs ?? 100;
  const passes = evaluationPasses(model, split, numClasses, opts);
  let last = performance.now();
  for (;;) {
    const r = passes.next();
    if (r.done) return r.value;
    if (performance.now() - last >= yieldMs) {
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    }
  }
}

/** The forward passes of an evaluation, one batch per step of the iterator; returns the split's result. */
function* evaluationPasses(model: RnnClassifier, split: EncodedSplit, numClasses: number, opts: EvaluateOptions): Generator<void, SplitResult> {
  const n = split.count;
  const probs = opts.collect ? new Float32Array(n * numClasses) : undefined;
  if (n === 0) return { n, loss: NaN, accuracy: NaN, tokens: 0, seconds: 0, probs };
  const t0 = performance.now();
  let lossSum = 0;
  let correct = 0;
  let tokens = 0;
  for (const batch of epochBatches(split, { batchSize: opts.batchSize ?? EVAL_BATCH, seed: 0, epoch: 0, shuffle: false, bucket: true })) {
    const logits = opts.parallel ? opts.parallel.predictLogits(batch) : model.predictLogits(batch);
    const r = batchLoss(logits, batch.labels, batch.size, numClasses);
    lossSum += r.loss * batch.size;
    correct += r.correct;
    for (let b = 0; b < batch.size; b++) tokens += batch.lengths[b]!;
    if (probs) {
      const p = probabilities(logits, batch.size, numClasses);
      for (let b = 0; b < batch.size; b++) probs.set(p.subarray(b * numClasses, (b + 1) * numClasses), batch.indices[b]! * numClasses);
    }
    yield;
  }
  return { n, loss: lossSum / n, accuracy: correct / n, tokens, seconds: (performance.now() - t0) / 1000, probs };
}
