import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimatedCost, longestFirst } from '../../src/experiment/order.ts';
import type { Trial } from '../../src/experiment/search/trial.ts';

const trial = (id: string, arch: string, epochs: number, train: Record<string, unknown> = {}): Trial =>
  ({ id, cell: id, group: { arch, optimizer: 'adam', lr: 1e-3 }, seed: 42, role: 'final', epochs, train } as Trial);

test('longestFirst: the most work first (epochs left × gates × layers × directions), ties in the planner\'s order', () => {
  const ts = [trial('rnn5', 'rnn', 5), trial('gru1', 'gru', 1), trial('lstm5', 'lstm', 5), trial('gru5', 'gru', 5),
    trial('rnn-bi2x2', 'rnn', 5, { layers: 2, bidirectional: true }), trial('lstm1', 'lstm', 1), trial('rnn5b', 'rnn', 5)];
  const done: Record<string, number> = { lstm5: 4 }; // resumed: one epoch left
  const order = longestFirst(ts, (t) => done[t.id] ?? 0).map((t) => t.id);
  assert.deepEqual(order, ['rnn-bi2x2', 'gru5', 'rnn5', 'rnn5b', 'lstm5', 'lstm1', 'gru1']);
  assert.equal(estimatedCost(ts[2]!, 5), 0);
});
