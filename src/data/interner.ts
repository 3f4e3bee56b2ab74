/**
 * Token → dense id, looked up straight from a range of the source string.
 *
 * WHY not a Map<string, number>: a Map needs a string key, and slicing 13 million tokens out of the IMDB reviews
 * (then hashing each new string) took ~4 s of the 10 s budget. Here the hash (FNV-1a over UTF-16 code units) is
 * computed from the range in place, collisions are resolved by comparing the range with the stored token
 * (`startsWith` at an offset, no allocation), and a string is sliced only the first time a token is seen.
 * Open addressing, linear probing, table kept at most half full.
 */
export class TokenInterner {
  /** id → token. */
  readonly tokens: string[] = [];
  private hashes = new Int32Array(1 << 12); // id → hash
  private table = new Int32Array(1 << 14).fill(-1); // slot → id, -1 empty
  private mask = (1 << 14) - 1;

  get size(): number {
    return this.tokens.length;
  }

  /** The id of s.slice(start, end), adding it if new. */
  intern(s: string, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    const len = end - start;
    const table = this.table;
    let slot = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const id = table[slot]!;
      if (id < 0) break;
      if (this.hashes[id] === h) {
        const t = this.tokens[id]!;
        if (t.length === len && s.startsWith(t, start)) return id;
      }
      slot = (slot + 1) & this.mask;
    }
    const id = this.tokens.length;
    // Copy, don't keep a V8 "sliced string" that would pin the whole review in memory.
    const token = len > 12 ? ` ${s.slice(start, end)}`.slice(1) : s.slice(start, end);
    this.tokens.push(token);
    if (id === this.hashes.length) {
      const grown = new Int32Array(id * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[id] = h;
    table[slot] = id;
    if (this.tokens.length * 2 > table.length) this.grow();
    return id;
  }

  /** The id of a whole string, adding it if new. */
  id(token: string): number {
    return this.intern(token, 0, token.length);
  }

  private grow(): void {
    const size = this.table.length * 2;
    const table = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let id = 0; id < this.tokens.length; id++) {
      const h = this.hashes[id]!;
      let slot = (h ^ (h >>> 15)) & mask;
      while (table[slot]! >= 0) slot = (slot + 1) & mask;
      table[slot] = id;
    }
    this.table = table;
    this.mask = mask;
  }
}
