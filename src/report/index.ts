/**
 * rnnlab's report: summary.md, loss/accuracy/best charts as SVG + PNG, and a self-contained report.html, all
 * rebuilt from results.json. `writeReport` is what both `rnnlab experiment` (at the end of a grid) and
 * `rnnlab report DIR` call.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.ts';
import type { Results } from './results.ts';
import { CHART_NAMES, compiledCharts } from './charts.ts';
import { renderSvg, svgToPng } from './render.ts';
import { summaryMarkdown } from './summary.ts';
import { reportHtml } from './html.ts';
import { studyCharts } from './search-chart.ts';

export type { Results, Run, EpochRecord, RunStatus } from './results.ts';
export { parseResults, readResults, resultsSchema, majorityAccuracy } from './results.ts';
export { selectBest, bestPerArch, type BestRun } from './select.ts';
export { summaryMarkdown } from './summary.ts';
export { chartSpec, compiledCharts, CHART_NAMES, FONT_FAMILY, type ChartName } from './charts.ts';
export { renderSvg, rasterize, svgToPng, FONT_FILES } from './render.ts';
export { reportHtml, escapeHtml } from './html.ts';

/** Writes every report file into `dir` (atomically, one by one) and returns their paths. */
export async function writeReport(dir: string, results: Results): Promise<string[]> {
  const written: string[] = [];
  const write = (name: string, data: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileAtomic(path, data);
    written.push(path);
  };
  write('summary.md', summaryMarkdown(results));
  const charts = compiledCharts(results);
  for (const name of CHART_NAMES) {
    const svg = await renderSvg(charts[name]);
    write(`${name}.svg`, svg);
    write(`${name}.png`, svgToPng(svg));
  }
  // the fair comparison's charts (search.svg/png, seeds.svg/png), when results.json has its "cells"
  for (const [name, spec] of Object.entries(studyCharts(results))) {
    const svg = await renderSvg(spec);
    write(`${name}.svg`, svg);
    write(`${name}.png`, svgToPng(svg));
  }
  write('report.html', reportHtml(results, charts));
  return written;
}
