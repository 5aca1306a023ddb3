/**
 * The text form of table cells and of whole tables as documents (CSV, JSON). One stable, documented form per field
 * kind (README "Tables as documents"), so that a value read, written out and read back compares equal, and an edit
 * is recognised whatever spelling the user typed (`1.50` and `1.5` are the same number).
 *
 * CSV through csv-parse / csv-stringify (RFC 4180 quoting, multi-line cells, a BOM tolerated): well-kept, small, and
 * the corner cases of quoting are theirs, not ours.
 */
import { parse as parseCsvText } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import type { CellRef, CellValue, TableField } from './records';

/** The first column of a table document: the record id (empty for a row to create). Never a field's name. */
export const ID_COLUMN = '_recordId';

export type TableFormat = 'csv' | 'json';

/** A table document, read: its header (ID_COLUMN first when present) and rows of cell texts in header order. */
export interface DocTable {
  header: string[];
  rows: string[][];
}

// ------------------------------------------------------------------------------------------------ lists

/** An item of a list cell is quoted (JSON string) when it would not read back as itself. */
function listItem(s: string): string {
  return s === '' || /[,"]/.test(s) || s !== s.trim() || s.startsWith('[') ? JSON.stringify(s) : s;
}

/** `a, b, "c, d"`: items joined by `, `, an item with a comma or quote written as a JSON string. */
export function formatList(items: readonly string[]): string {
  return items.map(listItem).join(', ');
}

/** Reads formatList's form back; a JSON array (`["a","b"]`) is accepted too. Throws a message on bad quoting. */
export function parseList(text: string): string[] {
  const t = text.trim();
  if (t === '') return [];
  if (t.startsWith('[')) {
    try {
      const arr = JSON.parse(t) as unknown;
      if (Array.isArray(arr)) return arr.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    } catch {
      // not JSON: read as a plain list below
    }
  }
  const out: string[] = [];
  let i = 0;
  while (i < t.length) {
    while (t[i] === ' ') i++;
    if (t[i] === '"') {
      let j = i + 1;
      while (j < t.length && t[j] !== '"') j += t[j] === '\\' ? 2 : 1;
      if (j >= t.length) throw new Error(`an opening quote without its closing quote in ${JSON.stringify(text)}`);
      out.push(JSON.parse(t.slice(i, j + 1)) as string);
      i = j + 1;
      while (t[i] === ' ') i++;
      if (i < t.length && t[i] !== ',') throw new Error(`expected a comma after a quoted item in ${JSON.stringify(text)}`);
      i++;
    } else {
      const j = t.indexOf(',', i);
      const item = (j < 0 ? t.slice(i) : t.slice(i, j)).trim();
      if (item !== '') out.push(item);
      i = j < 0 ? t.length : j + 1;
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ cells

/** `name <id>` for a reference with a name, else its id. */
function refText(r: CellRef): string {
  return r.name && r.name !== r.id ? `${r.name} <${r.id}>` : r.id;
}

function refsOf(v: unknown): CellRef[] {
  if (!Array.isArray(v)) return [];
  return v.map((x): CellRef => (typeof x === 'string' ? { id: x } : { id: String((x as CellRef).id ?? ''), name: (x as CellRef).name }));
}

function otherText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return formatList(v.map((x) => (x !== null && typeof x === 'object' ? refLike(x) : String(x))));
  if (typeof v === 'object') return refLike(v);
  return String(v);
}

function refLike(o: object): string {
  const r = o as { name?: unknown; text?: unknown; title?: unknown };
  if (typeof r.name === 'string') return r.name;
  if (typeof r.text === 'string') return r.text;
  if (typeof r.title === 'string') return r.title;
  return JSON.stringify(o);
}

/** The canonical text of a value (empty for no value). */
export function renderCell(field: TableField, v: CellValue): string {
  if (v === null || v === undefined) return '';
  switch (field.kind) {
    case 'text':
      // editors normalise line ends: \r\n in a cell reads back as \n and is the same text
      return typeof v === 'string' ? v.replace(/\r\n?/g, '\n') : otherText(v);
    case 'select':
      return typeof v === 'string' ? v : otherText(v);
    case 'number':
      return typeof v === 'number' ? String(v) : otherText(v);
    case 'checkbox':
      return v === true ? 'true' : '';
    case 'datetime':
      return typeof v === 'number' && Number.isFinite(v) ? new Date(v).toISOString() : otherText(v);
    case 'multiselect':
      return Array.isArray(v) ? formatList(v.map(String)) : otherText(v);
    case 'links':
      return formatList(refsOf(v).map((r) => r.id));
    case 'members':
    case 'attachments':
      return formatList(refsOf(v).map(refText));
    default:
      return otherText(v);
  }
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const TRUE = new Set(['true', 'yes', 'y', '1', 'x', '✓', '✔', '☑', '✅', '是']);
const FALSE = new Set(['false', 'no', 'n', '0', '否']);

/** `name <id>` or `<id>` or a bare word. */
function readRef(item: string): { id?: string; name: string } {
  const m = /^(.*?)\s*<([^<>]+)>$/.exec(item);
  return m ? { id: m[2].trim(), name: m[1].trim() } : { name: item.trim() };
}

/**
 * The value a cell's text stands for; throws an Error whose message says why the text is not a value of the field
 * (the caller adds the row and the field). `current` is the value the record has now (attachments are named by it).
 */
export function parseCell(field: TableField, text: string, current?: CellValue): CellValue {
  if (field.kind === 'text') return text === '' ? null : text;
  const t = text.trim();
  if (t === '') return field.kind === 'checkbox' ? false : null;
  switch (field.kind) {
    case 'number': {
      const n = Number(t);
      if (!NUMBER.test(t) || !Number.isFinite(n)) throw new Error(`${JSON.stringify(t)} is not a number`);
      if (field.max !== undefined && (!Number.isInteger(n) || n < 0 || n > field.max)) {
        throw new Error(`${JSON.stringify(t)} is not a whole number from 0 to ${field.max}`);
      }
      return n;
    }
    case 'checkbox': {
      const k = t.toLowerCase();
      if (TRUE.has(k)) return true;
      if (FALSE.has(k)) return false;
      throw new Error(`${JSON.stringify(t)} is not true or false (leave it empty for false)`);
    }
    case 'select':
      return option(field, t);
    case 'multiselect':
      return parseList(t).map((o) => option(field, o));
    case 'datetime': {
      let ms: number;
      if (/^\d{4}-\d{2}-\d{2}$/.test(t)) ms = Date.parse(`${t}T00:00:00.000Z`);
      else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(t)) ms = Date.parse(t.replace(' ', 'T'));
      else if (/^\d{10,}$/.test(t)) ms = Number(t);
      else ms = NaN;
      if (!Number.isFinite(ms)) throw new Error(`${JSON.stringify(t)} is not a date (write it as 2024-05-01 or 2024-05-01T08:30:00Z)`);
      return ms;
    }
    case 'links':
      return parseList(t).map((item): CellRef => ({ id: readRef(item).id ?? item }));
    case 'members':
      return parseList(t).map((item) => member(field, item));
    case 'attachments':
      return parseList(t).map((item) => attachment(item, current));
    default:
      throw new Error('the field cannot be written');
  }
}

function option(field: TableField, name: string): string {
  if (!field.options || field.options.includes(name)) return name;
  throw new Error(`${JSON.stringify(name)} is not one of its options (${field.options.map((o) => JSON.stringify(o)).join(', ')})`);
}

function member(field: TableField, item: string): CellRef {
  const r = readRef(item);
  if (r.id) return { id: r.id, name: r.name || undefined };
  const known = field.members ?? [];
  const byId = known.find((m) => m.id === r.name);
  if (byId) return byId;
  const byName = known.filter((m) => m.name === r.name);
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) throw new Error(`several members are called ${JSON.stringify(r.name)}: write it as "name <id>"`);
  throw new Error(`no member called ${JSON.stringify(r.name)} (write members as "name <id>")`);
}

function attachment(item: string, current: CellValue): CellRef {
  const r = readRef(item);
  if (r.id) return { id: r.id, name: r.name || undefined };
  const mine = refsOf(current).filter((a) => a.name === r.name || a.id === r.name);
  if (mine.length === 1) return mine[0];
  throw new Error(`no attachment called ${JSON.stringify(r.name)} in this record (add files with "Upload Attachment…")`);
}

/** The canonical text of a cell's text (how it compares), or throws like parseCell. */
export function canonical(field: TableField, text: string, current?: CellValue): string {
  return renderCell(field, parseCell(field, text, current));
}

// ------------------------------------------------------------------------------------------------ documents

/** A table as CSV: the id column, then one column per field; `rows` are cell texts in field order. */
export function toCsv(fields: readonly TableField[], rows: Iterable<{ id: string; cells: readonly string[] }>): string {
  const out: string[] = [stringifyCsv([[ID_COLUMN, ...fields.map((f) => f.name)]], { eof: true, record_delimiter: 'unix' })];
  for (const r of rows) out.push(stringifyCsv([[r.id, ...r.cells]], { eof: true, record_delimiter: 'unix' }));
  return out.join('');
}

/** Reads a CSV table document (a BOM and CRLF line ends are fine; every row must have the header's columns). */
export function parseCsv(text: string): DocTable {
  let records: string[][];
  try {
    records = parseCsvText(text, { bom: true, relax_column_count: false, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new Error(`the CSV cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  const [header = [], ...rows] = records;
  return { header, rows };
}

/** A spreadsheet grid from CSV: rows may have different lengths (a sheet has no header row of its own). */
export function parseCsvGrid(text: string): string[][] {
  try {
    return parseCsvText(text, { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (e) {
    throw new Error(`the CSV cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The JSON value of a cell in a JSON document: numbers, booleans and lists natively, everything else as text. */
function jsonValue(field: TableField, text: string): unknown {
  if (text === '') return field.kind === 'checkbox' ? false : null;
  switch (field.kind) {
    case 'number':
      return NUMBER.test(text) ? Number(text) : text;
    case 'checkbox':
      return text === 'true';
    case 'multiselect':
    case 'links':
    case 'members':
    case 'attachments':
      return parseList(text);
    default:
      return text;
  }
}

/** A table as JSON: an array of objects, `_recordId` first, then each field by name (cells as rendered). */
export function toJson(fields: readonly TableField[], rows: Iterable<{ id: string; cells: readonly string[] }>): string {
  const parts: string[] = [];
  for (const r of rows) {
    const o: Record<string, unknown> = { [ID_COLUMN]: r.id };
    fields.forEach((f, i) => { o[f.name] = jsonValue(f, r.cells[i] ?? ''); });
    parts.push('  ' + JSON.stringify(o));
  }
  return parts.length ? `[\n${parts.join(',\n')}\n]\n` : '[]\n';
}

/** The cell text a JSON document's value stands for. */
function jsonCellText(v: unknown): string {
  if (v === null || v === undefined || v === false) return '';
  if (v === true) return 'true';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return formatList(v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))));
  return JSON.stringify(v);
}

/** Reads a JSON table document (an array of objects) into the same shape as parseCsv. */
export function parseJson(text: string, fields: readonly TableField[]): DocTable {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`the JSON cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!Array.isArray(data)) throw new Error('the JSON must be an array of records (objects)');
  const header = [ID_COLUMN, ...fields.map((f) => f.name)];
  const extra = new Set<string>();
  const rows = data.map((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new Error(`item ${i + 1} is not an object`);
    const o = item as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!header.includes(k)) extra.add(k);
    return header.map((h) => (h in o ? jsonCellText(o[h]) : MISSING));
  });
  // Keys outside the fields become columns, so that the plan names them as unknown fields.
  for (const k of extra) {
    header.push(k);
    rows.forEach((r, i) => r.push(jsonCellText((data as Array<Record<string, unknown>>)[i][k])));
  }
  return { header, rows };
}

/** A JSON record without a key for a field: the field is left as it is (CSV has no such cell). */
export const MISSING = '\u0000missing';

/** The record id of the row at a 0-based line of a table document (undefined on the header or a new row). */
export function recordIdAt(format: TableFormat, text: string, line: number): string | undefined {
  const lines = text.split(/\r?\n/);
  if (format === 'json') {
    for (let i = Math.min(line, lines.length - 1); i >= 0; i--) {
      const m = /"_recordId"\s*:\s*"([^"]*)"/.exec(lines[i]);
      if (m) return m[1] || undefined;
    }
    return undefined;
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsvText(text, { bom: true, info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch {
    return undefined;
  }
  const idCol = records[0]?.record.indexOf(ID_COLUMN) ?? -1;
  if (idCol < 0) return undefined;
  // info.lines: the line (1-based) a record ends on
  if (line + 1 <= records[0].info.lines) return undefined;
  const hit = records.slice(1).find((r) => r.info.lines >= line + 1);
  return hit?.record[idCol]?.trim() || undefined;
}
