/**
 * The fair comparison's charts (results.json "cells"), as vega-lite compiled to vega like charts.ts:
 *
 *   search  validation accuracy against the learning rate (log axis), one panel per optimizer, one line per
 *           architecture: every rate at the search's first budget (the one all rates share), later rungs as
 *           hollow points, the chosen rate ringed; diverged rates are listed in the subtitle (they have no accuracy)
 *   seeds   test accuracy of every final run, one row per cell (a strip plot), with each cell's mean as a tick
 *   seed-curves  with several seeds: each cell's mean test accuracy per epoch over its runs, with a ±1 std band
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Spec as VegaSpec } from 'vega';
import type { Results } from './results.ts';
import { majorityAccuracy } from './results.ts';
import type { CellResult } from './study-schema.ts';
import { CONFIG, PALETTE, SCHEMA } from './chart-kit.ts';
import { archLabel, formatLr, optimizerLabel } from './select.ts';
import { formatPercent } from './format.ts';

const ARCHS = ['rnn', 'gru', 'lstm'];
const OPTIMIZERS = ['sgd', 'nag', 'adadelta', 'adam', 'adamw', 'rmsprop'];

/** One facet column per optimizer of the study, in the grid's optimizer order. */
function optimizerColumn(cells: CellResult[]) {
  return { field: 'optimizer', type: 'nominal', title: null,
    sort: ordered(cells.map((c) => c.optimizer), OPTIMIZERS).map(optimizerLabel) };
}

export type StudyChartName = 'search' | 'seeds' | 'seed-curves';

const ordered = (values: string[], known: string[]) => [...known.filter((k) => values.includes(k)),
  ...[...new Set(values)].filter((v) => !known.includes(v))];

function archColor(cells: CellResult[]) {
  const domain = ordered(cells.map((c) => c.arch), ARCHS).map(archLabel);
  return { field: 'arch', type: 'nominal', title: 'Architecture',
    scale: { domain, range: domain.map((_, i) => PALETTE[i % PALETTE.length]) } };
}

const cellLabel = (c: { arch: string; optimizer: string }) => `${archLabel(c.arch)} · ${optimizerLabel(c.optimizer)}`;

function searchSpec(results: Results, cells: CellResult[]): TopLevelSpec {
  const points = cells.flatMap((c) => c.lrSearch.filter((e) => e.valAccuracy !== null).map((e) => ({
    arch: archLabel(c.arch), optimizer: optimizerLabel(c.optimizer), lr: e.lr, lrText: formatLr(e.lr),
    rung: e.rung, budget: e.budget, accuracy: e.valAccuracy, status: e.status,
    chosen: c.lr === e.lr && e.rung === 0 ? 'chosen' : '',
  })));
  const diverged = cells.flatMap((c) => c.lrSearch.filter((e) => e.valAccuracy === null && e.rung === 0)
    .map((e) => `${cellLabel(c)} ${formatLr(e.lr)}`));
  const budgets = [...new Set(cells.flatMap((c) => c.lrSearch.filter((e) => e.rung === 0).map((e) => e.budget)))];
  const subtitle = [
    `Lines: every rate after ${budgets.join('/')} epoch(s); hollow points: the best rates trained longer; ringed: the chosen rate.`,
    `Dashed line: majority-class baseline (${formatPercent(majorityAccuracy(results))}, on test).`,
    diverged.length ? `Diverged or failed (no accuracy): ${diverged.join(', ')}.` : 'No rate diverged.',
  ];
  const tooltip = [
    { field: 'arch', type: 'nominal', title: 'Architecture' },
    { field: 'lrText', type: 'nominal', title: 'Learning rate' },
    { field: 'budget', type: 'quantitative', title: 'Epochs' },
    { field: 'accuracy', type: 'quantitative', title: 'Val. accuracy', format: '.2%' },
    { field: 'status', type: 'nominal', title: 'Status' },
  ];
  const x = { field: 'lr', type: 'quantitative', title: 'Learning rate', scale: { type: 'log' },
    axis: { format: '.0e', tickCount: 6 } };
  const y = { field: 'accuracy', type: 'quantitative', title: 'Validation accuracy', axis: { format: '.0%' },
    scale: { zero: false } };
  const color = archColor(cells);
  return {
    $schema: SCHEMA,
    title: { text: 'Learning-rate search: validation accuracy per rate', subtitle },
    data: { values: points },
    facet: { column: optimizerColumn(cells) },
    spec: {
      width: 230, height: 200,
      layer: [
        { transform: [{ filter: 'datum.rung === 0' }], mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: { x, y, color, tooltip } },
        { transform: [{ filter: 'datum.rung > 0' }], mark: { type: 'point', filled: false, size: 60 },
          encoding: { x, y, color, tooltip } },
        { transform: [{ filter: "datum.chosen === 'chosen'" }], mark: { type: 'point', filled: false, size: 260, strokeWidth: 2 },
          encoding: { x, y, color, tooltip } },
        { mark: { type: 'rule', strokeDash: [5, 4], color: '#666' }, encoding: { y: { datum: majorityAccuracy(results) } } },
      ],
    },
    resolve: { scale: { x: 'independent' } },
    config: CONFIG,
  } as TopLevelSpec;
}

function seedsSpec(results: Results, cells: CellResult[]): TopLevelSpec {
  const rows = cells.filter((c) => c.test !== null);
  const order = rows.map(cellLabel);
  const runs = rows.flatMap((c) => c.runs.filter((r) => r.test !== null).map((r) => ({
    cell: cellLabel(c), arch: archLabel(c.arch), seed: r.seed, accuracy: r.test!.accuracy, kind: 'run',
  })));
  const means = rows.map((c) => ({ cell: cellLabel(c), arch: archLabel(c.arch), accuracy: c.test!.mean, n: c.test!.n }));
  const n = [...new Set(rows.map((c) => c.test!.n))];
  const yEnc = { field: 'cell', type: 'nominal', title: null, sort: order };
  const xEnc = { field: 'accuracy', type: 'quantitative', title: 'Test accuracy', axis: { format: '.0%' }, scale: { zero: false } };
  return {
    $schema: SCHEMA,
    title: { text: 'Test accuracy over seeds, per cell', subtitle: [
      `Points: one final run each (n = ${n.join('/')} per cell); bar: the cell's mean.`,
      n.every((k) => k < 2) ? 'One seed per cell: differences smaller than the spread between seeds are not evidence.'
        : 'Cells in the order of their mean validation accuracy.',
    ] },
    width: 420,
    height: { step: 22 },
    layer: [
      { data: { values: runs }, mark: { type: 'point', filled: true, size: 50, opacity: 0.8 },
        encoding: { y: yEnc, x: xEnc, color: archColor(cells),
          tooltip: [{ field: 'cell', title: 'Cell' }, { field: 'seed', title: 'Seed' },
            { field: 'accuracy', title: 'Test accuracy', format: '.2%' }] } },
      { data: { values: means }, mark: { type: 'tick', color: '#222', thickness: 2, size: 18 },
        encoding: { y: yEnc, x: xEnc } },
    ],
    config: CONFIG,
  } as TopLevelSpec;
}

function curvesSpec(results: Results, cells: CellResult[]): TopLevelSpec {
  const points: Record<string, unknown>[] = [];
  for (const c of cells) {
    const runs = results.runs.filter((r) => r.arch === c.arch && r.optimizer === c.optimizer && r.status === 'ok');
    const epochs = [...new Set(runs.flatMap((r) => r.history.map((h) => h.epoch)))].sort((a, b) => a - b);
    for (const epoch of epochs) {
      const xs = runs.flatMap((r) => r.history.filter((h) => h.epoch === epoch).map((h) => h.testAccuracy));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) : 0;
      points.push({ arch: archLabel(c.arch), optimizer: optimizerLabel(c.optimizer), cell: cellLabel(c), epoch,
        mean, lo: mean - std, hi: mean + std, n: xs.length });
    }
  }
  const x = { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { tickMinStep: 1, format: 'd' } };
  const color = archColor(cells);
  return {
    $schema: SCHEMA,
    title: { text: 'Test accuracy per epoch: mean over seeds', subtitle: [
      'Line: the mean of a cell\'s final runs; band: ± one standard deviation between seeds.'] },
    data: { values: points },
    facet: { column: optimizerColumn(cells) },
    spec: {
      width: 230, height: 200,
      layer: [
        { mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'Test accuracy',
          axis: { format: '.0%' }, scale: { zero: false } }, y2: { field: 'hi' }, color, detail: { field: 'cell' } } },
        { mark: { type: 'line', point: true, strokeWidth: 2 }, encoding: { x, y: { field: 'mean', type: 'quantitative' },
          color, detail: { field: 'cell' }, tooltip: [{ field: 'cell', title: 'Cell' }, { field: 'epoch', title: 'Epoch' },
            { field: 'mean', title: 'Mean test accuracy', format: '.2%' }, { field: 'n', title: 'Runs' }] } },
      ],
    },
    config: CONFIG,
  } as TopLevelSpec;
}

/** The study's charts compiled to vega; empty when results.json has no "cells" (an older file). */
export function studyCharts(results: Results): Partial<Record<StudyChartName, VegaSpec>> {
  const cells = results.cells ?? [];
  if (cells.length === 0) return {};
  const out: Partial<Record<StudyChartName, VegaSpec>> = {};
  // cells ranked by mean validation accuracy first, so the strip plot reads top-down like the ranking
  const rank = new Map((results.ranking ?? []).map((r, i) => [`${r.arch}/${r.optimizer}`, i]));
  const byRank = [...cells].sort((a, b) =>
    (rank.get(`${a.arch}/${a.optimizer}`) ?? 1e9) - (rank.get(`${b.arch}/${b.optimizer}`) ?? 1e9));
  if (cells.some((c) => c.lrSearch.length > 0)) out.search = compile(searchSpec(results, cells)).spec;
  if (byRank.some((c) => c.test !== null)) out.seeds = compile(seedsSpec(results, byRank)).spec;
  if (byRank.some((c) => (c.test?.n ?? 0) > 1)) out['seed-curves'] = compile(curvesSpec(results, cells)).spec;
  return out;
}

export const STUDY_CHART_TITLES: Record<StudyChartName, string> = {
  search: 'Learning-rate search: validation accuracy per rate',
  seeds: 'Test accuracy over seeds, per cell',
  'seed-curves': 'Test accuracy per epoch: mean over seeds with a band',
};
