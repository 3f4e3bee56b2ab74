/** sha256 over a folder's files (relative path + bytes), to assert that a command left a run directory unchanged. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export function hashDir(root: string): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        h.update(relative(root, p) + '\0');
        h.update(readFileSync(p));
      }
    }
  };
  walk(root);
  return h.digest('hex');
}
