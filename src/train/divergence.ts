/**
 * When a run counts as diverged — the rule, in one place (the trainer applies it, `train --help` prints it).
 *
 *   1. a batch's training loss is NaN or ±Infinity (or, with --clip, the gradient norm is): the run stops at that
 *      step, before the update is applied — Keras' TerminateOnNaN;
 *   2. an epoch's mean training loss exceeds LOSS_BOUND_FACTOR × the chance-level loss ln(numClasses) (the loss of
 *      a model that predicts the uniform distribution, which is where an untrained model starts): 69.3 for two
 *      classes. The run stops after that epoch, before it is evaluated or saved;
 *   3. the validation loss after an epoch is NaN or ±Infinity.
 *
 * Why rule 2: an exploded model does not always produce NaN. With a huge learning rate the output layer's weights
 * grow by up to lr per step while the recurrent states stay in [−1, 1], so the logits — and the loss — can be huge
 * yet finite (`sgd --lr 1e6 --clip 0` reached 5e5 on a small CSV, 1.4e5 on the tests' synthetic set); whether a float
 * overflow turns such a run into NaN depends on the CPU's BLAS kernel (with --lr 1e30 the Haswell and Zen kernels give
 * NaN, the SkylakeX and Cooperlake ones a finite 2e29). A mean loss 100× chance is not a slow or noisy run: the model
 * is confidently wrong by logit margins of ~70 and more on average, i.e. its weights have blown up. The epoch mean,
 * not one batch, is checked so that a single unlucky batch cannot stop a healthy run.
 *
 * With --class-weights balanced the chance level moves little: two classes (PyTorch's pos_weight = n₀/n₁) give at most
 * 2 ln 2, more classes a weighted mean that stays ln C; the bound stays ≥ 50× chance.
 *
 * In every case the files of the last completed epoch stay as they were (the best model, the checkpoint), and the
 * run is marked `diverged` with a one-line reason.
 */

/** Rule 2's factor over the chance-level loss. */
export const LOSS_BOUND_FACTOR = 100;

/** The loss of predicting the uniform distribution over numClasses classes (binary: σ(0) = ½ → ln 2). */
export function chanceLoss(numClasses: number): number {
  return Math.log(numClasses);
}

/** Rule 2's bound on an epoch's mean training loss. */
export function trainLossBound(numClasses: number): number {
  return LOSS_BOUND_FACTOR * chanceLoss(numClasses);
}

/** null when the epoch's mean training loss is within the bound; otherwise what happened, for the one-line reason. */
export function epochLossDivergence(meanLoss: number, numClasses: number): string | null {
  const bound = trainLossBound(numClasses);
  if (Number.isFinite(meanLoss) && meanLoss <= bound) return null;
  return `the mean training loss is ${formatLoss(meanLoss)}, over ${LOSS_BOUND_FACTOR} × the chance-level loss ` +
    `ln ${numClasses} (${bound.toFixed(1)})`;
}

function formatLoss(x: number): string {
  return Number.isFinite(x) && Math.abs(x) >= 1e4 ? x.toExponential(3) : String(Number.isFinite(x) ? Number(x.toFixed(4)) : x);
}

/** The rule in words, for `rnnlab train --help`. */
export const DIVERGENCE_HELP = `
Divergence: a run stops, is marked "diverged" and exits 1 with one line (where, and what to change) when
  - a batch's training loss, or with --clip the gradient norm, is NaN or Infinity (as Keras' TerminateOnNaN);
  - an epoch's mean training loss is over ${LOSS_BOUND_FACTOR} x the chance-level loss ln(classes), ${trainLossBound(2).toFixed(1)} for
    two classes (weights that blew up without overflowing to NaN);
  - the validation loss after an epoch is not finite.
The files of the last completed epoch stay usable (the best model predicts; the checkpoint loads).
`;
