/**
 * `rnnlab experiment`'s fair-comparison flags (--lr-search, --seeds) and the lines it prints about the outcome.
 */
import { UserError } from '../../util/errors.ts';
import { CLI_STUDY_NAMES, checkStudyOptions, type LrSearchMode } from '../../experiment/search/study.ts';
import type { Results } from '../../report/results.ts';

/** `homework`: --preset homework (no search allowed); `recipe`: another preset (the search is off unless asked for). */
export function parseStudyFlags(raw: Record<string, unknown>, presets: { homework: boolean; recipe: boolean }):
  { lrSearch: LrSearchMode; seeds: number; raceTo?: number } {
  // The default is the fair comparison (README "A fair comparison"); a preset's recipe fixes its rates.
  const mode = String(raw.lrSearch ?? (presets.homework || presets.recipe ? 'off' : 'halving')).toLowerCase();
  const study = checkStudyOptions({
    lrSearch: mode, seeds: Number(raw.seeds ?? 1), ...(raw.raceTo !== undefined ? { raceTo: Number(raw.raceTo) } : {}),
  }, CLI_STUDY_NAMES, { seeds: raw.seeds, raceTo: raw.raceTo });
  if (presets.homework && study.lrSearch !== 'off') {
    throw new UserError('--preset homework replays the homework\'s own learning rates; drop --lr-search');
  }
  return study;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** "chosen rates: …", the leader and the cells tied with it (printed after the run). */
export function studyOutcomeLines(r: Results): string[] {
  const out: string[] = [];
  const cells = r.cells ?? [];
  if (r.study?.lrSearch && r.study.lrSearch !== 'off') {
    out.push(`chosen learning rates (by validation accuracy): ${cells.map((c) =>
      `${c.cell ?? `${c.arch}-${c.optimizer}`} ${c.lr ?? (c.searchNote ? 'none' : 'not chosen yet')}`).join(', ')}`);
  }
  const ranking = r.ranking ?? [];
  const leader = ranking.find((x) => x.leader);
  if (leader && (r.study?.seeds ?? 1) > 1) {
    const tied = ranking.filter((x) => x.tiedWithBest && !x.leader).map((x) => `${x.arch}-${x.optimizer}`);
    out.push(`leader by mean validation accuracy: ${leader.arch}-${leader.optimizer} (test ${pct(leader.testMean)} ` +
      `± ${leader.testStd === null ? '—' : pct(leader.testStd)}, n ${leader.n}); not distinguishable from it: ` +
      `${tied.length ? tied.join(', ') : 'none'} (${r.study?.test}, α ${r.study?.alpha})`);
  }
  return out;
}
