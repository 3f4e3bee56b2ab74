/**
 * The experiment's grid charts (each written as PNG + SVG and drawn in report.html):
 *
 *   loss       per-epoch TEST loss, one panel per optimizer, one coloured line per architecture
 *   accuracy   the same for TEST accuracy, with every named baseline (majority class, …) as a dashed line
 *   best       the best run of each architecture (by validation accuracy): test accuracy and loss side by side
 *   curves     train vs validation accuracy of every run, one panel per cell, the kept epoch marked: over-fitting
 *              (validation falls while train climbs) and under-training (both still rising) show at a glance
 *   confusion  the test confusion matrix of the overall best run (when its folder has metrics.json)
 *
 * Panels have their own zoomed y scales (a panel's range is its own data's), loss goes to a log scale when one panel
 * spans a wide range, and tick formats carry enough digits for neighbouring labels to differ (axes.ts).
 * Epoch 0 is the evaluation before training, so every curve starts at the untrained model.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Results, Run } from './results.ts';
import { namedBaselines, type NamedBaseline } from './baselines.ts';
import { numberFormat, percentFormat, wantsLogScale } from './axes.ts';
import {
  CONFIG, EPOCH_X, PALETTE, SCHEMA, SPLIT_COLORS, makeChart, type DataTable, type ReportChart,
} from './chart-kit.ts';
import { confusionChart } from './run-charts.ts';
import type { RunDetail } from './run-folder.ts';
import { formatFixed, formatPercent } from './format.ts';
import {
  archLabel, archOrder, bestPerArch, formatLr, optimizerLabel, optimizerOrder, runLabel, runSeed, selectBest,
  shortTitle,
} from './select.ts';
import { sortedRuns } from './summary.ts';

export { FONT_FAMILY } from './chart-kit.ts';
export type { ReportChart, DataTable } from './chart-kit.ts';

export type ChartName = 'loss' | 'accuracy' | 'best' | 'curves' | 'confusion';
/** The grid charts in page order (confusion only when the best run's folder has its metrics). */
export const CHART_NAMES: ChartName[] = ['loss', 'accuracy', 'best', 'curves', 'confusion'];

/** Several runs of one (architecture, optimizer, rate) differ by seed: then labels name the seed. */
function hasSeveralSeeds(runs: Run[]): boolean {
  const seen = new Set<string>();
  return runs.some((r) => {
    const key = `${r.arch}/${r.optimizer}/${r.lr}`;
    if (seen.has(key)) return true;
    seen.add(key);
    return false;
  });
}

/** The run's label in charts: "LSTM · Adam · lr 0.001", plus "· seed 2" when seeds must be told apart. */
export function seriesLabel(run: Run, runs: Run[]): string {
  const seed = runSeed(run);
  return hasSeveralSeeds(runs) && seed !== null ? `${runLabel(run)} · seed ${seed}` : runLabel(run);
}

interface Point {
  arch: string;
  optimizer: string;
  lr: string;
  series: string;
  /** one line per run: the run folder (several seeds of a cell share the series label) */
  run: string;
  status: string;
  epoch: number;
  loss: number | null;
  accuracy: number;
}

function points(runs: Run[], all: Run[]): Point[] {
  return runs.flatMap((run) =>
    run.history.map((h) => ({
      arch: archLabel(run.arch),
      optimizer: optimizerLabel(run.optimizer),
      lr: formatLr(run.lr),
      series: seriesLabel(run, all),
      run: run.dir ?? runLabel(run),
      status: run.status,
      epoch: h.epoch,
      loss: h.testLoss,
      accuracy: h.testAccuracy,
    })),
  );
}

const TOOLTIP = [
  { field: 'series', type: 'nominal', title: 'Run' },
  { field: 'status', type: 'nominal', title: 'Status' },
  { field: 'epoch', type: 'quantitative', title: 'Epoch' },
  { field: 'accuracy', type: 'quantitative', title: 'Test accuracy', format: '.2%' },
  { field: 'loss', type: 'quantitative', title: 'Test loss', format: '.4f' },
];

/** Colour by architecture, with the same colour for an architecture in every chart. */
function archColor(runs: Run[]) {
  const domain = archOrder(runs).map(archLabel);
  return {
    field: 'arch', type: 'nominal', title: 'Architecture',
    scale: { domain, range: domain.map((_, i) => PALETTE[i % PALETTE.length]) },
  };
}

/** A grid may try several learning rates per (architecture, optimizer); then dash patterns tell them apart. */
function hasSeveralLrs(runs: Run[]): boolean {
  const seen = new Map<string, number>();
  return runs.some((r) => {
    const key = `${r.arch}/${r.optimizer}`;
    if (seen.has(key) && seen.get(key) !== r.lr) return true;
    seen.set(key, r.lr);
    return false;
  });
}

/**
 * A diverged run's loss explodes and would squash every other curve into the bottom pixel row, so when that
 * happens the loss axis stops a little above the largest loss of the runs that did not diverge, and the diverged
 * curves leave the top of the plot (clipped).
 */
function lossCap(runs: Run[]): number | undefined {
  const max = (rs: Run[]) => Math.max(0, ...rs.flatMap((r) => r.history.map((h) => h.testLoss ?? 0)));
  const sane = max(runs.filter((r) => r.status !== 'diverged'));
  const all = max(runs);
  return sane > 0 && all > sane * 1.5 ? sane * 1.1 : undefined;
}

/** Line styles: the majority class dashed grey, NBSVM dotted red, any later baseline dash-dotted. */
const BASELINE_STYLE: Record<string, { strokeDash: number[]; color: string }> = {
  majority: { strokeDash: [5, 4], color: '#666' },
  nbsvm: { strokeDash: [2, 3], color: '#b03a2e' },
};
const OTHER_BASELINE = { strokeDash: [8, 3, 2, 3], color: '#6a3d9a' };

/** A rule and a name for each baseline, drawn once (one datum each, not once per data row). */
function baselineLayers(baselines: NamedBaseline[]) {
  return baselines.flatMap((b) => [
    {
      data: { values: [{}] },
      mark: { type: 'rule', strokeWidth: 1.5, ...(BASELINE_STYLE[b.key] ?? OTHER_BASELINE) },
      encoding: { y: { datum: b.accuracy } },
    },
    {
      data: { values: [{}] },
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 3, dy: -2, fontSize: 10,
        color: (BASELINE_STYLE[b.key] ?? OTHER_BASELINE).color },
      encoding: { x: { datum: 0 }, y: { datum: b.accuracy }, text: { value: b.name } },
    },
  ]);
}

export function baselineSubtitle(baselines: NamedBaseline[]): string {
  const style = (key: string) => key === 'majority' ? 'dashed grey' : key === 'nbsvm' ? 'dotted red' : 'dash-dotted';
  return baselines.length
    ? `Baselines: ${baselines.map((b) => `${b.name} ${formatPercent(b.accuracy)} (${style(b.key)})`).join(', ')}.`
    : 'No baseline recorded.';
}

/** Rows = runs, columns = epochs: the numbers behind a per-epoch chart. */
function epochTable(runs: Run[], all: Run[], value: (h: Run['history'][number]) => string): DataTable {
  const epochs = [...new Set(runs.flatMap((r) => r.history.map((h) => h.epoch)))].sort((a, b) => a - b);
  return {
    columns: ['Run', ...epochs.map((e) => `Epoch ${e}`)],
    numeric: [false, ...epochs.map(() => true)],
    rows: runs.map((r) => [
      seriesLabel(r, all),
      ...epochs.map((e) => { const h = r.history.find((x) => x.epoch === e); return h ? value(h) : '—'; }),
    ]),
  };
}

/**
 * One panel per optimizer, each with its own y scale: a concat (not a facet) so that a panel can go to a log scale
 * or get finer tick labels without forcing that on the others.
 */
function facetSpec(results: Results, metric: 'loss' | 'accuracy', columns: number, width: number): TopLevelSpec {
  const runs = results.runs;
  const baselines = namedBaselines(results);
  const subtitle = [shortTitle(results)];
  if (!runs.some((r) => r.history.length > 0)) subtitle.push('No epochs recorded yet.');
  if (metric === 'accuracy') subtitle.push(baselineSubtitle(baselines));
  const notes = new Set<string>();
  const panel = (optimizer: string) => {
    const mine = runs.filter((r) => r.optimizer === optimizer);
    let y;
    if (metric === 'loss') {
      const values = mine.flatMap((r) => r.history.map((h) => h.testLoss)).filter((v): v is number => v !== null);
      const log = wantsLogScale([values]);
      const cap = log ? undefined : lossCap(mine);
      if (log) notes.add('Panels with a log loss scale: equal steps are equal ratios.');
      if (cap !== undefined) notes.add('Diverged runs leave the top of the plot.');
      const shown = cap === undefined ? values : values.filter((v) => v <= cap);
      y = {
        field: 'loss', type: 'quantitative', title: 'Test loss',
        axis: { format: log ? '.2~g' : numberFormat([shown]), tickCount: 5 },
        scale: log ? { type: 'log', nice: false } : { zero: false, ...(cap ? { domainMax: cap } : {}) },
      };
    } else {
      const values = [...mine.flatMap((r) => r.history.map((h) => h.testAccuracy)), ...baselines.map((b) => b.accuracy)];
      y = {
        field: 'accuracy', type: 'quantitative', title: 'Test accuracy',
        axis: { format: percentFormat([values]), tickCount: 5 }, scale: { zero: false },
      };
    }
    const line = {
      mark: { type: 'line', point: true, clip: true, strokeWidth: 2 },
      encoding: {
        x: EPOCH_X,
        y,
        color: archColor(runs),
        detail: { field: 'run', type: 'nominal' },
        tooltip: TOOLTIP,
        ...(hasSeveralLrs(runs) ? {
          strokeDash: {
            field: 'lr', type: 'nominal', title: 'Learning rate',
            // draw the legend as line samples (the default would be the point marks' circles, which carry no dash)
            legend: {
              symbolType: 'stroke', symbolSize: 400,
              encode: { symbols: { update: { stroke: { value: '#333' }, strokeWidth: { value: 2 } } } },
            },
          },
        } : {}),
      },
    };
    return {
      title: { text: optimizerLabel(optimizer), fontSize: 13, anchor: 'middle' },
      width, height: 200,
      transform: [{ filter: { field: 'optimizer', equal: optimizerLabel(optimizer) } }],
      layer: metric === 'accuracy' ? [line, ...baselineLayers(baselines)] : [line],
    };
  };
  const panels = optimizerOrder(runs).map(panel);
  subtitle.push(...notes);
  return {
    $schema: SCHEMA,
    title: { text: metric === 'loss' ? 'Test loss per epoch' : 'Test accuracy per epoch', subtitle },
    data: { values: points(runs, runs) },
    concat: panels,
    columns,
    resolve: { scale: { y: 'independent' } },
    config: columns === 1 ? { ...CONFIG, legend: { ...CONFIG.legend, orient: 'top' } } : CONFIG,
  } as TopLevelSpec;
}

function facetChart(results: Results, metric: 'loss' | 'accuracy'): ReportChart {
  const n = Math.max(1, Math.min(4, optimizerOrder(results.runs).length));
  const runs = sortedRuns(results);
  return makeChart({
    id: metric,
    title: metric === 'loss' ? 'Test loss per epoch' : 'Test accuracy per epoch',
    spec: facetSpec(results, metric, n, 230),
    narrow: facetSpec(results, metric, 1, 260),
    minWidth: n * 300 + 140,
    ...(n > 2 ? { medium: { spec: facetSpec(results, metric, 2, 230), minWidth: 2 * 300 + 140 } } : {}),
    table: epochTable(runs, results.runs, (h) => metric === 'loss' ? formatFixed(h.testLoss, 4) : formatPercent(h.testAccuracy)),
    file: true,
  });
}

function bestSpec(results: Results, narrow: boolean): TopLevelSpec {
  const best = bestPerArch(results).map((b) => b.run);
  const color = {
    ...archColor(results.runs),
    field: 'series', title: 'Run',
    // one series per architecture here, so map each series to its architecture's colour
    scale: {
      domain: best.map((r) => seriesLabel(r, results.runs)),
      range: best.map((r) => PALETTE[archOrder(results.runs).indexOf(r.arch) % PALETTE.length]),
    },
  };
  const acc = best.map((r) => r.history.map((h) => h.testAccuracy));
  const loss = best.map((r) => r.history.map((h) => h.testLoss).filter((v): v is number => v !== null));
  const panel = (field: 'accuracy' | 'loss') => ({
    width: narrow ? 260 : 320, height: 220,
    title: { text: field === 'accuracy' ? 'Test accuracy' : 'Test loss', fontSize: 13, anchor: 'middle' },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: EPOCH_X,
      y: field === 'accuracy'
        ? { field, type: 'quantitative', title: 'Test accuracy', axis: { format: percentFormat([acc.flat()]) },
            scale: { zero: false } }
        : { field, type: 'quantitative', title: 'Test loss', axis: { format: numberFormat([loss.flat()]) },
            scale: { zero: false } },
      color,
      tooltip: TOOLTIP,
    },
  });
  return {
    $schema: SCHEMA,
    title: {
      text: 'Best run of each architecture',
      subtitle: [
        shortTitle(results),
        best.length ? 'Chosen by validation accuracy at the best epoch.' : 'No run has finished yet.',
      ],
    },
    data: { values: points(best, results.runs) },
    ...(narrow ? { vconcat: [panel('accuracy'), panel('loss')] } : { hconcat: [panel('accuracy'), panel('loss')] }),
    resolve: { scale: { y: 'independent' } },
    config: { ...CONFIG, legend: { ...CONFIG.legend, orient: 'bottom', direction: 'vertical' } },
  } as TopLevelSpec;
}

function bestChart(results: Results): ReportChart {
  const best = bestPerArch(results).map((b) => b.run);
  return makeChart({
    id: 'best', title: 'Best run of each architecture',
    spec: bestSpec(results, false), narrow: bestSpec(results, true), minWidth: 820,
    table: epochTable(best, results.runs,
      (h) => `${formatPercent(h.testAccuracy)} / ${formatFixed(h.testLoss, 4)}`),
    file: true,
  });
}

interface CurvePoint {
  panel: string;
  series: string;
  split: 'train' | 'validation';
  epoch: number;
  accuracy: number;
  best: boolean;
}

/** Train and validation accuracy of every run, one panel per (architecture, optimizer). */
function curvesSpec(results: Results, columns: number, width: number): TopLevelSpec {
  const runs = sortedRuns(results);
  const panelOf = (r: Run) => `${archLabel(r.arch)} · ${optimizerLabel(r.optimizer)}`;
  const values: CurvePoint[] = runs.flatMap((run) => run.history.flatMap((h) => {
    const base = { panel: panelOf(run), series: seriesLabel(run, results.runs), epoch: h.epoch, best: h.epoch === run.bestEpoch };
    const out: CurvePoint[] = [{ ...base, split: 'validation', accuracy: h.valAccuracy }];
    if (h.trainAccuracy !== null) out.push({ ...base, split: 'train', accuracy: h.trainAccuracy });
    return out;
  }));
  const all = values.map((v) => v.accuracy);
  const panels = [...new Set(runs.map(panelOf))];
  const perPanel = panels.map((p) => values.filter((v) => v.panel === p).map((v) => v.accuracy));
  return {
    $schema: SCHEMA,
    title: {
      text: 'Train vs validation accuracy',
      subtitle: [
        shortTitle(results),
        'Ring and grey rule: the kept epoch (lowest validation loss). Validation falling while train climbs = over-fitting;',
        'both still rising at the last epoch = more epochs would help.',
      ],
    },
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels },
    columns,
    spec: {
      width, height: 130,
      layer: [
        {
          transform: [{ filter: 'datum.best && datum.split === "validation"' }],
          mark: { type: 'rule', color: '#999', strokeWidth: 1.5 },
          encoding: { x: { field: 'epoch', type: 'quantitative' } },
        },
        {
          // a ring on the kept epoch's validation point: visible even when the rule sits on the plot's edge
          transform: [{ filter: 'datum.best && datum.split === "validation"' }],
          mark: { type: 'point', shape: 'circle', size: 110, filled: false, color: '#222', strokeWidth: 1.5 },
          encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'accuracy', type: 'quantitative' } },
        },
        {
          mark: { type: 'line', point: { size: 16 }, strokeWidth: 1.8 },
          encoding: {
            x: EPOCH_X,
            y: { field: 'accuracy', type: 'quantitative', title: 'Accuracy', scale: { zero: false },
              axis: { format: percentFormat(perPanel.length ? perPanel : [all]), tickCount: 4 } },
            color: {
              field: 'split', type: 'nominal', title: 'Split',
              scale: { domain: ['train', 'validation'], range: [SPLIT_COLORS.train, SPLIT_COLORS.validation] },
            },
            detail: { field: 'series', type: 'nominal' },
            tooltip: [
              { field: 'series', type: 'nominal', title: 'Run' }, { field: 'split', type: 'nominal', title: 'Split' },
              { field: 'epoch', type: 'quantitative', title: 'Epoch' },
              { field: 'accuracy', type: 'quantitative', title: 'Accuracy', format: '.2%' },
            ],
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: { ...CONFIG, header: { ...CONFIG.header, labelFontSize: 12 } },
  } as TopLevelSpec;
}

function curvesChart(results: Results): ReportChart {
  const runs = sortedRuns(results);
  const n = Math.max(1, Math.min(4, optimizerOrder(results.runs).length));
  const epochs = [...new Set(runs.flatMap((r) => r.history.map((h) => h.epoch)))].sort((a, b) => a - b);
  const table: DataTable = {
    columns: ['Run', 'Split', ...epochs.map((e) => `Epoch ${e}`), 'Kept epoch'],
    numeric: [false, false, ...epochs.map(() => true), true],
    rows: runs.flatMap((r) => (['train', 'validation'] as const).map((split) => [
      seriesLabel(r, results.runs), split,
      ...epochs.map((e) => {
        const h = r.history.find((x) => x.epoch === e);
        const v = h ? (split === 'train' ? h.trainAccuracy : h.valAccuracy) : null;
        return formatPercent(v);
      }),
      r.bestEpoch === null ? '—' : String(r.bestEpoch),
    ])),
  };
  return makeChart({
    id: 'curves', title: 'Train vs validation accuracy of every run',
    spec: curvesSpec(results, n, 180), narrow: curvesSpec(results, 1, 250), minWidth: n * 240 + 150, table, file: true,
    ...(n > 2 ? { medium: { spec: curvesSpec(results, 2, 180), minWidth: 2 * 240 + 150 } } : {}),
  });
}

/** Every grid chart; `details` (from the run folders) adds the best run's confusion matrix. */
export function gridCharts(results: Results, details: Map<Run, RunDetail> = new Map()): ReportChart[] {
  const charts = [facetChart(results, 'loss'), facetChart(results, 'accuracy'), bestChart(results), curvesChart(results)];
  const best = selectBest(results.runs)?.run;
  const detail = best ? details.get(best) : undefined;
  if (best && detail?.confusion) {
    charts.push(confusionChart(best, detail, {
      id: 'confusion', file: true,
      title: `Confusion matrix of the best run (${seriesLabel(best, results.runs)})`,
    }));
  }
  return charts;
}

/** The vega-lite spec of one grid chart (tests inspect these). */
export function chartSpec(results: Results, name: Exclude<ChartName, 'confusion'>): TopLevelSpec {
  if (name === 'best') return bestSpec(results, false);
  if (name === 'curves') return curvesSpec(results, 4, 180);
  return facetSpec(results, name, Math.max(1, Math.min(4, optimizerOrder(results.runs).length)), 230);
}
