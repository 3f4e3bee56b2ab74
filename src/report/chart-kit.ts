/**
 * What every report chart is made of: a vega-lite spec compiled to vega here in Node (neither the PNG renderer nor
 * report.html needs vega-lite at run time), an optional narrow layout for phone-width screens, and the chart's
 * numbers as a table, its text alternative (for screen readers, and for pages viewed without JavaScript).
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Spec as VegaSpec } from 'vega';

/** The family of the fonts shipped in assets/fonts; vega measures and resvg draws text with it. */
export const FONT_FAMILY = 'DejaVu Sans';

export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d'];

/** Train / validation / test in every chart: the same colours, test drawn thin and dashed (it is only shown). */
export const SPLIT_COLORS = { train: '#9d755d', validation: '#4c78a8', test: '#e45756' } as const;

export const CONFIG = {
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

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export const EPOCH_X = { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { tickMinStep: 1, format: 'd' } };

/** A chart's numbers as a table: the text alternative placed under it. */
export interface DataTable {
  columns: string[];
  /** which columns are numbers (right-aligned) */
  numeric: boolean[];
  rows: string[][];
}

export interface ReportChart {
  /** element id in report.html and, for file charts, the file name stem (loss → loss.png, loss.svg) */
  id: string;
  /** accessible name and caption */
  title: string;
  spec: VegaSpec;
  /** the same chart laid out for narrow screens (one column); report.html picks it below `minWidth` pixels */
  narrow?: VegaSpec;
  /** pixels the wide layout needs */
  minWidth: number;
  /** an in-between layout (two columns) and the pixels it needs, for laptop-width windows */
  medium?: { spec: VegaSpec; minWidth: number };
  table: DataTable;
  /** written as PNG + SVG beside report.html (the grid charts); per-run charts live in the page only */
  file: boolean;
}

export function compileSpec(spec: TopLevelSpec): VegaSpec {
  return compile(spec).spec;
}

export function makeChart(c: Omit<ReportChart, 'spec' | 'narrow' | 'medium'> & {
  spec: TopLevelSpec; narrow?: TopLevelSpec; medium?: { spec: TopLevelSpec; minWidth: number };
}): ReportChart {
  const { spec, narrow, medium, ...rest } = c;
  // vega turns `description` into the SVG's aria-label (its default is "Vega visualization")
  const described = (s: TopLevelSpec) => ({ ...s, description: c.title }) as TopLevelSpec;
  return {
    ...rest, spec: compileSpec(described(spec)),
    ...(narrow ? { narrow: compileSpec(described(narrow)) } : {}),
    ...(medium ? { medium: { spec: compileSpec(described(medium.spec)), minWidth: medium.minWidth } } : {}),
  };
}
