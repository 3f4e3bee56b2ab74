/**
 * PNG output: the files decode, have the expected size, and text really rendered with the shipped fonts
 * (including non-ASCII characters), and vega's text measurement agrees with what resvg draws.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vega from 'vega';
import { writeReport } from '../../src/report/index.ts';
import { gridCharts, FONT_FAMILY } from '../../src/report/charts.ts';
import { FONT_FILES, rasterize, renderSvg, type Raster } from '../../src/report/render.ts';
import { FontMetrics } from '../../src/report/fontmetrics.ts';
import { sampleResults } from './fixture.ts';

const chartOf = (r: ReturnType<typeof sampleResults>, id: string) => gridCharts(r).find((c) => c.id === id)!.spec;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk, which must come first. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), 'bad PNG signature');
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Dark pixels (text is near-black; lines are coloured, grid is light grey) in rows [y0, y1). */
function darkPixels(r: Raster, y0 = 0, y1 = r.height): number {
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < r.width; x++) {
      const i = 4 * (y * r.width + x);
      if (r.pixels[i] < 100 && r.pixels[i + 1] < 100 && r.pixels[i + 2] < 100) n++;
    }
  }
  return n;
}

/** Horizontal extent of the dark pixels. */
function inkWidth(r: Raster): number {
  let min = r.width;
  let max = -1;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const i = 4 * (y * r.width + x);
      if (r.pixels[i] < 128) { min = Math.min(min, x); max = Math.max(max, x); }
    }
  }
  return max - min + 1;
}

const textSvg = (text: string, size = 32, family = FONT_FAMILY) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="700" height="60"><rect width="700" height="60" fill="white"/>` +
  `<text x="10" y="44" font-family="${family}" font-size="${size}">${text}</text></svg>`;

test('writeReport writes every file and the PNGs decode at twice the SVG size', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-report-'));
  try {
    const written = await writeReport(dir, sampleResults());
    const names = ['summary.md', 'report.html', 'results.csv', 'history.csv'];
    for (const chart of ['loss', 'accuracy', 'best', 'curves']) names.push(`${chart}.png`, `${chart}.svg`);
    assert.deepEqual(written.map((p) => p.slice(dir.length + 1)).sort(), names.sort());
    for (const chart of ['loss', 'accuracy', 'best', 'curves']) {
      const svg = readFileSync(join(dir, `${chart}.svg`), 'utf8');
      const svgWidth = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);
      const svgHeight = Number(/<svg[^>]* height="([\d.]+)"/.exec(svg)![1]);
      const { width, height } = pngSize(readFileSync(join(dir, `${chart}.png`)));
      assert.equal(width, Math.round(2 * svgWidth), `${chart}.png width`);
      assert.equal(height, Math.round(2 * svgHeight), `${chart}.png height`);
      assert.ok(width > 1000 && height > 500, `${chart}.png is only ${width}×${height}`);
    }
    assert.ok(!existsSync(join(dir, 'results.json')), 'writeReport does not write results.json');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('non-ASCII text renders with the shipped fonts, glyph by glyph', () => {
  const accented = rasterize(textSvg('é — × ö'), 1);
  const plain = rasterize(textSvg('e - x o'), 1);
  assert.ok(darkPixels(accented) > 300, `only ${darkPixels(accented)} dark pixels`);
  assert.ok(darkPixels(plain) > 200);
  assert.ok(!accented.pixels.equals(plain.pixels), 'é—×ö drew the same pixels as e-xo');
  // an unknown family falls back to the shipped default instead of drawing nothing
  assert.ok(darkPixels(rasterize(textSvg('Epoch', 32, 'No Such Font'), 1)) > 200);
});

test('the chart title really renders, including é — × ö', async () => {
  const withTitle = sampleResults();
  withTitle.title = 'Expérience — RNN × GRU × LSTM (Jörg)';
  const noTitle = sampleResults();
  noTitle.title = '';
  const a = rasterize(await renderSvg(chartOf(withTitle, 'accuracy')));
  const b = rasterize(await renderSvg(chartOf(noTitle, 'accuracy')));
  assert.equal(a.width, b.width);
  // The experiment title is the subtitle line: only rows in the top band may change, and there the title must add
  // ink (pixels clearly darker than the untitled render); glyphs missing from the font would add none.
  const band = Math.round(0.15 * a.height);
  let inked = 0;
  let lastChangedRow = -1;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = 4 * (y * a.width + x);
      if (a.pixels[i] !== b.pixels[i]) lastChangedRow = y;
      if (a.pixels[i] < b.pixels[i] - 64) inked++;
    }
  }
  assert.ok(lastChangedRow >= 0 && lastChangedRow < band, `pixels changed down to row ${lastChangedRow} of ${a.height}`);
  assert.ok(inked > 1500, `the title added only ${inked} inked pixels`);
});

test('vega measures text with the same font that resvg draws', async () => {
  const metrics = new FontMetrics(FONT_FILES[0]);
  await renderSvg(chartOf(sampleResults(), 'best')); // installs the measurement into vega
  const vegaWidth = (vega as unknown as { textMetrics: { width(item: object, text: string): number } }).textMetrics.width;
  assert.equal(vegaWidth({ fontSize: 20 }, 'Test accuracy'), metrics.width('Test accuracy', 20));
  assert.equal(vegaWidth({ fontSize: 20, fontWeight: 'bold' }, 'Epoch'),
    new FontMetrics(FONT_FILES[1]).width('Epoch', 20));
  for (const text of ['Test accuracy per epoch', 'LSTM · Adam · lr 0.001', 'Expérience — ×ö']) {
    const measured = metrics.width(text, 20);
    const drawn = inkWidth(rasterize(textSvg(text, 20), 1));
    // ink is a little narrower than the advance width (side bearings of the first and last glyph)
    assert.ok(drawn <= measured + 1 && drawn > measured - 6, `${text}: measured ${measured}, drawn ${drawn}`);
  }
  const bold = new FontMetrics(FONT_FILES[1]);
  assert.ok(bold.width('Architecture', 12) > metrics.width('Architecture', 12));
});
