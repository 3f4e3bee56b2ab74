/**
 * The order in which a round's jobs start: longest first (the LPT rule). With several workers, a long job started
 * last runs alone at the end of the round while the other workers idle; started first, the short jobs fill in around
 * it. Only the order changes, never a result (every job is deterministic and independent of the others).
 *
 * The estimate is relative: epochs still to train × the cell's gate count (LSTM 4, GRU 3, Elman RNN 1; a step's
 * work grows with it) × layers × directions. Ties keep the planner's order.
 */
import type { Trial } from './search/trial.ts';

const GATES: Record<string, number> = { lstm: 4, gru: 3, rnn: 1 };

export function estimatedCost(t: Trial, epochsDone: number): number {
  const layers = Number(t.train.layers ?? 1);
  const dirs = t.train.bidirectional ? 2 : 1;
  return Math.max(0, t.epochs - epochsDone) * (GATES[t.group.arch] ?? 1) * layers * dirs;
}

export function longestFirst(trials: readonly Trial[], epochsDone: (t: Trial) => number): Trial[] {
  return trials.map((t, i) => ({ t, i, cost: estimatedCost(t, epochsDone(t)) }))
    .sort((a, b) => b.cost - a.cost || a.i - b.i).map((x) => x.t);
}
