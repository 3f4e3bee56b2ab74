/**
 * The fair comparison in summary.md and report.html (results.json "cells", "ranking", "study"): how each cell's
 * learning rate was chosen (search space, budget, the chosen and the default rate), the distribution over seeds, the
 * ranking with its statistics, and the time spent. Both formats come from the same rows (studyTables).
 */
import type { Results } from './results.ts';
import type { CellResult } from './study-schema.ts';
import { formatDuration, formatPercent } from './format.ts';
import { archLabel, formatLr, optimizerLabel } from './select.ts';

export interface Table {
  id: string;
  header: string[];
  numeric: boolean[];
  rows: string[][];
}

const pm = (mean: number, std: number | null) => `${formatPercent(mean)} ± ${std === null ? '—' : formatPercent(std)}`;
const p = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x < 0.001 ? x.toExponential(1) : x.toFixed(3));

/** The study's prose and tables, or null when results.json has no fair-comparison part. */
export function studyTables(results: Results): { paragraphs: string[]; tables: Table[] } | null {
  const cells = results.cells ?? [];
  const study = results.study;
  if (!study || cells.length === 0) return null;
  const paragraphs: string[] = [];
  const searched = study.lrSearch !== 'off';
  const s = study as Record<string, unknown>;
  paragraphs.push(searched
    ? `Learning rate per cell chosen on validation accuracy by successive halving (reduction factor ${s.eta}): ` +
      `every rate of a log-spaced grid (steps of ×3.16, plus the optimizer's default rate) trains ` +
      `${Array.isArray(s.budgets) ? s.budgets[0] : 'the first budget of'} epoch(s), the best third goes on to ` +
      `${Array.isArray(s.budgets) ? s.budgets.slice(1).join(', then ') : 'longer budgets'} epochs until one is left; a ` +
      `best rate on the grid's edge grows the grid (up to ${s.maxExtend} steps per side); diverged runs and runs at ` +
      `chance are failed rates. ${s.trials} search trials; the test split was not read by any of them.`
    : 'No learning-rate search: every cell trains with its optimizer\'s default rate (or the one set by --lr / --config).');
  const race = typeof s.raceTo === 'number'
    ? ` Racing: then one more seed at a time for the leader and the cells still tied with it, up to ${s.raceTo} runs.`
    : '';
  paragraphs.push(`Final runs: ${study.seeds} per cell (model seeds differ, the data split is the same).${race} ` +
    `Time: ${formatDuration(study.searchSeconds)} in the search, ${formatDuration(study.finalSeconds)} in the final runs.`);
  const ranking = results.ranking ?? [];
  const maxN = Math.max(0, ...ranking.map((r) => r.n));
  paragraphs.push(maxN < 2
    ? 'One run per cell: there is no spread to test against, so no cell can be told apart from the best — ' +
      'differences smaller than the spread between seeds (about a point of accuracy on IMDB) are not evidence.'
    : `Ranking by mean validation accuracy; "tied" = not distinguishable from the leader by a ${study.test} ` +
      `(α ${study.alpha}, n per cell as shown). The "Best runs" above pick single runs, i.e. the luckiest seed; ` +
      'this ranking compares cells by their means.');

  const tables: Table[] = [];
  tables.push({
    id: 'ranking',
    header: ['#', 'Architecture', 'Optimizer', 'Learning rate', 'Val. accuracy (mean ± std)', 'Test accuracy (mean ± std)',
      'Test min – max', 'n', 'p (Holm)', 'Verdict'],
    numeric: [true, false, false, true, true, true, true, true, true, false],
    rows: ranking.map((r, i) => [
      String(i + 1), archLabel(r.arch), optimizerLabel(r.optimizer), formatLr(r.lr),
      pm(r.valMean, (r.valStd as number | null | undefined) ?? null), pm(r.testMean, r.testStd),
      `${formatPercent(r.testMin as number)} – ${formatPercent(r.testMax as number)}`, String(r.n), p(r.pAdjusted),
      r.leader ? 'leader' : r.n < 2 ? 'not testable (n = 1)' : r.tiedWithBest ? 'tied with the leader' : 'below the leader',
    ]),
  });
  tables.push({
    id: 'search',
    header: ['Architecture', 'Optimizer', 'Chosen rate', 'Default rate', 'Default rate\'s val. accuracy', 'Rates tried',
      'Failed rates', 'Search time', 'Final runs time', 'Note'],
    numeric: [false, false, true, true, true, false, false, true, true, false],
    rows: cells.map((c) => searchRow(c, searched)),
  });
  return { paragraphs, tables };
}

function searchRow(c: CellResult, searched: boolean): string[] {
  const first = c.lrSearch.filter((e) => e.rung === 0);
  const atDefault = first.find((e) => e.lr === c.defaultLr);
  const failed = first.filter((e) => e.status !== 'ok').map((e) => `${formatLr(e.lr)} (${e.status})`);
  const chosenVsDefault = searched && c.lr !== null && atDefault?.valAccuracy !== null && atDefault !== undefined
    ? formatPercent(atDefault.valAccuracy) : '—';
  return [
    archLabel(c.arch), optimizerLabel(c.optimizer), c.lr === null ? 'none' : formatLr(c.lr), formatLr(c.defaultLr),
    chosenVsDefault,
    searched ? first.map((e) => formatLr(e.lr)).join(', ') : '—',
    failed.length ? failed.join(', ') : '—',
    formatDuration(c.searchSeconds), formatDuration(c.finalSeconds), c.searchNote ?? '',
  ];
}

const mdCell = (text: string) =>
  text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\s*\n\s*/g, ' ');

/** summary.md's section (empty when there is no study). */
export function studyMarkdown(results: Results): string[] {
  const t = studyTables(results);
  if (!t) return [];
  const out = ['## Fair comparison', '', ...t.paragraphs.flatMap((x) => [mdCell(x), ''])];
  for (const table of t.tables) {
    out.push(table.id === 'ranking' ? '### Ranking' : '### Learning-rate search', '');
    out.push(`| ${table.header.map(mdCell).join(' | ')} |`);
    out.push(`|${table.numeric.map((n) => (n ? '---:' : ':---')).join('|')}|`);
    for (const row of table.rows) out.push(`| ${row.map(mdCell).join(' | ')} |`);
    out.push('');
  }
  out.push('Charts: search.png (validation accuracy per learning rate), seeds.png (test accuracy over seeds).', '');
  return out;
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  .replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** report.html's section: prose, tables and the chart containers with their compiled specs (empty without a study). */
export function studyHtml(results: Results, charts: Record<string, unknown>, titles: Record<string, string>): string {
  const t = studyTables(results);
  if (!t) return '';
  const tables = t.tables.map((table) => {
    const head = table.header.map((h) => `<th>${esc(h)}</th>`).join('');
    const rows = table.rows.map((r) => `<tr>${r.map((c, i) =>
      `<td${table.numeric[i] ? ' class="num"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('\n');
    const caption = table.id === 'ranking' ? 'Ranking' : 'Learning-rate search';
    return `<h3>${caption}</h3>\n<table id="study-${table.id}"><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
  }).join('\n');
  const chartDivs = Object.keys(charts).map((name) =>
    `<div class="chart" id="chart-${name}" data-spec="spec-${name}" role="img" aria-label="${esc(titles[name] ?? name)}"></div>`);
  const specs = Object.entries(charts).map(([name, spec]) =>
    `<script type="application/json" id="spec-${name}">${JSON.stringify(spec).replace(/</g, '\\u003c')}</script>`);
  return `${t.paragraphs.map((x) => `<p>${esc(x)}</p>`).join('\n')}\n${tables}\n` +
    `${chartDivs.join('\n')}\n${specs.join('\n')}`;
}
