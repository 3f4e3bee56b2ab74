/**
 * rnnlab's report: summary.md, results.csv + history.csv, the grid charts (loss, accuracy, best, curves, confusion)
 * as SVG + PNG, and a self-contained report.html, all rebuilt from results.json plus the details its run folders
 * hold (confusion matrices, split sizes: run-folder.ts). `writeReport` is what both `rnnlab experiment` (after each
 * cell and at the end) and `rnnlab report DIR` call; `rnnlab compare` is compare.ts.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.ts';
import type { Results, Run } from './results.ts';
import { gridCharts } from './charts.ts';
import { renderSvg, svgToPng } from './render.ts';
import { summaryMarkdown } from './summary.ts';
import { reportHtml } from './html.ts';
import { historyCsv, resultsCsv } from './csv.ts';
import { readRunDetails, type RunDetail } from './run-folder.ts';
import { studyCharts } from './search-chart.ts';

export type { Results, Run, EpochRecord, RunStatus } from './results.ts';
export { parseResults, readResults, resultsSchema, majorityAccuracy } from './results.ts';
export { selectBest, bestPerArch, type BestRun } from './select.ts';
export { summaryMarkdown } from './summary.ts';
export { chartSpec, gridCharts, CHART_NAMES, FONT_FAMILY, type ChartName, type ReportChart } from './charts.ts';
export { resultsCsv, historyCsv, csvText } from './csv.ts';
export { readRunDetails, readRunDetail, readRunFolder, type RunDetail } from './run-folder.ts';
export { namedBaselines, type NamedBaseline } from './baselines.ts';
export { renderSvg, rasterize, svgToPng, FONT_FILES } from './render.ts';
export { reportHtml, escapeHtml } from './html.ts';
export { loadComparison, compareMarkdown, compareCsv, compareHtml, compareChart, type Comparand } from './compare.ts';

/**
 * Writes every report file into `dir` (atomically, one by one) and returns their paths: summary.md, results.csv,
 * history.csv, the grid charts as SVG + PNG, report.html. `details` default to what the run folders under `dir` hold.
 */
export async function writeReport(dir: string, results: Results,
  details: Map<Run, RunDetail> = readRunDetails(dir, results)): Promise<string[]> {
  const written: string[] = [];
  const write = (name: string, data: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileAtomic(path, data);
    written.push(path);
  };
  write('summary.md', summaryMarkdown(results, details));
  write('results.csv', resultsCsv(results));
  write('history.csv', historyCsv(results));
  const charts = gridCharts(results, details);
  for (const chart of charts.filter((c) => c.file)) {
    const svg = await renderSvg(chart.spec);
    write(`${chart.id}.svg`, svg);
    write(`${chart.id}.png`, svgToPng(svg));
  }
  // the fair comparison's charts (search, seeds, ...), when results.json has its "cells"
  for (const [name, spec] of Object.entries(studyCharts(results))) {
    const svg = await renderSvg(spec);
    write(`${name}.svg`, svg);
    write(`${name}.png`, svgToPng(svg));
  }
  write('report.html', reportHtml(results, details, charts));
  return written;
}
