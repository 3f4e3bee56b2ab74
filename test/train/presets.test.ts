/**
 * src/train/presets.ts: a preset fills what the user left out, except a value the user's own choices make
 * meaningless — a preset's --step-size beside another schedule, a preset's cosine schedule beside a --step-size or
 * a --gamma.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTrainPreset, presetOptionApplies } from '../../src/train/presets.ts';

test('presetOptionApplies: --step-size only beside a step schedule, and a step size the user gave asks for one', () => {
  const user = (given: Record<string, unknown>) => (option: string) => given[option];
  assert.equal(presetOptionApplies('stepSize', '3', user({})), true);
  assert.equal(presetOptionApplies('stepSize', '3', user({ schedule: 'step' })), true);
  assert.equal(presetOptionApplies('stepSize', '3', user({ schedule: 'Cosine' })), false);
  assert.equal(presetOptionApplies('schedule', 'cosine', user({})), true);
  assert.equal(presetOptionApplies('schedule', 'cosine', user({ stepSize: 2 })), false);
  assert.equal(presetOptionApplies('schedule', 'step', user({ stepSize: 2 })), true, 'a step schedule goes with it');
  assert.equal(presetOptionApplies('dropout', '0.5', user({ schedule: 'constant', stepSize: 2 })), true);
});

test('presetOptionApplies: a --gamma the user gave asks for a schedule that cuts the rate (step or plateau)', () => {
  const user = (given: Record<string, unknown>) => (option: string) => given[option];
  assert.equal(presetOptionApplies('schedule', 'cosine', user({ gamma: 0.5 })), false);
  assert.equal(presetOptionApplies('schedule', 'constant', user({ gamma: 0.5 })), false);
  assert.equal(presetOptionApplies('schedule', 'plateau', user({ gamma: 0.5 })), true);
  assert.equal(presetOptionApplies('schedule', 'STEP', user({ gamma: 0.5 })), true);
  assert.equal(presetOptionApplies('gamma', '0.5', user({ schedule: 'plateau' })), true);
  assert.equal(presetOptionApplies('gamma', '0.5', user({ schedule: 'cosine' })), false);
  const raw: Record<string, unknown> = { gamma: 0.5 };
  applyTrainPreset('strong', raw, (key) => key === 'gamma');
  assert.equal(raw.schedule, undefined, 'the preset\'s cosine schedule yields to the --gamma given');
  assert.equal(raw.epochs, '6', 'the rest of the preset applies');
});

test('applyTrainPreset fills what was not given and says what it filled; an unknown name is one line', () => {
  const raw: Record<string, unknown> = { stepSize: 2, dropout: 0.1 };
  const applied = applyTrainPreset('strong', raw, (key) => key in { stepSize: 1, dropout: 1 });
  assert.equal(raw.dropout, 0.1, 'the user\'s value wins');
  assert.equal(raw.schedule, undefined, 'the preset\'s cosine schedule yields to the --step-size given');
  assert.equal(raw.wordDropout, '0.4');
  assert.equal('schedule' in applied.options || 'dropout' in applied.options, false);
  assert.throws(() => applyTrainPreset('fast', {}, () => false), /^UserError: unknown --preset 'fast'; use strong, small$/);
});
