import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupedSplit, stratifiedSplit, stratifiedSubset } from '../../src/data/split.ts';
import { orderLabels } from '../../src/data/labels.ts';
import { checkClassBalance, classCounts, majorityBaseline } from '../../src/data/sanity.ts';
import { UserError } from '../../src/util/errors.ts';

const items = Array.from({ length: 300 }, (_, i) => ({ label: i < 200 ? 0 : i < 290 ? 1 : 2, i }));

test('stratifiedSplit keeps class shares, is seeded, keeps source order', () => {
  const [rest, held] = stratifiedSplit(items, 0.1, 42);
  assert.deepEqual(classCounts(held.map((x) => ({ text: '', label: x.label })), 3), [20, 9, 1]);
  assert.equal(rest.length + held.length, 300);
  assert.deepEqual(stratifiedSplit(items, 0.1, 42), [rest, held]);
  assert.notDeepEqual(stratifiedSplit(items, 0.1, 43)[1], held);
  assert.ok(held.every((x, k) => k === 0 || held[k - 1]!.i < x.i));
  assert.equal(stratifiedSplit(items, 0, 1)[1].length, 0);
});

test('groupedSplit holds out whole groups: no group on both sides, about the share asked, seeded, source order', () => {
  // 300 items in groups of 1–9 (sizes cycle), labels mixed within groups; every fifth item has no group
  const grouped = items.map((x) => ({ ...x, ...(x.i % 5 === 4 ? {} : { group: `f${Math.floor(Math.sqrt(x.i * 7))}` }) }));
  const [rest, held] = groupedSplit(grouped, 0.2, 42);
  assert.equal(rest.length + held.length, 300);
  const heldGroups = new Set(held.flatMap((x) => (x.group === undefined ? [] : [x.group])));
  assert.ok(rest.every((x) => x.group === undefined || !heldGroups.has(x.group)), 'a group on both sides');
  const sizes = new Map<string, number>();
  for (const x of grouped) if (x.group !== undefined) sizes.set(x.group, (sizes.get(x.group) ?? 0) + 1);
  const biggest = Math.max(...sizes.values());
  assert.ok(held.length >= 60 && held.length < 60 + biggest, `held ${held.length}`);
  assert.deepEqual(groupedSplit(grouped, 0.2, 42), [rest, held]);
  assert.notDeepEqual(groupedSplit(grouped, 0.2, 43)[1], held);
  assert.ok(held.every((x, k) => k === 0 || held[k - 1]!.i < x.i));
  assert.ok(held.some((x) => x.group === undefined), 'items without a group are groups of one');
  assert.equal(groupedSplit(grouped, 0, 1)[1].length, 0);
});

test('stratifiedSubset takes exactly n with proportional classes', () => {
  const sub = stratifiedSubset(items, 30, 1);
  assert.equal(sub.length, 30);
  assert.deepEqual(classCounts(sub.map((x) => ({ text: '', label: x.label })), 3), [20, 9, 1]);
  assert.equal(stratifiedSubset(items, 1000, 1).length, 300);
});

test('labels: numeric labels sort numerically, others by code point', () => {
  assert.deepEqual(orderLabels(['10', '2', '1', '2']), ['1', '2', '10']);
  assert.deepEqual(orderLabels(['-1.5', '3', '0']), ['-1.5', '0', '3']);
  assert.deepEqual(orderLabels(['pos', 'neg', 'neutral', 'Neg']), ['Neg', 'neg', 'neutral', 'pos']);
  assert.deepEqual(orderLabels(['1', 'one']), ['1', 'one']);
});

test('single-class split is an error naming the label; > 90 % is a warning', () => {
  assert.throws(() => checkClassBalance({ train: [10, 10], test: [0, 7] }, ['neg', 'pos']),
    (e: unknown) => e instanceof UserError && /test split has only one class.*"pos"/.test(e.message));
  assert.throws(() => checkClassBalance({ train: [5] }, ['only']), UserError);
  assert.throws(() => checkClassBalance({ train: [5, 5], test: [0, 0] }, ['a', 'b']), /test split is empty/);
  assert.deepEqual(checkClassBalance({ train: [50, 50], val: [0, 0], test: [5, 5] }, ['a', 'b']), []);
  const w = checkClassBalance({ train: [95, 5], test: [5, 5] }, ['a', 'b']);
  assert.equal(w.length, 1);
  assert.match(w[0]!, /95\.0 % .*"a"/);
  assert.match(checkClassBalance({ train: [5, 5, 0], test: [5, 5, 1] }, ['a', 'b', 'c'])[0]!, /no examples of class "c"/);
});

test('majority baseline', () => {
  assert.deepEqual(majorityBaseline([3, 7], ['neg', 'pos']), { classIndex: 1, label: 'pos', accuracy: 0.7 });
  assert.equal(majorityBaseline([0, 0], ['a', 'b']).accuracy, 0);
});
