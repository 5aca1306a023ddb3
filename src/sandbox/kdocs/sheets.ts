import { columnName, type CellValue } from '../common/ooxml';

/**
 * Content of an online sheet (.ksheet) in the kdocs sandbox: the file's bytes are JSON,
 *   {"sheets": [{"name": "预算", "rows": [["月份", "收入"], ["1月", 12000]]}], "active": 0}
 * rows top to bottom, cells left to right, `null` for an empty cell; `active` is the index of the active sheet.
 * Empty or unreadable content is a blank workbook with one empty sheet "Sheet1" (what "create blank document" gives).
 * AirScript runs read and write these cells; every run that changed something saves one new version of the file.
 */

export type { CellValue } from '../common/ooxml';

export interface SheetData { name: string; rows: CellValue[][] }
export interface Workbook { sheets: SheetData[]; active: number }

export function blankWorkbook(): Workbook {
  return { sheets: [{ name: 'Sheet1', rows: [] }], active: 0 };
}

function cell(v: unknown): CellValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? v : null;
}

export function parseWorkbook(data: Buffer): Workbook {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    return blankWorkbook();
  }
  const raw = (json as { sheets?: unknown; active?: unknown } | null)?.sheets;
  if (!Array.isArray(raw) || raw.length === 0) return blankWorkbook();
  const sheets = raw.map((s: { name?: unknown; rows?: unknown }, i): SheetData => ({
    name: typeof s?.name === 'string' && s.name !== '' ? s.name : `Sheet${i + 1}`,
    rows: Array.isArray(s?.rows) ? s.rows.map((r: unknown) => (Array.isArray(r) ? r.map(cell) : [])) : [],
  }));
  const active = Number((json as { active?: unknown }).active);
  return { sheets, active: Number.isInteger(active) && active >= 0 && active < sheets.length ? active : 0 };
}

export function serializeWorkbook(wb: Workbook): Buffer {
  return Buffer.from(JSON.stringify({ sheets: wb.sheets.map((s) => ({ name: s.name, rows: trim(s.rows) })), active: wb.active }), 'utf8');
}

/** Rows without trailing empty cells and trailing empty rows. */
function trim(rows: CellValue[][]): CellValue[][] {
  const out = rows.map((r) => {
    let n = r.length;
    while (n > 0 && (r[n - 1] === null || r[n - 1] === undefined)) n--;
    return r.slice(0, n).map((v) => (v === undefined ? null : v));
  });
  while (out.length && out[out.length - 1].length === 0) out.pop();
  return out;
}

export function getCell(sheet: SheetData, row: number, col: number): CellValue {
  return sheet.rows[row - 1]?.[col - 1] ?? null;
}

export function setCell(sheet: SheetData, row: number, col: number, value: CellValue): void {
  while (sheet.rows.length < row) sheet.rows.push([]);
  const r = sheet.rows[row - 1];
  while (r.length < col) r.push(null);
  r[col - 1] = value;
}

export interface Area { row1: number; col1: number; row2: number; col2: number }

/** "A1", "$B$2", "A1:C3" (either corner order) -> 1-based area; undefined when malformed. */
export function parseA1(address: string): Area | undefined {
  const one = (s: string) => {
    const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(s.trim());
    if (!m) return undefined;
    let col = 0;
    for (const ch of m[1].toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
    const row = Number(m[2]);
    return row >= 1 ? { row, col } : undefined;
  };
  const [a, b, extra] = address.split(':');
  if (extra !== undefined) return undefined;
  const p = one(a);
  const q = b === undefined ? p : one(b);
  if (!p || !q) return undefined;
  return { row1: Math.min(p.row, q.row), col1: Math.min(p.col, q.col), row2: Math.max(p.row, q.row), col2: Math.max(p.col, q.col) };
}

export function a1(row: number, col: number): string {
  return `${columnName(col)}${row}`;
}
