/**
 * Hand-written typings of the AirScript runtime (Kingsoft Docs scripts against online sheets): the globals and the
 * members of the objects they return, with a signature and one line of documentation each. No typings exist on npm,
 * and Kingsoft's add-in typings may not be modified or redistributed, so these are our own, written from the
 * public AirScript documentation. They drive completions and hovers in AirScript files (see completion.ts).
 * Plain data, no vscode import.
 */

export interface Member {
  name: string;
  kind: 'property' | 'method';
  /** For methods: the parameter list as shown, e.g. `(address: string)`. */
  params?: string;
  /** The type of the value (property) or of the result (method): a key of TYPES to go on completing, or a plain type. */
  type: string;
  doc: string;
}

const p = (name: string, type: string, doc: string): Member => ({ name, kind: 'property', type, doc });
const m = (name: string, params: string, type: string, doc: string): Member => ({ name, kind: 'method', params, type, doc });

/** Members of each object type. */
export const TYPES: Readonly<Record<string, readonly Member[]>> = {
  Application: [
    p('ActiveSheet', 'Worksheet', 'The sheet the script runs against (the active sheet of the target document).'),
    p('ActiveWorkbook', 'Workbook', 'The workbook (document) the script runs against.'),
    m('Sheets', '(index: number | string)', 'Worksheet', 'A sheet of the workbook by 1-based index or by name.'),
    m('Range', '(address: string)', 'Range', 'A range of the active sheet, e.g. `Range("A1")` or `Range("A1:C10")`.'),
    m('Cells', '(row: number, column: number)', 'Range', 'One cell of the active sheet by 1-based row and column.'),
    p('Selection', 'Range', 'The selected range when the script was started from the sheet.'),
  ],
  Workbook: [
    p('Name', 'string', 'The name of the document.'),
    m('Sheets', '(index: number | string)', 'Worksheet', 'A sheet by 1-based index or by name.'),
    p('ActiveSheet', 'Worksheet', 'The active sheet.'),
  ],
  Worksheet: [
    p('Name', 'string', 'The name of the sheet (its tab).'),
    p('Index', 'number', 'The 1-based position of the sheet.'),
    m('Range', '(address: string)', 'Range', 'A range of this sheet, e.g. `Range("B2:D5")`.'),
    m('Cells', '(row: number, column: number)', 'Range', 'One cell of this sheet by 1-based row and column.'),
    p('UsedRange', 'Range', 'The smallest range that holds every non-empty cell.'),
    m('Activate', '()', 'void', 'Makes this sheet the active sheet.'),
  ],
  Range: [
    p('Value', 'any', 'The value of a cell, or a 2-D array (rows of columns) for a larger range. Assign to write.'),
    p('Value2', 'any', 'Like Value, without date and currency conversion.'),
    p('Text', 'string', 'The text a cell shows (formatted).'),
    p('Formula', 'string', 'The formula of a cell (`=SUM(A1:A3)`), or its value when it has none. Assign to write.'),
    p('Address', 'string', 'The address of the range, e.g. `$A$1:$C$3`.'),
    p('Row', 'number', 'The 1-based row of the first cell.'),
    p('Column', 'number', 'The 1-based column of the first cell.'),
    p('Rows', 'Range', 'The rows of the range (`.Count` gives how many).'),
    p('Columns', 'Range', 'The columns of the range (`.Count` gives how many).'),
    p('Count', 'number', 'The number of cells (or rows, columns) in the range.'),
    m('Cells', '(row: number, column: number)', 'Range', 'One cell of the range, 1-based relative to its first cell.'),
    m('Offset', '(rows: number, columns: number)', 'Range', 'The range moved by rows and columns.'),
    m('Clear', '()', 'void', 'Clears values and formats.'),
    m('ClearContents', '()', 'void', 'Clears values, keeps formats.'),
  ],
  Context: [
    p('argv', 'any', 'The arguments the script was run with (JSON; "Set AirScript Arguments…" in the editor).'),
    p('active_sheet', 'string', 'The name of the active sheet when the script started.'),
    p('range', 'string', 'The address of the selection when the script started.'),
  ],
  console: [
    m('log', '(...args: any[])', 'void', 'Writes a log line (level info). Lines show in the AirScript output with their script position.'),
    m('info', '(...args: any[])', 'void', 'Writes a log line (level info).'),
    m('warn', '(...args: any[])', 'void', 'Writes a log line (level warn).'),
    m('error', '(...args: any[])', 'void', 'Writes a log line (level error).'),
  ],
  Time: [
    m('sleep', '(ms: number)', 'void', 'Waits `ms` milliseconds (counts against the run\'s time limit).'),
  ],
  HTTP: [
    m('fetch', '(url: string, options?: { method?: string; headers?: object; body?: string; timeout?: number })', 'HTTPResponse',
      'A synchronous HTTP request (opt-in service). No IP addresses or explicit ports in the URL; answers up to 2 MB.'),
    m('get', '(url: string, options?: object)', 'HTTPResponse', 'A GET request (opt-in service).'),
    m('post', '(url: string, body: any, options?: object)', 'HTTPResponse', 'A POST request (opt-in service).'),
  ],
  HTTPResponse: [
    p('status', 'number', 'The HTTP status.'),
    p('headers', 'object', 'The response headers.'),
    m('text', '()', 'string', 'The body as text.'),
    m('json', '()', 'any', 'The body parsed as JSON.'),
  ],
  KSDrive: [
    m('openFile', '(url: string)', 'Workbook', 'Opens another document of the user\'s drive (opt-in service).'),
    m('createFile', '(type: string, options?: object)', 'string', 'Creates a document and returns its URL (opt-in service).'),
  ],
  Crypto: [
    m('createHash', '(algorithm: string)', 'Hash', 'A hash (md5, sha1, sha256) (opt-in service).'),
    m('createHmac', '(algorithm: string, key: string)', 'Hash', 'An HMAC (opt-in service).'),
  ],
  Hash: [
    m('update', '(data: string)', 'Hash', 'Adds data.'),
    m('digest', '(encoding?: string)', 'string', 'The digest, hex or base64.'),
  ],
  SQL: [
    m('connect', '(options: { type: string; host: string; database: string; user: string; password: string })', 'SQLConnection', 'Connects to a database (opt-in service).'),
  ],
  SQLConnection: [
    m('query', '(sql: string, params?: any[])', 'any[]', 'Runs a query and returns its rows.'),
    m('close', '()', 'void', 'Closes the connection.'),
  ],
  SMTP: [
    m('login', '(options: { host: string; port: number; username: string; password: string; secure?: boolean })', 'Mailer', 'Signs in to a mail server (opt-in service).'),
  ],
  Mailer: [
    m('send', '(mail: { from: string; to: string; subject: string; text?: string; html?: string })', 'void', 'Sends a mail.'),
  ],
};

/** The globals of an AirScript run. */
export const GLOBALS: Readonly<Record<string, { type: string; doc: string }>> = {
  Application: { type: 'Application', doc: 'The spreadsheet application: sheets, ranges and cells of the target document.' },
  ActiveSheet: { type: 'Worksheet', doc: 'Shortcut for `Application.ActiveSheet`.' },
  Range: { type: 'Range', doc: 'Shortcut for `Application.Range(address)`.' },
  Cells: { type: 'Range', doc: 'Shortcut for `Application.Cells(row, column)`.' },
  Context: { type: 'Context', doc: 'How the script was run: `argv`, the active sheet and range.' },
  console: { type: 'console', doc: 'Log lines, shown live in the AirScript output.' },
  Time: { type: 'Time', doc: 'Waiting.' },
  HTTP: { type: 'HTTP', doc: 'HTTP requests (opt-in service of the script).' },
  KSDrive: { type: 'KSDrive', doc: 'The user\'s Kingsoft Docs drive (opt-in service).' },
  Crypto: { type: 'Crypto', doc: 'Hashes and HMACs (opt-in service).' },
  SQL: { type: 'SQL', doc: 'Databases (opt-in service).' },
  SMTP: { type: 'SMTP', doc: 'Mail (opt-in service).' },
};

/** The members offered after `chain.` (e.g. `Application.ActiveSheet.`), or undefined when the chain is unknown. */
export function membersAfter(chain: readonly string[]): readonly Member[] | undefined {
  const type = typeOf(chain);
  return type === undefined ? undefined : TYPES[type];
}

/** The type an expression chain (`['Application', 'Sheets', 'Range']`) evaluates to, when known. */
export function typeOf(chain: readonly string[]): string | undefined {
  if (!chain.length) return undefined;
  let type: string | undefined = GLOBALS[chain[0]]?.type;
  for (const name of chain.slice(1)) {
    if (type === undefined) return undefined;
    type = TYPES[type]?.find((x) => x.name === name)?.type;
  }
  return type;
}

/**
 * The member chain written just before `offset` in `text` — `Application.Sheets(1).Range("A1").` gives
 * `{ chain: ['Application', 'Sheets', 'Range'], partial: '' }`; call arguments are skipped. Undefined when the text
 * before the cursor is no member access (inside a string or a comment is not detected: completions there are harmless).
 */
export function chainBefore(text: string, offset: number): { chain: string[]; partial: string } | undefined {
  let i = offset;
  const ident = () => {
    const end = i;
    while (i > 0 && /[\w$]/.test(text[i - 1])) i--;
    return text.slice(i, end);
  };
  const partial = ident();
  const chain: string[] = [];
  for (;;) {
    let j = i;
    while (j > 0 && /\s/.test(text[j - 1])) j--;
    if (j === 0 || text[j - 1] !== '.') break;
    i = j - 1;
    while (i > 0 && /\s/.test(text[i - 1])) i--;
    // Skip one call's arguments: `Sheets(1).` -> `Sheets`.
    if (text[i - 1] === ')') {
      let depth = 0;
      for (i--; i >= 0; i--) {
        if (text[i] === ')') depth++;
        else if (text[i] === '(' && --depth === 0) break;
      }
      if (i < 0) return undefined;
    }
    const name = ident();
    if (!name) return undefined;
    chain.unshift(name);
  }
  return { chain, partial };
}

/** A TypeScript declaration file of the same typings (for editors that read one). */
export function declarations(): string {
  const lines = ['// AirScript typings of Doc Workspaces (hand-written from the public AirScript documentation).', ''];
  for (const [type, members] of Object.entries(TYPES)) {
    lines.push(`interface AirScript${type} {`);
    for (const x of members) {
      lines.push(`  /** ${x.doc} */`);
      lines.push(x.kind === 'method' ? `  ${x.name}${x.params}: ${tsType(x.type)};` : `  ${x.name}: ${tsType(x.type)};`);
    }
    lines.push('}', '');
  }
  for (const [name, g] of Object.entries(GLOBALS)) {
    lines.push(`/** ${g.doc} */`);
    lines.push(name === 'Range' || name === 'Cells'
      ? `declare function ${name}${TYPES.Application.find((x) => x.name === name)?.params ?? '()'}: AirScriptRange;`
      : `declare const ${name}: ${tsType(g.type)};`);
  }
  return lines.join('\n') + '\n';
}

function tsType(t: string): string {
  return TYPES[t] ? `AirScript${t}` : t;
}
