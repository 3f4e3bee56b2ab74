/**
 * Seeded, stratified splits and subsets. "Stratified": each class is split separately, so every part keeps the
 * class shares of the whole. Results keep the source order (batching shuffles later), and depend only on the seed,
 * the labels and the input order.
 */
import { Rng } from '../util/rng.ts';

interface Labelled { label: number }

/** Example indices grouped by class index, in source order. */
function byClass(items: readonly Labelled[]): number[][] {
  const groups: number[][] = [];
  items.forEach((it, i) => (groups[it.label] ??= []).push(i));
  return groups;
}

/**
 * Moves round(fraction × class size) examples of each class into the held-out part.
 * Returns [rest, heldOut].
 */
export function stratifiedSplit<T extends Labelled>(items: readonly T[], fraction: number, seed: number): [T[], T[]] {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`split fraction must be in [0, 1), got ${fraction}`);
  const rng = new Rng(seed);
  const held = new Uint8Array(items.length);
  for (const group of byClass(items)) {
    if (!group) continue;
    rng.shuffle(group);
    const k = Math.round(fraction * group.length);
    for (let j = 0; j < k; j++) held[group[j]!] = 1;
  }
  const rest: T[] = [];
  const out: T[] = [];
  items.forEach((it, i) => (held[i] ? out : rest).push(it));
  return [rest, out];
}

/**
 * A stratified random subset of n items (all of them if n ≥ items.length). Each class gets floor(n × share), and
 * the remaining places go to the classes with the largest remainders (ties: lower class index first).
 */
export function stratifiedSubset<T extends Labelled>(items: readonly T[], n: number, seed: number): T[] {
  if (n >= items.length) return items.slice();
  const rng = new Rng(seed);
  const groups = byClass(items).map((g) => g ?? []);
  const quota = groups.map((g) => Math.floor((n * g.length) / items.length));
  let left = n - quota.reduce((a, b) => a + b, 0);
  const order = groups
    .map((g, c) => [c, (n * g.length) / items.length - quota[c]!] as const)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (const [c] of order) if (left > 0 && quota[c]! < groups[c]!.length) { quota[c]!++; left--; }
  const keep = new Uint8Array(items.length);
  groups.forEach((g, c) => {
    rng.shuffle(g);
    for (let j = 0; j < quota[c]!; j++) keep[g[j]!] = 1;
  });
  return items.filter((_, i) => keep[i]);
}

/**
 * Holds out whole groups (IMDB: films) — GroupShuffleSplit's rule: the groups, in first-seen order, are shuffled and
 * taken into the held-out part until it holds at least round(fraction × n) items, so no group is on both sides.
 * Class shares are kept only approximately (a group's items may all share a label). Items without a group count as
 * a group each. Returns [rest, heldOut], both in source order.
 */
export function groupedSplit<T extends Labelled & { group?: string }>(items: readonly T[], fraction: number, seed: number): [T[], T[]] {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`split fraction must be in [0, 1), got ${fraction}`);
  const members = new Map<string, number[]>();
  items.forEach((it, i) => {
    const key = it.group === undefined ? `\u0000${i}` : `g${it.group}`;
    const list = members.get(key);
    if (list) list.push(i);
    else members.set(key, [i]);
  });
  const groups = [...members.values()];
  new Rng(seed).shuffle(groups);
  const want = Math.round(fraction * items.length);
  const held = new Uint8Array(items.length);
  let taken = 0;
  for (const g of groups) {
    if (taken >= want) break;
    for (const i of g) held[i] = 1;
    taken += g.length;
  }
  const rest: T[] = [];
  const out: T[] = [];
  items.forEach((it, i) => (held[i] ? out : rest).push(it));
  return [rest, out];
}
