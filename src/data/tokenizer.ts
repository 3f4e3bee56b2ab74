/**
 * torchtext's `basic_english` tokenizer, ported exactly (torchtext 0.14, torchtext/data/utils.py):
 *
 *   line = line.lower()
 *   for pattern, replacement in [(r"\'", " '  "), (r"\"", ""), (r"\.", " . "), (r"<br \/>", " "), (r",", " , "),
 *                                (r"\(", " ( "), (r"\)", " ) "), (r"\!", " ! "), (r"\?", " ? "), (r"\;", " "),
 *                                (r"\:", " "), (r"\s+", " ")]:
 *       line = re.sub(pattern, replacement, line)
 *   return line.split()
 *
 * Two JS-vs-Python traps, both covered by fixtures/tokenizer-basic-english.json (made by torchtext itself, see
 * scripts/torchtext-ref.py):
 *  - Python's `\s` and `str.split()` use str.isspace(), which includes U+001C..U+001F and U+0085 but not U+FEFF;
 *    JavaScript's `\s` is the other way round. PY_SPACE below is Python's set, verified code point by code point.
 *  - `.lower()` vs `.toLowerCase()`: both apply Unicode's full case mapping (İ → i̇, final sigma). They differ only
 *    on letters added after Unicode 14 (Python 3.11's tables), e.g. U+1C89; those are left to the runtime.
 *
 * `basicEnglish` is a single pass instead of twelve: after lower-casing and deleting `"` (the only replacement that
 * can join text, so it must run first: `<br "/>` becomes a break), every remaining pattern is one fixed character
 * or `<br />`, and no replacement's output can form or break another pattern, so scanning once and cutting tokens
 * gives the same result. `basicEnglishReference` is the literal twelve-regex port; tests check the two agree.
 */

/** Python's whitespace (str.isspace / re `\s` on str): all in the BMP, the highest is U+3000. */
const PY_SPACE_CODES = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
  0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
];
const PY_SPACE_CLASS = '[' + PY_SPACE_CODES.map((c) => '\\u' + c.toString(16).padStart(4, '0')).join('') + ']';

// Character classes for the single pass.
const WORD = 0; // part of a token
const SEP = 1; // ends the current token (whitespace, ';', ':')
const PUNCT = 2; // ends the current token and is a token itself: ' . , ( ) ! ?
const LT = 3; // '<': a token character unless it starts "<br />"
const CLASS = new Uint8Array(0x3001);
for (const c of PY_SPACE_CODES) CLASS[c] = SEP;
for (const ch of ';:') CLASS[ch.charCodeAt(0)] = SEP;
for (const ch of "'.,()!?") CLASS[ch.charCodeAt(0)] = PUNCT;
CLASS['<'.charCodeAt(0)] = LT;
/** The text as basic_english sees it: lower-cased, with every `"` deleted (see above for why first). */
export function normalizeForTokens(text: string): string {
  const s = text.toLowerCase();
  return s.includes('"') ? s.replaceAll('"', '') : s;
}

/**
 * Calls `range(s, start, end)` for each token, where token = s.slice(start, end) and s = normalizeForTokens(text).
 * Hands out ranges instead of strings so that a caller that only needs ids (TokenInterner) allocates nothing.
 */
export function scanTokens(text: string, range: (s: string, start: number, end: number) => void): void {
  const s = normalizeForTokens(text);
  const n = s.length;
  let start = -1; // start of the current token, -1 when between tokens
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const cls = c <= 0x3000 ? CLASS[c] : WORD;
    if (cls === WORD) {
      if (start < 0) start = i;
    } else if (cls === SEP) {
      if (start >= 0) { range(s, start, i); start = -1; }
    } else if (cls === PUNCT) {
      if (start >= 0) { range(s, start, i); start = -1; }
      range(s, i, i + 1);
    } else if (s.startsWith('<br />', i)) {
      if (start >= 0) { range(s, start, i); start = -1; }
      i += 5;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) range(s, start, n);
}

/** Calls `emit` with each basic_english token of `text`, in order. */
export function forEachToken(text: string, emit: (token: string) => void): void {
  scanTokens(text, (s, a, b) => emit(s.slice(a, b)));
}

/** torchtext's basic_english: lower-cased word and punctuation tokens. */
export function basicEnglish(text: string): string[] {
  const out: string[] = [];
  forEachToken(text, (t) => out.push(t));
  return out;
}

const REFERENCE_RULES: [RegExp, string][] = [
  [/'/g, " '  "], [/"/g, ''], [/\./g, ' . '], [/<br \/>/g, ' '], [/,/g, ' , '], [/\(/g, ' ( '], [/\)/g, ' ) '],
  [/!/g, ' ! '], [/\?/g, ' ? '], [/;/g, ' '], [/:/g, ' '], [new RegExp(PY_SPACE_CLASS + '+', 'g'), ' '],
];
const PY_SPLIT = new RegExp(PY_SPACE_CLASS + '+');

/** The literal port (twelve regex passes, then Python's str.split()); slower, kept as the tests' second opinion. */
export function basicEnglishReference(text: string): string[] {
  let line = text.toLowerCase();
  for (const [re, rep] of REFERENCE_RULES) line = line.replace(re, rep);
  return line.split(PY_SPLIT).filter((t) => t.length > 0);
}
