/**
 * The vocabulary: token ↔ id. Built from the training split only.
 *
 * Order: `<pad>` = 0, `<unk>` = 1, then tokens by training-set frequency, most frequent first; ties broken by
 * comparing the tokens by Unicode code point, ascending (the order torchtext's build_vocab_from_iterator uses,
 * and independent of the order the examples were read in). `maxSize` counts the two specials; tokens seen fewer
 * than `minFreq` times are left out. A text token spelled "<pad>" or "<unk>" maps to the special of that name.
 *
 * Saved as JSON `{ "format": "rnnlab-vocab", "version": 1, "itos": [...] }` (the token list by index).
 */
import { UserError } from '../util/errors.ts';

export const PAD = 0;
export const UNK = 1;
export const SPECIALS = ['<pad>', '<unk>'] as const;

export interface VocabOptions {
  /** Maximum size including the specials (default 25,000). */
  maxSize?: number;
  /** Minimum training-set count for a token to be kept (default 1). */
  minFreq?: number;
}

export interface VocabJSON {
  format: 'rnnlab-vocab';
  version: 1;
  itos: string[];
}

/** Compares strings by Unicode code point (Python's str order), not UTF-16 code unit (JavaScript's `<`). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (astral code point) sorts after every BMP unit, including U+E000..U+FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

export class Vocab {
  /** Index → token. */
  readonly itos: readonly string[];
  /** Token → index. */
  readonly stoi: ReadonlyMap<string, number>;

  constructor(itos: readonly string[]) {
    if (itos[PAD] !== SPECIALS[PAD] || itos[UNK] !== SPECIALS[UNK]) {
      throw new UserError(`vocabulary must start with "<pad>", "<unk>"; got ${JSON.stringify(itos.slice(0, 2))}`);
    }
    const stoi = new Map<string, number>();
    itos.forEach((t, i) => {
      if (stoi.has(t)) throw new UserError(`vocabulary lists the token ${JSON.stringify(t)} twice`);
      stoi.set(t, i);
    });
    this.itos = itos;
    this.stoi = stoi;
  }

  get size(): number {
    return this.itos.length;
  }

  /** Builds from per-token counts (token → training-set count). */
  static fromCounts(counts: ReadonlyMap<string, number>, opts: VocabOptions = {}): Vocab {
    const maxSize = opts.maxSize ?? 25_000;
    const minFreq = opts.minFreq ?? 1;
    if (!Number.isInteger(maxSize) || maxSize < 2) throw new UserError(`--vocab-size must be an integer ≥ 2 (it counts <pad> and <unk>); got ${maxSize}`);
    if (!Number.isInteger(minFreq) || minFreq < 1) throw new UserError(`--min-freq must be an integer ≥ 1; got ${minFreq}`);
    const kept: [string, number][] = [];
    for (const [t, c] of counts) if (c >= minFreq && t !== SPECIALS[0] && t !== SPECIALS[1]) kept.push([t, c]);
    kept.sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
    const itos = [...SPECIALS, ...kept.slice(0, maxSize - SPECIALS.length).map((e) => e[0])];
    return new Vocab(itos);
  }

  /** Builds from token lists (one per training example). */
  static build(tokenLists: Iterable<readonly string[]>, opts: VocabOptions = {}): Vocab {
    const counts = new Map<string, number>();
    for (const list of tokenLists) for (const t of list) counts.set(t, (counts.get(t) ?? 0) + 1);
    return Vocab.fromCounts(counts, opts);
  }

  /** Token id, or UNK. */
  id(token: string): number {
    return this.stoi.get(token) ?? UNK;
  }

  /** Token ids for a token list (unknown tokens → UNK). No truncation, no empty-text rule: see encodeSplit. */
  encode(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.stoi.get(tokens[i]!) ?? UNK;
    return out;
  }

  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (i) => this.itos[i] ?? SPECIALS[UNK]);
  }

  toJSON(): VocabJSON {
    return { format: 'rnnlab-vocab', version: 1, itos: [...this.itos] };
  }

  /** Accepts the toJSON() object or a bare token list. */
  static fromJSON(json: unknown): Vocab {
    const itos = Array.isArray(json) ? json : (json as { itos?: unknown } | null)?.itos;
    if (!Array.isArray(itos) || !itos.every((t) => typeof t === 'string')) {
      throw new UserError('vocabulary JSON must be {"itos": [token, …]} (a list of strings by index); the file is not an rnnlab vocabulary');
    }
    return new Vocab(itos as string[]);
  }
}
