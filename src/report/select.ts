/**
 * Picking the best runs and naming things for display.
 *
 * The best run is chosen by VALIDATION accuracy at its best epoch, never by test accuracy: choosing by test accuracy
 * would tune on the test set and make the reported test number optimistic. Test accuracy is only shown beside it.
 */
import type { EpochRecord, Results, Run } from './results.ts';

const ARCH_LABELS: Record<string, string> = { rnn: 'RNN', gru: 'GRU', lstm: 'LSTM' };
const OPTIMIZER_LABELS: Record<string, string> = {
  sgd: 'SGD', nag: 'NAG', adadelta: 'AdaDelta', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop',
};
const ARCH_ORDER = ['rnn', 'gru', 'lstm'];
const OPTIMIZER_ORDER = ['sgd', 'nag', 'adadelta', 'adam', 'adamw', 'rmsprop'];

export const archLabel = (arch: string): string => ARCH_LABELS[arch] ?? arch;
export const optimizerLabel = (name: string): string => OPTIMIZER_LABELS[name] ?? name;

/** Known names in their usual order first, then unknown ones in order of appearance. */
function ordered(values: string[], known: string[]): string[] {
  const unique = [...new Set(values)];
  return [...known.filter((k) => unique.includes(k)), ...unique.filter((v) => !known.includes(v))];
}
export const archOrder = (runs: Run[]): string[] => ordered(runs.map((r) => r.arch), ARCH_ORDER);
export const optimizerOrder = (runs: Run[]): string[] => ordered(runs.map((r) => r.optimizer), OPTIMIZER_ORDER);

/** "1e-3" style learning rates are hard to read in a table; show plain decimals with no trailing zeros. */
export function formatLr(lr: number): string {
  return lr >= 1e-4 ? String(+lr.toPrecision(6)) : lr.toExponential();
}

/** "LSTM · Adam · lr 0.001" */
export function runLabel(run: Run): string {
  return `${archLabel(run.arch)} · ${optimizerLabel(run.optimizer)} · lr ${formatLr(run.lr)}`;
}

/** The history record of the kept epoch, if the run has one. */
export function bestRecord(run: Run): EpochRecord | undefined {
  if (run.bestEpoch === null) return undefined;
  return run.history.find((h) => h.epoch === run.bestEpoch);
}

/** Number of training epochs completed (epoch 0 is the evaluation before training). */
export function epochsTrained(run: Run): number {
  return run.history.reduce((max, h) => Math.max(max, h.epoch), 0);
}

export interface BestRun {
  run: Run;
  record: EpochRecord;
}

/**
 * Highest validation accuracy at the best epoch among finished runs (status ok with test metrics).
 * Ties go to the lower validation loss, then to the earlier run in the file, so the choice is deterministic.
 */
export function selectBest(runs: Run[]): BestRun | undefined {
  let best: BestRun | undefined;
  for (const run of runs) {
    const record = bestRecord(run);
    if (run.status !== 'ok' || run.test === null || record === undefined) continue;
    if (best === undefined || better(record, best.record)) best = { run, record };
  }
  return best;
}

function better(a: EpochRecord, b: EpochRecord): boolean {
  if (a.valAccuracy !== b.valAccuracy) return a.valAccuracy > b.valAccuracy;
  return (a.valLoss ?? Infinity) < (b.valLoss ?? Infinity);
}

/** The best run of each architecture, in architecture order; architectures with no finished run are left out. */
export function bestPerArch(results: Results): BestRun[] {
  const out: BestRun[] = [];
  for (const arch of archOrder(results.runs)) {
    const best = selectBest(results.runs.filter((r) => r.arch === arch));
    if (best) out.push(best);
  }
  return out;
}

/** The run's seed: its own field when the writer recorded one (per-seed runs), else its training options'. */
export function runSeed(run: Run): number | null {
  const own = (run as { seed?: unknown }).seed;
  if (typeof own === 'number') return own;
  const train = (run as { train?: { seed?: unknown } }).train;
  return typeof train?.seed === 'number' ? train.seed : null;
}

/** The run's name in its experiment (its folder name), falling back to "arch-optimizer". */
export function runCell(run: Run): string {
  const cell = (run as { cell?: unknown }).cell;
  if (typeof cell === 'string' && cell) return cell;
  return run.dir ?? `${run.arch}-${run.optimizer}`;
}

/**
 * A short name for the data set: "IMDB" for the built-in one, else the file or folder name without its path and
 * extension ("/data/reviews/tweets.csv" → "tweets"). Titles used to print the absolute path.
 */
export function datasetLabel(dataset: string): string {
  if (dataset === 'imdb') return 'IMDB';
  const base = dataset.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? dataset;
  if (/^aclImdb/i.test(base)) return 'IMDB';
  return base.replace(/\.(tar\.gz|tgz|csv|tsv|jsonl|json|txt|gz)$/i, '') || base;
}

/** The report's title with any absolute or relative data-set path in it shortened to the data set's name. */
export function shortTitle(results: Results): string {
  const title = results.title ?? 'rnnlab experiment';
  const dataset = results.settings.dataset;
  if (typeof dataset === 'string' && dataset.length > 0 && title.includes(dataset) && dataset !== 'imdb') {
    return title.split(dataset).join(datasetLabel(dataset));
  }
  return title;
}
