/**
 * summary.md: the comparison table, the best runs (by validation accuracy), the baseline, notes, settings and
 * machine. The run table is built once as plain cells (runTable) and shared with report.html so the two agree.
 */
import type { Results, Run } from './results.ts';
import { RUN_STATUSES, majorityAccuracy } from './results.ts';
import { formatDuration, formatFixed, formatPercent } from './format.ts';
import {
  archLabel, archOrder, bestPerArch, bestRecord, epochsTrained, formatLr, optimizerLabel, optimizerOrder, runLabel,
  runSeed, selectBest, shortTitle,
} from './select.ts';
import { namedBaselines, nbsvmText } from './baselines.ts';
import { readRun } from './diagnose.ts';
import type { RunDetail } from './run-folder.ts';
import { settingRows } from './settings.ts';
export { settingText } from './settings.ts';
import { studyMarkdown } from './ranking.ts';

export interface Cell {
  text: string;
  /** what the HTML table sorts by: a number for numeric columns, null when missing (sorted last) */
  sort: number | string | null;
}
export interface Column {
  title: string;
  numeric: boolean;
}

export const RUN_COLUMNS: Column[] = [
  { title: 'Architecture', numeric: false },
  { title: 'Optimizer', numeric: false },
  { title: 'Learning rate', numeric: true },
  { title: 'Seed', numeric: true },
  { title: 'Epochs', numeric: true },
  { title: 'Best epoch', numeric: true },
  { title: 'Val. accuracy', numeric: true },
  { title: 'Test accuracy', numeric: true },
  { title: 'Macro-F1', numeric: true },
  { title: 'Wall time', numeric: true },
  { title: 'Status', numeric: false },
];

/** Runs in architecture, optimizer, learning-rate, seed order (the file's order is whatever finished first). */
export function sortedRuns(results: Results): Run[] {
  const archs = archOrder(results.runs);
  const opts = optimizerOrder(results.runs);
  return [...results.runs].sort(
    (a, b) =>
      archs.indexOf(a.arch) - archs.indexOf(b.arch) ||
      opts.indexOf(a.optimizer) - opts.indexOf(b.optimizer) ||
      a.lr - b.lr ||
      (runSeed(a) ?? 0) - (runSeed(b) ?? 0),
  );
}

export function statusText(run: Run): string {
  return run.reason ? `${run.status}: ${run.reason}` : run.status;
}

export function runRow(run: Run): Cell[] {
  const record = bestRecord(run);
  const num = (x: number | null | undefined) => (x === undefined ? null : x);
  return [
    { text: archLabel(run.arch), sort: archLabel(run.arch) },
    { text: optimizerLabel(run.optimizer), sort: optimizerLabel(run.optimizer) },
    { text: formatLr(run.lr), sort: run.lr },
    { text: runSeed(run) === null ? '—' : String(runSeed(run)), sort: runSeed(run) },
    { text: String(epochsTrained(run)), sort: epochsTrained(run) },
    { text: run.bestEpoch === null ? '—' : String(run.bestEpoch), sort: run.bestEpoch },
    { text: formatPercent(record?.valAccuracy), sort: num(record?.valAccuracy) },
    { text: formatPercent(run.test?.accuracy), sort: num(run.test?.accuracy) },
    { text: formatFixed(run.test?.macroF1), sort: num(run.test?.macroF1) },
    { text: formatDuration(run.seconds), sort: run.seconds },
    { text: statusText(run), sort: run.status },
  ];
}

/** Markdown table cells: a pipe would end the cell, a newline the row, and '<' could start raw HTML. */
export function mdEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\s*\n\s*/g, ' ');
}

function mdTable(header: string[], rows: string[][], numeric: boolean[]): string {
  const line = (cells: string[]) => `| ${cells.map(mdEscape).join(' | ')} |`;
  const rule = `|${numeric.map((n) => (n ? '---:' : ':---')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** "12 runs: 10 ok, 1 diverged, 1 failed" */
export function statusCounts(runs: Run[]): string {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
  const parts = RUN_STATUSES.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  return `${runs.length} run${runs.length === 1 ? '' : 's'}${parts.length ? ': ' + parts.join(', ') : ''}`;
}

export function baselineText(results: Results): string {
  const m = results.baseline.majority;
  const label = typeof m === 'object' && m.label !== undefined ? ` (always "${m.label}")` : '';
  // NBSVM has its own sentence (nbsvmText, with its setting); any other named baseline gets a short one here
  const others = namedBaselines(results).filter((b) => b.key !== 'majority' && b.key !== 'nbsvm')
    .map((b) => ` ${b.name} baseline: ${formatPercent(b.accuracy)} test accuracy.`);
  return `Majority-class baseline${label}: ${formatPercent(majorityAccuracy(results))} test accuracy.${others.join('')}`;
}

/** "1,800 train / 200 validation / 2,000 test" from the run folders (one line per distinct split), or null. */
export function splitSizesText(details: Map<unknown, RunDetail>): string | null {
  const texts = new Set([...details.values()].map((d) =>
    `${d.sizes.train.toLocaleString('en-US')} train / ${d.sizes.val.toLocaleString('en-US')} validation / ` +
    `${d.sizes.test.toLocaleString('en-US')} test examples (${d.dataset}: ${d.labels.join(', ')})`));
  return texts.size ? [...texts].join('; ') : null;
}

export const BEST_RULE =
  'Selected by validation accuracy at each run’s best epoch among finished (ok) runs; ' +
  'test accuracy is shown beside it and played no part in the choice.';

export function summaryMarkdown(results: Results, details: Map<Run, RunDetail> = new Map()): string {
  const title = shortTitle(results);
  const out: string[] = [`# ${mdEscape(title)}`, '', statusCounts(results.runs) + '.', ''];
  const sizes = splitSizesText(details);
  if (sizes) out.push(`Data: ${mdEscape(sizes)}.`, '');

  out.push('## Runs', '');
  const rows = sortedRuns(results).map((run) => runRow(run).map((c) => c.text));
  out.push(mdTable(RUN_COLUMNS.map((c) => c.title), rows, RUN_COLUMNS.map((c) => c.numeric)), '');

  out.push('## Best runs', '', BEST_RULE, '');
  const overall = selectBest(results.runs);
  if (overall) {
    const { run, record } = overall;
    out.push(
      `**Overall: ${mdEscape(runLabel(run))}**: validation ${formatPercent(record.valAccuracy)}, ` +
        `test ${formatPercent(run.test?.accuracy)}, macro-F1 ${formatFixed(run.test?.macroF1)} ` +
        `(epoch ${record.epoch} of ${epochsTrained(run)}).`,
      '',
    );
    const perArch = bestPerArch(results).map(({ run, record }) => [
      archLabel(run.arch), optimizerLabel(run.optimizer), formatLr(run.lr), String(record.epoch),
      formatPercent(record.valAccuracy), formatPercent(run.test?.accuracy), formatFixed(run.test?.macroF1),
    ]);
    const header = ['Architecture', 'Optimizer', 'Learning rate', 'Best epoch', 'Val. accuracy', 'Test accuracy',
      'Macro-F1'];
    out.push(mdTable(header, perArch, [false, false, true, true, true, true, true]), '');
  } else {
    out.push('No run finished, so there is no best run yet.', '');
  }

  out.push(...studyMarkdown(results));

  out.push('## Baseline', '', baselineText(results), '');
  const nbsvm = nbsvmText(results);
  if (nbsvm) out.push(nbsvm, '');

  out.push('## Reading of each run', '',
    'From the validation curves only (over-fitting: validation loss rose after the kept epoch while training loss fell; ' +
    'still improving: the last epoch was the best and still gained).', '');
  for (const run of sortedRuns(results)) {
    const r = readRun(run, majorityAccuracy(results));
    out.push(`- **${mdEscape(runLabel(run))}${runSeed(run) !== null ? ` · seed ${runSeed(run)}` : ''}**: ` +
      `${r.verdict} — ${mdEscape(r.text)}`);
  }
  out.push('');

  if (results.notes?.length) {
    out.push('## Notes', '', ...results.notes.map((n) => `- ${mdEscape(n)}`), '');
  }

  out.push('## Settings', '');
  out.push(mdTable(['Option', 'Value'], settingRows(results, details), [false, false]), '');

  const m = results.machine;
  out.push(
    '## Machine', '',
    `- CPU: ${mdEscape(m.cpu)} (${m.cores} cores)`,
    `- BLAS: ${mdEscape(m.blas)}, ${m.threads} thread${m.threads === 1 ? '' : 's'}`,
    `- Node: ${mdEscape(m.node)}`,
    '',
  );
  return out.join('\n');
}
