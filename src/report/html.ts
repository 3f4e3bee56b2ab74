/**
 * report.html: one self-contained page that works offline from file://. It inlines the vega runtime and the
 * charts already compiled to vega (so vega-lite is not needed in the page), a tiny vanilla-JS table sorter and a
 * tooltip.
 *
 * Sections: runs (sortable, each name linking to its run's section, with a reading of its curve), best runs,
 * baselines, the grid charts, one section per run (curves, confusion matrix, per-class scores, split sizes, folder
 * link), notes, settings under their flag names, machine, files. Every chart is a <figure> whose numbers follow as a
 * table (the text alternative; all a reader without JavaScript gets). Charts come in up to three layouts (wide,
 * two-column, one-column); the script draws the widest that fits the page, so nothing is wider than a 360 px phone. A Content-Security-Policy with default-src 'none' makes the browser refuse any network fetch, so a
 * stray URL cannot make the page depend on the internet. ('unsafe-eval' is needed because vega compiles its
 * expressions with Function().)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Results, Run } from './results.ts';
import { majorityAccuracy } from './results.ts';
import { gridCharts, seriesLabel, type DataTable, type ReportChart } from './charts.ts';
import { confusionChart, runCurvesChart } from './run-charts.ts';
import { readRun } from './diagnose.ts';
import { nbsvmText } from './baselines.ts';
import type { RunDetail } from './run-folder.ts';
import { settingRows } from './settings.ts';
import { formatDuration, formatFixed, formatPercent } from './format.ts';
import {
  archLabel, bestPerArch, bestRecord, epochsTrained, formatLr, optimizerLabel, runCell, runSeed, selectBest,
  shortTitle,
} from './select.ts';
import {
  BEST_RULE, RUN_COLUMNS, baselineText, runRow, sortedRuns, splitSizesText, statusCounts,
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

const STYLE = `
*, *::before, *::after { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, "DejaVu Sans", sans-serif; margin: 1.5rem auto; max-width: 1400px; padding: 0 1rem;
  color: #222; }
p, li, dd, h1, h2, h3, caption { overflow-wrap: anywhere; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
h3 { margin: 1.5rem 0 .3rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .5rem 0; } .sortable th, .sortable td, table.data th, table.data td { white-space: nowrap; } th, td { padding: .3rem .6rem; border-bottom: 1px solid #e5e5e5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { text-align: left; background: #f5f5f5; }
th button { all: unset; cursor: pointer; font-weight: bold; }
th button:focus-visible { outline: 2px solid #4c78a8; }
th[aria-sort=ascending] button::after { content: " ▲"; } th[aria-sort=descending] button::after { content: " ▼"; }
#runs td:first-child, #runs th:first-child { position: sticky; left: 0; background: #fff; z-index: 1; }
#runs th:first-child { background: #f5f5f5; }
tr.best td, #runs tr.best td:first-child { background: #eef6ee; } .status-diverged, .status-failed { color: #b00; }
.verdict-over-fitting, .verdict-at-baseline { color: #a34d00; } .verdict-still-improving { color: #1f5fa0; }
.hint { color: #555; font-size: .9rem; }
figure { margin: 1rem 0 1.5rem; max-width: 100%; }
.chart { max-width: 100%; }
.chart svg { max-width: 100%; height: auto; display: block; }
details > summary { cursor: pointer; color: #1f5fa0; font-size: .9rem; }
.run { border-top: 1px solid #ddd; padding-top: .3rem; }
.run dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
.run dt { color: #555; } .run dd { margin: 0; }
.pair { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; }
.pair > * { min-width: 0; max-width: 100%; }
nav ul { padding-left: 1.2rem; columns: 14rem; }
#tooltip { position: fixed; pointer-events: none; background: #fff; border: 1px solid #999; padding: .3rem .5rem;
  font-size: .85rem; box-shadow: 0 2px 6px rgba(0,0,0,.2); display: none; white-space: pre; z-index: 10; }
@media (max-width: 600px) { body { font-size: 14px; padding: 0 .6rem; } th, td { padding: .25rem .4rem; } }
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
  // the widest layout the page has room for: wide, else medium (two columns), else narrow (one column)
  // inside a .pair (side-by-side figures) an empty chart has no width yet: measure the row instead
  const width = (el.closest('.pair') || el).clientWidth;
  const layout = !el.dataset.narrow || width >= Number(el.dataset.minWidth) ? 'wide'
    : el.dataset.medium && width >= Number(el.dataset.mediumWidth) ? 'medium' : 'narrow';
  const id = layout === 'wide' ? el.dataset.spec : layout === 'medium' ? el.dataset.medium : el.dataset.narrow;
  const spec = JSON.parse(document.getElementById(id).textContent);
  new vega.View(vega.parse(spec), { renderer: 'svg', container: el, hover: true, tooltip })
    .runAsync()
    .then(() => {
      el.setAttribute('data-rendered', 'true');
      el.setAttribute('data-layout', layout);
    })
    .catch((e) => { el.textContent = 'This chart failed to draw: ' + e.message; console.error(e); });
}
`;

const td = (text: string, sort: number | string | null, numeric: boolean, cls = '', html?: string) =>
  `<td${numeric || cls ? ` class="${[numeric ? 'num' : '', cls].filter(Boolean).join(' ')}"` : ''}` +
  ` data-sort="${sort === null ? '' : escapeHtml(String(sort))}">${html ?? escapeHtml(text)}</td>`;

/** The id of a run's section: its cell name made safe for a URL fragment, plus its seed when cells repeat. */
export function runAnchor(run: Run, runs: Run[]): string {
  const cell = runCell(run);
  const repeated = runs.some((r) => r !== run && runCell(r) === cell);
  const seed = runSeed(run);
  return 'run-' + (repeated && seed !== null ? `${cell}-seed-${seed}` : cell).replace(/[^A-Za-z0-9_-]+/g, '-');
}

function runsTable(results: Results): string {
  const best = selectBest(results.runs)?.run;
  const baseline = majorityAccuracy(results);
  const columns = [...RUN_COLUMNS, { title: 'Reading', numeric: false }];
  const head = columns.map(
    (c) => `<th scope="col" aria-sort="none"${c.numeric ? ' data-type="number"' : ''}>` +
      `<button type="button">${escapeHtml(c.title)}</button></th>`,
  ).join('');
  const rows = sortedRuns(results).map((run) => {
    const cells = runRow(run).map((cell, i) => {
      const title = RUN_COLUMNS[i].title;
      const cls = title === 'Status' ? `status-${run.status}` : '';
      const html = i === 0 ? `<a href="#${runAnchor(run, results.runs)}">${escapeHtml(cell.text)}</a>` : undefined;
      return td(cell.text, cell.sort, RUN_COLUMNS[i].numeric, cls, html);
    });
    const reading = readRun(run, baseline);
    cells.push(td(reading.verdict, reading.verdict, false, `verdict-${reading.verdict.replace(/ /g, '-')}`));
    const attrs = run === best ? ' class="best" title="best run (by validation accuracy)"' : '';
    return `<tr${attrs}>${cells.join('')}</tr>`;
  });
  return `<div class="scroll"><table id="runs" class="sortable"><thead><tr>${head}</tr></thead>\n<tbody>\n` +
    `${rows.join('\n')}\n</tbody></table></div>`;
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
<p><strong>Overall: <a href="#${runAnchor(run, results.runs)}">${escapeHtml(seriesLabel(run, results.runs))}</a></strong>:
validation ${formatPercent(record.valAccuracy)}, test ${formatPercent(run.test?.accuracy)},
macro-F1 ${formatFixed(run.test?.macroF1)} (epoch ${record.epoch} of ${epochsTrained(run)}).</p>
<div class="scroll"><table id="best"><thead><tr><th>Architecture</th><th>Optimizer</th><th>Learning rate</th>
<th>Best epoch</th><th>Val. accuracy</th><th>Test accuracy</th><th>Macro-F1</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>`;
}

function keyValueTable(id: string, entries: [string, string][], keyHeader?: string): string {
  const rows = entries.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  const head = keyHeader ? `<thead><tr><th scope="col">${escapeHtml(keyHeader)}</th><th scope="col">Value</th></tr></thead>` : '';
  return `<div class="scroll"><table id="${id}">${head}<tbody>${rows.join('')}</tbody></table></div>`;
}

/** A chart's numbers as an HTML table (its text alternative). */
export function dataTable(table: DataTable, caption: string): string {
  const head = table.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const rows = table.rows.map((r) =>
    `<tr>${r.map((c, i) => i === 0 ? `<th scope="row">${escapeHtml(c)}</th>`
      : `<td${table.numeric[i] ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`);
  return `<div class="scroll"><table class="data"><caption class="hint">${escapeHtml(caption)}</caption>` +
    `<thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/**
 * A chart (drawn by the page's script from the spec in `specs`) and, under it, the same numbers as a table: what a
 * screen reader reads, and all a reader without JavaScript gets.
 */
export function figure(chart: ReportChart, specs: Map<string, unknown>): string {
  specs.set(`spec-${chart.id}`, chart.spec);
  if (chart.narrow) specs.set(`spec-${chart.id}-narrow`, chart.narrow);
  if (chart.medium) specs.set(`spec-${chart.id}-medium`, chart.medium.spec);
  const narrow = (chart.narrow ? ` data-narrow="spec-${chart.id}-narrow"` : '') + (chart.medium
    ? ` data-medium="spec-${chart.id}-medium" data-medium-width="${chart.medium.minWidth}"` : '');
  // vega labels the chart container itself ("Vega visualization"), so the figure carries the chart's name
  return `<figure id="figure-${chart.id}" aria-label="${escapeHtml(chart.title)} (its numbers are in the table below)">
<div class="chart" id="chart-${chart.id}" data-spec="spec-${chart.id}"${narrow} data-min-width="${chart.minWidth}"></div>
<details><summary>Numbers of this chart</summary>${dataTable(chart.table, chart.title)}</details>
</figure>`;
}

function classTable(detail: RunDetail): string {
  if (!detail.perClass) return '';
  const rows = detail.perClass.map((c) =>
    `<tr><th scope="row">${escapeHtml(c.label)}</th><td class="num">${formatFixed(c.precision)}</td>` +
    `<td class="num">${formatFixed(c.recall)}</td><td class="num">${formatFixed(c.f1)}</td>` +
    `<td class="num">${c.support}</td></tr>`);
  return `<div class="scroll"><table class="per-class"><caption class="hint">Per class (test, kept weights)</caption>` +
    `<thead><tr><th scope="col">Class</th><th scope="col">Precision</th><th scope="col">Recall</th>` +
    `<th scope="col">F1</th><th scope="col">Support</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** One run: what it is, how it read, where its files are, its curves and its confusion matrix. */
function runSection(results: Results, run: Run, index: number, detail: RunDetail | undefined,
  specs: Map<string, unknown>): string {
  const label = seriesLabel(run, results.runs);
  const record = bestRecord(run);
  const reading = readRun(run, majorityAccuracy(results));
  const facts: [string, string][] = [
    ['Status', run.reason ? `${run.status}: ${run.reason}` : run.status],
    ['Reading', `${reading.verdict}: ${reading.text}`],
    ['Seed', runSeed(run) === null ? '—' : String(runSeed(run))],
    ['Kept epoch', run.bestEpoch === null ? '—' : `${run.bestEpoch} of ${epochsTrained(run)}`],
    ['Validation accuracy', formatPercent(record?.valAccuracy)],
    ['Test accuracy / macro-F1', `${formatPercent(run.test?.accuracy)} / ${formatFixed(run.test?.macroF1)}`],
    ['Wall time', formatDuration(run.seconds)],
  ];
  if (detail) {
    facts.push(['Split sizes', `${detail.sizes.train.toLocaleString('en-US')} train / ` +
      `${detail.sizes.val.toLocaleString('en-US')} validation / ${detail.sizes.test.toLocaleString('en-US')} test`]);
  }
  const folder = run.dir !== undefined
    ? `<dt>Folder</dt><dd><a class="folder" href="${escapeHtml(encodeURI(run.dir.replace(/\\/g, '/')))}/">` +
      `${escapeHtml(run.dir)}</a></dd>` : '';
  const parts = [
    `<section class="run" id="${runAnchor(run, results.runs)}" aria-labelledby="${runAnchor(run, results.runs)}-h">`,
    `<h3 id="${runAnchor(run, results.runs)}-h">${escapeHtml(label)}</h3>`,
    `<dl>${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd${k === 'Reading' ? ` class="verdict-${reading.verdict.replace(/ /g, '-')}"` : ''}>${escapeHtml(v)}</dd>`).join('')}${folder}</dl>`,
  ];
  // curves, confusion matrix and per-class table side by side where the window is wide enough, else stacked
  const pair: string[] = [];
  if (run.history.length) pair.push(figure(runCurvesChart(run, `run-${index}-curves`, label), specs));
  if (detail?.confusion) {
    const chart = confusionChart(run, detail, { id: `run-${index}-confusion`, title: `Confusion matrix: ${label}`, file: false });
    pair.push(figure(chart, specs), classTable(detail));
  }
  parts.push(`<div class="pair">${pair.join('\n')}</div>`);
  if (!detail?.confusion && run.status === 'ok') {
    parts.push('<p class="hint">No confusion matrix: the run folder (metrics.json) was not found.</p>');
  }
  parts.push('</section>');
  return parts.join('\n');
}

/** Files beside report.html, linked for download. */
const DOWNLOADS: [string, string][] = [
  ['results.csv', 'one row per run'], ['history.csv', 'one row per run per epoch'], ['results.json', 'everything'],
  ['summary.md', 'this report as markdown'],
];

/**
 * The whole page. `details` come from the run folders (readRunDetails) and add split sizes, confusion matrices and
 * the resolved schedule; without them the page still has everything results.json holds.
 */
export function reportHtml(results: Results, details: Map<Run, RunDetail> = new Map(),
  charts: ReportChart[] = gridCharts(results, details)): string {
  const title = shortTitle(results);
  const m = results.machine;
  const specs = new Map<string, unknown>();
  const chartFigures = charts.map((c) => figure(c, specs)).join('\n');
  const runSections = sortedRuns(results).map((run, i) => runSection(results, run, i, details.get(run), specs)).join('\n');
  const notes = results.notes?.length
    ? `<h2 id="notes-h">Notes</h2>\n<ul id="notes">${results.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`
    : '';
  const sizes = splitSizesText(details);
  const study = studyHtml(results, studyCharts(results), STUDY_CHART_TITLES); // '' without a learning-rate search or seeds
  // Sections in page order; a later stage (e.g. a learning-rate search) adds its own [id, heading, html] here.
  const sections: [string, string, string][] = [
    ['runs-h', 'Runs', `<p class="hint">Click a column header to sort; click again to reverse. A run's name leads to ` +
      `its section. Reading: from the validation curves (see each run).</p>\n${runsTable(results)}`],
    ['best-h', 'Best runs', bestSection(results)],
    ...(study ? [['study-h', 'Fair comparison', study] as [string, string, string]] : []),
    ['baseline-h', 'Baselines', `<p id="baseline">${escapeHtml(baselineText(results))}</p>` +
      (nbsvmText(results) ? `\n<p id="baseline-nbsvm">${escapeHtml(nbsvmText(results)!)}</p>` : '')],
    ['charts-h', 'Charts', `<p class="hint">Grid charts show test-set curves (selection uses validation); epoch 0 is ` +
      `the model before training. Hover a point for its values; each chart's numbers are in the table under it.</p>\n` +
      chartFigures],
    ['per-run-h', 'Each run', `<p class="hint">Train, validation and test curves, the kept epoch, the confusion ` +
      `matrix and per-class scores of each run, with a link to its folder.</p>\n${runSections}`],
  ];
  const nav = sections.map(([id, heading]) => `<li><a href="#${id}">${escapeHtml(heading)}</a></li>`);
  return pageShell(title, `<header>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(statusCounts(results.runs))}.${sizes ? ` Data: ${escapeHtml(sizes)}.` : ''}</p>
<noscript><p class="hint">Charts need JavaScript; the numbers of every chart are in the table under it.</p></noscript>
<nav aria-label="Contents"><ul>${nav.join('')}<li><a href="#settings-h">Settings</a></li>` +
    `<li><a href="#files-h">Files</a></li></ul></nav>
</header>
<main>
${sections.map(([id, heading, html]) => `<h2 id="${id}">${escapeHtml(heading)}</h2>\n${html}`).join('\n')}
${notes}
<h2 id="settings-h">Settings</h2>
<p class="hint">Under the command-line option names (rnnlab experiment --help).</p>
${keyValueTable('settings', settingRows(results, details), 'Option')}
<h2 id="machine-h">Machine</h2>
${keyValueTable('machine', [
    ['CPU', `${m.cpu} (${m.cores} cores)`], ['BLAS', m.blas], ['Threads', String(m.threads)], ['Node', m.node],
  ])}
<h2 id="files-h">Files</h2>
<ul id="files">${DOWNLOADS.map(([f, what]) => `<li><a href="${f}">${f}</a>: ${escapeHtml(what)}</li>`).join('')}</ul>
</main>
`, specs);
}

/**
 * The page around `body`: the Content-Security-Policy, the style, the tooltip, the chart specs collected by
 * figure(), vega and the page script.
 */
export function pageShell(title: string, body: string, specs: Map<string, unknown>): string {
  const specScripts = [...specs].map(([id, spec]) =>
    `<script type="application/json" id="${id}">${scriptJson(spec)}</script>`).join('\n');
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
${body}<div id="tooltip" role="tooltip"></div>
${specScripts}
<script>${vegaScript()}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
