/**
 * `rnnlab compare DIR…`: two or more experiment folders (results.json) or run folders (rnnlab train --out) side by
 * side: one table (markdown, CSV, HTML) and one chart (test and validation accuracy of every run, one colour per
 * folder, baselines as lines). Comparing is only meaningful on the same examples, so every run's data-set
 * fingerprint (run-folder.ts) must agree; a mismatch is a one-line error.
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { UserError } from '../util/errors.ts';
import type { Results, Run } from './results.ts';
import { readResults } from './results.ts';
import { namedBaselines, type NamedBaseline } from './baselines.ts';
import { CONFIG, PALETTE, SCHEMA, makeChart, type ReportChart } from './chart-kit.ts';
import { percentFormat } from './axes.ts';
import { csvText } from './csv.ts';
import { dataTable, escapeHtml, figure, pageShell } from './html.ts';
import { formatDuration, formatFixed, formatPercent } from './format.ts';
import { isFolder, readRunDetails, readRunFolder, type RunDetail } from './run-folder.ts';
import { bestRecord, datasetLabel, epochsTrained, formatLr, runCell, runLabel, runSeed } from './select.ts';
import { mdEscape, sortedRuns } from './summary.ts';

export interface Comparand {
  /** how the folder is named in the table and chart (its base name, made unique) */
  name: string;
  path: string;
  kind: 'experiment' | 'run';
  results: Results;
  details: Map<Run, RunDetail>;
  fingerprint: string;
  dataset: string;
}

/** Reads one folder; throws a one-line UserError when it is neither kind or its data set cannot be identified. */
export function loadComparand(path: string): Omit<Comparand, 'name'> {
  if (!isFolder(path)) throw new UserError(`${path} is not a folder; pass experiment or run folders to rnnlab compare`);
  if (existsSync(join(path, 'results.json'))) {
    const results = readResults(join(path, 'results.json'));
    const details = readRunDetails(path, results);
    const prints = new Set([...details.values()].map((d) => d.fingerprint));
    if (prints.size === 0) {
      throw new UserError(`cannot tell which data set ${path} used: none of its run folders has a readable ` +
        'config.json; compare needs the experiment folder as rnnlab experiment wrote it');
    }
    if (prints.size > 1) {
      throw new UserError(`${path} mixes runs on different data sets (fingerprints ${[...prints].join(', ')}); ` +
        'compare its run folders separately');
    }
    const first = [...details.values()][0]!;
    return { path, kind: 'experiment', results, details, fingerprint: first.fingerprint, dataset: datasetLabel(first.dataset) };
  }
  const { results, detail } = readRunFolder(path);
  return {
    path, kind: 'run', results, details: new Map([[results.runs[0]!, detail]]), fingerprint: detail.fingerprint,
    dataset: datasetLabel(detail.dataset),
  };
}

/** Loads every folder and checks they used the same data set. */
export function loadComparison(paths: string[]): Comparand[] {
  if (paths.length < 2) throw new UserError('rnnlab compare needs two or more folders (experiment or run folders)');
  const loaded = paths.map(loadComparand);
  const first = loaded[0]!;
  const other = loaded.find((c) => c.fingerprint !== first.fingerprint);
  if (other) {
    throw new UserError(`cannot compare: ${first.path} used data set ${first.dataset} (fingerprint ${first.fingerprint}) ` +
      `but ${other.path} used ${other.dataset} (fingerprint ${other.fingerprint}); compare runs on the same data ` +
      '(same file, --limit, --val-split, --test and seed)');
  }
  const used = new Map<string, number>();
  return loaded.map((c) => {
    const base = basename(resolve(c.path));
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return { ...c, name: n === 1 ? base : `${base} (${n})` };
  });
}

export const COMPARE_COLUMNS = [
  'Folder', 'Run', 'Cell', 'Seed', 'Learning rate', 'Status', 'Epochs', 'Best epoch', 'Val. accuracy', 'Test accuracy',
  'Test loss', 'Macro-F1', 'Wall time',
];
const NUMERIC = [false, false, false, true, true, false, true, true, true, true, true, true, true];

interface Row { source: Comparand; run: Run }

function rows(cs: Comparand[]): Row[] {
  return cs.flatMap((c) => sortedRuns(c.results).map((run) => ({ source: c, run })));
}

function displayRow({ source, run }: Row): string[] {
  const best = bestRecord(run);
  return [
    source.name, runLabel(run), runCell(run), runSeed(run) === null ? '—' : String(runSeed(run)), formatLr(run.lr),
    run.status, String(epochsTrained(run)), run.bestEpoch === null ? '—' : String(run.bestEpoch),
    formatPercent(best?.valAccuracy), formatPercent(run.test?.accuracy), formatFixed(run.test?.loss, 4),
    formatFixed(run.test?.macroF1), formatDuration(run.seconds),
  ];
}

/** Baselines of the first folder (the data set is the same for all, so they agree). */
function baselinesOf(cs: Comparand[]): NamedBaseline[] {
  return namedBaselines(cs[0]!.results);
}

export function compareMarkdown(cs: Comparand[]): string {
  const line = (cells: string[]) => `| ${cells.map(mdEscape).join(' | ')} |`;
  const out = [
    `# Comparison on ${mdEscape(cs[0]!.dataset)} (data-set fingerprint ${cs[0]!.fingerprint})`, '',
    ...cs.map((c) => `- **${mdEscape(c.name)}**: ${c.kind} folder ${mdEscape(c.path)}, ${c.results.runs.length} run(s)`), '',
    line(COMPARE_COLUMNS), `|${NUMERIC.map((n) => (n ? '---:' : ':---')).join('|')}|`,
    ...rows(cs).map((r) => line(displayRow(r))), '',
    ...baselinesOf(cs).map((b) => `${b.name} baseline: ${formatPercent(b.accuracy)} test accuracy.`), '',
    'Validation accuracy is at each run’s kept epoch; test accuracy is that epoch’s (never used to choose).', '',
  ];
  return out.join('\n');
}

export function compareCsv(cs: Comparand[]): string {
  const header = ['folder', 'path', 'cell', 'arch', 'optimizer', 'seed', 'lr', 'status', 'epochs', 'best_epoch',
    'val_accuracy', 'val_loss', 'test_accuracy', 'test_loss', 'test_macro_f1', 'seconds', 'fingerprint'];
  return csvText(header, rows(cs).map(({ source, run }) => {
    const best = bestRecord(run);
    return [source.name, source.path, runCell(run), run.arch, run.optimizer, runSeed(run), run.lr, run.status,
      epochsTrained(run), run.bestEpoch, best?.valAccuracy, best?.valLoss, run.test?.accuracy, run.test?.loss,
      run.test?.macroF1, run.seconds, source.fingerprint];
  }));
}

/** Test (filled) and validation (hollow) accuracy of every run, one row per run name, one colour per folder. */
export function compareChart(cs: Comparand[]): ReportChart {
  const all = rows(cs).filter((r) => r.run.test !== null);
  const values = all.flatMap(({ source, run }) => {
    const label = runLabel(run) + (runSeed(run) !== null ? ` · seed ${runSeed(run)}` : '');
    const best = bestRecord(run);
    return [
      { folder: source.name, run: label, split: 'test', accuracy: run.test!.accuracy },
      ...(best ? [{ folder: source.name, run: label, split: 'validation', accuracy: best.valAccuracy }] : []),
    ];
  });
  const baselines = baselinesOf(cs);
  const runOrder = [...new Set(values.map((v) => v.run))];
  const spec = {
    $schema: SCHEMA,
    title: {
      text: 'Accuracy by folder',
      subtitle: [`${cs[0]!.dataset}, data-set fingerprint ${cs[0]!.fingerprint}.`,
        'Filled: test accuracy; hollow: validation accuracy at the kept epoch. Dashed: baselines.'],
    },
    width: 320, height: Math.max(120, 22 * runOrder.length),
    layer: [
      {
        data: { values },
        mark: { type: 'point', size: 70, strokeWidth: 2 },
        encoding: {
          y: { field: 'run', type: 'nominal', sort: runOrder, title: null, axis: { labelLimit: 260 } },
          yOffset: { field: 'folder', type: 'nominal', sort: cs.map((c) => c.name) },
          x: { field: 'accuracy', type: 'quantitative', title: 'Accuracy', scale: { zero: false },
            axis: { format: percentFormat([[...values.map((v) => v.accuracy), ...baselines.map((b) => b.accuracy)]]) } },
          color: { field: 'folder', type: 'nominal', title: 'Folder', sort: cs.map((c) => c.name),
            scale: { range: PALETTE } },
          fill: { condition: { test: 'datum.split === "test"', field: 'folder', type: 'nominal', sort: cs.map((c) => c.name),
            scale: { range: PALETTE } }, value: 'white' },
          tooltip: [{ field: 'folder', title: 'Folder' }, { field: 'run', title: 'Run' }, { field: 'split', title: 'Split' },
            { field: 'accuracy', type: 'quantitative', title: 'Accuracy', format: '.2%' }],
        },
      },
      ...baselines.map((b) => ({
        data: { values: [{}] },
        mark: { type: 'rule', strokeDash: [5, 4], color: '#666' },
        encoding: { x: { datum: b.accuracy } },
      })),
    ],
    config: { ...CONFIG, legend: { ...CONFIG.legend, orient: 'bottom', direction: 'vertical' } },
  } as TopLevelSpec;
  return makeChart({
    id: 'compare', title: 'Accuracy by folder', spec, minWidth: 0, file: true,
    table: {
      columns: ['Folder', 'Run', 'Split', 'Accuracy'], numeric: [false, false, false, true],
      rows: values.map((v) => [v.folder, v.run, v.split, formatPercent(v.accuracy)]),
    },
  });
}

/** The comparison's table rows for compare.html (cells as displayed). */
export function compareRows(cs: Comparand[]): { columns: string[]; numeric: boolean[]; rows: string[][] } {
  return { columns: COMPARE_COLUMNS, numeric: NUMERIC, rows: rows(cs).map(displayRow) };
}

/** compare.html: the folders, the chart (with its numbers) and the table, in one self-contained page. */
export function compareHtml(cs: Comparand[], chart: ReportChart = compareChart(cs)): string {
  const specs = new Map<string, unknown>();
  const table = compareRows(cs);
  const title = `Comparison on ${cs[0]!.dataset}`;
  const folders = cs.map((c) => `<li><strong>${escapeHtml(c.name)}</strong>: ${c.kind} folder ` +
    `${escapeHtml(c.path)}, ${c.results.runs.length} run(s)</li>`).join('');
  return pageShell(title, `<header><h1>${escapeHtml(title)}</h1>
<p>Data-set fingerprint ${escapeHtml(cs[0]!.fingerprint)} (the same for every folder).</p>
<ul id="folders">${folders}</ul></header>
<main>
<div class="pair">${figure(chart, specs)}
${dataTable(table, 'Every run of every folder')}</div>
<p class="hint">Validation accuracy is at each run’s kept epoch; test accuracy is that epoch’s (never used to choose).</p>
</main>
`, specs);
}
