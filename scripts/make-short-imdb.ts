/**
 * Short-text data sets from IMDB (issue 14, item 3): the FIRST SENTENCE of each review, sampled to 1,000, 3,000 and
 * 10,000 training texts, plus one test set of 5,000 first sentences from IMDB's own test reviews (so no test text
 * shares a review with a training text, and all three sizes are scored on the same test texts).
 *
 *   npx tsx scripts/make-short-imdb.ts [ARCHIVE] [OUT] [first|last]
 *     ARCHIVE  aclImdb_v1.tar.gz (default ../shared/data/imdb/aclImdb_v1-train-test.tar.gz, or $RNNLAB_IMDB)
 *     OUT      folder to write (default data/short-imdb, git-ignored)
 *     last     the LAST sentence of each review instead (files last-sentence-*): a second short-text set, to check
 *              on other texts a recipe that was chosen on the first-sentence sets
 *
 * Writes OUT/first-sentence-{1000,3000,10000}.train.jsonl, OUT/first-sentence.test.jsonl and
 * OUT/first-sentence.dev.jsonl (5,000 more training-half texts, for choosing a recipe without the test texts), one
 * {"text": …, "label": "neg" | "pos"} per line, each class half of every file. Then, e.g.:
 *   rnnlab baseline --dataset OUT/first-sentence-1000.train.jsonl --test OUT/first-sentence.test.jsonl
 *
 * First sentence: `<br />` breaks become spaces, then the text up to and including the first `.`, `!` or `?` that
 * is followed by white space or the end (the whole review when there is none), trimmed; reviews whose first sentence
 * is empty are skipped. Sampling: one seeded shuffle per class (seed 14), so the 1,000 set is inside the 3,000 set,
 * which is inside the 10,000 set.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readImdbArchive, IMDB_LABELS } from '../src/data/index.ts';
import type { Example } from '../src/data/types.ts';
import { Rng } from '../src/util/rng.ts';

const archive = process.argv[2] ?? process.env.RNNLAB_IMDB ?? '../shared/data/imdb/aclImdb_v1-train-test.tar.gz';
const out = process.argv[3] ?? 'data/short-imdb';
const SIZES = [1000, 3000, 10_000];
const TEST_SIZE = 5000;
const DEV_SIZE = 5000;

const which = process.argv[4] === 'last' ? 'last' : 'first';

/** `<br />` breaks and runs of white space become one space. */
function plainText(review: string): string {
  return review.replace(/<br\s*\/?>/gi, ' ').replace(/\s+/g, ' ').trim();
}

export function firstSentence(review: string): string {
  const text = plainText(review);
  const m = /^.*?[.!?](?=\s|$)/.exec(text);
  return (m ? m[0] : text).trim();
}

/** The last sentence: the text after the last `.`, `!` or `?` followed by white space that ends a non-empty sentence. */
export function lastSentence(review: string): string {
  const text = plainText(review);
  const parts = text.split(/(?<=[.!?])\s+/).filter((p) => p.trim() !== '');
  return (parts.length > 0 ? parts[parts.length - 1]! : text).trim();
}

/** Per class, the first sentences in a seeded random order. */
function shuffledByClass(examples: Example[], seed: number): Example[][] {
  const rng = new Rng(seed);
  const byClass: Example[][] = IMDB_LABELS.map(() => []);
  for (const e of examples) {
    const text = which === 'last' ? lastSentence(e.text) : firstSentence(e.text);
    if (text) byClass[e.label]!.push({ text, label: e.label });
  }
  for (const list of byClass) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
  }
  return byClass;
}

/** Writes `n` texts, half of each class, taken from position `from` of each class's list. */
function write(path: string, byClass: Example[][], n: number, from = 0): void {
  const rows = byClass.flatMap((list) => list.slice(from, from + n / 2));
  if (rows.length !== n) throw new Error(`${path}: only ${rows.length} texts for ${n}`);
  writeFileSync(path + '.tmp', rows.map((e) => JSON.stringify({ text: e.text, label: IMDB_LABELS[e.label] })).join('\n') + '\n');
  renameSync(path + '.tmp', path);
  const words = rows.reduce((a, e) => a + e.text.split(' ').length, 0) / n;
  console.log(`${path}: ${n} texts, ${words.toFixed(1)} words on average`);
}

const imdb = await readImdbArchive(archive);
mkdirSync(out, { recursive: true });
const train = shuffledByClass(imdb.train, 14);
for (const n of SIZES) write(join(out, `${which}-sentence-${n}.train.jsonl`), train, n);
// A development set for choosing a recipe without reading the test texts: 5,000 more texts of IMDB's training half,
// after the largest training set's (so disjoint from every training set; its films may recur there, as in a
// validation split, never in the test half).
write(join(out, `${which}-sentence.dev.jsonl`), train, DEV_SIZE, Math.max(...SIZES) / 2);
write(join(out, `${which}-sentence.test.jsonl`), shuffledByClass(imdb.test, 15), TEST_SIZE);
