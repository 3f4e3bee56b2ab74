/**
 * `rnnlab compare DIR DIR…`: experiments or single runs side by side (src/report/compare.ts). Prints the markdown
 * table; with --out, also writes compare.md, compare.csv, compare.html and the chart (compare.svg / .png) there.
 */
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../util/fs.ts';
import { compareChart, compareCsv, compareHtml, compareMarkdown, loadComparison } from '../../report/compare.ts';
import { renderSvg, svgToPng } from '../../report/render.ts';

export async function compareCommand(dirs: string[], out?: string): Promise<{ markdown: string; written: string[] }> {
  const cs = loadComparison(dirs);
  const markdown = compareMarkdown(cs);
  const written: string[] = [];
  if (out !== undefined) {
    const chart = compareChart(cs);
    const svg = await renderSvg(chart.spec);
    const files: [string, string | Uint8Array][] = [
      ['compare.md', markdown], ['compare.csv', compareCsv(cs)], ['compare.svg', svg], ['compare.png', svgToPng(svg)],
      ['compare.html', compareHtml(cs, chart)],
    ];
    for (const [name, data] of files) {
      writeFileAtomic(join(out, name), data);
      written.push(join(out, name));
    }
  }
  return { markdown, written };
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('put two or more experiment or run folders side by side (same data set): one table and one chart')
    .argument('<dirs...>', 'experiment folders (with results.json) or run folders (rnnlab train --out)')
    .option('--out <dir>', 'also write compare.md, compare.csv, compare.html and compare.png/.svg into this folder')
    .addHelpText('after', `
Examples:
  $ rnnlab compare runs/grid runs/grid-lr               two experiments on the same data, as a markdown table
  $ rnnlab compare runs/grid runs/gru --out runs/cmp    an experiment beside a single run; HTML, CSV and chart too

Folders must hold runs on the same examples (same data file, --limit, --val-split, --test and seed); otherwise
compare says which two differ and exits 2.
`)
    .action(async (dirs: string[], opts: { out?: string }) => {
      const { markdown, written } = await compareCommand(dirs, opts.out);
      process.stdout.write(markdown);
      for (const path of written) process.stdout.write(`wrote ${relative(process.cwd(), path) || path}\n`);
    });
}
