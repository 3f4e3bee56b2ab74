/** --lr-search / --seeds / --race-to: values checked up front with one-line reasons. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStudyFlags } from '../../src/cli/options/study.ts';

test('study flags: defaults, values, and one-line errors', () => {
  assert.deepEqual(parseStudyFlags({}, false), { lrSearch: 'off', seeds: 1 });
  assert.deepEqual(parseStudyFlags({ lrSearch: 'Halving', seeds: '5', raceTo: '10' }, false),
    { lrSearch: 'halving', seeds: 5, raceTo: 10 });
  assert.throws(() => parseStudyFlags({ lrSearch: 'grid' }, false), /--lr-search must be one of off, halving/);
  assert.throws(() => parseStudyFlags({ seeds: '0' }, false), /--seeds must be a whole number from 1/);
  assert.throws(() => parseStudyFlags({ seeds: '1', raceTo: '5' }, false), /--race-to needs --seeds 2 or more/);
  assert.throws(() => parseStudyFlags({ seeds: '5', raceTo: '5' }, false), /must be above --seeds 5/);
  assert.throws(() => parseStudyFlags({ lrSearch: 'halving' }, true), /--preset homework replays/);
});
