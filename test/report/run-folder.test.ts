/** Reading a run folder's details for the report, and the data-set fingerprint that `rnnlab compare` checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from '../../src/train/run-dir.ts';
import { readRunDetail, readRunDetails, readRunFolder } from '../../src/report/run-folder.ts';
import { UserError } from '../../src/util/errors.ts';
import { tempDir } from '../experiment/helpers.ts';
import { sampleResults } from './fixture.ts';

function config(over: { limit?: number; dataset?: string; description?: string } = {}) {
  return {
    format: 'rnnlab-run', version: 1, labels: ['neg', 'pos'], seed: 7,
    train: { arch: 'gru', optimizer: 'adam', optimizerOptions: { lr: 0.001 }, epochs: 2, seed: 7,
      schedule: { kind: 'step', options: { stepSize: 1, gamma: 0.1 } } },
    data: {
      name: 'imdb', description: over.description ?? 'IMDB … sha256 ' + 'ab'.repeat(32),
      sizes: { train: 540, val: 60, test: 600 },
      classCounts: { train: [270, 270], val: [30, 30], test: [300, 300] },
      spec: { load: { dataset: over.dataset ?? '/a/aclImdb_v1.tar.gz', valSplit: 0.1, seed: 42, limit: over.limit ?? 600 } },
    },
  };
}

const METRICS = {
  split: 'test', epoch: 2, n: 600, accuracy: 0.8, loss: 0.45, macroF1: 0.79, rocAuc: 0.88, majorityBaseline: 0.5,
  confusion: [[250, 50], [70, 230]],
  perClass: [{ label: 'neg', precision: 0.78, recall: 0.83, f1: 0.81, support: 300 },
    { label: 'pos', precision: 0.82, recall: 0.77, f1: 0.79, support: 300 }],
};

function writeRun(dir: string, cfg: object, withMetrics = true): void {
  mkdirSync(dir, { recursive: true });
  // the names the trainer uses must be the ones the report reads
  writeFileSync(join(dir, RUN_FILES.config), JSON.stringify(cfg));
  if (withMetrics) writeFileSync(join(dir, RUN_FILES.metrics), JSON.stringify(METRICS));
  writeFileSync(join(dir, RUN_FILES.status), JSON.stringify({ status: 'ok', seconds: 12, bestEpoch: 2 }));
  writeFileSync(join(dir, RUN_FILES.history), [0, 1, 2].map((e) => JSON.stringify({
    epoch: e, trainLoss: e ? 0.6 : null, trainAccuracy: e ? 0.7 : null, valLoss: 0.5, valAccuracy: 0.75,
    testLoss: 0.5, testAccuracy: 0.74, lr: 0.001, seconds: 3, tokensPerSecond: null,
  })).join('\n') + '\n');
}

test('readRunDetail: sizes, labels, schedule, confusion and per-class scores; none without config.json', () => {
  const dir = tempDir('rnnlab-runfolder-');
  try {
    writeRun(join(dir, 'r'), config());
    const d = readRunDetail(join(dir, 'r'))!;
    assert.deepEqual(d.sizes, { train: 540, val: 60, test: 600 });
    assert.deepEqual(d.confusion, METRICS.confusion);
    assert.equal(d.perClass![1]!.label, 'pos');
    assert.deepEqual(d.schedule, { kind: 'step', options: { stepSize: 1, gamma: 0.1 } });
    assert.equal(d.seed, 7);
    writeRun(join(dir, 'no-metrics'), config(), false);
    assert.equal(readRunDetail(join(dir, 'no-metrics'))!.confusion, null);
    assert.equal(readRunDetail(join(dir, 'missing')), null);
    // the report finds them through results.json's relative dir
    const results = sampleResults();
    results.runs[0]!.dir = 'r';
    assert.equal(readRunDetails(dir, results).size, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the fingerprint ignores where the file lies but not which examples were used', () => {
  const dir = tempDir('rnnlab-runfolder-');
  try {
    const print = (name: string, cfg: object) => { writeRun(join(dir, name), cfg); return readRunDetail(join(dir, name))!.fingerprint; };
    const base = print('a', config());
    assert.equal(print('moved', config({ dataset: '/elsewhere/aclImdb_v1.tar.gz' })), base);
    assert.notEqual(print('limit', config({ limit: 300 })), base);
    assert.notEqual(print('other-archive', config({ description: 'IMDB … sha256 ' + 'cd'.repeat(32) })), base);
    // a validation split of whole films holds other examples than the random one of the same seed and share
    const films = config();
    (films.data.spec.load as Record<string, unknown>).valGroups = 'film';
    assert.notEqual(print('films', films), base);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readRunFolder: a train folder as one run; a folder that is not one is a one-line error', () => {
  const dir = tempDir('rnnlab-runfolder-');
  try {
    writeRun(join(dir, 'r'), config());
    const { results } = readRunFolder(join(dir, 'r'));
    const run = results.runs[0]!;
    assert.equal(run.arch, 'gru');
    assert.equal(run.bestEpoch, 2);
    assert.deepEqual(run.test, { accuracy: 0.8, loss: 0.45, macroF1: 0.79 });
    assert.equal(run.history.length, 3);
    assert.equal(results.baseline.majority, 0.5);
    assert.throws(() => readRunFolder(dir), (e: unknown) => e instanceof UserError && /neither an experiment folder/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
