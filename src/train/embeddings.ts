/**
 * --embeddings / --freeze-embeddings in a run: pretrained vectors into the model's embedding rows (the rows they
 * cover; the rest keep their random init, <pad> and <unk> included), the coverage logged and recorded in config.json,
 * and a frozen embedding left out of the optimizer (PyTorch: nn.Embedding.from_pretrained(…, freeze=True), whose
 * weight has requires_grad=False, so it is neither updated nor counted by clip_grad_norm_).
 */
import { loadEmbeddings, tokenCoverage } from '../data/embeddings.ts';
import type { PreparedData } from '../data/index.ts';
import type { RnnClassifier } from '../nn/model.ts';
import type { Param } from '../nn/param.ts';
import type { ResolvedTrain, RunConfig } from './config.ts';
import type { Logger } from './progress.ts';

const EMBEDDING = 'embedding.weight';

function embeddingParam(model: RnnClassifier): Param {
  const p = model.params.find((x) => x.name === EMBEDDING);
  if (!p) throw new Error(`model has no ${EMBEDDING}`);
  return p;
}

/** Loads train.embeddings (if set) into the model; returns what config.json records about it. */
export async function applyEmbeddings(
  model: RnnClassifier, train: ResolvedTrain, data: PreparedData, log: Logger,
): Promise<RunConfig['embeddings']> {
  if (train.embeddings === null) return undefined;
  const loaded = await loadEmbeddings(train.embeddings, data.vocab.itos, { dim: train.embed });
  const weight = embeddingParam(model).data;
  const { vectors, found, info } = loaded;
  for (let row = 0; row < found.length; row++) {
    if (found[row] === 1) weight.set(vectors.subarray(row * info.dim, (row + 1) * info.dim), row * info.dim);
  }
  const tokens = tokenCoverage(found, data.train.ids);
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  log(`embeddings ${info.path} (${info.format}, ${info.dim}-d): ${info.found} of ${info.vocabSize - 2} vocabulary words ` +
    `(${pct(info.coverage)}), ${pct(tokens)} of the training tokens; ${train.freezeEmbeddings ? 'frozen' : 'fine-tuned'}`);
  return {
    path: info.path, dim: info.dim, format: info.format, found: info.found, vocabSize: info.vocabSize,
    coverage: info.coverage, tokenCoverage: tokens, frozen: train.freezeEmbeddings,
  };
}

/** The parameters to optimise: all of them, or all but the embedding with --freeze-embeddings. */
export function trainableParams(model: RnnClassifier, train: ResolvedTrain): Param[] {
  return train.freezeEmbeddings ? model.params.filter((p) => p.name !== EMBEDDING) : model.params;
}
