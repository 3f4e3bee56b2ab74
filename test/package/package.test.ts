/**
 * The published package, as a user gets it: `npm pack` (which builds dist/ through prepack), the tarball installed
 * into a fresh project, then plain Node.js (no tsx) imports the API, trains, saves, loads and predicts; a TypeScript
 * file type-checks against the shipped .d.ts (and a wrong call does not); the installed `rnnlab` bin runs; README's
 * library example runs as written.
 *
 * Installing offline: the project gets a package-lock.json made of rnnlab's tarball plus the non-dev entries of this
 * repository's lock (resolved URLs and integrity), so `npm ci --prefer-offline` takes every tarball from the npm cache
 * that `npm ci` filled and needs the network only for one that is missing. It also proves `dependencies` is
 * complete: dev-only packages (tsx, typescript, …) are not installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, {
    cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', ...env }, timeout: 120_000,
  });
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Plain node, none of the test runner's flags (its --import tsx above all). */
function node(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return run(process.execPath, args, cwd, env);
}

/** The ```js block after README's library-example marker. */
export function readmeExample(readme: string): string {
  const at = readme.indexOf('<!-- library-example');
  assert.ok(at >= 0, 'README has a library-example marker');
  const m = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(m, 'a ```js block follows the marker');
  return m[1]!;
}

describe('the npm package', () => {
  let tmp = '';
  let proj = '';
  let files: string[] = [];

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'rnnlab-pack-'));
    const packed = JSON.parse(ok(run(NPM, ['pack', '--json', '--pack-destination', tmp], REPO), 'npm pack')) as
      { filename: string; files: { path: string }[] }[];
    files = packed[0]!.files.map((f) => f.path);
    const tgz = join(tmp, packed[0]!.filename);

    proj = join(tmp, 'consumer');
    mkdirSync(proj);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
    const spec = `file:${tgz}`;
    const packages: Record<string, unknown> = {
      '': { name: 'consumer', dependencies: { rnnlab: spec } },
      'node_modules/rnnlab': {
        version: pkg.version, resolved: spec, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin,
        engines: pkg.engines,
        integrity: `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`,
      },
    };
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (key.startsWith('node_modules/') && !entry.dev && !entry.devOptional) packages[key] = entry;
    }
    writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { rnnlab: spec } }));
    writeFileSync(join(proj, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }));
    ok(run(NPM, ['ci', '--prefer-offline', '--no-audit', '--no-fund'], proj), 'npm ci in the consumer project');
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('ships the compiled code, its types and the kernels, and no sources, tests, fixtures or scripts', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/nn/kernels/kernels.wasm', 'dist/cli/main.js', 'bin/rnnlab.js', 'package.json']) {
      assert.ok(files.includes(f), `${f} is in the tarball`);
    }
    const unwanted = files.filter((f) => /^(src|test|fixtures|scripts|assembly|docs|\.ci)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'));
    assert.deepEqual(unwanted, []);
    assert.ok(!existsSync(join(proj, 'node_modules', 'tsx')), 'tsx (a dev dependency) is not installed');
  });

  it('imports in plain Node.js, trains, saves, loads and predicts', () => {
    const rows = ['text,label'];
    for (let i = 0; i < 120; i++) rows.push(`the film was ${i % 2 ? 'great' : 'awful'} really,${i % 2 ? 'pos' : 'neg'}`);
    writeFileSync(join(proj, 'data.csv'), rows.join('\n') + '\n');
    writeFileSync(join(proj, 'use.mjs'), `
import { train, loadModel, RnnClassifier, createOptimizer, VERSION } from 'rnnlab';
const seen = [];
const r = await train({ out: 'run', dataset: 'data.csv', arch: 'gru', epochs: 2, hidden: 8, embed: 8, onEpoch: (e) => seen.push(e.epoch) });
const model = loadModel('run');
const p = model.predict(['great', 'awful']);
console.log(JSON.stringify({ status: r.status, seen, labels: p.map((x) => x.label), prob: p[0].probability,
  classes: model.labels, blocks: typeof RnnClassifier === 'function' && typeof createOptimizer === 'function', VERSION }));
`);
    const out = JSON.parse(ok(node(['use.mjs'], proj), 'use.mjs').trim().split('\n').pop()!) as Record<string, unknown>;
    assert.equal(out.status, 'ok');
    assert.deepEqual(out.seen, [0, 1, 2]);
    assert.deepEqual(out.classes, ['neg', 'pos']);
    assert.equal((out.labels as string[]).length, 2);
    assert.ok((out.prob as number) >= 0.5 && (out.prob as number) <= 1);
    assert.equal(out.blocks, true);
    assert.equal(out.VERSION, (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version);
    assert.ok(existsSync(join(proj, 'run', 'model.safetensors')));
  });

  it('type-checks a TypeScript project against the shipped .d.ts, and rejects a wrong call', () => {
    const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
    writeFileSync(join(proj, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true,
        skipLibCheck: false, types: ['node'], typeRoots: [join(REPO, 'node_modules', '@types')],
      },
      files: ['check.ts'],
    }));
    writeFileSync(join(proj, 'check.ts'), `
import { train, loadModel, type RunOutcome, type Prediction, type TrainCallOptions } from 'rnnlab';
const options: TrainCallOptions = { out: 'run', dataset: 'data.csv', arch: 'lstm', epochs: 1, signal: new AbortController().signal };
const outcome: RunOutcome = await train(options);
const best: number | null = outcome.bestEpoch;
const preds: Prediction[] = loadModel('run').predict(['text']);
const label: string = preds[0]!.label;
export { best, label };
`);
    ok(node([tsc, '-p', 'tsconfig.json'], proj), 'tsc on check.ts');
    // negative control: the types are real, not `any`
    writeFileSync(join(proj, 'check.ts'), `
import { train } from 'rnnlab';
await train({ out: 42, arch: 'transformer' });
`);
    const bad = node([tsc, '-p', 'tsconfig.json'], proj);
    assert.notEqual(bad.status, 0, 'a wrong call must not type-check');
    assert.match(bad.stdout, /check\.ts/);
  });

  it('runs the installed rnnlab bin without tsx', () => {
    const bin = join(proj, 'node_modules', 'rnnlab', 'bin', 'rnnlab.js');
    const version = ok(node([bin, '--version'], proj), 'rnnlab --version').trim();
    assert.equal(version, (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version);
    assert.match(ok(node([bin, 'train', '--help'], proj), 'rnnlab train --help'), /--embeddings <file>/);
  });

  it("runs README's library example as written", () => {
    const dir = join(proj, 'readme');
    mkdirSync(dir);
    writeFileSync(join(dir, 'example.mjs'), readmeExample(readFileSync(join(REPO, 'README.md'), 'utf8')));
    // the TypeScript GEMM: the same numbers on every CPU
    const out = ok(node(['example.mjs'], dir, { RNNLAB_BLAS: 'typescript' }), 'README example');
    assert.match(out, /^epoch 3: val accuracy /m);
    // the toy task is one word: the trained model gets both texts right
    assert.match(out, /^ok: test accuracy 1$/m);
    assert.match(out, /^pos 0\.9\d\d\nneg 0\.9\d\d\n?$/m);
  });
});
