/**
 * `--preset homework`: replays the original homework's experiment with correct labels, and writes notes that say
 * what happened next to what rnnlab's defaults reach.
 *
 * The homework (PyTorch, torchtext IMDB) trained RNN, GRU and LSTM classifiers with embedding 64, hidden 8, 25
 * stacked layers, reviews cut to 200 tokens, batches of 1000, Adam with lr 1e-7 (RNN), 1e-9 (GRU), 1e-10 (LSTM), for
 * 5 epochs, and reported 99.2–99.9 % accuracy. Those numbers came from a label bug: torchtext >= 0.14 yields integer
 * labels (1/2), so the homework's `label == 'pos'` was never true and every example was labelled 0, which a model
 * predicts perfectly by always answering 0. With correct labels, the same settings barely move the weights.
 *
 * The notes only state numbers read from results (this experiment's, and a --compare folder's); they never invent
 * any. Where no comparison is available they say so.
 */
import type { Results, Run } from '../report/results.ts';
import { majorityAccuracy } from '../report/results.ts';
import { bestPerArch, formatLr, archLabel, optimizerLabel, selectBest } from '../report/select.ts';
import type { ExperimentConfig } from './overrides.ts';

export const HOMEWORK_ARCHS = ['rnn', 'gru', 'lstm'];
export const HOMEWORK_OPTIMIZERS = ['adam'];
export const HOMEWORK_LR: Record<string, number> = { rnn: 1e-7, gru: 1e-9, lstm: 1e-10 };

/**
 * The homework's training settings shared by every cell. It used PyTorch's default init, so the embedding keeps
 * nn.Embedding's N(0, 1) (embedInitStd 1) and the LSTM its random forget-gate bias (forgetBias 'pytorch'), and a
 * constant learning rate.
 */
export const HOMEWORK_TRAIN: Readonly<Record<string, number | string>> = {
  embed: 64, embedInitStd: 1, forgetBias: 'pytorch', schedule: 'constant', hidden: 8, layers: 25, batchSize: 1000, epochs: 5,
};

/**
 * The homework's settings: the training part as an experiment config (option names are `rnnlab train`'s), and the
 * data part (max length 200) as data option values. Explicit command-line flags still override them.
 */
export function homeworkPreset(): { config: ExperimentConfig; data: Record<string, unknown> } {
  return {
    config: {
      all: { ...HOMEWORK_TRAIN },
      archs: Object.fromEntries(HOMEWORK_ARCHS.map((a) => [a, { lr: HOMEWORK_LR[a]! }])),
    },
    data: { maxLen: 200, truncate: 'head' }, // the homework cut reviews to their first 200 tokens
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const loss = (x: number | null | undefined): string => (typeof x === 'number' ? x.toFixed(4) : 'n/a');

function firstTrainLoss(run: Run): number | null {
  const e = run.history.find((h) => h.epoch >= 1 && h.trainLoss !== null);
  return e?.trainLoss ?? null;
}
function lastRecord(run: Run) {
  return run.history.reduce<Run['history'][number] | undefined>((a, h) => (a && a.epoch > h.epoch ? a : h), undefined);
}

/** One line per homework run: its final validation accuracy and train loss change, against the majority baseline. */
function runLine(run: Run, majority: number): string {
  const name = `${archLabel(run.arch)} (${optimizerLabel(run.optimizer)}, lr ${formatLr(run.lr)})`;
  if (run.status === 'failed') return `${name}: failed (${run.reason ?? 'no reason recorded'}).`;
  const last = lastRecord(run);
  if (!last) return `${name}: no epoch finished.`;
  const first = run.history.find((h) => h.epoch === 0);
  const start = first?.valAccuracy;
  const learned = last.valAccuracy - majority;
  const verdict =
    Math.abs(learned) < 0.02
      ? 'no better than always predicting the majority class'
      : learned > 0
        ? `${pct(learned)} above the majority baseline`
        : `${pct(-learned)} below the majority baseline`;
  const trainLosses = `train loss ${loss(firstTrainLoss(run))} (epoch 1) → ${loss(last.trainLoss)} (epoch ${last.epoch})`;
  const v0 = first?.valLoss;
  const valChange = typeof v0 === 'number' && typeof last.valLoss === 'number'
    ? `; validation loss changed by ${(last.valLoss - v0).toPrecision(2)} in all` : '';
  return `${name}: validation accuracy ${start !== undefined ? `${pct(start)} before training → ` : ''}` +
    `${pct(last.valAccuracy)} after ${last.epoch} epoch(s), ${verdict}; ${trainLosses}${valChange}` +
    (run.test ? `; test accuracy ${pct(run.test.accuracy)}.` : '.') +
    (run.status === 'diverged' ? ` Diverged: ${run.reason ?? ''}` : '');
}

const SHOWN_SETTINGS = ['epochs', 'embed', 'hidden', 'layers', 'batchSize', 'lr', 'maxLen'];
const DATA_SETTINGS = ['dataset', 'limit', 'test', 'valSplit', 'vocabSize', 'minFreq', 'maxLen', 'truncate', 'seed'];

/** "the experiment in DIR (epochs 5, embed 128, …) reaches …", saying so when its data differ from ours. */
function compareLine(results: Results, compare: { dir: string; results: Results }): string {
  const theirs = compare.results.settings;
  const shown = SHOWN_SETTINGS.filter((k) => theirs[k] !== undefined).map((k) => `${k} ${String(theirs[k])}`);
  const dataDiffs = DATA_SETTINGS.filter((k) => JSON.stringify(theirs[k]) !== JSON.stringify(results.settings[k]))
    .map((k) => `${k} ${JSON.stringify(theirs[k] ?? null)} vs ${JSON.stringify(results.settings[k] ?? null)} here`);
  const intro = `The comparison experiment in ${compare.dir} (${shown.join(', ') || 'settings not recorded'})`;
  const best = selectBest(compare.results.runs);
  if (!best) return `${intro} has no finished run yet, so there is nothing to compare.`;
  const perArch = bestPerArch(compare.results).map(({ run, record }) =>
    `${archLabel(run.arch)} ${pct(record.valAccuracy)} validation / ${run.test ? pct(run.test.accuracy) : 'n/a'} test ` +
    `(${optimizerLabel(run.optimizer)}, lr ${formatLr(run.lr)})`);
  return `${intro} reaches, best run per architecture chosen by validation accuracy: ${perArch.join('; ')}. ` +
    `Overall best: ${archLabel(best.run.arch)} with ${optimizerLabel(best.run.optimizer)}, test accuracy ` +
    `${best.run.test ? pct(best.run.test.accuracy) : 'n/a'} (majority baseline there ` +
    `${pct(majorityAccuracy(compare.results))}).` +
    (dataDiffs.length ? ` Caution: its data settings differ (${dataDiffs.join('; ')}), so the numbers are not ` +
      'directly comparable.' : ' It used the same data settings.');
}

/**
 * The notes for a homework replay. `compare` is a default-settings experiment's results (from --compare DIR), or
 * null; `deviations` lists settings the user changed from the homework's (e.g. a smaller --limit), stated plainly.
 */
export function homeworkNotes(results: Results, compare: { dir: string; results: Results } | null,
  deviations: string[]): string[] {
  const majority = majorityAccuracy(results);
  const notes: string[] = [
    'Replay of the original homework with correct labels: embedding 64, hidden 8, 25 stacked layers, reviews cut ' +
      'to 200 tokens, batches of 1000, Adam with lr 1e-7 (RNN), 1e-9 (GRU), 1e-10 (LSTM), 5 epochs.',
    'The homework reported 99.2–99.9 % accuracy because every label was 0: torchtext >= 0.14 yields integer ' +
      "labels, so its `label == 'pos'` test was never true, and a model that always answers 0 is then always right. " +
      'With correct labels, the majority-class baseline on this data is ' + `${pct(majority)} (test set).`,
  ];
  if (deviations.length > 0) notes.push(`This run deviates from the homework: ${deviations.join('; ')}.`);
  for (const run of results.runs) notes.push(runLine(run, majority));
  const learnedAny = results.runs.some((r) => {
    const last = lastRecord(r);
    return r.status === 'ok' && last !== undefined && last.valAccuracy - majority >= 0.02;
  });
  notes.push(learnedAny
    ? 'At least one model moved clearly above the majority baseline at these learning rates (see the lines above).'
    : 'At these learning rates the models do not learn: their accuracy stays at the majority-class baseline.');
  if (compare === null) {
    notes.push('No comparison experiment was given (--compare DIR), so this report does not state what rnnlab\'s ' +
      'defaults reach on the same data; run `rnnlab experiment` with the same data options and pass its folder ' +
      'with --compare.');
  } else {
    notes.push(compareLine(results, compare));
  }
  return notes;
}


