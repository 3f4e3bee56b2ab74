/**
 * Headless chart rendering: compiled vega spec → vega View (renderer 'none', no DOM) → SVG string → PNG via resvg.
 *
 * resvg gets the shipped font files explicitly and never looks at system fonts, so the PNGs come out the same on
 * every machine and text cannot silently vanish on a box without fonts. vega measures text with the same fonts
 * (see fontmetrics.ts), so what it lays out is what resvg draws.
 */
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { Resvg } from '@resvg/resvg-js';
import { FONT_FAMILY } from './charts.ts';
import { FontMetrics } from './fontmetrics.ts';

const fontPath = (file: string) => fileURLToPath(new URL(`../../assets/fonts/${file}`, import.meta.url));
export const FONT_FILES = [fontPath('DejaVuSans.ttf'), fontPath('DejaVuSans-Bold.ttf')];

/** The subset of a vega text item that width measurement reads. */
interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
}
type WidthFn = (item: TextItem, text?: unknown) => number;

let metricsInstalled = false;

/**
 * Points vega's text measurement at the shipped fonts. vega-scenegraph documents replacing textMetrics.width as
 * the way to measure without a canvas (vl-convert does the same); the export exists at run time but is missing
 * from vega's type declarations, hence the cast.
 */
function installTextMetrics(): void {
  if (metricsInstalled) return;
  const regular = new FontMetrics(FONT_FILES[0]);
  const bold = new FontMetrics(FONT_FILES[1]);
  const textMetrics = (vega as unknown as { textMetrics: { width: WidthFn } }).textMetrics;
  textMetrics.width = (item, text) => {
    const size = item.fontSize != null ? +item.fontSize || 0 : 11; // vega's default font size is 11
    const str = text == null ? '' : String(text).trim();
    const w = item.fontWeight;
    const isBold = w === 'bold' || w === 'bolder' || (typeof w === 'number' && w >= 600) || Number(w) >= 600;
    return (isBold ? bold : regular).width(str, size);
  };
  metricsInstalled = true;
}

/** Renders a compiled vega spec to an SVG string without a browser. */
export async function renderSvg(spec: vega.Spec): Promise<string> {
  installTextMetrics();
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface Raster {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes per pixel */
  pixels: Buffer;
  png: Buffer;
}

/** Rasterises an SVG with the shipped fonts only; `scale` 2 gives crisp images on high-density screens. */
export function rasterize(svg: string, scale = 2): Raster {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    background: 'white',
  });
  const image = resvg.render();
  return { width: image.width, height: image.height, pixels: image.pixels, png: image.asPng() };
}

export function svgToPng(svg: string, scale = 2): Buffer {
  return rasterize(svg, scale).png;
}
