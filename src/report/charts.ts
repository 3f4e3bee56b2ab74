/**
 * The report's charts as vega-lite specs, compiled to vega here in Node so that neither the PNG renderer nor
 * report.html needs vega-lite at run time.
 *
 *   loss      per-epoch TEST loss, one panel per optimizer, one coloured line per architecture
 *   accuracy  the same for TEST accuracy, with the majority-class baseline as a dashed rule (and NBSVM, when
 *             recorded, as a dotted red one)
 *   best      the best run of each architecture (by validation accuracy): test accuracy and loss side by side
 *
 * Epoch 0 is the evaluation before training, so every curve starts at the untrained model.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Spec as VegaSpec } from 'vega';
import type { Results, Run } from './results.ts';
import { majorityAccuracy } from './results.ts';
import { archLabel, archOrder, bestPerArch, formatLr, optimizerLabel, optimizerOrder, runLabel } from './select.ts';
import { formatPercent } from './format.ts';
import { nbsvmAccuracy, nbsvmRules } from './baselines.ts';

/** The family of the fonts shipped in assets/fonts; vega measures and resvg draws text with it. */
export const FONT_FAMILY = 'DejaVu Sans';

const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d'];

export type ChartName = 'loss' | 'accuracy' | 'best';
export const CHART_NAMES: ChartName[] = ['loss', 'accuracy', 'best'];

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

function points(runs: Run[]): Point[] {
  return runs.flatMap((run) =>
    run.history.map((h) => ({
      arch: archLabel(run.arch),
      optimizer: optimizerLabel(run.optimizer),
      lr: formatLr(run.lr),
      series: runLabel(run),
      run: run.dir ?? runLabel(run),
      status: run.status,
      epoch: h.epoch,
      loss: h.testLoss,
      accuracy: h.testAccuracy,
    })),
  );
}

const CONFIG = {
  font: FONT_FAMILY,
  background: 'white',
  padding: 12,
  title: { fontSize: 16, subtitleFontSize: 12, subtitleColor: '#444', anchor: 'start' as const, offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e6e6e6' },
  header: { labelFontSize: 13, labelFontWeight: 'bold' as const },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  view: { stroke: '#bbb' },
  point: { size: 28 },
};

const TOOLTIP = [
  { field: 'series', type: 'nominal', title: 'Run' },
  { field: 'status', type: 'nominal', title: 'Status' },
  { field: 'epoch', type: 'quantitative', title: 'Epoch' },
  { field: 'accuracy', type: 'quantitative', title: 'Test accuracy', format: '.2%' },
  { field: 'loss', type: 'quantitative', title: 'Test loss', format: '.4f' },
];

const EPOCH_X = { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { tickMinStep: 1, format: 'd' } };

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
  const max = (rs: Run[]) =>
    Math.max(0, ...rs.flatMap((r) => r.history.map((h) => h.testLoss ?? 0)));
  const sane = max(runs.filter((r) => r.status !== 'diverged'));
  const all = max(runs);
  return sane > 0 && all > sane * 1.5 ? sane * 1.1 : undefined;
}

function facetSpec(results: Results, metric: 'loss' | 'accuracy'): TopLevelSpec {
  const runs = results.runs;
  const cap = metric === 'loss' ? lossCap(runs) : undefined;
  const subtitle = [results.title ?? 'rnnlab experiment'];
  if (!runs.some((r) => r.history.length > 0)) subtitle.push('No epochs recorded yet.');
  if (cap !== undefined) subtitle.push('Diverged runs leave the top of the plot.');
  if (metric === 'accuracy') {
    subtitle.push(`Dashed line: majority-class baseline (${formatPercent(majorityAccuracy(results))}).`);
    const nbsvm = nbsvmAccuracy(results);
    if (nbsvm !== null) subtitle.push(`Dotted red line: NBSVM uni+bigram baseline (${formatPercent(nbsvm)}).`);
  }
  const y =
    metric === 'loss'
      ? { field: 'loss', type: 'quantitative', title: 'Test loss', scale: cap ? { domain: [0, cap] } : { zero: true } }
      : { field: 'accuracy', type: 'quantitative', title: 'Test accuracy', axis: { format: '.0%' },
          scale: { zero: false } };
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
  const baseline = {
    mark: { type: 'rule', strokeDash: [5, 4], color: '#666' },
    encoding: { y: { datum: majorityAccuracy(results) } },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: metric === 'loss' ? 'Test loss per epoch' : 'Test accuracy per epoch', subtitle },
    data: { values: points(runs) },
    facet: {
      column: { field: 'optimizer', type: 'nominal', title: null, sort: optimizerOrder(runs).map(optimizerLabel) },
    },
    spec: { width: 230, height: 200, layer: metric === 'accuracy' ? [line, baseline, ...nbsvmRules(results)] : [line] },
    config: CONFIG,
  } as TopLevelSpec;
}

function bestSpec(results: Results): TopLevelSpec {
  const best = bestPerArch(results).map((b) => b.run);
  const color = {
    ...archColor(results.runs),
    field: 'series', title: 'Run',
    // one series per architecture here, so map each series to its architecture's colour
    scale: {
      domain: best.map(runLabel),
      range: best.map((r) => PALETTE[archOrder(results.runs).indexOf(r.arch) % PALETTE.length]),
    },
  };
  const panel = (field: 'accuracy' | 'loss') => ({
    width: 320, height: 220,
    title: { text: field === 'accuracy' ? 'Test accuracy' : 'Test loss', fontSize: 13, anchor: 'middle' },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: EPOCH_X,
      y: field === 'accuracy'
        ? { field, type: 'quantitative', title: 'Test accuracy', axis: { format: '.0%' }, scale: { zero: false } }
        : { field, type: 'quantitative', title: 'Test loss', scale: { zero: true } },
      color,
      tooltip: TOOLTIP,
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Best run of each architecture',
      subtitle: [
        results.title ?? 'rnnlab experiment',
        best.length ? 'Chosen by validation accuracy at the best epoch.' : 'No run has finished yet.',
      ],
    },
    data: { values: points(best) },
    hconcat: [panel('accuracy'), panel('loss')],
    resolve: { scale: { y: 'independent' } },
    config: { ...CONFIG, legend: { ...CONFIG.legend, orient: 'bottom', direction: 'vertical' } },
  } as TopLevelSpec;
}

/** The vega-lite spec of one chart. */
export function chartSpec(results: Results, name: ChartName): TopLevelSpec {
  return name === 'best' ? bestSpec(results) : facetSpec(results, name);
}

/** All charts compiled to vega (what both the PNG renderer and report.html consume). */
export function compiledCharts(results: Results): Record<ChartName, VegaSpec> {
  const out = {} as Record<ChartName, VegaSpec>;
  for (const name of CHART_NAMES) out[name] = compile(chartSpec(results, name)).spec;
  return out;
}
