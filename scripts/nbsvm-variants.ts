/**
 * NBSVM on IMDB with the RNNs' own input instead of the whole review (README, "NBSVM baseline"): how much of the gap
 * between the baseline and the RNNs is the input, not the model. Three variants on rnnlab's default splits:
 *   whole     every training uni+bigram of the whole review (what `rnnlab baseline` does)
 *   vocab     tokens outside the RNNs' 25,000-entry vocabulary replaced by <unk>, whole review
 *   vocab+200 that, and only the last 200 tokens (--max-len 200 --truncate tail), exactly the RNNs' input
 *
 *   npx tsx scripts/nbsvm-variants.ts [ARCHIVE]
 */
import { loadDataset, prepareSplits, type EncodedSplit, type Example } from '../src/data/index.ts';
import { nbsvmBaseline } from '../src/baseline/index.ts';

const archive = process.argv[2] ?? process.env.RNNLAB_IMDB ?? '../shared/data/imdb/aclImdb_v1-train-test.tar.gz';
const data = await loadDataset({ dataset: archive, valSplit: 0.1, seed: 0 });

/** The encoded split back to texts: ids → tokens joined by spaces (basic_english splits them the same way again). */
function asTexts(split: EncodedSplit, itos: readonly string[]): Example[] {
  return Array.from({ length: split.count }, (_, i) => {
    const ids = split.ids.subarray(split.offsets[i]!, split.offsets[i]! + split.lengths[i]!);
    return { text: Array.from(ids, (id) => itos[id]!).join(' '), label: split.labels[i]! };
  });
}

function report(name: string, d: { train: readonly Example[]; val: readonly Example[]; test: readonly Example[] }): void {
  const b = nbsvmBaseline({ labels: data.labels, ...d });
  console.log(`${name.padEnd(10)} features ${b.features}  chosen ${b.setting.loss} C=${b.setting.C} β=${b.setting.beta}  ` +
    `val ${(100 * b.valAccuracy!).toFixed(2)}%  test ${(100 * b.testAccuracy).toFixed(2)}%  ${b.seconds.total.toFixed(1)} s`);
}

report('whole', data);
for (const [name, maxLen] of [['vocab', 1 << 30], ['vocab+200', 200]] as const) {
  const p = prepareSplits(data, { maxSize: 25_000, minFreq: 1, maxLen, truncate: 'tail' });
  const itos = p.vocab.itos;
  report(name, { train: asTexts(p.train, itos), val: asTexts(p.val, itos), test: asTexts(p.test, itos) });
}
