#!/usr/bin/env node
// `npm run build`: compiles src/ into dist/ (ESM JavaScript + .d.ts) for the published package, which runs
// without tsx. Steps: tsc -p tsconfig.build.json (relative imports rewritten .ts → .js); the same rewrite in the
// emitted .d.ts files, whose import paths tsc leaves as written; the WebAssembly kernels copied next to
// dist/nn/kernels.js, where kernels.ts looks for them. A checkout runs src/ through tsx and needs none of this.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2] ? join(process.cwd(), process.argv[2]) : join(root, 'dist');
rmSync(out, { recursive: true, force: true });

// typescript's package.json exports no bin path: find the package folder, then its bin/tsc
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

const walk = (dir) => readdirSync(dir, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
for (const file of walk(out).filter((f) => f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g, '$1$2$3.js$2');
  if (fixed !== text) writeFileSync(file, fixed);
}

const wasm = join('nn', 'kernels', 'kernels.wasm');
mkdirSync(dirname(join(out, wasm)), { recursive: true });
copyFileSync(join(root, 'src', wasm), join(out, wasm));
