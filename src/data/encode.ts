/**
 * Text → token ids, once per split, into flat Int32Arrays (see EncodedSplit in types.ts).
 *
 * Rules: tokens from basicEnglish; unknown tokens → <unk> (1); sequences longer than maxLen are truncated:
 * `truncate: 'tail'` (the default, `--truncate tail`) keeps the LAST maxLen tokens, `truncate: 'head'` keeps the FIRST
 * maxLen. An empty token list is encoded as a single <unk> (length 1), so no sequence has length 0.
 *
 * `prepareSplits` is the fast path used by the CLI and trainer: it tokenizes every text exactly once, interning
 * tokens to provisional ids while counting training-set frequencies, builds the vocabulary from those counts, and
 * remaps ids, instead of tokenizing the training split twice (once for counting, once for encoding).
 */
import type { DataProgress, EncodedSplit, Example } from './types.ts';
import { forEachToken, scanTokens } from './tokenizer.ts';
import { TokenInterner } from './interner.ts';
import { UNK, Vocab, type VocabOptions } from './vocab.ts';

export type Truncate = 'head' | 'tail';

/** What `--truncate` and every caller that leaves it out get: the tail (a review's verdict is usually at its end). */
export const DEFAULT_TRUNCATE: Truncate = 'tail';

export interface EncodeOptions {
  /** Maximum sequence length (default 200). */
  maxLen?: number;
  /** Which part to keep when truncating: 'tail' = last maxLen tokens (default), 'head' = first maxLen. */
  truncate?: Truncate;
}

/** A growable Int32Array (amortized doubling) so millions of ids don't become a JS array of numbers. */
export class IntList {
  data = new Int32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
}

/** Raw (untruncated) ids of one split: example i is ids[offsets[i] .. offsets[i+1]). */
interface RawSplit {
  ids: Int32Array;
  offsets: Int32Array;
  labels: Int32Array;
}

/** Truncates, applies the empty-text rule and (optionally) maps provisional ids through `remap`. */
function finishSplit(raw: RawSplit, opts: EncodeOptions, remap?: Int32Array): EncodedSplit {
  const maxLen = opts.maxLen ?? 200;
  const tail = (opts.truncate ?? DEFAULT_TRUNCATE) === 'tail';
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new RangeError(`maxLen must be a positive integer, got ${maxLen}`);
  const count = raw.labels.length;
  const lengths = new Int32Array(count);
  const fullLengths = new Int32Array(count);
  const offsets = new Int32Array(count + 1);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const full = raw.offsets[i + 1]! - raw.offsets[i]!;
    fullLengths[i] = full;
    lengths[i] = full === 0 ? 1 : Math.min(full, maxLen);
    offsets[i] = total;
    total += lengths[i]!;
  }
  offsets[count] = total;
  const ids = new Int32Array(total);
  let unkCount = 0;
  for (let i = 0; i < count; i++) {
    const len = lengths[i]!;
    const from = tail ? raw.offsets[i + 1]! - len : raw.offsets[i]!;
    const at = offsets[i]!;
    if (fullLengths[i] === 0) {
      ids[at] = UNK;
      unkCount++;
      continue;
    }
    for (let t = 0; t < len; t++) {
      const id = remap ? remap[raw.ids[from + t]!]! : raw.ids[from + t]!;
      ids[at + t] = id;
      if (id === UNK) unkCount++;
    }
  }
  return { count, maxLen, ids, offsets, lengths, labels: raw.labels, fullLengths, unkCount };
}

/** Encodes one split with an existing vocabulary (e.g. one loaded with a saved model). */
export function encodeSplit(examples: readonly Example[], vocab: Vocab, opts: EncodeOptions = {}): EncodedSplit {
  const ids = new IntList();
  const offsets = new Int32Array(examples.length + 1);
  const labels = new Int32Array(examples.length);
  const stoi = vocab.stoi;
  const emit = (t: string): void => ids.push(stoi.get(t) ?? UNK);
  examples.forEach((ex, i) => {
    offsets[i] = ids.length;
    labels[i] = ex.label;
    forEachToken(ex.text, emit);
  });
  offsets[examples.length] = ids.length;
  return finishSplit({ ids: ids.data.subarray(0, ids.length), offsets, labels }, opts);
}

/** Builds a vocabulary from the training examples (tokenizing them with basicEnglish). */
export function buildVocab(train: readonly Example[], opts: VocabOptions = {}): Vocab {
  const counts = new Map<string, number>();
  const count = (t: string): void => { counts.set(t, (counts.get(t) ?? 0) + 1); };
  for (const ex of train) forEachToken(ex.text, count);
  return Vocab.fromCounts(counts, opts);
}

export interface PrepareOptions extends VocabOptions, EncodeOptions {
  onProgress?: (p: DataProgress) => void;
}

export interface PreparedData {
  vocab: Vocab;
  train: EncodedSplit;
  val: EncodedSplit;
  test: EncodedSplit;
  /** Seconds spent tokenizing, counting, building the vocabulary and encoding. */
  seconds: number;
}

/**
 * Tokenizes all three splits once, builds the vocabulary from the training split only, and encodes everything.
 * Same result as buildVocab(train) + encodeSplit(each split), faster.
 */
export function prepareSplits(
  splits: { train: readonly Example[]; val: readonly Example[]; test: readonly Example[] },
  opts: PrepareOptions = {},
): PreparedData {
  const t0 = performance.now();
  const interner = new TokenInterner(); // token → provisional id, in order of first sight
  let trainCounts = new Int32Array(1 << 16); // provisional id → training-set count
  const total = splits.train.length + splits.val.length + splits.test.length;
  let done = 0;

  const rawSplit = (examples: readonly Example[], isTrain: boolean): RawSplit => {
    const ids = new IntList();
    const offsets = new Int32Array(examples.length + 1);
    const labels = new Int32Array(examples.length);
    const range = (s: string, start: number, end: number): void => {
      const id = interner.intern(s, start, end);
      if (isTrain) {
        if (id >= trainCounts.length) {
          const c = new Int32Array(trainCounts.length * 2);
          c.set(trainCounts);
          trainCounts = c;
        }
        trainCounts[id]++;
      }
      ids.push(id);
    };
    for (let i = 0; i < examples.length; i++) {
      offsets[i] = ids.length;
      labels[i] = examples[i]!.label;
      scanTokens(examples[i]!.text, range);
      if (opts.onProgress && ++done % 1000 === 0) opts.onProgress({ phase: 'tokenize', done, total });
    }
    offsets[examples.length] = ids.length;
    return { ids: ids.data.subarray(0, ids.length), offsets, labels };
  };

  const train = rawSplit(splits.train, true);
  const val = rawSplit(splits.val, false);
  const test = rawSplit(splits.test, false);
  opts.onProgress?.({ phase: 'tokenize', done: total, total });

  const tokens = interner.tokens;
  const counts = new Map<string, number>();
  for (let id = 0; id < tokens.length; id++) if (trainCounts[id]! > 0) counts.set(tokens[id]!, trainCounts[id]!);
  const vocab = Vocab.fromCounts(counts, opts);
  const remap = new Int32Array(tokens.length);
  for (let id = 0; id < tokens.length; id++) remap[id] = vocab.id(tokens[id]!);

  return {
    vocab,
    train: finishSplit(train, opts, remap),
    val: finishSplit(val, opts, remap),
    test: finishSplit(test, opts, remap),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The token ids of example i (a view, no copy). */
export function exampleIds(split: EncodedSplit, i: number): Int32Array {
  return split.ids.subarray(split.offsets[i]!, split.offsets[i]! + split.lengths[i]!);
}
