/**
 * Readers for labelled text that is not IMDB: CSV, JSONL, and a folder with one sub-folder per class.
 * Each returns raw rows (label still a string); loadDataset maps labels to class indices.
 * Every row must have a non-empty text (after trimming whitespace) and a label, or the reader throws a UserError
 * naming the file and line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.ts';
import { parseCsv } from './csv.ts';
import { decodeUtf8 } from './utf8.ts';

export interface RawExample {
  text: string;
  label: string;
  /** Where it came from: "file:line" or a file path. */
  id: string;
}

export interface ColumnOptions {
  textColumn: string;
  labelColumn: string;
}

/** Reads a whole file as strict UTF-8; empty files are an error. */
export function readTextFile(path: string): string {
  const bytes = readFileSync(path);
  if (bytes.length === 0) throw new UserError(`${path} is empty; point --dataset/--test at a file with data`);
  const text = decodeUtf8(bytes, path);
  if (text.trim() === '') throw new UserError(`${path} holds only whitespace; point --dataset/--test at a file with data`);
  return text;
}

function checkRow(text: string, label: string | undefined, where: string, cols: ColumnOptions): void {
  if (text.trim() === '') throw new UserError(`${where}: empty text in column "${cols.textColumn}"; remove the row or fill it in`);
  if (label === undefined || label.trim() === '') {
    throw new UserError(`${where}: missing label in column "${cols.labelColumn}"; every row needs a label`);
  }
}

export function readCsvFile(path: string, cols: ColumnOptions): RawExample[] {
  const table = parseCsv(readTextFile(path), path);
  const header = table.header.map((h) => h.trim());
  const ti = header.indexOf(cols.textColumn);
  const li = header.indexOf(cols.labelColumn);
  const missing = [ti < 0 ? `text column "${cols.textColumn}"` : '', li < 0 ? `label column "${cols.labelColumn}"` : '']
    .filter(Boolean).join(' and ');
  if (missing) {
    throw new UserError(`${path} has no ${missing} (its header: ${header.map((h) => JSON.stringify(h)).join(', ')}); use --text-column / --label-column`);
  }
  if (table.rows.length === 0) throw new UserError(`${path} has a header but no data rows`);
  return table.rows.map((row, r) => {
    const where = `${path} line ${table.lines[r]}`;
    checkRow(row[ti]!, row[li], where, cols);
    return { text: row[ti]!, label: row[li]!.trim(), id: `${path}:${table.lines[r]}` };
  });
}

export function readJsonlFile(path: string, cols: ColumnOptions): RawExample[] {
  const out: RawExample[] = [];
  readTextFile(path).split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${path} line ${i + 1}`;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new UserError(`${where}: not valid JSON (${(e as Error).message}); each line must be one JSON object`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new UserError(`${where}: expected a JSON object like {"${cols.textColumn}": "...", "${cols.labelColumn}": ...}`);
    const rec = obj as Record<string, unknown>;
    const text = rec[cols.textColumn];
    const label = rec[cols.labelColumn];
    if (text === undefined) throw new UserError(`${where}: no "${cols.textColumn}" field; name the text field with --text-column`);
    if (typeof text !== 'string') throw new UserError(`${where}: "${cols.textColumn}" must be a string`);
    if (label !== undefined && label !== null && typeof label !== 'string' && typeof label !== 'number' && typeof label !== 'boolean') {
      throw new UserError(`${where}: "${cols.labelColumn}" must be a string or a number`);
    }
    const labelStr = label === undefined || label === null ? undefined : String(label);
    checkRow(text, labelStr, where, cols);
    out.push({ text, label: labelStr!.trim(), id: `${path}:${i + 1}` });
  });
  if (out.length === 0) throw new UserError(`${path} has no JSON lines; point --dataset/--test at a file with data`);
  return out;
}

function visible(dir: string): string[] {
  return readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
}

/** A folder with one sub-folder per class; every (non-hidden) file in a class folder is one example. */
export function readClassFolder(dir: string): RawExample[] {
  const classes = visible(dir).filter((n) => statSync(join(dir, n)).isDirectory());
  if (classes.length === 0) {
    throw new UserError(`${dir} has no sub-folders; a folder data set needs one sub-folder per class (e.g. ${dir}/pos/, ${dir}/neg/) holding one text file per example`);
  }
  const out: RawExample[] = [];
  for (const label of classes) {
    for (const name of visible(join(dir, label))) {
      const file = join(dir, label, name);
      if (!statSync(file).isFile()) continue;
      const text = readTextFile(file);
      out.push({ text, label, id: file });
    }
  }
  return out;
}
