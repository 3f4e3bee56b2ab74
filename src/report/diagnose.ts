/**
 * A plain-words reading of each run's curves, so the report answers "which run over-fitted, which needed more
 * epochs" without the reader comparing twelve charts. The rules read VALIDATION numbers only (the same split the
 * trainer selects on); the test split plays no part.
 *
 *   over-fitting   the kept (lowest validation loss) epoch is before the last, the validation loss at the last epoch is
 *                  at least 5 % above it, and the training loss kept falling after it
 *   still improving the kept epoch is the last one and, over the previous epoch, validation accuracy rose by ≥ 0.5
 *                  points or validation loss fell by ≥ 1 %
 * *   at baseline    validation accuracy at the kept epoch within 2 points of the majority-class baseline
 *   diverged / failed   from the run's status
 */
import type { Run } from './results.ts';
import { bestRecord, epochsTrained } from './select.ts';

export type Verdict = 'over-fitting' | 'still improving' | 'at baseline' | 'diverged' | 'failed' | 'levelled off'
  | 'unfinished';

export interface Reading {
  verdict: Verdict;
  /** one sentence with the numbers behind the verdict */
  text: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function readRun(run: Run, baselineAccuracy: number): Reading {
  if (run.status === 'diverged') return { verdict: 'diverged', text: run.reason ?? 'the loss became non-finite' };
  if (run.status === 'failed') return { verdict: 'failed', text: run.reason ?? 'the run failed' };
  const best = bestRecord(run);
  const last = run.history.at(-1);
  if (run.status !== 'ok' || !best || !last || last.epoch === 0) {
    return { verdict: 'unfinished', text: `${run.status}: ${epochsTrained(run)} epoch(s) so far` };
  }
  if (best.valAccuracy - baselineAccuracy < 0.02) {
    return {
      verdict: 'at baseline',
      text: `validation accuracy ${pct(best.valAccuracy)} is within 2 points of the baseline ${pct(baselineAccuracy)}: ` +
        'the model learned (almost) nothing; try another learning rate',
    };
  }
  if (best.epoch < last.epoch && best.valLoss !== null && last.valLoss !== null && last.valLoss > best.valLoss * 1.05) {
    const after = run.history.filter((h) => h.epoch > best.epoch);
    const trainFell = after.length > 0 && best.trainLoss !== null && after.every((h) => h.trainLoss !== null) &&
      after.at(-1)!.trainLoss! < (best.trainLoss ?? Infinity);
    if (trainFell || best.epoch === 0) {
      return {
        verdict: 'over-fitting',
        text: `validation loss rose from ${best.valLoss.toFixed(3)} (epoch ${best.epoch}) to ${last.valLoss.toFixed(3)} ` +
          `(epoch ${last.epoch})${trainFell ? ' while training loss kept falling' : ''}; ` +
          `the kept weights are epoch ${best.epoch}'s`,
      };
    }
  }
  const prev = run.history.find((h) => h.epoch === last.epoch - 1);
  if (best.epoch === last.epoch && prev) {
    const accGain = last.valAccuracy - prev.valAccuracy;
    const lossDrop = prev.valLoss !== null && last.valLoss !== null ? 1 - last.valLoss / prev.valLoss : 0;
    if (accGain >= 0.005 || lossDrop >= 0.01) {
      return {
        verdict: 'still improving',
        text: accGain >= 0.005
          ? `validation accuracy still rose ${(100 * accGain).toFixed(1)} points in the last epoch ` +
            `(${pct(prev.valAccuracy)} → ${pct(last.valAccuracy)}): more epochs would probably help`
          : `validation loss still fell ${(100 * lossDrop).toFixed(1)}% in the last epoch ` +
            `(${prev.valLoss!.toFixed(3)} → ${last.valLoss!.toFixed(3)}): more epochs would probably help`,
      };
    }
    return {
      verdict: 'levelled off',
      text: `the last epoch has the lowest validation loss, but it barely moved ` +
        `(${prev.valLoss?.toFixed(3) ?? '—'} → ${last.valLoss?.toFixed(3) ?? '—'}, accuracy ${pct(prev.valAccuracy)} → ${pct(last.valAccuracy)})`,
    };
  }
  return {
    verdict: 'levelled off',
    text: `best validation loss at epoch ${best.epoch} of ${last.epoch}, without a clear rise after it`,
  };
}
