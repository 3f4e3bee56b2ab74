/**
 * Text widths from the shipped TrueType fonts, for vega's layout in Node.
 *
 * WHY: vega sizes titles, legends and axis labels by measuring text. In a browser it asks a canvas; in Node
 * (no canvas package) it guesses 0.8 × fontSize per character, which is far from DejaVu Sans (~0.6) and makes
 * legends and titles overlap or float. resvg later draws the text with the real font, so we measure with the
 * same font: the advance widths come straight from the font's cmap (character → glyph) and hmtx (glyph → width)
 * tables. Kerning is ignored (a fraction of a pixel per pair).
 */
import { readFileSync } from 'node:fs';

export class FontMetrics {
  private readonly unitsPerEm: number;
  private readonly advances: Uint16Array; // by glyph id
  private readonly glyphOf = new Map<number, number>(); // code point → glyph id

  constructor(path: string) {
    const buf = readFileSync(path);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const tables = new Map<string, number>();
    const numTables = view.getUint16(4);
    for (let i = 0; i < numTables; i++) {
      const rec = 12 + 16 * i;
      tables.set(buf.toString('latin1', rec, rec + 4), view.getUint32(rec + 8));
    }
    const table = (tag: string): number => {
      const offset = tables.get(tag);
      if (offset === undefined) throw new Error(`font ${path} has no ${tag} table`);
      return offset;
    };
    this.unitsPerEm = view.getUint16(table('head') + 18);

    const numMetrics = view.getUint16(table('hhea') + 34);
    const numGlyphs = view.getUint16(table('maxp') + 4);
    const hmtx = table('hmtx');
    this.advances = new Uint16Array(numGlyphs);
    for (let g = 0; g < numGlyphs; g++) {
      // glyphs past numberOfHMetrics repeat the last advance width (monospaced tail)
      this.advances[g] = view.getUint16(hmtx + 4 * Math.min(g, numMetrics - 1));
    }
    this.readCmap(view, table('cmap'));
  }

  /** Unicode (platform 3) subtables: format 12 covers all planes, format 4 the BMP. */
  private readCmap(view: DataView, cmap: number): void {
    const count = view.getUint16(cmap + 2);
    let format4 = -1;
    let format12 = -1;
    for (let i = 0; i < count; i++) {
      const platform = view.getUint16(cmap + 4 + 8 * i);
      const encoding = view.getUint16(cmap + 6 + 8 * i);
      const sub = cmap + view.getUint32(cmap + 8 + 8 * i);
      const format = view.getUint16(sub);
      if (platform === 3 && encoding === 10 && format === 12) format12 = sub;
      if (platform === 3 && encoding === 1 && format === 4) format4 = sub;
    }
    if (format12 >= 0) {
      const groups = view.getUint32(format12 + 12);
      for (let i = 0; i < groups; i++) {
        const g = format12 + 16 + 12 * i;
        const start = view.getUint32(g);
        const end = view.getUint32(g + 4);
        const glyph = view.getUint32(g + 8);
        for (let c = start; c <= end; c++) this.glyphOf.set(c, glyph + c - start);
      }
    } else if (format4 >= 0) {
      const segX2 = view.getUint16(format4 + 6);
      const ends = format4 + 14;
      const starts = ends + segX2 + 2;
      const deltas = starts + segX2;
      const rangeOffsets = deltas + segX2;
      for (let s = 0; s < segX2; s += 2) {
        const start = view.getUint16(starts + s);
        const end = view.getUint16(ends + s);
        const delta = view.getUint16(deltas + s);
        const rangeOffset = view.getUint16(rangeOffsets + s);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          let glyph: number;
          if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
          else {
            glyph = view.getUint16(rangeOffsets + s + rangeOffset + 2 * (c - start));
            if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
          }
          this.glyphOf.set(c, glyph);
        }
      }
    }
  }

  /** Width in pixels of `text` at `fontSize` px (missing characters count as glyph 0, the .notdef box). */
  width(text: string, fontSize: number): number {
    let units = 0;
    for (const ch of text) units += this.advances[this.glyphOf.get(ch.codePointAt(0)!) ?? 0] ?? 0;
    return (units * fontSize) / this.unitsPerEm;
  }
}
