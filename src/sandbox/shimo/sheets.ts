import { columnName } from '../common/ooxml';
import { serr } from './errors';
import { newSheet, type Cell, type Sheet } from './model';

/**
 * The spreadsheet content API (reference "表格内容操作"): ranges, read, update, append, delete rows, add sheet.
 *
 * Range (reference "range"): `${worksheet}!${cells}` with cells `A1:C10` or `A1`; a sheet name holding `!`, `:` or `'`
 * must be wrapped in single quotes (`'Work!: Table'!A2:C3`); a bare sheet name (`工作表1`) is allowed (the reference
 * lists it among its examples, and the append rules use it for "the whole table"). Choices where the page is silent:
 * - a quote inside a quoted name is written twice (`'It''s'!A1`), as in spreadsheet formulas;
 * - column letters are accepted in either case; `C3:A1` is read as `A1:C3`; whole columns/rows (`A:C`, `1:3`) are
 *   not ranges (400 40001); an unquoted name containing `:` or `'` is refused (400 40001, "must be quoted");
 * - "the cell start position cannot exceed the largest row and column of the table": the start must lie inside the
 *   sheet's grid (rows × columns; a new sheet is 200 × 26 and the grid grows with the data), else 400 40001.
 *
 * Read (GET values?range=): the rectangle asked for, clipped to the grid, every cell present (empty = null, as the
 * reference's example `[null, null, "a"]`); numbers stay numbers, dates are OADate numbers (the seed has one). A
 * bare sheet name reads the sheet's USED range from A1 (`{values: []}` for an empty sheet): the reference's range
 * grammar allows the bare name, and it is the only way to read a sheet whose size the client does not know.
 *
 * There is NO API that lists a spreadsheet's sheet names: not in the reference, not in sdk-kit-go/java (the newest Go
 * kit's GET .../sheets/locks answers sheet ids, not names). A client knows the names it created, or reads them from an
 * xlsx export (xl/workbook.xml). An unknown sheet name answers 404 40402.
 *
 * Update (POST values, body `{range, resource: {values}}`): writes from the range's top-left cell. A one-cell range (or
 * a bare sheet name = A1) is only an anchor; a larger range bounds the values (more rows or columns than it has: 400
 * 40001). Fewer values than the range leave the rest of it untouched. A value is text, a number, a boolean, "" (empty
 * the cell, as the reference says) or null (also empties it; the reference is silent); anything else is 400 40000.
 *
 * Append (PUT values), the reference's rules: a bare sheet name appends below the last row with data of the whole sheet,
 * from column A; with cells (`C5:E8`) it starts at the row of the first cell, walks down the consecutive rows with data,
 * INSERTS values.length rows below the last of them (rows further down move down) and fills them from the first cell's
 * column. "A row with data" = any non-empty cell in that row. When the start row itself is empty the rows are inserted
 * there. Columns past the grid are added ("automatically added", reference).
 *
 * Delete rows (DELETE .../sheets/{sheetName}/rows/{index}?count=N): `index` is 0-based (sdk-demo-go deletes "the
 * second row (0-based)" with index 1); count defaults to 1 (reference) and must be a positive integer; rows below move
 * up and the grid shrinks. An index outside the grid is 400 40001.
 *
 * Add sheet (POST sheets `{name}`): appended after the last sheet; the name must be non-empty text of at most 100
 * characters, unique in the file ignoring case (409 40901).
 */

export interface Cellref { row: number; col: number }
export interface ParsedRange { sheet: string; start?: Cellref; end?: Cellref }

const CELLS = /^([A-Za-z]{1,3})([1-9]\d{0,6})(?::([A-Za-z]{1,3})([1-9]\d{0,6}))?$/;

function colIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export function parseRange(raw: string): ParsedRange {
  if (raw === '') throw serr.range('range is required');
  let sheet: string;
  let rest: string;
  if (raw.startsWith("'")) {
    let i = 1;
    sheet = '';
    for (;;) {
      if (i >= raw.length) throw serr.range(`unterminated quoted sheet name in range ${raw}`);
      if (raw[i] === "'") {
        if (raw[i + 1] === "'") {
          sheet += "'";
          i += 2;
          continue;
        }
        break;
      }
      sheet += raw[i++];
    }
    const after = raw.slice(i + 1);
    if (after !== '' && !after.startsWith('!')) throw serr.range(`unexpected text after the quoted sheet name in range ${raw}`);
    rest = after.slice(1);
    if (after === '!') throw serr.range(`no cells after "!" in range ${raw}`);
  } else {
    const bang = raw.indexOf('!');
    sheet = bang < 0 ? raw : raw.slice(0, bang);
    rest = bang < 0 ? '' : raw.slice(bang + 1);
    if (/[:']/.test(sheet) || rest.includes('!')) throw serr.range(`a sheet name with !, : or ' must be quoted: ${raw}`);
    if (bang >= 0 && rest === '') throw serr.range(`no cells after "!" in range ${raw}`);
  }
  if (sheet === '') throw serr.range(`no sheet name in range ${raw}`);
  if (rest === '') return { sheet };
  const m = CELLS.exec(rest);
  if (!m) throw serr.range(`invalid cells ${rest} (expected A1 or A1:C10)`);
  const a = { row: Number(m[2]) - 1, col: colIndex(m[1]) };
  const b = m[3] ? { row: Number(m[4]) - 1, col: colIndex(m[3]) } : a;
  return {
    sheet,
    start: { row: Math.min(a.row, b.row), col: Math.min(a.col, b.col) },
    end: { row: Math.max(a.row, b.row), col: Math.max(a.col, b.col) },
  };
}

export function a1(ref: Cellref): string {
  return `${columnName(ref.col + 1)}${ref.row + 1}`;
}

export function findSheet(sheets: Sheet[], name: string): Sheet {
  const s = sheets.find((x) => x.name === name);
  if (!s) throw serr.sheet(name);
  return s;
}

const isEmpty = (v: Cell | undefined) => v === null || v === undefined || v === '';

function rowHasData(sheet: Sheet, r: number): boolean {
  return (sheet.rows[r] ?? []).some((v) => !isEmpty(v));
}

/** Rows and columns of the used range from A1 (0 × 0 when the sheet is empty). */
export function usedSize(sheet: Sheet): { rows: number; cols: number } {
  let rows = 0;
  let cols = 0;
  sheet.rows.forEach((row, r) => {
    for (let c = row.length - 1; c >= 0; c--) {
      if (!isEmpty(row[c])) {
        rows = r + 1;
        cols = Math.max(cols, c + 1);
        break;
      }
    }
  });
  return { rows, cols };
}

function inGrid(sheet: Sheet, ref: Cellref, raw: string): void {
  if (ref.row >= sheet.rowCount || ref.col >= sheet.colCount) {
    throw serr.range(`range ${raw} starts outside the sheet (${sheet.rowCount} rows × ${sheet.colCount} columns)`);
  }
}

/** Drops trailing empty cells and rows so the used range stays what the cells say. */
function compact(sheet: Sheet): void {
  for (const row of sheet.rows) {
    while (row.length && isEmpty(row[row.length - 1])) row.pop();
    for (let i = 0; i < row.length; i++) if (row[i] === '' || row[i] === undefined) row[i] = null;
  }
  while (sheet.rows.length && sheet.rows[sheet.rows.length - 1].length === 0) sheet.rows.pop();
}

export function readValues(sheet: Sheet, r: ParsedRange, raw: string): Cell[][] {
  let start: Cellref;
  let end: Cellref;
  if (!r.start || !r.end) {
    const used = usedSize(sheet);
    if (used.rows === 0) return [];
    start = { row: 0, col: 0 };
    end = { row: used.rows - 1, col: used.cols - 1 };
  } else {
    inGrid(sheet, r.start, raw);
    start = r.start;
    end = { row: Math.min(r.end.row, sheet.rowCount - 1), col: Math.min(r.end.col, sheet.colCount - 1) };
  }
  const out: Cell[][] = [];
  for (let row = start.row; row <= end.row; row++) {
    const src = sheet.rows[row] ?? [];
    const line: Cell[] = [];
    for (let col = start.col; col <= end.col; col++) line.push(isEmpty(src[col]) ? null : (src[col] as Cell));
    out.push(line);
  }
  return out;
}

/** JSON values of a request body as cells; 400 for anything but a 2-D array of text/number/boolean/null. */
export function cellsOf(values: unknown): Cell[][] {
  if (!Array.isArray(values) || values.length === 0) throw serr.bad('resource.values must be a non-empty two-dimensional array');
  return values.map((row, i) => {
    if (!Array.isArray(row)) throw serr.bad(`resource.values[${i}] is not an array`);
    return row.map((v, j): Cell => {
      if (v === null || v === '') return null;
      if (typeof v === 'string' || typeof v === 'boolean') return v;
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      throw serr.bad(`resource.values[${i}][${j}] must be text, a number, a boolean or empty`);
    });
  });
}

function write(sheet: Sheet, at: Cellref, values: Cell[][]): void {
  values.forEach((line, i) => {
    const r = at.row + i;
    while (sheet.rows.length <= r) sheet.rows.push([]);
    const row = sheet.rows[r];
    line.forEach((v, j) => {
      const c = at.col + j;
      while (row.length <= c) row.push(null);
      row[c] = v;
    });
  });
  const width = values.reduce((n, l) => Math.max(n, l.length), 0);
  sheet.rowCount = Math.max(sheet.rowCount, at.row + values.length);
  sheet.colCount = Math.max(sheet.colCount, at.col + width);
  compact(sheet);
}

/** POST values. Returns the A1 range written (for the history entry). */
export function updateValues(sheet: Sheet, r: ParsedRange, values: Cell[][], raw: string): string {
  const start = r.start ?? { row: 0, col: 0 };
  inGrid(sheet, start, raw);
  const width = values.reduce((n, l) => Math.max(n, l.length), 0);
  if (r.start && r.end && (r.end.row > r.start.row || r.end.col > r.start.col)) {
    const rows = r.end.row - r.start.row + 1;
    const cols = r.end.col - r.start.col + 1;
    if (values.length > rows || width > cols) throw serr.range(`${values.length} × ${width} values do not fit the range ${raw} (${rows} × ${cols})`);
  }
  write(sheet, start, values);
  return `${a1(start)}:${a1({ row: start.row + values.length - 1, col: start.col + Math.max(width, 1) - 1 })}`;
}

/** PUT values (append). Returns the A1 range written. */
export function appendValues(sheet: Sheet, r: ParsedRange, values: Cell[][], raw: string): string {
  let at: Cellref;
  if (!r.start) {
    at = { row: usedSize(sheet).rows, col: 0 };
  } else {
    inGrid(sheet, r.start, raw);
    let row = r.start.row;
    if (rowHasData(sheet, row)) {
      while (rowHasData(sheet, row + 1)) row++;
      row++;
    }
    at = { row, col: r.start.col };
    if (row < sheet.rows.length) {
      sheet.rows.splice(row, 0, ...values.map((): Cell[] => []));
      sheet.rowCount += values.length;
    }
  }
  write(sheet, at, values);
  const width = values.reduce((n, l) => Math.max(n, l.length), 0);
  return `${a1(at)}:${a1({ row: at.row + values.length - 1, col: at.col + Math.max(width, 1) - 1 })}`;
}

export function deleteRows(sheet: Sheet, index: number, count: number): void {
  if (index >= sheet.rowCount) throw serr.range(`row index ${index} is outside the sheet (${sheet.rowCount} rows)`);
  const n = Math.min(count, sheet.rowCount - index);
  sheet.rows.splice(index, n);
  sheet.rowCount = Math.max(1, sheet.rowCount - n);
  compact(sheet);
}

export function addSheet(sheets: Sheet[], name: unknown): Sheet {
  if (typeof name !== 'string' || name.trim() === '') throw serr.bad('name (the new sheet name) is required');
  if ([...name].length > 100) throw serr.bad('a sheet name has at most 100 characters');
  if (sheets.some((s) => s.name.toLowerCase() === name.toLowerCase())) throw serr.sheetExists(name);
  const sheet = newSheet(name);
  sheets.push(sheet);
  return sheet;
}

/** A cell as control.sheetValues shows it. */
export function cellString(v: Cell): string {
  return v === null ? '' : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v);
}

/** Text as typed into a cell: a canonical decimal number becomes a number, "" empty, anything else stays text. */
export function typedCell(s: string): Cell {
  if (s === '') return null;
  const n = Number(s);
  return s.trim() === s && Number.isFinite(n) && String(n) === s ? n : s;
}
