/** --data-seed: the split's seed apart from the model's; by default --seed drives both (as before). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrainCli } from '../../src/cli/options/train.ts';

test('--data-seed seeds the split alone; without it --seed seeds both', () => {
  const both = parseTrainCli({ seed: '7' });
  assert.equal(both.train.seed, 7);
  assert.equal(both.data.load.seed, 7);
  const apart = parseTrainCli({ seed: '7', dataSeed: '42' });
  assert.equal(apart.train.seed, 7);
  assert.equal(apart.data.load.seed, 42);
  assert.equal(parseTrainCli({}).data.load.seed, 42, 'the default seed 42 still draws the split');
  assert.throws(() => parseTrainCli({ dataSeed: '-1' }), /--data-seed must be a whole number/);
});
