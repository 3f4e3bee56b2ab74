/**
 * rnnlab's data pipeline: public API. Typical use (what `rnnlab train` does):
 *
 *   const data = await loadDataset({ dataset: 'imdb', valSplit: 0.1, seed });     // texts + class indices
 *   const { counts, warnings } = checkSplits(data);                             // throws on a one-class split
 *   const prep = prepareSplits(data, { maxSize: 25_000, minFreq: 1, maxLen: 200, truncate: 'head' });
 *   for (let epoch = 0; epoch < epochs; epoch++)
 *     for (const batch of epochBatches(prep.train, { batchSize: 64, seed, epoch, bucket: true })) model.forward(batch, true);
 *   save: data.labels (class index → label) and prep.vocab.toJSON() with the model.
 *   later: Vocab.fromJSON(json) + encodeSplit(examples, vocab, { maxLen, truncate }).
 *
 * Loading (load.ts, imdb.ts, download.ts, formats.ts, csv.ts)
 *   loadDataset(opts) → LoadedData { name, description, labels, train, val, test, loadSeconds }.
 *   dataset 'imdb' (default): env RNNLAB_IMDB (archive or folder) → cache $XDG_CACHE_HOME/rnnlab (else
 *   ~/.cache/rnnlab)/aclImdb_v1.tar.gz → download (resume, retries, sha256, atomic rename; URL/sha256/size
 *   overridable by RNNLAB_IMDB_URL / RNNLAB_IMDB_SHA256 / RNNLAB_IMDB_SIZE). The archive is streamed in memory.
 *   A path: IMDB archive or folder, CSV (RFC 4180, header), JSONL, a folder per class, or train/ + test/ folders.
 *   No test split of its own and no `test` → a seeded stratified TEST_FRACTION (0.2) is held out.
 *   `limit` N → stratified N train + N test, before the val split. `valSplit` (0.1) → seeded stratified val.
 *   Labels: IMDB neg = 0, pos = 1; else sorted numerically if all numeric, else by code point.
 *
 * Text → ids (tokenizer.ts, vocab.ts, encode.ts)
 *   basicEnglish(text): an exact port of torchtext's basic_english (fixtures/tokenizer-basic-english.json).
 *   Vocab: <pad> = 0, <unk> = 1, then by training-set frequency, ties by code point; maxSize counts the
 *   specials; Vocab.build / fromCounts / encode / toJSON / fromJSON / size / itos.
 *   prepareSplits(splits, opts) → { vocab, train, val, test: EncodedSplit }: vocab from train only.
 *   encodeSplit(examples, vocab, opts): truncate 'head' keeps the first maxLen tokens, 'tail' the last;
 *   an empty text becomes one <unk>.
 *
 * Batches (batches.ts): epochBatches(split, { batchSize, seed, epoch, shuffle, bucket, startBatch }) yields Batch
 *   (+ indices); the order is a pure function of (seed, epoch). Buffers are reused between batches by default.
 *
 * Checks (sanity.ts, stats.ts): classCounts, checkSplits / checkClassBalance (one class → UserError; > 90 % →
 *   warning), majorityBaseline, splitStats (length percentiles, <unk> share, share longer than maxLen).
 */
export type { Example, Batch, LoadedData, DataProgress, EncodedSplit } from './types.ts';
export { loadDataset, TEST_FRACTION, type LoadOptions } from './load.ts';
export { DEFAULT_SEED } from './seed.ts';
export { loadAllRows, type AllRowsOptions } from './all-rows.ts';
export { datasetFingerprint, fingerprintPath, type DataFingerprint } from './fingerprint.ts';
export { locateImdb, downloadFile, imdbSource, cacheDir, sha256File, IMDB_URL, IMDB_SHA256, IMDB_SIZE, type DownloadSpec, type DownloadOptions } from './download.ts';
export { readImdbArchive, readImdbFolder, IMDB_LABELS } from './imdb.ts';
export { parseCsv, type CsvTable } from './csv.ts';
export { orderLabels, labelIndex } from './labels.ts';
export { stratifiedSplit, stratifiedSubset } from './split.ts';
export { basicEnglish, basicEnglishReference, forEachToken } from './tokenizer.ts';
export { Vocab, PAD, UNK, SPECIALS, compareCodePoints, type VocabOptions, type VocabJSON } from './vocab.ts';
export { DEFAULT_TRUNCATE, encodeSplit, buildVocab, prepareSplits, exampleIds, type EncodeOptions, type PrepareOptions, type PreparedData, type Truncate } from './encode.ts';
export { epochBatches, epochPlan, epochSeed, batchCount, BatchBuilder, type BatchOptions, type EpochBatch } from './batches.ts';
export { wordDropout } from './word-dropout.ts';
export { classCounts, checkClassBalance, checkSplits, majorityBaseline, MAJORITY_WARN_SHARE, type Baseline } from './sanity.ts';
export { splitStats, percentile, type SplitStats } from './stats.ts';
