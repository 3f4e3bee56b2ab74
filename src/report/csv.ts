/**
 * results.csv and history.csv: the numbers for pandas, R or a spreadsheet. RFC 4180: comma-separated, CRLF line
 * ends, a field quoted (with inner quotes doubled) when it holds a comma, quote, CR or LF. Numbers are written in
 * full (JavaScript's shortest round-trip form) and missing values as empty fields, which pandas reads as NaN.
 */
import type { Results, Run } from './results.ts';
import { bestRecord, epochsTrained, runCell, runSeed } from './select.ts';
import { sortedRuns } from './summary.ts';

type Field = string | number | boolean | null | undefined;

export function csvField(value: Field): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && !Number.isFinite(value)) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvText(header: string[], rows: Field[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export const RESULTS_CSV_HEADER = [
  'cell', 'arch', 'optimizer', 'seed', 'lr', 'status', 'epochs', 'best_epoch', 'val_accuracy', 'val_loss',
  'test_accuracy', 'test_loss', 'test_macro_f1', 'seconds', 'dir', 'reason',
];

export function resultsRow(run: Run): Field[] {
  const best = bestRecord(run);
  return [
    runCell(run), run.arch, run.optimizer, runSeed(run), run.lr, run.status, epochsTrained(run), run.bestEpoch,
    best?.valAccuracy, best?.valLoss, run.test?.accuracy, run.test?.loss, run.test?.macroF1, run.seconds, run.dir,
    run.reason,
  ];
}

/** One row per run, in the report's order. */
export function resultsCsv(results: Results): string {
  return csvText(RESULTS_CSV_HEADER, sortedRuns(results).map(resultsRow));
}

export const HISTORY_CSV_HEADER = [
  'cell', 'arch', 'optimizer', 'seed', 'lr', 'epoch', 'train_loss', 'train_accuracy', 'val_loss', 'val_accuracy',
  'test_loss', 'test_accuracy', 'epoch_lr', 'seconds',
];

/** One row per run per recorded epoch (epoch 0 = before training). */
export function historyCsv(results: Results): string {
  const rows = sortedRuns(results).flatMap((run) => run.history.map((h): Field[] => [
    runCell(run), run.arch, run.optimizer, runSeed(run), run.lr, h.epoch, h.trainLoss, h.trainAccuracy, h.valLoss,
    h.valAccuracy, h.testLoss, h.testAccuracy, typeof h.lr === 'number' ? h.lr : null, h.seconds,
  ]));
  return csvText(HISTORY_CSV_HEADER, rows);
}
