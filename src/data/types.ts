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
