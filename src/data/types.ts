/**
 * The data pipeline's output, consumed by the trainer and the model.
 */

/** One labelled text after loading (before tokenizing). */
export interface Example {
  text: string;
  /** Class index into Dataset.labels. */
  label: number;
  /** Optional provenance: IMDB review id and star rating, or the source line/file. */
  id?: string;
  rating?: number;
  /** Optional: what the example belongs to (IMDB: its film), for a validation split of whole groups (--val-groups). */
  group?: string;
}

/** A padded batch, batch-major: tokens[b * maxLen + t] is the t-th token id of example b (0 = <pad>). */
export interface Batch {
  size: number;
  maxLen: number;
  tokens: Int32Array;
  /** True length of each sequence, 1 ≤ lengths[b] ≤ maxLen (an empty text is encoded as a single <unk>). */
  lengths: Int32Array;
  /** Class index per example. */
  labels: Int32Array;
}

/** A data set after loading: texts with class indices, split three ways, not yet tokenized. */
export interface LoadedData {
  /** Short name: 'imdb', or the data set file/folder's base name. */
  name: string;
  /** Where the data came from: path or URL, plus the archive's sha256 where known. */
  description: string;
  /** Class index → label string (IMDB: ['neg', 'pos']). The trainer saves this with the model. */
  labels: string[];
  train: Example[];
  /** Carved from the training data (seeded, stratified) for early stopping and model selection. */
  val: Example[];
  /** Untouched until evaluation: the data set's own test split, `--test PATH`, or a seeded stratified hold-out. */
  test: Example[];
  /** Seconds spent reading and parsing (not tokenizing). */
  loadSeconds: number;
  /** Label sanity warnings (a class above 90 % of a split, a class missing from a split); print them. */
  warnings: string[];
}

/** Progress report while loading: `done` of `total` units (bytes or files), total 0 when unknown. */
export interface DataProgress {
  phase: 'download' | 'read' | 'tokenize';
  done: number;
  total: number;
}

/**
 * One split, tokenized and encoded once into flat arrays; batches are cut from it by index.
 * Example i's token ids (already truncated to maxLen, never empty) are ids[offsets[i] .. offsets[i] + lengths[i]).
 */
export interface EncodedSplit {
  count: number;
  /** The truncation length used; every lengths[i] is in 1..maxLen. */
  maxLen: number;
  ids: Int32Array;
  offsets: Int32Array;
  lengths: Int32Array;
  labels: Int32Array;
  /** Token count before truncation (0 for an empty text), for length statistics. */
  fullLengths: Int32Array;
  /** Number of <unk> ids in `ids` (after truncation). */
  unkCount: number;
}
