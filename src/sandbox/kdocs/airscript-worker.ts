/**
 * The AirScript runtime of the kdocs sandbox, run inside a worker_threads Worker (one per script run). The extension
 * bundles the sandbox into one file, so the worker cannot load a module of its own: it is started with `eval: true` from
 * the source of `workerMain` below, which therefore must not use anything from outside its own body (no imports, no
 * module-level names; node modules come through the `load` parameter). Type annotations are fine (they vanish).
 *
 * Inside, the script runs in a fresh vm context whose globals are the AirScript API (see airscript.ts for the list);
 * it has no `require`, `process` or timers. `Time.sleep(ms)` blocks this worker only (Atomics.wait), never the
 * extension host. The worker tells the main thread what happens through messages (WorkerMessage).
 */
import type { CellValue, Workbook } from './sheets';

export interface CannedResponse { status: number; headers?: Record<string, string>; body: string }

export interface WorkerInput {
  script: string;
  /** File name of the script in stack traces and log lines: `<script_name>.js`. */
  file: string;
  version: '1.0' | '2.0';
  argv: unknown;
  workbook: Workbook;
  /** Name of the document the script runs on. */
  documentName: string;
  /** Responses HTTP.fetch answers with, by `METHOD url` or `url` (normalised by new URL().toString()). */
  http: Record<string, CannedResponse>;
  /** "line:col" of a console method property -> "line:col" of the call (airscript-syntax.ts). */
  consoleCalls: Record<string, string>;
}

export type WorkerMessage =
  | { t: 'log'; level: string; args: string[]; pos?: string; time: number }
  | { t: 'cells'; sheet: number; cells: Array<[number, number, CellValue]> }
  | { t: 'sheet'; op: 'add' | 'rename' | 'activate'; index: number; name?: string }
  | { t: 'http'; method: string; url: string }
  | { t: 'done'; result: unknown; time: number }
  | { t: 'fail'; name: string; msg: string; stack: string[]; time: number };

/* eslint-disable @typescript-eslint/no-explicit-any */
function workerMain(load: (id: string) => any): void {
  const { parentPort, workerData } = load('node:worker_threads');
  const vm = load('node:vm');
  const nodeCrypto = load('node:crypto');
  const input: WorkerInput = workerData;
  const book = input.workbook;
  const file = input.file;
  const post = (m: WorkerMessage) => parentPort.postMessage(m);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));

  const isDate = (v: unknown) => Object.prototype.toString.call(v) === '[object Date]';
  const isErrorLike = (v: any) => v !== null && typeof v === 'object' && typeof v.message === 'string' && typeof v.stack === 'string';

  function show(v: any): string {
    if (typeof v === 'string') return v;
    if (v === undefined) return 'undefined';
    if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    if (typeof v === 'function') return `[Function ${v.name || '(anonymous)'}]`;
    if (typeof v === 'symbol') return v.toString();
    if (isErrorLike(v)) return `${v.name ?? 'Error'}: ${v.message}`;
    if (isDate(v)) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
    try {
      const seen = new Set<unknown>();
      return JSON.stringify(v, (_k, x) => {
        if (typeof x === 'bigint') return String(x);
        if (x && typeof x === 'object') {
          if (seen.has(x)) return '[Circular]';
          seen.add(x);
        }
        return x;
      }) ?? String(v);
    } catch {
      return String(v);
    }
  }

  /** Position of the script frame that called into the API: "line:col" (the call's start for console calls). */
  function callerPosition(): string | undefined {
    const stack = String(new Error().stack ?? '').split('\n');
    for (const line of stack) {
      const i = line.lastIndexOf(`${file}:`);
      if (i < 0) continue;
      const m = /:(\d+):(\d+)\)?\s*$/.exec(line.slice(i + file.length));
      if (!m) continue;
      const key = `${m[1]}:${m[2]}`;
      return input.consoleCalls[key] ?? key;
    }
    return undefined;
  }

  function scriptFrames(stack: unknown): string[] {
    return String(stack ?? '').split('\n').filter((l) => /^\s+at /.test(l) && l.includes(`${file}:`)).map((l) => `    ${l.trim()}`);
  }

  // --- console ---
  const consoleApi: Record<string, (...args: unknown[]) => void> = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    consoleApi[level] = (...args: unknown[]) => post({ t: 'log', level, args: args.map(show), pos: callerPosition(), time: Date.now() });
  }

  // --- sheets ---
  const MAX_ROW = 1048576;
  const MAX_COL = 16384;
  const colName = (c: number) => {
    let s = '';
    for (let n = c; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    return s;
  };
  const parseAddress = (address: unknown) => {
    const one = (s: string) => {
      const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(s.trim());
      if (!m) return undefined;
      let col = 0;
      for (const ch of m[1].toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
      return { row: Number(m[2]), col };
    };
    const parts = String(address).split(':');
    const p = parts.length <= 2 ? one(parts[0]) : undefined;
    const q = parts.length === 2 ? one(parts[1]) : p;
    if (!p || !q || p.row < 1 || q.row < 1 || Math.max(p.row, q.row) > MAX_ROW || Math.max(p.col, q.col) > MAX_COL) {
      throw new Error(`Range: invalid address "${String(address)}"`);
    }
    return { r1: Math.min(p.row, q.row), c1: Math.min(p.col, q.col), r2: Math.max(p.row, q.row), c2: Math.max(p.col, q.col) };
  };
  const toCell = (v: any): CellValue => {
    if (v === undefined || v === null) return null;
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    if (isDate(v)) return v.toISOString();
    return show(v);
  };
  const cellAt = (si: number, r: number, c: number): CellValue | undefined => {
    const v = book.sheets[si].rows[r - 1]?.[c - 1];
    return v === null || v === undefined ? undefined : v;
  };
  const writeCells = (si: number, cells: Array<[number, number, CellValue]>) => {
    const rows = book.sheets[si].rows;
    for (const [r, c, v] of cells) {
      while (rows.length < r) rows.push([]);
      const row = rows[r - 1];
      while (row.length < c) row.push(null);
      row[c - 1] = v;
    }
    if (cells.length) post({ t: 'cells', sheet: si, cells });
  };
  const text = (v: CellValue | undefined) => (v === undefined || v === null ? '' : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v));

  function makeRange(si: number, r1: number, c1: number, r2: number, c2: number): any {
    if (r1 < 1 || c1 < 1 || r2 > MAX_ROW || c2 > MAX_COL || r2 < r1 || c2 < c1) throw new Error('Range: outside the sheet');
    const rows = r2 - r1 + 1;
    const cols = c2 - c1 + 1;
    const single = rows === 1 && cols === 1;
    const read = () => {
      if (single) return cellAt(si, r1, c1);
      const out: unknown[][] = [];
      for (let r = r1; r <= r2; r++) {
        const row: unknown[] = [];
        for (let c = c1; c <= c2; c++) row.push(cellAt(si, r, c));
        out.push(row);
      }
      return out;
    };
    const write = (v: any) => {
      const cells: Array<[number, number, CellValue]> = [];
      if (Array.isArray(v)) {
        const grid: any[] = Array.isArray(v[0]) ? v : [v];
        for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) cells.push([r1 + i, c1 + j, toCell(grid[i]?.[j])]);
      } else {
        const value = toCell(v);
        for (let r = r1; r <= r2; r++) for (let c = c1; c <= c2; c++) cells.push([r, c, value]);
      }
      writeCells(si, cells);
    };
    const address = () => `$${colName(c1)}$${r1}${single ? '' : `:$${colName(c2)}$${r2}`}`;
    const range: any = {};
    const prop = (get: () => unknown, set?: (v: any) => void) => ({ get, set, enumerable: true });
    Object.defineProperties(range, {
      Value: prop(read, write),
      Value2: prop(read, write),
      Formula: prop(read, write),
      Text: prop(() => (single ? text(cellAt(si, r1, c1)) : (read() as CellValue[][]).map((r) => r.map(text)))),
      Row: prop(() => r1),
      Column: prop(() => c1),
      Count: prop(() => rows * cols),
      Address: prop(address),
      Rows: prop(() => ({ Count: rows })),
      Columns: prop(() => ({ Count: cols })),
      Worksheet: prop(() => makeSheet(si)),
    });
    range.Cells = (i: number, j: number) => makeRange(si, r1 + Number(i) - 1, c1 + Number(j) - 1, r1 + Number(i) - 1, c1 + Number(j) - 1);
    range.Item = range.Cells;
    range.Offset = (dr = 0, dc = 0) => makeRange(si, r1 + Number(dr), c1 + Number(dc), r2 + Number(dr), c2 + Number(dc));
    range.Resize = (nr?: number, nc?: number) => makeRange(si, r1, c1, r1 + Number(nr ?? rows) - 1, c1 + Number(nc ?? cols) - 1);
    range.Clear = () => write(null);
    range.ClearContents = range.Clear;
    range.toString = () => address();
    return range;
  }

  function usedRange(si: number): any {
    const rows = book.sheets[si].rows;
    let lastRow = 0;
    let lastCol = 0;
    let firstRow = Infinity;
    let firstCol = Infinity;
    rows.forEach((row, i) => row.forEach((v, j) => {
      if (v === null || v === undefined || v === '') return;
      lastRow = Math.max(lastRow, i + 1);
      lastCol = Math.max(lastCol, j + 1);
      firstRow = Math.min(firstRow, i + 1);
      firstCol = Math.min(firstCol, j + 1);
    }));
    return lastRow === 0 ? makeRange(si, 1, 1, 1, 1) : makeRange(si, firstRow, firstCol, lastRow, lastCol);
  }

  function makeSheet(si: number): any {
    const sheet: any = {};
    Object.defineProperties(sheet, {
      Name: {
        get: () => book.sheets[si].name,
        set: (n: unknown) => {
          const name = String(n);
          if (name === '' || book.sheets.some((s, i) => i !== si && s.name === name)) throw new Error(`Worksheet.Name: invalid or duplicate name "${name}"`);
          book.sheets[si].name = name;
          post({ t: 'sheet', op: 'rename', index: si, name });
        },
        enumerable: true,
      },
      Index: { get: () => si + 1, enumerable: true },
      UsedRange: { get: () => usedRange(si), enumerable: true },
    });
    sheet.Range = (a: unknown, b?: unknown) => {
      if (b !== undefined) {
        const p = parseAddress(a);
        const q = parseAddress(b);
        return makeRange(si, Math.min(p.r1, q.r1), Math.min(p.c1, q.c1), Math.max(p.r2, q.r2), Math.max(p.c2, q.c2));
      }
      const x = parseAddress(a);
      return makeRange(si, x.r1, x.c1, x.r2, x.c2);
    };
    sheet.Cells = (r: number, c: number) => makeRange(si, Number(r), Number(c), Number(r), Number(c));
    sheet.Activate = () => {
      book.active = si;
      post({ t: 'sheet', op: 'activate', index: si });
    };
    return sheet;
  }

  const findSheet = (x: unknown) => {
    if (typeof x === 'number') {
      if (Number.isInteger(x) && x >= 1 && x <= book.sheets.length) return makeSheet(x - 1);
    } else {
      const i = book.sheets.findIndex((s) => s.name === String(x));
      if (i >= 0) return makeSheet(i);
    }
    throw new Error(`Sheets: no sheet ${typeof x === 'number' ? x : `"${String(x)}"`}`);
  };
  const sheets: any = (x: unknown) => findSheet(x);
  Object.defineProperty(sheets, 'Count', { get: () => book.sheets.length, enumerable: true });
  sheets.Item = findSheet;
  sheets.Add = () => {
    let n = book.sheets.length + 1;
    while (book.sheets.some((s) => s.name === `Sheet${n}`)) n++;
    book.sheets.push({ name: `Sheet${n}`, rows: [] });
    post({ t: 'sheet', op: 'add', index: book.sheets.length - 1, name: `Sheet${n}` });
    return makeSheet(book.sheets.length - 1);
  };

  const workbook: any = { Sheets: sheets, Worksheets: sheets, Name: input.documentName };
  Object.defineProperty(workbook, 'ActiveSheet', { get: () => makeSheet(book.active), enumerable: true });
  const application: any = {
    Sheets: sheets,
    Worksheets: sheets,
    Range: (a: unknown, b?: unknown) => makeSheet(book.active).Range(a, b),
    Cells: (r: number, c: number) => makeSheet(book.active).Cells(r, c),
    Name: 'Kingsoft Docs AirScript (sandbox)',
  };
  Object.defineProperties(application, {
    ActiveSheet: { get: () => makeSheet(book.active), enumerable: true },
    ActiveWorkbook: { get: () => workbook, enumerable: true },
  });

  // --- services ---
  function httpFetch(url: unknown, opts?: any) {
    let u: URL;
    try {
      u = new URL(String(url));
    } catch {
      throw new Error(`HTTP: invalid URL "${String(url)}"`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`HTTP: unsupported scheme ${u.protocol}`);
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(u.hostname) || u.hostname.startsWith('[')) throw new Error('HTTP: URLs with an IP address are not allowed, use a domain name');
    if (u.port !== '') throw new Error('HTTP: URLs with an explicit port are not allowed');
    const method = String(opts?.method ?? 'GET').toUpperCase();
    const key = u.toString();
    post({ t: 'http', method, url: key });
    const canned = input.http[`${method} ${key}`] ?? input.http[key];
    if (!canned) throw new Error(`HTTP: the sandbox has no network (no response registered for ${method} ${key})`);
    const body = String(canned.body ?? '');
    if (Buffer.byteLength(body) > 2 * 1024 * 1024) throw new Error('HTTP: response body larger than 2 MB');
    return {
      status: canned.status,
      ok: canned.status >= 200 && canned.status < 300,
      headers: { ...(canned.headers ?? {}) },
      text: () => body,
      json: () => JSON.parse(body),
    };
  }
  const http = {
    fetch: httpFetch,
    get: (u: unknown, o?: any) => httpFetch(u, { ...o, method: 'GET' }),
    post: (u: unknown, body?: unknown, o?: any) => httpFetch(u, { ...o, method: 'POST', body }),
    put: (u: unknown, body?: unknown, o?: any) => httpFetch(u, { ...o, method: 'PUT', body }),
    delete: (u: unknown, o?: any) => httpFetch(u, { ...o, method: 'DELETE' }),
  };
  const hashObject = (h: any) => {
    const o: any = {};
    o.update = (d: unknown) => {
      h.update(typeof d === 'string' ? d : show(d));
      return o;
    };
    o.digest = (enc?: string) => h.digest(enc === 'base64' ? 'base64' : 'hex');
    return o;
  };
  const cryptoApi = {
    createHash: (alg: string) => hashObject(nodeCrypto.createHash(String(alg))),
    createHmac: (alg: string, key: string) => hashObject(nodeCrypto.createHmac(String(alg), String(key))),
    randomUUID: () => nodeCrypto.randomUUID(),
  };
  const unavailable = (service: string, methods: string[]) => {
    const o: any = {};
    for (const m of methods) o[m] = () => { throw new Error(`${service} is not available in the sandbox`); };
    return o;
  };

  const globals: any = {
    Application: application,
    Context: { argv: input.argv ?? {}, active_sheet: book.sheets[book.active]?.name ?? '', range: 'A1', document: input.documentName },
    console: consoleApi,
    Time: { sleep: (ms: unknown) => { Atomics.wait(sleeper, 0, 0, Math.max(0, Number(ms) || 0)); } },
    HTTP: http,
    Crypto: cryptoApi,
    KSDrive: unavailable('KSDrive', ['openFile', 'createFile', 'listFiles', 'deleteFile']),
    SQL: unavailable('SQL', ['connect']),
    SMTP: unavailable('SMTP', ['login', 'send']),
    Sheets: sheets,
    Worksheets: sheets,
    Range: application.Range,
    Cells: application.Cells,
  };
  Object.defineProperties(globals, {
    ActiveSheet: { get: () => makeSheet(book.active), enumerable: true },
    ActiveWorkbook: { get: () => workbook, enumerable: true },
  });

  const jsonSafe = (v: unknown): unknown => {
    if (v === undefined) return null;
    try {
      return JSON.parse(JSON.stringify(v) ?? 'null');
    } catch {
      return show(v);
    }
  };
  const fail = (e: any) => {
    if (isErrorLike(e)) post({ t: 'fail', name: String(e.name ?? 'Error'), msg: String(e.message), stack: scriptFrames(e.stack), time: Date.now() });
    else post({ t: 'fail', name: 'Error', msg: show(e), stack: [], time: Date.now() });
  };
  let run: () => unknown;
  try {
    const context = vm.createContext(globals, { codeGeneration: { strings: true, wasm: false } });
    const wrapped = `(${input.version === '2.0' ? 'async ' : ''}function () {\n${input.script}\n})`;
    run = new vm.Script(wrapped, { filename: file, lineOffset: -1 }).runInContext(context);
  } catch (e) {
    fail(e);
    return;
  }
  try {
    const out: any = run();
    if (out && typeof out.then === 'function') out.then((v: unknown) => post({ t: 'done', result: jsonSafe(v), time: Date.now() }), fail);
    else post({ t: 'done', result: jsonSafe(out), time: Date.now() });
  } catch (e) {
    fail(e);
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Source of the worker (`new Worker(AIRSCRIPT_WORKER_SOURCE, { eval: true })`). */
export const AIRSCRIPT_WORKER_SOURCE = `(${workerMain.toString()})(require);`;
