/**
 * Using a saved model: class probabilities for raw texts (`rnnlab predict`) and metrics on a labelled split
 * (`rnnlab evaluate`). Texts go through exactly the training pipeline: basic_english tokens, the run's vocabulary
 * (unknown → <unk>), the run's max-len and truncation side.
 */
import { encodeSplit, epochBatches, type Example, type LoadedData } from '../data/index.ts';
import { probabilities } from '../nn/loss.ts';
import { UserError } from '../util/errors.ts';
import { computeMetrics, type Metrics } from './metrics.ts';
import { EVAL_BATCH, evaluateSplit } from './evaluate.ts';
import type { SavedModel } from './run-dir.ts';
import { classCounts } from '../data/index.ts';
import { majorityClassBaseline } from './baselines.ts';

export interface Prediction {
  label: string;
  /** Probability of `label` (the most probable class). */
  probability: number;
  /** Every class's probability, by label. */
  probabilities: Record<string, number>;
  /** Token ids fed to the model (after truncation). */
  ids: number[];
  /** Raw model outputs: one logit for two classes (p = σ(logit)), else one per class. */
  logits: number[];
}

/** Predictions for `texts`, in order, from forward-only passes (RnnClassifier.predictLogits) of batches of EVAL_BATCH. */
export function predictTexts(saved: SavedModel, texts: readonly string[], batchSize = EVAL_BATCH): Prediction[] {
  const { config, vocab, model } = saved;
  const labels = config.labels;
  const C = labels.length;
  const outDim = C === 2 ? 1 : C;
  const split = encodeSplit(texts.map((text) => ({ text, label: 0 })), vocab, { maxLen: config.maxLen, truncate: config.truncate });
  const out = new Array<Prediction>(texts.length);
  for (const batch of epochBatches(split, { batchSize, seed: 0, epoch: 0, shuffle: false, bucket: true })) {
    const logits = model.predictLogits(batch);
    const probs = probabilities(logits, batch.size, C);
    for (let b = 0; b < batch.size; b++) {
      const i = batch.indices[b]!;
      let best = 0;
      for (let c = 1; c < C; c++) if (probs[b * C + c]! > probs[b * C + best]!) best = c;
      const p: Record<string, number> = {};
      for (let c = 0; c < C; c++) p[labels[c]!] = probs[b * C + c]!;
      const start = split.offsets[i]!;
      out[i] = {
        label: labels[best]!, probability: probs[b * C + best]!, probabilities: p,
        ids: Array.from(split.ids.subarray(start, start + split.lengths[i]!)),
        logits: Array.from(logits.subarray(b * outDim, (b + 1) * outDim)),
      };
    }
  }
  return out;
}

export interface EvaluationResult extends Metrics {
  split: 'test';
  /** What was scored, in words: "the run's own test split of data.csv", "every row of other.csv", … */
  scored: string;
  dataset: { name: string; description: string };
  /** Always predicting the training split's most frequent class (from config.json), scored on these rows. */
  baseline: { majority: { label: string; accuracy: number } };
}

/**
 * Metrics of a saved model on a loaded data set's test rows, encoded exactly as in training (the run's vocabulary,
 * max-len and truncation side). The data set's labels are matched to the model's by name (its class indices may be
 * ordered differently); a label the model does not know is an error.
 */
export function evaluateSaved(saved: SavedModel, data: LoadedData, scored: string): EvaluationResult {
  const { config, vocab, model } = saved;
  const labels = config.labels;
  const toModel = data.labels.map((l) => labels.indexOf(l));
  const unknown = data.labels.filter((_, i) => toModel[i] === -1 && data.test.some((e) => e.label === i));
  if (unknown.length > 0) {
    throw new UserError(`the test data has label(s) ${unknown.map((l) => JSON.stringify(l)).join(', ')} that the model ` +
      `does not know (it predicts ${labels.map((l) => JSON.stringify(l)).join(', ')}); check --label-column / the data set`);
  }
  if (data.test.length === 0) throw new UserError('the test split is empty; check the data set (and --limit, --test)');
  const examples: Example[] = data.test.map((e) => ({ text: e.text, label: toModel[e.label]! }));
  const split = encodeSplit(examples, vocab, { maxLen: config.maxLen, truncate: config.truncate });
  const C = labels.length;
  const r = evaluateSplit(model, split, C, { collect: true });
  const base = majorityClassBaseline(config.data.classCounts.train, classCounts(split.labels, C), labels);
  return {
    split: 'test',
    scored,
    dataset: { name: data.name, description: data.description },
    ...computeMetrics(split.labels, r.probs!, C, labels, { loss: r.loss }),
    baseline: { majority: { label: base.label, accuracy: base.accuracy } },
  };
}
