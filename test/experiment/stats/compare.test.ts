/**
 * The statistics behind "tied with the best", against SciPy (fixtures/stats/welch-holm.json, scripts/stats-ref.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compareWithLeader, describe, holm, welchGreater } from '../../../src/experiment/stats/compare.ts';

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/stats/welch-holm.json', import.meta.url), 'utf8')) as {
  cases: { name: string; leader: number[]; cells: number[][]; pValues: number[]; holm: number[] }[];
};

const close = (a: number | null, b: number, what: string) => {
  assert.ok(a !== null, `${what}: got null`);
  assert.ok(Math.abs(a - b) <= 1e-9 + 1e-7 * Math.abs(b), `${what}: ${a} vs SciPy ${b}`);
};

test('one-sided Welch p-values and Holm adjustment match SciPy', () => {
  assert.ok(fixture.cases.length >= 4);
  for (const c of fixture.cases) {
    const ps = c.cells.map((x) => welchGreater(c.leader, x));
    ps.forEach((p, i) => close(p, c.pValues[i]!, `${c.name} cell ${i} p`));
    holm(ps).forEach((p, i) => close(p, c.holm[i]!, `${c.name} cell ${i} Holm`));
  }
});

test('compareWithLeader: leader by validation mean, verdicts from the corrected test comparison', () => {
  const c = fixture.cases[0]!; // five seeds: the last cell is far below the leader, the first close to it
  const cells = [
    { key: 'other-close', valMean: 0.85, test: c.cells[0]! },
    { key: 'leader', valMean: 0.9, test: c.leader },
    { key: 'far', valMean: 0.7, test: c.cells[2]! },
  ];
  const v = compareWithLeader(cells);
  assert.deepEqual(v.map((x) => x.leader), [false, true, false]);
  assert.equal(v[1]!.pValue, null);
  const adjusted = holm([welchGreater(c.leader, c.cells[0]!), welchGreater(c.leader, c.cells[2]!)]);
  close(v[0]!.pAdjusted, adjusted[0]!, 'close cell');
  close(v[2]!.pAdjusted, adjusted[1]!, 'far cell');
  assert.equal(v[2]!.tiedWithBest, false, 'a cell 19 points below with n = 5 is separated');
  assert.equal(v[0]!.tiedWithBest, v[0]!.pAdjusted! > 0.05);
});

test('one seed: no spread, nothing separated', () => {
  const v = compareWithLeader([{ key: 'a', valMean: 0.9, test: [0.9] }, { key: 'b', valMean: 0.5, test: [0.5] }]);
  assert.deepEqual(v.map((x) => [x.tiedWithBest, x.pValue]), [[true, null], [true, null]]);
});

test('describe: mean, sample std, min, max, n', () => {
  assert.deepEqual(describe([1, 2, 3, 4]), { mean: 2.5, std: Math.sqrt(5 / 3), min: 1, max: 4, n: 4 });
  assert.deepEqual(describe([0.5]), { mean: 0.5, std: null, min: 0.5, max: 0.5, n: 1 });
  assert.equal(describe([]), null);
  assert.equal(welchGreater([0.9, 0.9], [0.8, 0.8]), 0);
});
