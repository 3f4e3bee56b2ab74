/**
 * The loss and correct count of one batch's logits, as the trainer, the evaluation and the data-parallel replicas
 * need it. In a module of its own because a replica's worker thread imports it: src/train/evaluate.ts brings the whole
 * data pipeline (archive and CSV readers) with it, about 6 MB more in every worker (measured: importing evaluate.js
 * grows a fresh process's RSS by 11.6 MB, nn/model.js by 5.1 MB).
 */
import { classificationLoss } from '../nn/loss.ts';
import { DivergedError } from '../util/errors.ts';

export interface BatchLoss {
  /** Mean loss over the batch; NaN or ±Infinity when the model diverged. */
  loss: number;
  correct: number;
}

/**
 * classificationLoss, but a diverged model gives a non-finite loss instead of an exception, so the trainer can stop
 * cleanly and say where it happened. (The loss module throws on a non-finite loss; non-finite logits are caught
 * here first, and the rare finite-logit overflow is caught from its DivergedError.)
 */
export function batchLoss(
  logits: Float32Array, labels: Int32Array, size: number, numClasses: number, dLogits?: Float32Array,
  classWeights?: readonly number[] | null, denominator?: number,
): BatchLoss {
  const outDim = numClasses === 2 ? 1 : numClasses;
  for (let i = 0; i < size * outDim; i++) if (!Number.isFinite(logits[i]!)) return { loss: NaN, correct: 0 };
  try {
    return classificationLoss(logits, labels, size, numClasses, dLogits, classWeights, denominator);
  } catch (e) {
    if (e instanceof DivergedError) return { loss: e.value, correct: 0 };
    throw e;
  }
}
