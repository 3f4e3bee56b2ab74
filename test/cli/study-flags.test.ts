/** --lr-search / --seeds / --race-to: values checked up front with one-line reasons. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStudyFlags } from '../../src/cli/options/study.ts';

test('study flags: defaults, values, and one-line errors', () => {
  const none = { homework: false, recipe: false };
  // the default is the fair comparison; a preset's recipe keeps its rates unless asked
  assert.deepEqual(parseStudyFlags({}, none), { lrSearch: 'halving', seeds: 1 });
  assert.deepEqual(parseStudyFlags({}, { homework: false, recipe: true }), { lrSearch: 'off', seeds: 1 });
  assert.deepEqual(parseStudyFlags({ lrSearch: 'halving' }, { homework: false, recipe: true }), { lrSearch: 'halving', seeds: 1 });
  assert.deepEqual(parseStudyFlags({}, { homework: true, recipe: false }), { lrSearch: 'off', seeds: 1 });
  assert.deepEqual(parseStudyFlags({ lrSearch: 'off' }, none), { lrSearch: 'off', seeds: 1 });
  assert.deepEqual(parseStudyFlags({ lrSearch: 'Halving', seeds: '5', raceTo: '10' }, none),
    { lrSearch: 'halving', seeds: 5, raceTo: 10 });
  assert.throws(() => parseStudyFlags({ lrSearch: 'grid' }, none), /--lr-search must be one of off, halving/);
  assert.throws(() => parseStudyFlags({ seeds: '0' }, none), /--seeds must be a whole number from 1/);
  assert.throws(() => parseStudyFlags({ seeds: '1', raceTo: '5' }, none), /--race-to needs --seeds 2 or more/);
  assert.throws(() => parseStudyFlags({ seeds: '5', raceTo: '5' }, none), /must be above --seeds 5/);
  assert.throws(() => parseStudyFlags({ lrSearch: 'halving' }, { homework: true, recipe: false }), /--preset homework replays/);
});
