#!/usr/bin/env node
// The rnnlab command. In a git checkout (src/ present) it runs the TypeScript sources through tsx, so what runs is
// always what is checked out (no build to forget, no stale dist/). In the installed package (src/ is not shipped) it
// runs the compiled dist/, without tsx. RNNLAB_BIN_DIST=1 makes a checkout run dist/ too (after `npm run build`),
// e.g. to time the published start-up.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source) && process.env.RNNLAB_BIN_DIST !== '1') {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}
