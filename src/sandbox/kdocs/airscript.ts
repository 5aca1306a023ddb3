import * as crypto from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { bufferBlob, readAll } from '../common/blob';
import { AIRSCRIPT_WORKER_SOURCE, type CannedResponse, type WorkerInput, type WorkerMessage } from './airscript-worker';
import { checkScript, type AirScriptVersion } from './airscript-syntax';
import type { Deps } from './deps';
import { kerr } from './errors';
import { q, requiredStr, str, type Ctx, type RouteDef } from './router';
import { parseWorkbook, serializeWorkbook, setCell, type CellValue, type Workbook } from './sheets';
import type { Entry } from './store';

/**
 * AirScript routes of the kdocs sandbox (access_token auth, vendor pages "创建并执行脚本", "获取脚本执行状态",
 * "同步执行脚本"):
 *
 *   POST /personal/files/:file_token/script       {script, script_name?, custom_argv?}  scope edit_personal_files
 *        -> {task_id}   (control.setScriptTaskIdField('taskId' | 'both') answers `taskId` instead / as well)
 *   GET  /personal/personal/script/status?task_id=<encodeURIComponent(id)>              scope access_personal_files
 *        -> {error: "", status: "running" | "finish", data: {logs: [...only lines not returned before], result?}, error_details?}
 *   POST /personal/files/:file_token/sync_script   same body as /script                  scope edit_personal_files
 *        -> the same shape with every log line; waits until the run ends (status "running" and `task_id` only when it
 *           outlives the wait, which is the time limit plus 2 s)
 *
 * Choices where the pages are silent:
 * - Scripts run on online sheets (.ksheet) of the personal space only (400 otherwise); the sheet content is the JSON of
 *   sheets.ts. The script sees a snapshot taken at its start; its writes reach the file as one new version when it ends
 *   (also when it failed or was stopped: what it wrote until then stays), applied cell by cell onto the current content.
 * - Task ids look like `<16 base64 chars>:<file_token>` and always contain `+`, `/` and `:` (the page asks callers to
 *   encodeURIComponent them; an unencoded `+` arrives as a space and the task is not found).
 * - Syntax version: the body's `version` / `script_version` / `airscript_version` ("1.0" | "2.0"), else the sandbox
 *   default (control.setAirScriptVersion, default "1.0"). Syntax errors are reported by the task (POST succeeds).
 * - `result` is the value of a top-level `return` (JSON; `null` when there is none); it is present once finished.
 * - `status` is "finish" when done (control.setScriptStatusSpelling('finished') for the webhook-API spelling).
 * - Log lines: `{filename, timestamp: "HH:MM:SS.mmm" (UTC+8), unix_time (seconds), level, args: [string]}`; script lines
 *   name `<script_name>.js:<line>:<col>` of the console call as sent (1-based; `anonymous` without script_name),
 *   `level` is the console method (log/info/warn/error/debug); system lines have filename `<system>`: one when the run
 *   starts, one when it ends (level info, or error with the error message).
 * - Errors: `error` is "<name>: <message>" and `error_details` = {name, msg, stack: ["    at x.js:1:91", ...] (frames
 *   in the script only), unix_time}. SyntaxError messages carry acorn positions "(line:col)", col 0-based.
 * - Limits: a run is stopped after control.setScriptTimeLimit ms (default 30 000): error "TimeoutError: ...". The
 *   worker's heap is capped (64 MB): error "RangeError: out of memory ...".
 * - Globals: Application (ActiveSheet, ActiveWorkbook, Sheets(i | name) with .Count/.Item/.Add, Worksheets, Range(a1),
 *   Cells(r, c)), the same as plain globals (ActiveSheet, Range...), Worksheet {Name, Index, Range, Cells, UsedRange,
 *   Activate}, Range {Value, Value2, Formula (stored as given, not evaluated), Text, Row, Column, Count, Address, Rows.Count,
 *   Columns.Count, Cells, Item, Offset, Resize, Clear, ClearContents}; Context {argv (custom_argv), active_sheet, range,
 *   document}; console.log/info/warn/error/debug; Time.sleep(ms); HTTP.fetch/get/post/put/delete (refuses IP-address
 *   and explicit-port URLs; the sandbox has no network: it answers only what control.setScriptHttpResponse registered,
 *   bodies up to 2 MB); Crypto.createHash/createHmac/randomUUID; KSDrive, SQL, SMTP exist but throw "not available".
 */

export interface ScriptLogLine { filename: string; timestamp: string; unix_time: number; level: string; args: string[] }
export interface ScriptErrorDetails { name: string; msg: string; stack: string[]; unix_time: number }

export interface ScriptSettings {
  timeLimitMs: number;
  memoryMb: number;
  version: AirScriptVersion;
  statusSpelling: 'finish' | 'finished';
  taskIdField: 'task_id' | 'taskId' | 'both';
  http: Map<string, CannedResponse>;
}

interface Run {
  id: string;
  file: string;
  fileToken: string;
  logs: ScriptLogLine[];
  returned: number;
  finished: boolean;
  error?: string;
  details?: ScriptErrorDetails;
  result?: unknown;
  writes: Array<{ sheet: number; row: number; col: number; value: CellValue } | { sheet: number; op: 'add' | 'rename' | 'activate'; name?: string }>;
  worker?: Worker;
  done: Promise<void>;
  finish: () => void;
  started: number;
}

const UTC8_MS = 8 * 3600 * 1000;
const RUNS_KEPT = 500;

function logLine(filename: string, level: string, args: string[], ms: number): ScriptLogLine {
  const t = new Date(ms + UTC8_MS).toISOString();
  return { filename, timestamp: t.slice(11, 23), unix_time: Math.floor(ms / 1000), level, args };
}

export class ScriptRuns {
  readonly settings: ScriptSettings = { timeLimitMs: 30_000, memoryMb: 64, version: '1.0', statusSpelling: 'finish', taskIdField: 'task_id', http: new Map() };
  /** HTTP.fetch calls of scripts (method and URL), oldest first, the newest 1000 (control.scriptHttpRequests). */
  readonly httpRequests: Array<{ method: string; url: string }> = [];
  private readonly runs = new Map<string, Run>();

  constructor(private readonly d: Deps) {}

  start(entry: Entry, script: string, scriptName: string, argv: unknown, version: AirScriptVersion): Run {
    // The name shows in log lines and stack frames as `<name>.js`: characters that would break a frame are replaced,
    // a `.js` the caller already added is not doubled.
    const name = scriptName.replace(/\.js$/i, '').replace(/[()\r\n:]/g, '_').trim() || 'anonymous';
    const file = `${name}.js`;
    let id: string;
    do id = `${crypto.randomBytes(12).toString('base64')}:${entry.token}`;
    while (!(id.includes('+') && id.includes('/')) || this.runs.has(id));
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const run: Run = { id, file, fileToken: entry.token, logs: [], returned: 0, finished: false, writes: [], done, finish, started: Date.now() };
    this.runs.set(id, run);
    // Forget the oldest finished runs beyond RUNS_KEPT (their ids answer 404), so a long-running sandbox does not grow.
    for (const [old, r] of this.runs) {
      if (this.runs.size <= RUNS_KEPT) break;
      if (r.finished) this.runs.delete(old);
    }
    run.logs.push(logLine('<system>', 'info', [`开始执行 ${file} (AirScript ${version})`], run.started));

    const checked = checkScript(script, version);
    if (checked.problem) {
      this.end(run, { name: 'SyntaxError', msg: checked.problem.message, stack: [`    at ${file}:${checked.problem.line}:${checked.problem.column + 1}`] });
      return run;
    }
    const workbook = parseWorkbook(readAll(this.d.personal.blobOf(this.d.personal.current(entry))));
    const input: WorkerInput = {
      script, file, version, argv: argv ?? {}, workbook, documentName: entry.name,
      http: Object.fromEntries(this.settings.http), consoleCalls: checked.consoleCalls,
    };
    const mb = this.settings.memoryMb;
    const worker = new Worker(AIRSCRIPT_WORKER_SOURCE, {
      eval: true, workerData: input, env: {}, stdout: true, stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: mb, maxYoungGenerationSizeMb: Math.max(4, Math.floor(mb / 8)), codeRangeSizeMb: 16, stackSizeMb: 4 },
    });
    run.worker = worker;
    worker.unref();
    const timer = setTimeout(() => {
      if (run.finished) return;
      this.end(run, { name: 'TimeoutError', msg: `script exceeded the time limit of ${this.settings.timeLimitMs} ms and was stopped`, stack: [] });
      void worker.terminate();
    }, this.settings.timeLimitMs);
    timer.unref();
    worker.on('message', (m: WorkerMessage) => this.onMessage(run, m));
    worker.on('error', (e: Error & { code?: string }) => {
      const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.end(run, { name: oom ? 'RangeError' : 'Error', msg: oom ? `out of memory: the script used more than ${mb} MB` : `script runtime crashed: ${e.message}`, stack: [] });
    });
    worker.on('exit', () => {
      clearTimeout(timer);
      // Without a 'done' or 'fail' first: the script left nothing to run (e.g. awaited a promise that never settles).
      this.end(run, { name: 'Error', msg: 'the script ended without finishing (a promise that never settles?)', stack: [] });
    });
    return run;
  }

  private onMessage(run: Run, m: WorkerMessage): void {
    if (run.finished) return;
    switch (m.t) {
      case 'log':
        run.logs.push(logLine(m.pos ? `${run.file}:${m.pos}` : run.file, m.level, m.args, m.time));
        break;
      case 'cells':
        for (const [row, col, value] of m.cells) run.writes.push({ sheet: m.sheet, row, col, value });
        break;
      case 'sheet':
        run.writes.push({ sheet: m.index, op: m.op, name: m.name });
        break;
      case 'http':
        this.httpRequests.push({ method: m.method, url: m.url });
        if (this.httpRequests.length > 1000) this.httpRequests.splice(0, this.httpRequests.length - 1000);
        break;
      case 'done':
        run.result = m.result;
        this.end(run, undefined, m.time);
        break;
      case 'fail':
        this.end(run, { name: m.name, msg: m.msg, stack: m.stack }, m.time);
        break;
    }
  }

  /** Finishes a run once: error or success line, writes saved. */
  private end(run: Run, error: { name: string; msg: string; stack: string[] } | undefined, at = Date.now()): void {
    if (run.finished) return;
    run.finished = true;
    if (error) {
      run.error = `${error.name}: ${error.msg}`;
      run.details = { ...error, unix_time: Math.floor(at / 1000) };
      run.logs.push(logLine('<system>', 'error', [run.error, ...error.stack.map((s) => s.trim())], at));
    } else {
      run.logs.push(logLine('<system>', 'info', [`执行完成 (${Math.max(0, at - run.started)} ms)`], at));
    }
    this.save(run);
    run.finish();
  }

  private save(run: Run): void {
    if (run.writes.length === 0) return;
    const sp = this.d.personal;
    const e = sp.entries.get(run.fileToken);
    if (!e || sp.isTrashed(e)) return;
    const wb: Workbook = parseWorkbook(readAll(sp.blobOf(sp.current(e))));
    for (const w of run.writes) {
      if ('op' in w) {
        if (w.op === 'add') {
          while (wb.sheets.length <= w.sheet) wb.sheets.push({ name: w.name ?? `Sheet${wb.sheets.length + 1}`, rows: [] });
        } else if (wb.sheets[w.sheet]) {
          if (w.op === 'rename' && w.name) wb.sheets[w.sheet].name = w.name;
          if (w.op === 'activate') wb.active = w.sheet;
        }
      } else if (wb.sheets[w.sheet]) {
        setCell(wb.sheets[w.sheet], w.row, w.col, w.value);
      }
    }
    sp.setContent(e, bufferBlob(serializeWorkbook(wb)), this.d.user.nickname);
  }

  /** The status answer; only log lines not returned before unless `all`. */
  status(run: Run, all = false): Record<string, unknown> {
    const logs = all ? run.logs.slice() : run.logs.slice(run.returned);
    run.returned = run.logs.length;
    const out: Record<string, unknown> = {
      error: run.error ?? '',
      status: run.finished ? this.settings.statusSpelling : 'running',
      data: run.finished ? { logs, result: run.result ?? null } : { logs },
    };
    if (run.details) out.error_details = run.details;
    if (!run.finished) out.task_id = run.id;
    return out;
  }

  get(id: string): Run {
    const run = this.runs.get(id);
    if (!run) throw kerr.notFound('script task');
    return run;
  }

  taskIdAnswer(run: Run): Record<string, string> {
    const f = this.settings.taskIdField;
    return f === 'both' ? { task_id: run.id, taskId: run.id } : { [f]: run.id };
  }

  /** Number of runs still going (control.runningScripts). */
  running(): number {
    return [...this.runs.values()].filter((r) => !r.finished).length;
  }

  /** Stops every running script (sandbox close). */
  async stopAll(): Promise<void> {
    const going = [...this.runs.values()].filter((r) => !r.finished);
    for (const r of going) this.end(r, { name: 'Error', msg: 'the sandbox stopped', stack: [] });
    await Promise.all(going.map((r) => r.worker?.terminate()));
  }
}

function versionOf(c: Ctx, runs: ScriptRuns): AirScriptVersion {
  const v = str(c, 'version') ?? str(c, 'script_version') ?? str(c, 'airscript_version');
  if (v === undefined || v === '') return runs.settings.version;
  if (v === '1' || v === '1.0') return '1.0';
  if (v === '2' || v === '2.0') return '2.0';
  throw kerr.param('version must be "1.0" or "2.0"');
}

export function airscriptRoutes(d: Deps, runs: ScriptRuns): RouteDef[] {
  const start = (c: Ctx) => {
    const e = d.personal.live(c.params.file_token);
    if (e.dir) throw kerr.param('a file is required, got a folder');
    if (!/\.ksheet$/i.test(e.name)) throw kerr.param('AirScript runs on online sheets (.ksheet) only');
    const script = requiredStr(c, 'script');
    let argv = c.body.custom_argv;
    // An object, as the page shows; a JSON text of one is read the same way.
    if (typeof argv === 'string' && argv.trim().startsWith('{')) {
      try {
        argv = JSON.parse(argv);
      } catch {
        throw kerr.param('custom_argv must be an object');
      }
    }
    if (argv !== undefined && argv !== null && (typeof argv !== 'object' || Array.isArray(argv))) throw kerr.param('custom_argv must be an object');
    return runs.start(e, script, str(c, 'script_name') ?? '', argv, versionOf(c, runs));
  };
  return [
    { method: 'POST', path: '/personal/files/:file_token/script', auth: 'token', scope: 'edit_personal_files', handle: (c) => runs.taskIdAnswer(start(c)) },
    {
      method: 'GET', path: '/personal/personal/script/status', auth: 'token', scope: 'access_personal_files',
      handle: (c) => {
        const id = q(c, 'task_id') ?? q(c, 'taskId');
        if (!id) throw kerr.param('task_id is required');
        return runs.status(runs.get(id));
      },
    },
    {
      method: 'POST', path: '/personal/files/:file_token/sync_script', auth: 'token', scope: 'edit_personal_files',
      handle: async (c) => {
        const run = start(c);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([run.done, new Promise<void>((r) => (timer = setTimeout(r, runs.settings.timeLimitMs + 2000)))]);
        clearTimeout(timer);
        return runs.status(run, true);
      },
    },
  ];
}
