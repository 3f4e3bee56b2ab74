/** One default seed for data, train, evaluate and experiment, shown in every --help. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { rnnlabAsync } from './helpers.ts';
import { DEFAULT_SEED, loadDataset } from '../../src/data/index.ts';
import { parseDataOptions, toLoadOptions } from '../../src/cli/options/data.ts';
import { parseTrainCli, TRAIN_DEFAULTS } from '../../src/cli/options/train.ts';
import { tmpDir, writeSyntheticCsv } from '../train/helpers.ts';

test('data, train and loadDataset share DEFAULT_SEED, so `rnnlab data` describes the split `train` uses', async () => {
  assert.equal(TRAIN_DEFAULTS.seed, DEFAULT_SEED);
  assert.equal(parseDataOptions({}).seed, DEFAULT_SEED);
  const csv = writeSyntheticCsv(tmpDir('rnnlab-defaults-'), 100);
  const fromData = await loadDataset(toLoadOptions(parseDataOptions({ dataset: csv })));
  const fromTrain = await loadDataset(parseTrainCli({ dataset: csv }).data.load);
  const fromLoader = await loadDataset({ dataset: csv });
  for (const d of [fromTrain, fromLoader]) assert.deepEqual(d.test.map((e) => e.id), fromData.test.map((e) => e.id));
});

test('every --help shows the same default seed', async () => {
  const helps = await Promise.all(['data', 'train', 'evaluate', 'experiment'].map((c) => rnnlabAsync([c, '--help'])));
  for (const h of helps) {
    assert.equal(h.code, 0, h.stderr);
    const seed = /--seed <n>[\s\S]*?\(default:? "?(\d+)/.exec(h.stdout);
    assert.ok(seed, h.stdout);
    assert.equal(Number(seed[1]), DEFAULT_SEED);
  }
});

test('rnnlab experiment runs the fair comparison by default: a rate search per cell (off with --preset)', async () => {
  const dir = tmpDir('rnnlab-default-search-');
  const csv = writeSyntheticCsv(dir, 120);
  const { join } = await import('node:path');
  const { readFileSync } = await import('node:fs');
  const out = join(dir, 'exp');
  const r = await rnnlabAsync(['experiment', '--dataset', csv, '--archs', 'rnn', '--optimizers', 'adam', '--embed', '4',
    '--hidden', '4', '--epochs', '1', '--max-len', '12', '--no-baseline', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.equal(results.study.lrSearch, 'halving');
  assert.ok(results.cells[0].lrSearch.length >= 5, 'every rate of the grid was tried');
  const help = await rnnlabAsync(['experiment', '--help']);
  assert.match(help.stdout, /--lr-search <mode>[\s\S]*?default: halving; off with\s+--preset/);
});
