/** Shared fixtures for the data tests: tiny IMDB-layout trees and archives written to a temp folder. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';

export function tempDir(prefix = 'rnnlab-data-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Review text for (split, label, id): positive reviews say "great", negative ones "awful". */
export function reviewText(split: string, label: 'pos' | 'neg', id: number): string {
  return `${split} review ${id}: this film was ${label === 'pos' ? 'great, really great!' : 'awful.<br /><br />Just awful'} (${id})`;
}

/**
 * Writes root/aclImdb/{train,test}/{pos,neg}/{id}_{rating}.txt with `perClass` reviews each, plus the extra files
 * the official archive has (README, urls, unsup/) that the reader must ignore. Returns the aclImdb folder.
 */
/** The film (IMDb title id) writeImdbTree gives review `id` of either label in `split`. */
export function filmOf(split: string, id: number): string {
  return `tt${split === 'train' ? 1 : 2}${String(Math.floor(id / 2)).padStart(6, '0')}`;
}

export function writeImdbTree(root: string, perClass = 3, opts: { unsup?: boolean; badUtf8?: boolean } = {}): string {
  const top = join(root, 'aclImdb');
  writeFileSync(join((mkdirSync(top, { recursive: true }), top), 'README'), 'readme');
  for (const split of ['train', 'test']) {
    for (const label of ['pos', 'neg'] as const) {
      const dir = join(top, split, label);
      mkdirSync(dir, { recursive: true });
      for (let id = 0; id < perClass; id++) {
        const rating = label === 'pos' ? 7 + (id % 4) : 1 + (id % 4);
        writeFileSync(join(dir, `${id}_${rating}.txt`), reviewText(split, label, id));
      }
      // line i: the film of review i, as in aclImdb; reviews 2k and 2k+1 of either label share a film
      const urls = Array.from({ length: perClass }, (_, id) => `http://www.imdb.com/title/${filmOf(split, id)}/usercomments`);
      writeFileSync(join(top, split, `urls_${label}.txt`), urls.join('\n') + '\n');
    }
  }
  if (opts.unsup) {
    mkdirSync(join(top, 'train', 'unsup'), { recursive: true });
    writeFileSync(join(top, 'train', 'unsup', '0_0.txt'), 'unlabelled');
  }
  if (opts.badUtf8) writeFileSync(join(top, 'train', 'pos', '99_9.txt'), Buffer.from([0x61, 0x0a, 0x62, 0xff, 0x63]));
  return top;
}

/** Packs root/aclImdb into root/<name> (.tar.gz). */
export async function packTarGz(root: string, name = 'imdb.tar.gz', entries = ['aclImdb']): Promise<string> {
  const file = join(root, name);
  await create({ gzip: true, file, cwd: root, portable: true }, entries);
  return file;
}
