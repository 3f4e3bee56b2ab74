/**
 * Binarized bag of uni+bigrams over rnnlab's tokenizer (the same basic_english tokens the RNNs see), as a sparse
 * CSR matrix: row i lists, sorted and without repeats, the feature ids of every unigram and every pair of adjacent
 * tokens that occur in text i — x_ij = 1 when n-gram j occurs at least once, else 0 (Wang & Manning's x̂ = 1{f > 0}).
 *
 * The feature set is every uni- and bigram of the TRAINING texts (no frequency cut, no vocabulary cap, as in the
 * paper and scikit-learn's CountVectorizer(ngram_range=(1, 2), binary=True) default); n-grams first seen in val or
 * test are dropped. The whole text is used: the RNNs' --max-len truncation does not apply here.
 *
 * Tokens are interned straight from the text (TokenInterner, no string per token); a bigram is looked up by its two
 * token ids in PairTable, an open-addressing hash table over Int32Arrays (a Map keyed by a·2^26 + b took 3× as
 * long on IMDB: keys above 2^31 are heap numbers).
 */
import { scanTokens } from '../data/tokenizer.ts';
import { TokenInterner } from '../data/interner.ts';
import { IntList } from '../data/encode.ts';

/** Rows of a binary sparse matrix: row i's column ids are indices[indptr[i] .. indptr[i+1]), ascending. */
export interface BinaryRows {
  rows: number;
  indptr: Int32Array;
  indices: Int32Array;
}

/** (a, b) → id for non-negative int pairs; linear probing, at most half full. */
class PairTable {
  private a = new Int32Array(1 << 16).fill(-1);
  private b = new Int32Array(1 << 16);
  private v = new Int32Array(1 << 16);
  private mask = (1 << 16) - 1;
  private count = 0;

  private slot(x: number, y: number): number {
    let h = Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    let s = h & this.mask;
    while (this.a[s] !== -1 && (this.a[s] !== x || this.b[s] !== y)) s = (s + 1) & this.mask;
    return s;
  }

  /** The id of (x, y), or −1. */
  get(x: number, y: number): number {
    const s = this.slot(x, y);
    return this.a[s] === -1 ? -1 : this.v[s]!;
  }

  set(x: number, y: number, id: number): void {
    const s = this.slot(x, y);
    if (this.a[s] === -1) this.count++;
    this.a[s] = x;
    this.b[s] = y;
    this.v[s] = id;
    if (this.count * 2 > this.a.length) this.grow();
  }

  private grow(): void {
    const { a, b, v } = this;
    const size = a.length * 2;
    this.a = new Int32Array(size).fill(-1);
    this.b = new Int32Array(size);
    this.v = new Int32Array(size);
    this.mask = size - 1;
    for (let s = 0; s < a.length; s++) {
      if (a[s] === -1) continue;
      const t = this.slot(a[s]!, b[s]!);
      this.a[t] = a[s]!;
      this.b[t] = b[s]!;
      this.v[t] = v[s]!;
    }
  }
}

export class NgramFeatures {
  private readonly interner = new TokenInterner();
  /** token id → unigram feature id (−1: not a feature). Grows with the interner. */
  private unigram = new Int32Array(1 << 12).fill(-1);
  private readonly bigram = new PairTable();
  /** feature id → [first token id, second token id or −1]; kept to name features (tests, inspection). */
  private readonly first = new IntList();
  private readonly second = new IntList();
  private frozen = false;

  /** Number of features (distinct training uni+bigrams); 0 before fit. */
  get size(): number {
    return this.first.length;
  }

  /** Learns the feature set from the training texts and returns their rows. Call once. */
  fit(texts: Iterable<string>): BinaryRows {
    if (this.frozen) throw new Error('NgramFeatures.fit called twice');
    const rows = this.rows(texts, true);
    this.frozen = true;
    return rows;
  }

  /** Rows of other texts over the fitted feature set (unseen n-grams dropped). */
  transform(texts: Iterable<string>): BinaryRows {
    if (!this.frozen) throw new Error('NgramFeatures.transform before fit');
    return this.rows(texts, false);
  }

  /** Feature j as text: the token, or the two tokens joined by one space (scikit-learn's spelling). */
  name(j: number): string {
    const a = this.interner.tokens[this.first.data[j]!]!;
    const b = this.second.data[j]!;
    return b < 0 ? a : `${a} ${this.interner.tokens[b]!}`;
  }

  private unigramId(tok: number, add: boolean): number {
    if (tok >= this.unigram.length) {
      const grown = new Int32Array(Math.max(this.unigram.length * 2, tok + 1)).fill(-1);
      grown.set(this.unigram);
      this.unigram = grown;
    }
    let f = this.unigram[tok]!;
    if (f < 0 && add) {
      f = this.first.length;
      this.first.push(tok);
      this.second.push(-1);
      this.unigram[tok] = f;
    }
    return f;
  }

  private bigramId(a: number, b: number, add: boolean): number {
    let f = this.bigram.get(a, b);
    if (f < 0) {
      if (!add) return -1;
      f = this.first.length;
      this.first.push(a);
      this.second.push(b);
      this.bigram.set(a, b, f);
    }
    return f;
  }

  private rows(texts: Iterable<string>, add: boolean): BinaryRows {
    const indices = new IntList();
    const starts = new IntList();
    let prev = -1;
    const onToken = (s: string, start: number, end: number): void => {
      const tok = this.interner.intern(s, start, end);
      const u = this.unigramId(tok, add);
      if (u >= 0) indices.push(u);
      if (prev >= 0) {
        const g = this.bigramId(prev, tok, add);
        if (g >= 0) indices.push(g);
      }
      prev = tok;
    };
    for (const text of texts) {
      const from = indices.length;
      starts.push(from);
      prev = -1;
      scanTokens(text, onToken);
      // binarize: sort the row's ids and drop repeats
      const row = indices.data.subarray(from, indices.length).sort();
      let n = 0;
      for (let k = 0; k < row.length; k++) if (k === 0 || row[k] !== row[k - 1]) row[n++] = row[k]!;
      indices.length = from + n;
    }
    const count = starts.length;
    const indptr = new Int32Array(count + 1);
    indptr.set(starts.data.subarray(0, count));
    indptr[count] = indices.length;
    return { rows: count, indptr, indices: indices.data.slice(0, indices.length) };
  }
}
