/**
 * `rnnlab evaluate --model DIR`: metrics of a saved model (its kept epoch's weights), printed; written to a file only
 * where --out says. A run directory is a record that only `train` writes, so evaluate never writes into it.
 *
 * What is scored:
 *   - no --dataset (or the run's own data set, recognised by path or by its recorded fingerprint): the test split
 *     recorded in config.json, rebuilt with the recorded seed, limit and val-split. These cannot be overridden — a
 *     different seed would draw "test" rows the model was trained on — and a data set whose files changed since
 *     training is refused for the same reason.
 *   - --dataset OTHER: every row of OTHER is a test row (--split test: only OTHER's own test split).
 * Texts are always encoded as in training (the run's vocabulary, max-len and truncation side).
 */
import { Option, type Command } from 'commander';
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { DEFAULT_SEED } from '../../data/seed.ts';
import { loadSavedModel, readStatus } from '../../train/run-dir.ts';
import type { evaluateSaved } from '../../train/predict.ts';
import { evaluateRun } from '../../train/evaluate-run.ts';
import { UserError } from '../../util/errors.ts';
import { writeJsonAtomic } from '../../util/fs.ts';
import { checkOutFile } from '../../util/paths.ts';

const EXAMPLES = `
Examples:
  $ rnnlab evaluate --model runs/lstm                      the run's own test split (as recorded in config.json)
  $ rnnlab evaluate --model runs/lstm --dataset other.csv --out other-metrics.json    every row of other.csv
  $ rnnlab evaluate --model runs/lstm --json               metrics as JSON on stdout
`;

/** Options of train / data that evaluate does not take, and why (declared hidden, so the error can say so). */
const NOT_HERE: Record<string, string> = {
  test: "to score a file, pass it as --dataset (every row is scored); the run's own test file is used without options",
  limit: "the run's own test split uses the recorded --limit; another --dataset is scored whole",
  valSplit: 'the split is the one recorded in config.json',
  valGroups: 'the split is the one recorded in config.json',
  maxLen: "texts are encoded with the model's recorded --max-len",
  truncate: "texts are truncated on the model's recorded side",
  vocabSize: "the vocabulary is the model's",
  minFreq: "the vocabulary is the model's",
};
const FLAG: Record<string, string> = {
  test: '--test', limit: '--limit', valSplit: '--val-split', valGroups: '--val-groups', maxLen: '--max-len', truncate: '--truncate',
  vocabSize: '--vocab-size', minFreq: '--min-freq',
};

/** True when `out` is the run directory or inside it (symbolic links resolved where the path exists). */
function insideDir(out: string, dir: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const check = (o: string, d: string): boolean => {
    const rel = relative(d, o);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  const outAbs = resolve(out);
  return check(outAbs, resolve(dir)) || check(join(real(dirname(outAbs)), basename(outAbs)), real(dir));
}

export function register(program: Command): void {
  const cmd = program
    .command('evaluate')
    .description("compute a saved model's test metrics (accuracy, loss, macro-F1, per class, confusion, ROC AUC); the run directory is only read")
    .requiredOption('--model <dir>', 'run directory written by rnnlab train')
    .option('--dataset <imdb|path>', "another data set: every row of it is scored (default: the run's own test split, as recorded)")
    .option('--split <all|test>', "with another --dataset: 'all' rows, or only its own 'test' split (IMDB's test half, a test/ folder, else a seeded stratified 20 %) (default: all)")
    .option('--seed <n>', `with --split test on another data set: the seed of its 20 % test split (default: ${DEFAULT_SEED})`)
    .option('--text-column <name>', "CSV column / JSON field holding the text (default: the run's)")
    .option('--label-column <name>', "CSV column / JSON field holding the label (default: the run's)")
    .option('--out <file>', 'also write the metrics JSON to this file (never inside the run directory)')
    .option('--json', 'print the metrics as JSON instead of text');
  for (const flag of Object.values(FLAG)) cmd.addOption(new Option(`${flag} <value>`).hideHelp());
  cmd.addHelpText('after', EXAMPLES);
  cmd.action(async (raw: Record<string, unknown>, command: Command) => {
    for (const [key, why] of Object.entries(NOT_HERE)) {
      if (command.getOptionValueSource(key) !== 'cli') continue;
      throw new UserError(`${FLAG[key]} does not apply to evaluate: ${why}`);
    }
    const dir = String(raw.model);
    const out = typeof raw.out === 'string' ? raw.out : undefined;
    if (out !== undefined) {
      if (insideDir(out, dir)) {
        throw new UserError(`--out ${out} is inside the run directory ${dir}, which only train writes; choose a file outside it`);
      }
      checkOutFile(out);
    }
    const given = (k: string): boolean => command.getOptionValueSource(k) === 'cli';
    let seed: number | undefined;
    if (given('seed')) {
      seed = Number(raw.seed);
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UserError(`--seed must be a whole number in [0, 2^32) (got ${JSON.stringify(raw.seed)})`);
    }
    const saved = loadSavedModel(dir);
    const result = await evaluateRun(saved, {
      dataset: typeof raw.dataset === 'string' ? raw.dataset : undefined,
      split: given('split') ? String(raw.split) as 'all' | 'test' : undefined,
      seed,
      textColumn: given('textColumn') ? String(raw.textColumn) : undefined,
      labelColumn: given('labelColumn') ? String(raw.labelColumn) : undefined,
    });
    // Keep which epoch's weights these are (recorded by train) next to the numbers.
    const epoch = readStatus(dir)?.bestEpoch ?? null;
    const record = { ...result, ...(epoch !== null ? { epoch } : {}) };
    if (out !== undefined) writeJsonAtomic(out, record);
    if (raw.json === true) {
      process.stdout.write(JSON.stringify(record) + '\n');
      return;
    }
    process.stdout.write(formatMetrics(result, saved.config.labels) + (out !== undefined ? `written to ${out}\n` : ''));
  });
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

export function formatMetrics(m: ReturnType<typeof evaluateSaved>, labels: string[]): string {
  const lines = [
    `${m.scored}: ${m.n} examples`,
    `accuracy ${pct(m.accuracy)}  loss ${m.loss !== undefined ? m.loss.toFixed(4) : '—'}  macro-F1 ${m.macroF1.toFixed(4)}` +
      (m.rocAuc !== null ? `  ROC AUC ${m.rocAuc.toFixed(4)}` : ''),
    `majority baseline (always "${m.baseline.majority.label}", the training split's majority class): ${pct(m.baseline.majority.accuracy)}`,
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
