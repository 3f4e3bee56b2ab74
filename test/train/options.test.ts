import test from 'node:test';
import assert from 'node:assert/strict';
import { parseTrainOptions, TRAIN_DEFAULTS } from '../../src/train/options.ts';
import { resolveTrain, runIdentity } from '../../src/train/config.ts';
import { OPTIMIZER_DEFAULTS } from '../../src/optim/index.ts';
import { UserError } from '../../src/util/errors.ts';

const fails = (raw: Record<string, unknown>, re: RegExp) =>
  assert.throws(() => resolveTrain(parseTrainOptions(raw)), (e: unknown) =>
    e instanceof UserError && re.test(e.message) && !e.message.includes('\n'));

test('defaults: lstm + adam, 5 epochs, batch 32, embed/hidden 128, 1 layer, seed 42, clip 1, no early stopping', () => {
  const o = parseTrainOptions({});
  assert.equal(o.arch, 'lstm');
  assert.equal(o.optimizer, 'adam');
  assert.equal(o.epochs, 5);
  assert.equal(o.batchSize, 32);
  assert.equal(o.embed, 128);
  assert.equal(o.hidden, 128);
  assert.equal(o.layers, 1);
  assert.equal(o.dropout, 0);
  assert.equal(o.seed, 42);
  assert.equal(o.clip, 1);
  assert.equal(o.patience, undefined);
  assert.equal(o.seed, TRAIN_DEFAULTS.seed);
  const r = resolveTrain(o);
  assert.equal(r.clip, 1);
  assert.equal(resolveTrain(parseTrainOptions({ clip: '0' })).clip, null, '--clip 0 turns clipping off');
  assert.equal(r.patience, null);
  assert.equal(r.optimizerOptions.lr, OPTIMIZER_DEFAULTS.adam.lr);
});

const DATA = { load: { dataset: 'x.csv' }, prepare: {} };

test('--embed-init-std: default 0.3, recorded in the resolved settings (so in the run identity), must be > 0', () => {
  assert.equal(resolveTrain(parseTrainOptions({})).embedInitStd, 0.3);
  assert.equal(resolveTrain(parseTrainOptions({ embedInitStd: '1' })).embedInitStd, 1);
  assert.notDeepEqual(runIdentity(resolveTrain(parseTrainOptions({})), DATA), runIdentity(resolveTrain(parseTrainOptions({ embedInitStd: 1 })), DATA));
  fails({ embedInitStd: '0' }, /--embed-init-std must be > 0/);
  fails({ embedInitStd: 'big' }, /--embed-init-std must be a number/);
});

test('--forget-bias: LSTM only (default 1, \'pytorch\' = PyTorch\'s draw), null for rnn/gru, part of the run identity', () => {
  const fb = (raw: Record<string, unknown>) => resolveTrain(parseTrainOptions(raw)).forgetBias;
  assert.equal(fb({}), 1);
  assert.equal(fb({ forgetBias: '0' }), 0);
  assert.equal(fb({ forgetBias: '-2.5' }), -2.5);
  assert.equal(fb({ forgetBias: 'pytorch' }), null);
  assert.equal(fb({ arch: 'gru' }), null);
  assert.equal(fb({ arch: 'rnn', forgetBias: '3' }), null, 'ignored outside the LSTM (so a grid can set it for all cells)');
  assert.notDeepEqual(runIdentity(resolveTrain(parseTrainOptions({})), DATA), runIdentity(resolveTrain(parseTrainOptions({ forgetBias: 'pytorch' })), DATA));
  fails({ forgetBias: 'open' }, /--forget-bias must be a number or 'pytorch' \(got "open"\)/);
});

test('the learning rate defaults to the chosen optimizer\'s own default', () => {
  for (const name of ['sgd', 'nag', 'adadelta', 'adam', 'adamw', 'rmsprop'] as const) {
    assert.equal(resolveTrain(parseTrainOptions({ optimizer: name })).optimizerOptions.lr, OPTIMIZER_DEFAULTS[name].lr, name);
  }
  assert.equal(resolveTrain(parseTrainOptions({ optimizer: 'sgd', lr: '0.5' })).optimizerOptions.lr, 0.5);
});

test('commander strings and experiment-config JSON values parse alike', () => {
  const a = parseTrainOptions({ epochs: '3', lr: '0.01', bidirectional: true, dropout: '0.5', arch: 'gru' });
  const b = parseTrainOptions({ epochs: 3, lr: 0.01, bidirectional: 'true', dropout: 0.5, arch: 'gru' });
  assert.deepEqual(a, b);
});

test('bad values give one line naming the flag and the allowed values', () => {
  fails({ arch: 'transformer' }, /^bad training option: --arch must be one of rnn, gru, lstm \(got "transformer"\)$/);
  fails({ optimizer: 'lion' }, /--optimizer must be one of sgd, nag, adadelta, adam, adamw, rmsprop/);
  fails({ pooling: 'sum' }, /--pooling: unknown pooling 'sum'; use last, mean, max, or several joined by '\+'/);
  fails({ pooling: 'max+max' }, /--pooling: pooling 'max\+max' names a kind twice/);
  fails({ embedDropout: '1' }, /--embed-dropout must be in \[0, 1\)/);
  assert.equal(parseTrainOptions({ pooling: 'last+max+mean' }).pooling, 'last+max+mean');
  assert.equal(parseTrainOptions({ pooling: ' max + mean ' }).pooling, 'max+mean', 'normalised as recorded');
  assert.equal(parseTrainOptions({ embedDropout: '0.25' }).embedDropout, 0.25);
  fails({ wordDropout: '1' }, /--word-dropout must be in \[0, 1\)/);
  fails({ wordDropout: 'some' }, /--word-dropout must be a number/);
  assert.equal(resolveTrain(parseTrainOptions({ wordDropout: '0.1' })).wordDropout, 0.1);
  assert.equal('wordDropout' in resolveTrain(parseTrainOptions({ wordDropout: '0' })), false, 'absent when 0, like runs recorded before it');
  fails({ ema: '1' }, /--ema must be in \(0, 1\), e\.g\. 0\.999/);
  fails({ ema: '0' }, /--ema must be in \(0, 1\)/);
  assert.equal(resolveTrain(parseTrainOptions({ ema: '0.999' })).ema, 0.999);
  assert.equal('ema' in resolveTrain(parseTrainOptions({})), false, 'absent when off, like runs recorded before it');
  fails({ schedule: 'linear' }, /--schedule must be one of constant, step, cosine, plateau/);
  fails({ lr: 'fast' }, /--lr must be a number \(got "fast"\)/);
  fails({ lr: '-1' }, /--lr must be > 0/);
  fails({ epochs: '0' }, /--epochs must be ≥ 1/);
  fails({ batchSize: '2.5' }, /--batch-size must be a whole number/);
  fails({ dropout: '1' }, /--dropout must be in \[0, 1\)/);
  fails({ clip: '-1' }, /--clip must be ≥ 0/);
  fails({ arch: 'x', epochs: '0' }, /--arch .*; --epochs/);
  // optimizer-specific: momentum means nothing to adam
  fails({ optimizer: 'adam', momentum: '0.9' }, /--momentum does not apply to adam/);
  fails({ schedule: 'constant', stepSize: '2' }, /--step-size only applies to --schedule step/);
});

test('schedules are resolved completely (and the epoch count enters the identity only through them)', () => {
  const step = resolveTrain(parseTrainOptions({ schedule: 'step', epochs: 9 }));
  assert.deepEqual(step.schedule, { kind: 'step', options: { stepSize: 3, gamma: 0.1 } });
  const cos = resolveTrain(parseTrainOptions({ schedule: 'cosine', epochs: 4 }));
  assert.deepEqual(cos.schedule.options, { totalEpochs: 4, etaMin: 0 });
  const data = { load: { dataset: 'x.csv' }, prepare: {} };
  const id = (raw: Record<string, unknown>) => JSON.stringify(runIdentity(resolveTrain(parseTrainOptions(raw)), data));
  assert.equal(id({ epochs: 2, schedule: 'constant' }), id({ epochs: 7, schedule: 'constant' }), 'constant schedule: more epochs = the same run, extended');
  // the default (step, a third of the epochs): 5 and 6 epochs share step size 2, 9 epochs does not
  assert.deepEqual(resolveTrain(parseTrainOptions({})).schedule, { kind: 'step', options: { stepSize: 2, gamma: 0.1 } });
  assert.equal(id({ epochs: 5 }), id({ epochs: 6 }));
  assert.notEqual(id({ epochs: 5 }), id({ epochs: 9 }));
  assert.equal(id({ epochs: 5 }), id({ epochs: 9, stepSize: '2' }), 'a pinned step size makes it the same run again');
  assert.notEqual(id({ epochs: 2, schedule: 'cosine' }), id({ epochs: 3, schedule: 'cosine' }));
  assert.notEqual(id({ lr: '0.1' }), id({ lr: '0.2' }));
});
