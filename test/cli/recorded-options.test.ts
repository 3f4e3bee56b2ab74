/**
 * `train --resume` rebuilds every setting from config.json through recordedOptions; each option must survive the
 * trip (an option left out would silently fall back to its default on resume).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseTrainCli, recordedOptions } from '../../src/cli/options/train.ts';
import { resolveTrain, type RunConfig } from '../../src/train/config.ts';

function roundTrip(raw: Record<string, unknown>): void {
  const first = parseTrainCli(raw);
  const config = { train: resolveTrain(first.train), data: { spec: first.data } } as unknown as RunConfig;
  const again = parseTrainCli(recordedOptions(config));
  assert.deepEqual(resolveTrain(again.train), resolveTrain(first.train));
  assert.deepEqual(again.data, first.data);
}

test('--word-dropout and --val-groups survive config.json → --resume (and their absence stays absent)', () => {
  roundTrip({ dataset: 'imdb', wordDropout: '0.2', valGroups: 'film', embedDropout: '0.3', bidirectional: true });
  roundTrip({ dataset: 'x.csv' });
  roundTrip({ dataset: 'x.csv', ema: '0.999' });
  roundTrip({ dataset: 'x.csv', seed: '43', dataSeed: '42' }); // the split's seed apart from the model's
  const plain = parseTrainCli({ dataset: 'imdb' });
  assert.equal('valGroups' in plain.data.load, false, 'runs without it record nothing new (their identity is unchanged)');
  assert.equal('wordDropout' in resolveTrain(plain.train), false);
  assert.equal(parseTrainCli({ valGroups: 'film' }).data.load.valGroups, 'film');
});
