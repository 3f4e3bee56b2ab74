/**
 * Word dropout: during training, each real token of a batch becomes <unk> with probability p.
 *
 *   tokens[b, t] ← <unk>   with probability p, for t < lengths[b]   (padding is never touched)
 *
 * Unlike dropout on the embedded vectors (which thins every word a little), this hides whole words, so the model
 * cannot lean on one cue — a film's title or cast, which a few training reviews of that film share and the test
 * films never show (Iyyer et al. 2015, "word dropout"; Bowman et al. 2016 replace with <unk> as here, which keeps
 * lengths and positions). The <unk> row learns what "some word was here" means, which is also what unseen words
 * map to at test time. Nothing is rescaled: the expected input is not a sum that would shrink.
 *
 * It works on a training batch's token buffer in place; a batch is rebuilt from the split for every step, so the
 * split itself never changes, and validation, test and prediction batches never pass through here.
 */
import type { Rng } from '../util/rng.ts';
import type { Batch } from './types.ts';
import { UNK } from './vocab.ts';

/**
 * Replaces real tokens of `batch` by <unk> with probability p, drawing one number from `rng` per real token (row
 * by row, in order), so a run with the same stream state sees the same words hidden. Returns how many were hidden.
 */
export function wordDropout(batch: Batch, p: number, rng: Rng): number {
  if (!(p >= 0 && p < 1)) throw new RangeError(`word dropout must be in [0, 1), got ${p}`);
  if (p === 0) return 0;
  let hidden = 0;
  for (let b = 0; b < batch.size; b++) {
    const row = b * batch.maxLen;
    for (let t = 0; t < batch.lengths[b]!; t++) {
      if (rng.next() < p) {
        batch.tokens[row + t] = UNK;
        hidden++;
      }
    }
  }
  return hidden;
}
