/**
 * results.json's fair-comparison part, built from a study plan and the final runs' records: per cell the search
 * (every trial at every rung), the runs over seeds with their validation and test accuracy, the distributions, the
 * time spent; then the ranking by mean validation accuracy with the statistics against the leader (stats/compare.ts).
 */
import { join } from 'node:path';
import type { Run } from '../../report/results.ts';
import type { CellResult, RankingEntry, StudyResult } from '../../report/study-schema.ts';
import { readStatus } from '../../train/run-dir.ts';
import { ALPHA, TEST_NAME, compareWithLeader, describe } from '../stats/compare.ts';
import type { StudyPlan, StudySettings } from './study.ts';

/** The validation accuracy of a run's kept epoch (what selection uses). */
function keptVal(run: Run): number | null {
  if (run.bestEpoch === null) return null;
  return run.history.find((h) => h.epoch === run.bestEpoch)?.valAccuracy ?? null;
}

function secondsOf(expDir: string, ids: string[]): number {
  let total = 0;
  for (const id of new Set(ids)) total += readStatus(join(expDir, id))?.seconds ?? 0;
  return total;
}

export interface StudyResults {
  cells: CellResult[];
  ranking: RankingEntry[];
  study: StudyResult;
}

/** `runsById`: the results.json run of each final trial (by its folder). */
export function studyResults(expDir: string, plan: StudyPlan, settings: StudySettings,
  runsById: Map<string, Run>): StudyResults {
  const cells: CellResult[] = plan.cells.map((c) => {
    const runs = c.finals.map((t) => {
      const run = runsById.get(t.id);
      const ok = run?.status === 'ok' && run.test !== null;
      const val = run && ok ? keptVal(run) : null;
      return {
        seed: t.seed, dir: t.id, status: run?.status ?? 'pending',
        val: val === null ? null : { accuracy: val },
        test: ok ? { accuracy: run!.test!.accuracy } : null,
      };
    });
    const done = runs.filter((r) => r.val !== null && r.test !== null);
    const out: CellResult = {
      arch: c.cell.arch, optimizer: c.cell.optimizer, cell: c.cell.name, lr: c.lr, defaultLr: c.cell.train.lr!,
      lrSearch: (c.search?.entries ?? []).map((e) => ({
        lr: e.lr, valAccuracy: e.score.valAccuracy, valLoss: e.score.valLoss, epochs: e.score.epochs,
        status: e.score.status, rung: e.rung, budget: e.budget,
      })),
      runs,
      val: describe(done.map((r) => r.val!.accuracy)),
      test: describe(done.map((r) => r.test!.accuracy)),
      searchSeconds: secondsOf(expDir, c.searchTrials.map((t) => t.id)),
      finalSeconds: secondsOf(expDir, c.finals.map((t) => t.id)),
    };
    if (c.search) out.searchGrid = c.search.grid;
    if (c.search?.note) out.searchNote = c.search.note;
    return out;
  });

  const ranked = cells.filter((c) => c.val !== null && c.test !== null && c.lr !== null)
    .sort((a, b) => b.val!.mean - a.val!.mean);
  const verdicts = compareWithLeader(ranked.map((c) => ({
    key: String(c.cell), valMean: c.val!.mean, test: c.runs.filter((r) => r.test && r.val).map((r) => r.test!.accuracy),
  })));
  const ranking: RankingEntry[] = ranked.map((c, i) => ({
    arch: c.arch, optimizer: c.optimizer, cell: c.cell, lr: c.lr!, valMean: c.val!.mean, valStd: c.val!.std,
    testMean: c.test!.mean, testStd: c.test!.std, testMin: c.test!.min, testMax: c.test!.max, n: c.test!.n,
    leader: verdicts[i]!.leader, pValue: verdicts[i]!.pValue, pAdjusted: verdicts[i]!.pAdjusted,
    tiedWithBest: verdicts[i]!.tiedWithBest,
  }));

  const study: StudyResult = {
    lrSearch: settings.lrSearch,
    seeds: settings.seeds,
    ...(settings.raceTo !== undefined ? { raceTo: settings.raceTo } : {}),
    test: TEST_NAME,
    alpha: ALPHA,
    searchSeconds: cells.reduce((a, c) => a + c.searchSeconds, 0),
    finalSeconds: cells.reduce((a, c) => a + c.finalSeconds, 0),
    ...(settings.lrSearch === 'halving' ? {
      eta: settings.eta, maxExtend: settings.maxExtend, budgets: settings.budgets ?? 'per cell',
      trials: plan.cells.reduce((a, c) => a + new Set(c.searchTrials.map((t) => t.id)).size, 0),
    } : {}),
  };
  return { cells, ranking, study };
}
