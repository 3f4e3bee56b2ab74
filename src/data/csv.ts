/**
 * A CSV reader (RFC 4180): comma-separated, first row is the header, fields may be quoted with `"`, a quote inside
 * a quoted field is doubled (`""`), quoted fields may hold commas and line breaks; rows end with LF or CRLF.
 * Lenient in one way only: a `"` inside an unquoted field is kept as a character (reviews like 5'11" are common).
 * Strict otherwise, with the line number: an unterminated quoted field, text after a closing quote, or a row
 * whose field count differs from the header. Blank lines are skipped.
 */
import { UserError } from '../util/errors.ts';

export interface CsvTable {
  header: string[];
  rows: string[][];
  /** 1-based line on which each row starts (the header is line 1). */
  lines: number[];
}

export function parseCsv(text: string, source: string): CsvTable {
  const records: string[][] = [];
  const lines: number[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const rowLine = line;
    const row: string[] = [];
    // One record: fields separated by commas until an unquoted line break or the end.
    for (;;) {
      if (text.charCodeAt(i) === 0x22 /* " */) {
        const fieldLine = line;
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) {
            throw new UserError(`${source} line ${fieldLine}: a quoted field starting here never ends (unbalanced "); fix the quoting`);
          }
          const piece = text.slice(from, q);
          for (let k = 0; k < piece.length; k++) if (piece.charCodeAt(k) === 0x0a) line++;
          value += piece;
          if (text.charCodeAt(q + 1) === 0x22) { value += '"'; from = q + 2; continue; }
          i = q + 1;
          break;
        }
        row.push(value);
        const c = text.charCodeAt(i);
        if (i < n && c !== 0x2c && c !== 0x0a && !(c === 0x0d && text.charCodeAt(i + 1) === 0x0a)) {
          throw new UserError(`${source} line ${line}: unexpected text after a closing quote; a " inside a quoted field must be doubled ("")`);
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 0x2c || c === 0x0a || (c === 0x0d && text.charCodeAt(j + 1) === 0x0a)) break;
          j++;
        }
        row.push(text.slice(i, j));
        i = j;
      }
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === 0x2c) { i++; continue; }
      i += c === 0x0d ? 2 : 1; // CRLF or LF
      line++;
      break;
    }
    if (row.length === 1 && row[0] === '') continue; // blank line
    records.push(row);
    lines.push(rowLine);
  }
  if (records.length === 0) throw new UserError(`${source} is empty; a CSV needs a header row and data rows`);
  const header = records[0]!;
  const width = header.length;
  for (let r = 1; r < records.length; r++) {
    if (records[r]!.length !== width) {
      throw new UserError(`${source} line ${lines[r]}: ${records[r]!.length} fields, but the header has ${width}; check the quoting on this row`);
    }
  }
  return { header, rows: records.slice(1), lines: lines.slice(1) };
}
