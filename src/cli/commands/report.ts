/**
 * `rnnlab report DIR`: rebuilds summary.md, the CSVs, the charts (PNG + SVG) and report.html from DIR/results.json, e.g.
 * after an interrupted experiment or after editing the notes/title in results.json by hand.
 */
import { statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../util/errors.ts';
import { readResults, writeReport } from '../../report/index.ts';

export async function reportCommand(dir: string): Promise<string[]> {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UserError(`folder ${dir} does not exist; pass the experiment's output folder (the one with results.json)`);
  }
  if (!isDir) throw new UserError(`${dir} is not a folder; pass the experiment's output folder (the one with results.json)`);
  const results = readResults(join(dir, 'results.json'));
  return writeReport(dir, results);
}

export function register(program: Command): void {
  program
    .command('report')
    .description('rebuild summary.md, results.csv, history.csv, the charts (PNG/SVG) and report.html from ' +
      'DIR/results.json and the run folders')
    .argument('<dir>', 'experiment output folder containing results.json')
    .addHelpText('after', `
Examples:
  $ rnnlab report runs/grid          rewrite runs/grid/summary.md, results.csv, history.csv, *.svg, *.png, report.html
`)
    .action(async (dir: string) => {
      const written = await reportCommand(dir);
      for (const path of written) process.stdout.write(`wrote ${relative(process.cwd(), path) || path}\n`);
    });
}
