/**
 * `rnnlab experiment`'s fair-comparison flags (--lr-search, --seeds) and the lines it prints about the outcome.
 */
import { UserError } from '../../util/errors.ts';
import { LR_SEARCH_MODES, MAX_SEEDS, type LrSearchMode } from '../../experiment/search/study.ts';
import type { Results } from '../../report/results.ts';

/** `homework`: --preset homework (no search allowed); `recipe`: another preset (the search is off unless asked for). */
export function parseStudyFlags(raw: Record<string, unknown>, presets: { homework: boolean; recipe: boolean }):
  { lrSearch: LrSearchMode; seeds: number; raceTo?: number } {
  // The default is the fair comparison (README "A fair comparison"); a preset's recipe fixes its rates.
  const mode = String(raw.lrSearch ?? (presets.homework || presets.recipe ? 'off' : 'halving')).toLowerCase();
  if (!(LR_SEARCH_MODES as readonly string[]).includes(mode)) {
    throw new UserError(`--lr-search must be one of ${LR_SEARCH_MODES.join(', ')} (got ${JSON.stringify(raw.lrSearch)})`);
  }
  const seeds = Number(raw.seeds ?? 1);
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > MAX_SEEDS) {
    throw new UserError(`--seeds must be a whole number from 1 to ${MAX_SEEDS} (got ${JSON.stringify(raw.seeds)})`);
  }
  let raceTo: number | undefined;
  if (raw.raceTo !== undefined) {
    raceTo = Number(raw.raceTo);
    if (!Number.isInteger(raceTo) || raceTo < 2 || raceTo > MAX_SEEDS) {
      throw new UserError(`--race-to must be a whole number from 2 to ${MAX_SEEDS} (got ${JSON.stringify(raw.raceTo)})`);
    }
    if (seeds < 2) throw new UserError('--race-to needs --seeds 2 or more: with one run per cell there is no spread to test');
    if (raceTo <= seeds) throw new UserError(`--race-to ${raceTo} must be above --seeds ${seeds}`);
  }
  if (presets.homework && mode !== 'off') {
    throw new UserError('--preset homework replays the homework\'s own learning rates; drop --lr-search');
  }
  return { lrSearch: mode as LrSearchMode, seeds, ...(raceTo !== undefined ? { raceTo } : {}) };
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
