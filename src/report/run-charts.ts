/**
 * One run's charts, drawn in its section of report.html:
 *
 *   curves      train, validation and test loss (left) and accuracy (right) per epoch, the kept epoch (lowest
 *               validation loss) marked by a grey rule; test is thin and dashed: it is shown, never selected on
 *   confusion   the test confusion matrix of the kept weights as a heat map: rows = true class, columns =
 *               predicted, colour = share of the true class (so a rare class's misses show as strongly as a common
 *               one's), each cell labelled with its count and share
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Run } from './results.ts';
import { numberFormat, percentFormat, wantsLogScale } from './axes.ts';
import { CONFIG, EPOCH_X, SCHEMA, SPLIT_COLORS, makeChart, type ReportChart } from './chart-kit.ts';
import type { RunDetail } from './run-folder.ts';
import { formatFixed, formatPercent } from './format.ts';
import { runLabel } from './select.ts';

type Split = 'train' | 'validation' | 'test';
interface SplitPoint { split: Split; epoch: number; loss: number | null; accuracy: number | null }

function splitPoints(run: Run): SplitPoint[] {
  return run.history.flatMap((h): SplitPoint[] => [
    ...(h.trainLoss !== null || h.trainAccuracy !== null
      ? [{ split: 'train' as const, epoch: h.epoch, loss: h.trainLoss, accuracy: h.trainAccuracy }] : []),
    { split: 'validation', epoch: h.epoch, loss: h.valLoss, accuracy: h.valAccuracy },
    { split: 'test', epoch: h.epoch, loss: h.testLoss, accuracy: h.testAccuracy },
  ]);
}

function runCurvesSpec(run: Run, title: string, narrow: boolean): TopLevelSpec {
  const values = splitPoints(run);
  const losses = values.map((v) => v.loss).filter((v): v is number => v !== null);
  const accs = values.map((v) => v.accuracy).filter((v): v is number => v !== null);
  const log = wantsLogScale([losses]);
  const panel = (field: 'loss' | 'accuracy') => ({
    width: narrow ? 250 : 280, height: 170,
    layer: [
      ...(run.bestEpoch !== null ? [{
        data: { values: [{ epoch: run.bestEpoch }] },
        mark: { type: 'rule', color: '#999', strokeWidth: 1.5 },
        encoding: { x: { field: 'epoch', type: 'quantitative' } },
      }] : []),
      ...(run.bestEpoch !== null ? [{
        // a ring on the kept epoch's validation point: visible even when the rule sits on the plot's edge
        transform: [{ filter: `datum.split === 'validation' && datum.epoch === ${run.bestEpoch} && isValid(datum.${field})` }],
        mark: { type: 'point', shape: 'circle', size: 110, filled: false, color: '#222', strokeWidth: 1.5 },
        encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field, type: 'quantitative' } },
      }] : []),
      {
        transform: [{ filter: `isValid(datum.${field})` }],
        mark: { type: 'line', point: { size: 18 }, clip: true, strokeWidth: 2 },
        encoding: {
          x: EPOCH_X,
          y: field === 'loss'
            ? { field, type: 'quantitative', title: 'Loss',
                scale: log ? { type: 'log', nice: false } : { zero: false },
                axis: { format: log ? '.2~g' : numberFormat([losses]), tickCount: 5 } }
            : { field, type: 'quantitative', title: 'Accuracy', scale: { zero: false },
                axis: { format: percentFormat([accs]), tickCount: 5 } },
          color: {
            field: 'split', type: 'nominal', title: 'Split',
            legend: { symbolType: 'stroke', symbolStrokeWidth: 2, orient: narrow ? 'bottom' : 'right' },
            scale: { domain: ['train', 'validation', 'test'], range: [SPLIT_COLORS.train, SPLIT_COLORS.validation, SPLIT_COLORS.test] },
          },
          strokeDash: {
            field: 'split', type: 'nominal', title: 'Split',
            scale: { domain: ['train', 'validation', 'test'], range: [[1, 0], [1, 0], [4, 3]] },
          },
          tooltip: [
            { field: 'split', type: 'nominal', title: 'Split' }, { field: 'epoch', type: 'quantitative', title: 'Epoch' },
            { field, type: 'quantitative', title: field === 'loss' ? 'Loss' : 'Accuracy', format: field === 'loss' ? '.4f' : '.2%' },
          ],
        },
      },
    ],
  });
  const panels = [panel('loss'), panel('accuracy')];
  return {
    $schema: SCHEMA,
    title: {
      text: title,
      subtitle: run.bestEpoch !== null
        ? [`Ring and grey rule: kept epoch ${run.bestEpoch} (lowest validation loss).`, 'Test (dashed) is shown, never selected on.']
        : 'No kept epoch.',
    },
    data: { values },
    ...(narrow ? { vconcat: panels } : { hconcat: panels }),
    resolve: { scale: { y: 'independent' } },
    config: { ...CONFIG, title: { ...CONFIG.title, fontSize: 14 } },
  } as TopLevelSpec;
}

/** Train / validation / test loss and accuracy of one run, the kept epoch marked. */
export function runCurvesChart(run: Run, id: string, label = runLabel(run)): ReportChart {
  const f4 = (x: number | null) => formatFixed(x, 4);
  return makeChart({
    id, title: `Loss and accuracy per epoch: ${label}`,
    spec: runCurvesSpec(run, label, false), narrow: runCurvesSpec(run, label, true), minWidth: 760, file: false,
    table: {
      columns: ['Epoch', 'Train loss', 'Train accuracy', 'Val. loss', 'Val. accuracy', 'Test loss', 'Test accuracy'],
      numeric: [true, true, true, true, true, true, true],
      rows: run.history.map((h) => [
        h.epoch === run.bestEpoch ? `${h.epoch} (kept)` : String(h.epoch),
        f4(h.trainLoss), formatPercent(h.trainAccuracy), f4(h.valLoss), formatPercent(h.valAccuracy),
        f4(h.testLoss), formatPercent(h.testAccuracy),
      ]),
    },
  });
}

/** The heat map of `detail.confusion` (which must be present). */
export function confusionChart(run: Run, detail: RunDetail, opts: { id: string; title: string; file: boolean }):
  ReportChart {
  const matrix = detail.confusion ?? [];
  const labels = detail.labels.length === matrix.length ? detail.labels : matrix.map((_, i) => String(i));
  const values = matrix.flatMap((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, p) => ({
      truth: labels[t], predicted: labels[p], count, share: total > 0 ? count / total : 0,
      text: `${count} (${total > 0 ? Math.round((100 * count) / total) : 0}%)`,
    }));
  });
  const cell = Math.max(34, Math.min(90, Math.floor(300 / Math.max(1, labels.length))));
  const spec = {
    $schema: SCHEMA,
    title: {
      text: 'Confusion matrix (test)',
      subtitle: [runLabel(run), 'Rows: true class; columns: predicted.', 'Colour: share of the true class.'],
    },
    data: { values },
    width: cell * labels.length, height: cell * labels.length,
    encoding: {
      x: { field: 'predicted', type: 'ordinal', sort: labels, title: 'Predicted', axis: { labelAngle: 0, grid: false } },
      y: { field: 'truth', type: 'ordinal', sort: labels, title: 'True class', axis: { grid: false } },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'share', type: 'quantitative', title: 'Share of row', scale: { domain: [0, 1], scheme: 'blues' },
            legend: { format: '.0%', orient: 'bottom', gradientLength: 140 } },
          tooltip: [
            { field: 'truth', type: 'nominal', title: 'True' }, { field: 'predicted', type: 'nominal', title: 'Predicted' },
            { field: 'count', type: 'quantitative', title: 'Count' },
            { field: 'share', type: 'quantitative', title: 'Share of true class', format: '.1%' },
          ],
        },
      },
      ...(labels.length <= 12 ? [{
        mark: { type: 'text', fontSize: labels.length > 6 ? 9 : 12 },
        encoding: {
          text: { field: 'text', type: 'nominal' },
          color: { condition: { test: 'datum.share > 0.55', value: 'white' }, value: 'black' },
        },
      }] : []),
    ],
    config: { ...CONFIG, title: { ...CONFIG.title, fontSize: 14 } },
  } as TopLevelSpec;
  return makeChart({
    id: opts.id, title: opts.title, spec, minWidth: 0, file: opts.file,
    table: {
      columns: ['True \\ predicted', ...labels],
      numeric: [false, ...labels.map(() => true)],
      rows: matrix.map((row, t) => [labels[t]!, ...row.map(String)]),
    },
  });
}
