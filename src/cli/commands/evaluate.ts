/**
 * `rnnlab evaluate --model DIR`: test-split metrics of a saved model (its best epoch's weights). The data set is
 * the one recorded in DIR/config.json (same file, split seed and sizes) unless data options say otherwise; only the
 * options given on the command line override the recorded ones.
 */
import type { Command } from 'commander';
import { loadDataset } from '../../data/index.ts';
import { loadSavedModel, readStatus } from '../../train/run-dir.ts';
import { evaluateSaved } from '../../train/predict.ts';
import { UserError } from '../../util/errors.ts';
import { writeJsonAtomic } from '../../util/fs.ts';
import { join } from 'node:path';
import { addDataOptions, parseDataOptions } from '../options/data.ts';

const EXAMPLES = `
Examples:
  $ rnnlab evaluate --model runs/lstm                      test split of the data set it was trained on
  $ rnnlab evaluate --model runs/lstm --dataset other.csv --out other-metrics.json
  $ rnnlab evaluate --model runs/lstm --json               metrics as JSON on stdout
`;

/** Data option key → where it lives in the recorded load options. */
const LOAD_KEYS = ['dataset', 'test', 'textColumn', 'labelColumn', 'valSplit', 'limit', 'seed'] as const;

export function register(program: Command): void {
  const cmd = program
    .command('evaluate')
    .description("compute a saved model's test metrics (accuracy, loss, macro-F1, per class, confusion, ROC AUC)")
    .requiredOption('--model <dir>', 'run directory written by rnnlab train')
    .option('--out <file>', 'write the metrics JSON here (default: metrics.json in the model directory)')
    .option('--json', 'print the metrics as JSON instead of text');
  addDataOptions(cmd);
  cmd.addHelpText('after', EXAMPLES);
  cmd.action(async (raw: Record<string, unknown>, command: Command) => {
    const dir = String(raw.model);
    const saved = loadSavedModel(dir);
    const given = (k: string): boolean => command.getOptionValueSource(k) === 'cli';
    for (const k of ['vocabSize', 'minFreq']) {
      if (given(k)) throw new UserError(`--${k === 'vocabSize' ? 'vocab-size' : 'min-freq'} does not apply to evaluate: the vocabulary is the model's`);
    }
    const o = parseDataOptions(raw); // validates every given value
    const load = { ...saved.config.data.spec.load };
    for (const k of LOAD_KEYS) if (given(k)) (load as Record<string, unknown>)[k] = o[k];
    const data = await loadDataset(load);
    const result = evaluateSaved(saved, data, {
      maxLen: given('maxLen') ? o.maxLen : undefined, truncate: given('truncate') ? o.truncate : undefined,
    });
    const out = typeof raw.out === 'string' ? raw.out : join(dir, 'metrics.json');
    // Keep which epoch's weights these are (recorded by train) next to the numbers.
    const epoch = readStatus(dir)?.bestEpoch ?? null;
    const record = { ...result, ...(epoch !== null ? { epoch } : {}) };
    writeJsonAtomic(out, record);
    if (raw.json === true) {
      process.stdout.write(JSON.stringify(record) + '\n');
      return;
    }
    process.stdout.write(formatMetrics(result, saved.config.labels) + `written to ${out}\n`);
  });
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

export function formatMetrics(m: ReturnType<typeof evaluateSaved>, labels: string[]): string {
  const lines = [
    `${m.dataset.name} test split: ${m.n} examples`,
    `accuracy ${pct(m.accuracy)}  loss ${m.loss !== undefined ? m.loss.toFixed(4) : '—'}  macro-F1 ${m.macroF1.toFixed(4)}` +
      (m.rocAuc !== null ? `  ROC AUC ${m.rocAuc.toFixed(4)}` : ''),
    `majority baseline (always "${m.baseline.majority.label}"): ${pct(m.baseline.majority.accuracy)}`,
    '',
    `${'class'.padEnd(12)} ${'precision'.padStart(9)} ${'recall'.padStart(9)} ${'f1'.padStart(9)} ${'support'.padStart(9)}`,
    ...m.perClass.map((c) =>
      `${c.label.slice(0, 12).padEnd(12)} ${c.precision.toFixed(4).padStart(9)} ${c.recall.toFixed(4).padStart(9)} ` +
      `${c.f1.toFixed(4).padStart(9)} ${String(c.support).padStart(9)}`),
    '',
    'confusion (rows = true, columns = predicted):',
    `${''.padEnd(12)} ${labels.map((l) => l.slice(0, 8).padStart(8)).join(' ')}`,
    ...m.confusion.map((row, i) => `${labels[i]!.slice(0, 12).padEnd(12)} ${row.map((v) => String(v).padStart(8)).join(' ')}`),
  ];
  return lines.join('\n') + '\n';
}
