/**
 * Grid planning and --config: which value each cell gets (precedence), and one-line errors for bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planGrid, parseList, type PlanInput } from '../../src/experiment/plan.ts';
import { parseExperimentConfig, readExperimentConfig, normalizeKey, parseCellKey } from '../../src/experiment/overrides.ts';
import { homeworkPreset } from '../../src/experiment/homework.ts';
import { UserError } from '../../src/util/errors.ts';
import { OPTIMIZER_DEFAULTS } from '../../src/optim/index.ts';
import { TRAIN_DEFAULTS } from '../../src/train/options.ts';
import { tempDir } from './helpers.ts';

function input(over: Partial<PlanInput> = {}): PlanInput {
  return {
    archs: ['rnn', 'gru', 'lstm'], optimizers: ['sgd', 'nag', 'adadelta', 'adam'], cliTrain: {}, seed: '42',
    preset: null, config: null, data: { dataset: 'x.csv' }, ...over,
  };
}

const cell = (plan: ReturnType<typeof planGrid>, name: string) => plan.cells.find((c) => c.name === name)!.train;

test('default grid: 12 cells in arch-major order, each optimizer with its own default lr', () => {
  const plan = planGrid(input());
  assert.deepEqual(plan.cells.map((c) => c.name), [
    'rnn-sgd', 'rnn-nag', 'rnn-adadelta', 'rnn-adam', 'gru-sgd', 'gru-nag', 'gru-adadelta', 'gru-adam',
    'lstm-sgd', 'lstm-nag', 'lstm-adadelta', 'lstm-adam',
  ]);
  for (const c of plan.cells) {
    assert.equal(c.train.lr, OPTIMIZER_DEFAULTS[c.optimizer as 'sgd'].lr);
    assert.equal(c.train.arch, c.arch);
    assert.equal(c.train.optimizer, c.optimizer);
    assert.equal(c.train.epochs, 5);
  }
  assert.equal(Object.keys(plan.settings.cells).length, 12);
});

test('precedence: preset < config "all" < flags < "archs" < "optimizers" < "cells"', () => {
  const config = parseExperimentConfig({
    all: { epochs: 3, hidden: 16, embed: 12 },
    archs: { lstm: { hidden: 32 } },
    optimizers: { sgd: { lr: 0.5, momentum: 0.9 } },
    cells: { 'lstm/sgd': { lr: 1 }, 'gru-adam': { 'batch-size': 7 } },
  }, 'test config');
  const plan = planGrid(input({
    cliTrain: { epochs: '2', hidden: '24', lr: '0.002' },
    preset: { name: 'p', config: { all: { embed: 4, layers: 2 } } },
    config: { source: 'test config', config },
  }));
  const rnnAdam = cell(plan, 'rnn-adam');
  assert.equal(rnnAdam.layers, 2, 'preset value survives where nothing overrides it');
  assert.equal(rnnAdam.embed, 12, 'config "all" beats the preset');
  assert.equal(rnnAdam.epochs, 2, 'a flag beats config "all"');
  assert.equal(rnnAdam.hidden, 24);
  assert.equal(rnnAdam.lr, 0.002, '--lr applies to every cell');
  assert.equal(cell(plan, 'lstm-adam').hidden, 32, '"archs" beats the flag');
  assert.equal(cell(plan, 'rnn-sgd').lr, 0.5, '"optimizers" beats the flag');
  assert.equal(cell(plan, 'rnn-sgd').momentum, 0.9);
  assert.equal(cell(plan, 'lstm-sgd').lr, 1, '"cells" beats everything');
  assert.equal(cell(plan, 'gru-adam').batchSize, 7, 'flag-style keys work');
  assert.equal(cell(plan, 'gru-sgd').batchSize, TRAIN_DEFAULTS.batchSize);
});

test('a global --momentum reaches only the optimizers that use it', () => {
  const plan = planGrid(input({ cliTrain: { momentum: '0.5' } }));
  assert.equal(cell(plan, 'rnn-sgd').momentum, 0.5);
  assert.equal(cell(plan, 'rnn-nag').momentum, 0.5);
  assert.equal(cell(plan, 'rnn-adam').momentum, undefined);
  assert.equal(cell(plan, 'rnn-adadelta').momentum, undefined);
});

test('a per-optimizer option that optimizer does not use is an error naming the cell', () => {
  const config = parseExperimentConfig({ optimizers: { adam: { momentum: 0.9 } } }, 'c');
  assert.throws(() => planGrid(input({ config: { source: 'c', config } })),
    (e: unknown) => e instanceof UserError && /cell rnn-adam: .*--momentum does not apply to adam/.test(e.message));
});

test('the homework preset gives each architecture its learning rate and the homework model', () => {
  const p = homeworkPreset();
  const plan = planGrid(input({ optimizers: ['adam'], preset: { name: 'homework', config: p.config } }));
  assert.deepEqual(plan.cells.map((c) => [c.name, c.train.lr]), [['rnn-adam', 1e-7], ['gru-adam', 1e-9], ['lstm-adam', 1e-10]]);
  for (const c of plan.cells) {
    assert.deepEqual([c.train.embed, c.train.hidden, c.train.layers, c.train.batchSize, c.train.epochs], [64, 8, 25, 1000, 5]);
  }
  assert.equal(p.data.maxLen, 200);
  // an explicit flag still wins over the preset (e.g. a quick check with fewer epochs)
  const quick = planGrid(input({ optimizers: ['adam'], cliTrain: { epochs: '1' }, preset: { name: 'homework', config: p.config } }));
  assert.ok(quick.cells.every((c) => c.train.epochs === 1 && c.train.hidden === 8));
});

test('bad config files and values are one-line errors', () => {
  const bad: [unknown, RegExp][] = [
    [{ cells: { lstm: { lr: 1 } } }, /cell 'lstm' in "cells" must be ARCH\/OPTIMIZER/],
    [{ archs: { transformer: { lr: 1 } } }, /unknown architecture 'transformer'/],
    [{ optimizers: { lbfgs: { lr: 1 } } }, /unknown optimizer 'lbfgs'/],
    [{ all: { lr: -1 } }, /--lr -1: .*--lr must be > 0/],
    [{ all: { epochs: 'many' } }, /--epochs "many": .*must be a number/],
    [{ all: { seed: 3 } }, /unknown or not per-cell option 'seed'/],
    [{ all: { maxLen: 3 } }, /unknown or not per-cell option 'maxLen'/],
    [{ all: { hiden: 3 } }, /unknown or not per-cell option 'hiden'; per-cell options are: .*hidden/],
  ];
  for (const [json, re] of bad) {
    const config = parseExperimentConfig(json, 'cfg.json');
    assert.throws(() => planGrid(input({ config: { source: 'cfg.json', config } })),
      (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'), JSON.stringify(json));
  }
  assert.throws(() => parseExperimentConfig({ al: {} }, 'cfg.json'),
    (e: unknown) => e instanceof UserError && /cfg\.json: .*al/.test(e.message) && !e.message.includes('\n'));
  assert.throws(() => parseExperimentConfig({ all: { lr: [1] } }, 'cfg.json'), UserError);

  const dir = tempDir();
  writeFileSync(join(dir, 'broken.json'), '{"all": ');
  assert.throws(() => readExperimentConfig(join(dir, 'broken.json')), /is not valid JSON/);
  assert.throws(() => readExperimentConfig(join(dir, 'missing.json')), /cannot read config file/);
});

test('helpers: lists, keys, cell names', () => {
  assert.deepEqual(parseList(' LSTM, gru ,lstm', ['rnn', 'gru', 'lstm'], '--archs'), ['lstm', 'gru']);
  assert.throws(() => parseList('lstm,cnn', ['rnn', 'gru', 'lstm'], '--archs'), /--archs: unknown name 'cnn'/);
  assert.throws(() => parseList(',', ['rnn'], '--archs'), /--archs is empty/);
  assert.equal(normalizeKey('--batch-size'), 'batchSize');
  assert.equal(normalizeKey('weight-decay'), 'weightDecay');
  assert.equal(normalizeKey('stepSize'), 'stepSize');
  assert.deepEqual(parseCellKey('LSTM/Adam'), { arch: 'lstm', optimizer: 'adam' });
  assert.deepEqual(parseCellKey('gru-sgd'), { arch: 'gru', optimizer: 'sgd' });
  assert.equal(parseCellKey('gru'), null);
});

test('--recompute reaches every cell, like --threads, and stays out of the settings a resume compares', () => {
  const plan = planGrid(input({ threads: '1', recompute: true }));
  for (const c of plan.cells) {
    assert.equal(c.train.recompute, true);
    assert.equal(c.train.threads, 1);
  }
  const plain = planGrid(input({ threads: '2' }));
  assert.deepEqual(plan.settings, plain.settings);
  assert.equal(plain.cells[0]!.train.recompute, undefined);
});
