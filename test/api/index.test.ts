/**
 * src/index.ts, the package root: importing it has no side effects (no environment read that can throw, no BLAS or
 * WebAssembly loaded, no signal handler), and the names README promises are exported. Each check runs in a fresh
 * Node.js process, since module state is per process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function child(code: string, env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('importing the package root reads no environment, loads no BLAS or WebAssembly, installs no signal handler', () => {
  const code = `
    import { createRequire } from 'node:module';
    const Module = WebAssembly.Module;
    let compiled = 0;
    WebAssembly.Module = function (bytes) { compiled++; return new Module(bytes); };
    const before = ['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s));
    const api = await import('./src/index.ts');
    const after = ['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s));
    const koffi = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('koffi'));
    const out = { before, after, compiled, koffi };
    // first use: the kernels compile (the embedding gather), then the first GEMM reads RNNLAB_BLAS: a UserError
    const model = new api.RnnClassifier({ arch: 'gru', vocabSize: 5, embed: 2, hidden: 2, numLayers: 1,
      bidirectional: false, dropout: 0, numClasses: 2, pooling: 'last' }, 1);
    try {
      model.forward({ size: 1, maxLen: 1, tokens: Int32Array.of(2), lengths: Int32Array.of(1), labels: Int32Array.of(0) }, false);
      out.blas = 'loaded';
    } catch (e) { out.blas = api.isUserError(e) ? e.message : 'other: ' + e; }
    out.compiledAfterUse = compiled;
    console.log(JSON.stringify(out));
  `;
  const r = child(code, { RNNLAB_BLAS: '/nonexistent/libblas.so', RNNLAB_BLAS_THREADS: 'many', RNNLAB_BLAS_PARALLEL_MIN: '-1' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
  assert.deepEqual(out.after, out.before);
  assert.equal(out.compiled, 0, 'no WebAssembly compiled at import');
  assert.equal(out.koffi, false, 'koffi (the BLAS binding) not loaded at import');
  assert.equal(out.compiledAfterUse, 1);
  assert.match(String(out.blas), /^RNNLAB_BLAS=\/nonexistent\/libblas\.so could not be used/);
});

test('the package root exports the documented API', async () => {
  const api = await import('../../src/index.ts');
  for (const name of [
    'train', 'loadModel', 'evaluate', 'runExperiment', 'Model', 'loadDataset', 'basicEnglish', 'Vocab', 'prepareSplits',
    'encodeSplit', 'epochBatches', 'loadEmbeddings', 'RnnClassifier', 'classificationLoss', 'balancedClassWeights',
    'probabilities', 'createOptimizer', 'createScheduler', 'clipGradNorm', 'blasInfo', 'setBlasThreads', 'trainRun',
    'saveSafetensors', 'loadSafetensors', 'UserError', 'VERSION',
  ]) {
    assert.ok(name in api, `${name} is exported`);
  }
});

test('train() checks its options like the CLI: one-line UserErrors', async () => {
  const { train, isUserError } = await import('../../src/index.ts');
  const err = async (opts: unknown, re: RegExp): Promise<void> => {
    await assert.rejects(train(opts as Parameters<typeof train>[0]), (e: unknown) => isUserError(e) && re.test((e as Error).message));
  };
  await err({}, /give `out`/);
  await err({ out: '/tmp/x', arch: 'transformer' }, /--arch must be one of rnn, gru, lstm/);
  await err({ out: '/tmp/x', dataset: '/nonexistent.csv', epochs: 0 }, /--epochs must be ≥ 1/);
  await err({ out: '/tmp/x', preset: 'fast' }, /unknown --preset 'fast'; use strong/);
  await err({ out: '/tmp/x', valGroups: 'actor' }, /--val-groups/);
  await err({ out: '/tmp/x', wordDropout: 1 }, /--word-dropout must be in \[0, 1\)/);
});

test('train({ preset }) fills what the caller left out, as `rnnlab train --preset` does; given settings win', async () => {
  const { train } = await import('../../src/index.ts');
  const { tmpDir, writeSyntheticCsv } = await import('../train/helpers.ts');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const root = tmpDir('rnnlab-api-preset-');
  const csv = writeSyntheticCsv(root, 80);
  const out = join(root, 'run');
  const r = await train({ out, dataset: csv, preset: 'strong', hidden: 4, embed: 4, epochs: 1, baseline: false });
  assert.equal(r.status, 'ok');
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.equal(config.train.pooling, 'last+max+mean');
  assert.equal(config.train.bidirectional, true);
  assert.equal(config.train.embedDropout, 0.3);
  assert.equal(config.data.spec.prepare.maxLen, 400);
  assert.equal(config.train.epochs, 1, 'the caller\'s epochs win');
  assert.equal(config.train.hidden, 4);
  // every key of the small preset reaches the run through the library too (the weight average and word dropout)
  const small = join(root, 'small');
  assert.equal((await train({ out: small, dataset: csv, preset: 'small', hidden: 4, embed: 4, epochs: 1, baseline: false })).status, 'ok');
  const smallConfig = JSON.parse(readFileSync(join(small, 'config.json'), 'utf8'));
  assert.equal(smallConfig.train.ema, 0.99);
  assert.equal(smallConfig.train.wordDropout, 0.25);
  assert.equal(smallConfig.train.select, 'val-accuracy');
});

test('train → loadModel → predict / evaluate, and runExperiment with a signal and no signal handlers of its own', async () => {
  const { train, loadModel, evaluate, runExperiment } = await import('../../src/index.ts');
  const { tmpDir, writeSyntheticCsv } = await import('../train/helpers.ts');
  const { Writable } = await import('node:stream');
  const { join } = await import('node:path');
  const root = tmpDir('rnnlab-api-');
  const csv = writeSyntheticCsv(root, 120);
  const epochs: number[] = [];
  const out = await train({ out: join(root, 'run'), dataset: csv, hidden: 8, embed: 8, epochs: 2, maxLen: 20, onEpoch: (e) => epochs.push(e.epoch) });
  assert.equal(out.status, 'ok');
  assert.deepEqual(epochs, [0, 1, 2]);
  const model = loadModel(join(root, 'run'));
  assert.deepEqual(model.labels, ['neg', 'pos']);
  const preds = model.predict(['great', 'awful film']);
  assert.equal(preds.length, 2);
  const m1 = await model.evaluate();
  assert.equal(m1.accuracy, out.metrics!.accuracy, 'evaluate() on the recorded data = the run\'s test metrics');
  assert.equal((await evaluate(join(root, 'run'))).accuracy, m1.accuracy);
  // the recorded split cannot be changed from the library either (a new seed would score training rows)
  await assert.rejects(model.evaluate({ seed: 7 }), /--seed does not apply: the run's own data set/);
  await assert.rejects(model.evaluate({ limit: 10 }), /limit does not apply/);

  // the caller's signal stops the grid (aborted at its first epoch line); no SIGINT/SIGTERM listener is added
  const before = process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');
  let during = before;
  const ac = new AbortController();
  const sink = new Writable({
    write(chunk, _e, done) {
      during = Math.max(during, process.listenerCount('SIGINT') + process.listenerCount('SIGTERM'));
      if (/epoch 0\//.test(String(chunk))) ac.abort();
      done();
    },
  });
  const summary = await runExperiment({
    out: join(root, 'grid'), dataset: csv, archs: ['rnn'], optimizers: ['adam'], hidden: 4, embed: 4, epochs: 1,
    signal: ac.signal, stdout: sink, stderr: sink as unknown as NodeJS.WriteStream,
  });
  assert.equal(summary.interrupted, true);
  assert.equal(during, before);
});

test('runExperiment({ lrSearch, seeds }) runs the fair comparison as the CLI does; bad values are one-line UserErrors', async () => {
  const { runExperiment } = await import('../../src/index.ts');
  const { tmpDir, writeSyntheticCsv } = await import('../train/helpers.ts');
  const { Writable } = await import('node:stream');
  const { join } = await import('node:path');
  const { readFileSync } = await import('node:fs');
  const root = tmpDir('rnnlab-api-study-');
  const csv = writeSyntheticCsv(root, 160);
  const sink = new Writable({ write(_c, _e, done) { done(); } });
  const base = { dataset: csv, archs: ['rnn'], optimizers: ['adam'], hidden: 4, embed: 4, epochs: 2, maxLen: 16,
    baseline: false, stdout: sink, stderr: sink as unknown as NodeJS.WriteStream };
  const summary = await runExperiment({ ...base, out: join(root, 'fair'), lrSearch: 'halving', seeds: 2,
    config: { lrGrid: { adam: [0.001, 0.01] } } });
  assert.equal(summary.interrupted, false);
  const r = JSON.parse(readFileSync(join(root, 'fair', 'results.json'), 'utf8'));
  assert.equal(r.study.lrSearch, 'halving');
  assert.equal(r.cells[0].runs.length, 2);
  assert.ok(r.cells[0].lrSearch.some((t: { lr: number }) => t.lr === 0.01), 'the config\'s grid was searched');
  await assert.rejects(runExperiment({ ...base, out: join(root, 'x'), lrSearch: 'grid' as never }), /^UserError: lrSearch must be one of off, halving/);
  await assert.rejects(runExperiment({ ...base, out: join(root, 'x'), seeds: 0 }), /seeds must be a whole number from 1 to 50/);
  await assert.rejects(runExperiment({ ...base, out: join(root, 'x'), seeds: 2, raceTo: 2 }), /raceTo 2 must be above seeds 2/);
  // the CLI's rule, in the library's names (one check for both: experiment/search/study.ts checkStudyOptions)
  await assert.rejects(runExperiment({ ...base, out: join(root, 'x'), raceTo: 3 }), /^UserError: raceTo needs seeds 2 or more/);
  await assert.rejects(runExperiment({ ...base, out: join(root, 'x'), config: { lrGrid: { adam: [0.01] } } }), /"lrGrid" needs the rate search, which is off \(--lr-search halving/);
  // not silently dropped: an experiment's cores go to its workers
  await assert.rejects(runExperiment({ ...base, out: join(root, 'x'), dataParallel: 2 }), /^UserError: runExperiment: dataParallel is for train\(\)/);
});

test('train() resuming a --no-baseline run with no `baseline` given keeps it off: metrics.json is the uninterrupted run\'s', async () => {
  const { train } = await import('../../src/index.ts');
  const { tmpDir, writeSyntheticCsv } = await import('../train/helpers.ts');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const root = tmpDir('rnnlab-api-nb-');
  const csv = writeSyntheticCsv(root, 120);
  const opts = { dataset: csv, hidden: 8, embed: 8, maxLen: 20, stepSize: 2 };
  await train({ ...opts, out: join(root, 'whole'), epochs: 2, baseline: false });
  await train({ ...opts, out: join(root, 'part'), epochs: 1, baseline: false });
  const resumed = await train({ ...opts, out: join(root, 'part'), epochs: 2 }); // the default would be on
  assert.equal(resumed.resumedFrom, 1);
  const metrics = (dir: string) => JSON.parse(readFileSync(join(root, dir, 'metrics.json'), 'utf8'));
  assert.equal(metrics('part').baseline.nbsvm, undefined, 'no NBSVM figure added on resume');
  assert.deepEqual(metrics('part'), metrics('whole'));
  // a new run given nothing gets the NBSVM baseline, as `rnnlab train` does
  await train({ ...opts, out: join(root, 'fresh'), epochs: 1 });
  assert.equal(typeof metrics('fresh').baseline.nbsvm.accuracy, 'number');
});
