/**
 * report.html: one self-contained page that works offline from file://. It inlines the vega runtime and the
 * charts already compiled to vega (so vega-lite is not needed in the page), a tiny vanilla-JS table sorter and a
 * tooltip. A Content-Security-Policy with default-src 'none' makes the browser refuse any network fetch, so a
 * stray URL cannot make the page depend on the internet. ('unsafe-eval' is needed because vega compiles its
 * expressions with Function().)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Spec as VegaSpec } from 'vega';
import type { Results } from './results.ts';
import { CHART_NAMES, type ChartName } from './charts.ts';
import { formatFixed, formatPercent } from './format.ts';
import { nbsvmText } from './baselines.ts';
import { archLabel, bestPerArch, epochsTrained, formatLr, optimizerLabel, runLabel, selectBest } from './select.ts';
import {
  BEST_RULE, RUN_COLUMNS, baselineText, runRow, settingText, sortedRuns, statusCounts,
} from './summary.ts';
import { studyHtml } from './ranking.ts';
import { STUDY_CHART_TITLES, studyCharts } from './search-chart.ts';

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON inside <script type="application/json">: '<' must not appear, or "</script>" in a string would end it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

let vegaRuntime: string | undefined;
/** vega's browser bundle (defines the global `vega`); its package exports hide the path, so go via the module. */
function vegaScript(): string {
  if (vegaRuntime === undefined) {
    const moduleFile = createRequire(import.meta.url).resolve('vega');
    const code = readFileSync(join(dirname(moduleFile), 'vega.min.js'), 'utf8');
    vegaRuntime = code.replace(/<\/script/gi, '<\\/script'); // same string in JS, harmless to the HTML parser
  }
  return vegaRuntime;
}

/** Accessible names of the chart containers (the visible titles are drawn by vega inside each chart). */
const CHART_TITLES: Record<ChartName, string> = {
  loss: 'Test loss per epoch',
  accuracy: 'Test accuracy per epoch',
  best: 'Best run of each architecture',
};

const STYLE = `
body { font: 15px/1.45 system-ui, "DejaVu Sans", sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem;
  color: #222; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { padding: .3rem .6rem; border-bottom: 1px solid #e5e5e5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { text-align: left; background: #f5f5f5; }
th button { all: unset; cursor: pointer; font-weight: bold; }
th button:focus-visible { outline: 2px solid #4c78a8; }
th[aria-sort=ascending] button::after { content: " ▲"; } th[aria-sort=descending] button::after { content: " ▼"; }
tr.best td { background: #eef6ee; } .status-diverged, .status-failed { color: #b00; }
.hint { color: #666; font-size: .9rem; }
.chart { margin: 1rem 0; overflow-x: auto; }
#tooltip { position: fixed; pointer-events: none; background: #fff; border: 1px solid #999; padding: .3rem .5rem;
  font-size: .85rem; box-shadow: 0 2px 6px rgba(0,0,0,.2); display: none; white-space: pre; z-index: 10; }
`;

/** Sorting: click a header; numbers compare numerically, missing values (data-sort="") always go last. */
const SCRIPT = `
'use strict';
for (const table of document.querySelectorAll('table.sortable')) {
  const headers = [...table.tHead.rows[0].cells];
  headers.forEach((th, col) => th.querySelector('button').addEventListener('click', () => {
    const ascending = th.getAttribute('aria-sort') !== 'ascending';
    for (const other of headers) other.setAttribute('aria-sort', 'none');
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    const numeric = th.dataset.type === 'number';
    const key = (tr) => {
      const v = tr.cells[col].dataset.sort;
      return v === undefined || v === '' ? null : numeric ? Number(v) : v;
    };
    const body = table.tBodies[0];
    const rows = [...body.rows].sort((a, b) => {
      const x = key(a), y = key(b);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      const c = numeric ? x - y : String(x).localeCompare(String(y));
      return ascending ? c : -c;
    });
    body.append(...rows);
  }));
}

const tip = document.getElementById('tooltip');
function tooltip(handler, event, item, value) {
  if (value == null || value === '') { tip.style.display = 'none'; return; }
  tip.textContent = typeof value === 'object'
    ? Object.entries(value).map(([k, v]) => k + ': ' + v).join('\\n') : String(value);
  tip.style.display = 'block';
  tip.style.left = (event.clientX + 14) + 'px';
  tip.style.top = (event.clientY + 14) + 'px';
}

for (const el of document.querySelectorAll('.chart')) {
  const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  new vega.View(vega.parse(spec), { renderer: 'svg', container: el, hover: true, tooltip })
    .runAsync()
    .then(() => el.setAttribute('data-rendered', 'true'))
    .catch((e) => { el.textContent = 'This chart failed to draw: ' + e.message; console.error(e); });
}
`;

const td = (text: string, sort: number | string | null, numeric: boolean, cls = '') =>
  `<td${numeric || cls ? ` class="${[numeric ? 'num' : '', cls].filter(Boolean).join(' ')}"` : ''}` +
  ` data-sort="${sort === null ? '' : escapeHtml(String(sort))}">${escapeHtml(text)}</td>`;

function runsTable(results: Results): string {
  const best = selectBest(results.runs)?.run;
  const head = RUN_COLUMNS.map(
    (c) => `<th scope="col" aria-sort="none"${c.numeric ? ' data-type="number"' : ''}>` +
      `<button type="button">${escapeHtml(c.title)}</button></th>`,
  ).join('');
  const rows = sortedRuns(results).map((run) => {
    const cells = runRow(run).map((cell, i) =>
      td(cell.text, cell.sort, RUN_COLUMNS[i].numeric, i === RUN_COLUMNS.length - 1 ? `status-${run.status}` : ''));
    const attrs = run === best ? ' class="best" title="best run (by validation accuracy)"' : '';
    return `<tr${attrs}>${cells.join('')}</tr>`;
  });
  return `<table id="runs" class="sortable"><thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function bestSection(results: Results): string {
  const overall = selectBest(results.runs);
  if (!overall) return '<p>No run finished, so there is no best run yet.</p>';
  const { run, record } = overall;
  const rows = bestPerArch(results).map(({ run, record }) =>
    `<tr><td>${escapeHtml(archLabel(run.arch))}</td><td>${escapeHtml(optimizerLabel(run.optimizer))}</td>` +
    `<td class="num">${escapeHtml(formatLr(run.lr))}</td><td class="num">${record.epoch}</td>` +
    `<td class="num">${formatPercent(record.valAccuracy)}</td><td class="num">${formatPercent(run.test?.accuracy)}</td>` +
    `<td class="num">${formatFixed(run.test?.macroF1)}</td></tr>`);
  return `<p class="hint">${escapeHtml(BEST_RULE)}</p>
<p><strong>Overall: ${escapeHtml(runLabel(run))}</strong>: validation ${formatPercent(record.valAccuracy)},
test ${formatPercent(run.test?.accuracy)}, macro-F1 ${formatFixed(run.test?.macroF1)}
(epoch ${record.epoch} of ${epochsTrained(run)}).</p>
<table id="best"><thead><tr><th>Architecture</th><th>Optimizer</th><th>Learning rate</th><th>Best epoch</th>
<th>Val. accuracy</th><th>Test accuracy</th><th>Macro-F1</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function keyValueTable(id: string, entries: [string, string][]): string {
  const rows = entries.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  return `<table id="${id}"><tbody>${rows.join('')}</tbody></table>`;
}

/** The whole page; `charts` are the compiled vega specs (compiledCharts). */
export function reportHtml(results: Results, charts: Record<ChartName, VegaSpec>): string {
  const title = results.title ?? 'rnnlab experiment';
  const m = results.machine;
  const chartDivs = CHART_NAMES.map((name) =>
    `<div class="chart" id="chart-${name}" data-spec="spec-${name}" role="img" ` +
    `aria-label="${escapeHtml(CHART_TITLES[name])}"></div>`).join('\n');
  const specScripts = CHART_NAMES.map((name) =>
    `<script type="application/json" id="spec-${name}">${scriptJson(charts[name])}</script>`).join('\n');
  const notes = results.notes?.length
    ? `<h2>Notes</h2>\n<ul id="notes">${results.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
  content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(statusCounts(results.runs))}.</p>
<h2>Runs</h2>
<p class="hint">Click a column header to sort; click again to reverse.</p>
${runsTable(results)}
<h2>Best runs</h2>
${bestSection(results)}
${studyHtml(results, studyCharts(results), STUDY_CHART_TITLES)}
<h2>Baseline</h2>
<p id="baseline">${escapeHtml(baselineText(results))}</p>
${nbsvmText(results) ? `<p id="baseline-nbsvm">${escapeHtml(nbsvmText(results)!)}</p>` : ''}
${notes}
<h2>Charts</h2>
<p class="hint">Test-set curves; epoch 0 is the model before training. Hover a point for its values.</p>
${chartDivs}
<h2>Settings</h2>
${keyValueTable('settings', Object.entries(results.settings).map(([k, v]) => [k, settingText(v)]))}
<h2>Machine</h2>
${keyValueTable('machine', [
    ['CPU', `${m.cpu} (${m.cores} cores)`], ['BLAS', m.blas], ['Threads', String(m.threads)], ['Node', m.node],
  ])}
<div id="tooltip" role="tooltip"></div>
${specScripts}
<script>${vegaScript()}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
