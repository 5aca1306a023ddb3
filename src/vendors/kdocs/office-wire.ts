/**
 * Wire shapes of the Kingsoft Docs groups `convert`, `extract`, `anonymous-preview`, `airscript`, `outline` and
 * `notification` (office.ts), and their tolerant normalizers. The reference pages document the requests but few
 * answers (vendor-facts.md marks most as [I]nferred): every reader here accepts the known spellings and several
 * plausible ones, and never throws; a missing field is undefined and the caller decides what that means.
 */
import { isRaw, type KdRaw, type KdTaskState, num, str, taskState } from './wire';

// ---------------------------------------------------------------- requests

/** Targets of `POST /office/convert/files/to/{target}`. */
export const KD_CONVERT_TARGETS = ['pdf', 'docx', 'xlsx', 'pptx', 'txt', 'jpg', 'png'] as const;
export type KdConvertTarget = (typeof KD_CONVERT_TARGETS)[number];

/**
 * Body of a conversion (to-pdf / to-jpg / to-png / to-txt pages; to-docx / to-xlsx / to-pptx take url, filename and
 * password only). `ranges` and `from_page`/`to_page` exclude each other.
 */
export interface KdConvertRequest {
  /** Where the converter downloads the source (a temporary download URL). */
  url: string;
  /** With extension: the converter picks the source format by it. */
  filename: string;
  password?: string;
  /** e.g. "1,2-4,7". */
  ranges?: string;
  /** 1-based; to_page must be greater than from_page (the pages say so). */
  from_page?: number;
  to_page?: number;
  show_comments?: number;
  /** jpg/png: one long picture (at most 20 pages). */
  long_pic?: boolean;
  image_dpi?: number;
  scale?: number;
  quality?: number;
  fit_to_width?: number;
  fit_to_height?: number;
  /** txt: all pages in one text instead of one per page. */
  long_txt?: boolean;
  /** txt: keep the document's line breaks. */
  hold_line_feed?: boolean;
}

/** Body of `POST /office/extract/plaintext`. */
export interface KdExtractRequest { url: string; filename: string; password?: string }

/** Body of the AirScript calls (`script`, `sync_script`). */
export interface KdScriptRequest {
  script: string;
  /** Shown in the log lines (`<script_name>.js:line:col`); the service says "anonymous" without one. */
  script_name?: string;
  /** What the script reads as `Context.argv`. */
  custom_argv?: Record<string, unknown>;
  /**
   * Syntax version the script is written for ('1.0' or '2.0'). Not on the vendor's pages (the editor picks it per
   * script); sent when the caller knows it so a service that takes it runs the script as written, harmless otherwise.
   */
  version?: string;
}

/** Body of the group-robot notifications (woa, wecom, dingtalk): the robot's webhook address and the messages. */
export interface KdRobotMessage {
  /** The robot's webhook URL (it carries the robot's key: a secret). */
  link: string;
  /** Signing secret, when the robot requires signed calls. */
  sk?: string;
  /** Messages in the chat service's own robot format (`{msgtype, text: {content}}`...). */
  data: object[];
}

/** Body of `POST /notification/woa/app`: an app message to one Kingsoft collaboration user by email. */
export interface KdWoaAppMessage {
  woa_app_id: string;
  woa_secret_key: string;
  email: string;
  /** `{type: 1, body: "text"}` (the page's example; other types per the woa "应用消息" format). */
  content: object;
}

// ---------------------------------------------------------------- small readers



/** A unix time in seconds or milliseconds (13 digits) as milliseconds. */
export function unixMs(v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  return v > 1e11 ? Math.round(v) : Math.round(v * 1000);
}

// ---------------------------------------------------------------- office tasks (convert, extract)

export type KdResultKind = 'pdf' | 'image' | 'txt' | 'file';

/** One file a conversion produced. Its URL lives 30 minutes (and is a credential: never logged). */
export interface KdResultFile {
  url: string;
  size?: number;
  kind: KdResultKind;
  /** Page number, or a presentation's slide id (`slideId`), when the answer says. */
  page?: string;
}

/** `GET /office/tasks/:task_id` of a conversion or an extraction. */
export interface KdOfficeTask {
  taskId: string;
  state: KdTaskState;
  /** The status word as sent (the pages name none: `state` does not rely on it alone). */
  status?: string;
  /** Percent. */
  progress?: number;
  /** Why it failed. */
  message?: string;
  /** Result files in the answer's order (pdfs, images, txts, or a single `result.url`). */
  files: KdResultFile[];
  /** Text given inline (extraction answers may carry it instead of a file). */
  text?: string;
  raw: KdRaw;
}

const RESULT_LISTS: ReadonlyArray<[string, KdResultKind]> = [['pdfs', 'pdf'], ['images', 'image'], ['txts', 'txt'], ['files', 'file']];

function resultFile(raw: unknown, kind: KdResultKind): KdResultFile | undefined {
  if (typeof raw === 'string' && raw) return { url: raw, kind };
  if (!isRaw(raw)) return undefined;
  const url = str(raw.url, raw.download_url);
  if (!url) return undefined;
  return { url, kind, size: num(raw.size, raw.fsize), page: str(raw.slideId, raw.slide_id, raw.page, raw.page_no, raw.index) };
}

/**
 * The files of a task's `result`: `{pdfs|images|txts: [{url, size}]}`, `{url, size}`, or a bare list. Any other
 * list of `{url}` under the result (`docxs`, `xlsxs`... for the save-as targets) is read too, after the known ones.
 */
export function resultFiles(result: unknown): KdResultFile[] {
  if (Array.isArray(result)) return result.map((r) => resultFile(r, 'file')).filter((f): f is KdResultFile => !!f);
  if (!isRaw(result)) return [];
  const out: KdResultFile[] = [];
  const known = new Set(RESULT_LISTS.map(([k]) => k));
  const lists: Array<[string, KdResultKind]> = [
    ...RESULT_LISTS,
    ...Object.keys(result).filter((k) => !known.has(k) && Array.isArray(result[k])).map((k): [string, KdResultKind] => [k, 'file']),
  ];
  for (const [key, kind] of lists) {
    const list = result[key];
    if (Array.isArray(list)) for (const r of list) { const f = resultFile(r, kind); if (f) out.push(f); }
  }
  if (!out.length) {
    const single = resultFile(result, 'file');
    if (single) out.push(single);
  }
  return out;
}

function inlineText(...vs: unknown[]): string | undefined {
  for (const v of vs) {
    if (!isRaw(v)) continue;
    for (const k of ['text', 'plaintext', 'plain_text', 'content']) if (typeof v[k] === 'string') return v[k] as string;
  }
  return undefined;
}

/**
 * A conversion or extraction task. No public source names the status words (vendor-facts.md): a result with
 * progress 100 (or no progress, or a success word) is done; otherwise a non-empty message, or a failure word, is a
 * failure; anything else still runs. Progress 100 without any result yet still runs (the result may follow).
 */
export function toOfficeTask(data: unknown, fallbackId = ''): KdOfficeTask | undefined {
  if (!isRaw(data)) return undefined;
  const status = str(data.status, data.state);
  const word = status !== undefined ? taskState(status) : undefined;
  const progress = num(data.progress);
  const files = resultFiles(data.result);
  const text = typeof data.result === 'string' ? data.result : inlineText(data.result, data);
  const message = str(data.message, data.msg, data.error, data.err_msg, data.reason)?.trim() || undefined;
  const hasResult = files.length > 0 || text !== undefined;
  let state: KdTaskState = 'running';
  if (hasResult && (progress === undefined || progress >= 100 || word === 'success')) state = 'success';
  else if (message !== undefined || word === 'failed') state = 'failed';
  else if (word === 'success' && (progress === undefined || progress >= 100)) state = 'success';
  return {
    taskId: str(data.task_id, data.taskId, data.id) ?? fallbackId,
    state, status, progress, files, text, raw: data,
    message: message ?? (state === 'failed' ? status : undefined),
  };
}

// ---------------------------------------------------------------- anonymous previews

/** What an anonymous preview task ends with: the page to open and the token it works with (both secrets). */
export interface KdPreviewResult {
  url?: string;
  token?: string;
  /** ms since epoch, when the answer says. */
  expiresAt?: number;
  raw: KdRaw;
}

/** `GET /anonymous/tasks/:task_id`. */
export interface KdPreviewTask {
  taskId: string;
  state: KdTaskState;
  status?: string;
  progress?: number;
  message?: string;
  result?: KdPreviewResult;
  raw: KdRaw;
}

/** What starting a preview answers: a task id to poll, or (tolerated) the result itself. */
export interface KdPreviewStart { taskId?: string; result?: KdPreviewResult }

/** Expiry of a token answer: relative seconds (`expires_in`, `timeout` in ms) or an absolute time (s or ms). */
function expiryOf(d: KdRaw, nowMs: number): number | undefined {
  const rel = num(d.expires_in, d.expire_in, d.expires_sec);
  if (rel !== undefined) return nowMs + rel * 1000;
  const timeoutMs = num(d.timeout);
  if (timeoutMs !== undefined) return nowMs + timeoutMs;
  return unixMs(num(d.expires_at, d.expire_at, d.expire_time, d.expired_at, d.expires, d.expiration));
}

/** A preview result out of `data` or `data.result` (whichever carries a url or token); undefined when neither does. */
export function toPreviewResult(data: unknown, nowMs = Date.now()): KdPreviewResult | undefined {
  for (const d of [isRaw(data) ? data.result : undefined, data]) {
    if (!isRaw(d)) continue;
    const url = str(d.url, d.link, d.preview_url, d.link_url, d.wps_url);
    const token = str(d.token, d.anonymous_token, d.access_token, d.preview_token);
    if (url || token) return { url, token, expiresAt: expiryOf(d, nowMs), raw: d };
  }
  return undefined;
}

export function toPreviewTask(data: unknown, fallbackId = '', nowMs = Date.now()): KdPreviewTask | undefined {
  if (!isRaw(data)) return undefined;
  const status = str(data.status, data.state);
  const word = status !== undefined ? taskState(status) : undefined;
  const result = toPreviewResult(data, nowMs);
  const message = str(data.message, data.msg, data.error, data.err_msg)?.trim() || undefined;
  const state: KdTaskState = result && word !== 'failed' ? 'success' : message !== undefined || word === 'failed' ? 'failed' : 'running';
  return {
    taskId: str(data.task_id, data.taskId, data.id) ?? fallbackId,
    state, status, progress: num(data.progress), result, raw: data,
    message: message ?? (state === 'failed' ? status : undefined),
  };
}

// ---------------------------------------------------------------- AirScript

/** One log line: `{args, filename, level, timestamp "HH:MM:SS.mmm", unix_time}`. */
export interface KdScriptLogLine {
  args: unknown[];
  /** `<system>` for the service's own lines, `<script name>.js:line:col` for the script's. */
  filename?: string;
  level?: string;
  timestamp?: string;
  unixTime?: number;
  raw: KdRaw;
}

export interface KdScriptErrorDetails { name?: string; msg?: string; stack: string[]; unixTime?: number }

/** `GET /personal/personal/script/status` and the answer of `sync_script`. */
export interface KdScriptStatus {
  /** `running`, or ended: `success` (status `finish` / `finished`) or `failed` (an error). */
  state: KdTaskState;
  status?: string;
  /** The error message, when the script failed. */
  error?: string;
  errorDetails?: KdScriptErrorDetails;
  /** Log lines of this answer (the service sends each line once; callers still deduplicate). */
  logs: KdScriptLogLine[];
  /** The script's return value; undefined when it returned nothing (`"[Undefined]"` in the webhook API). */
  result?: unknown;
  /** A task id, when the answer carries one (sync_script still running). */
  taskId?: string;
  raw: KdRaw;
}

function toLogLine(raw: unknown): KdScriptLogLine | undefined {
  if (typeof raw === 'string') return { args: [raw], raw: { message: raw } };
  if (!isRaw(raw)) return undefined;
  const args = Array.isArray(raw.args) ? raw.args : raw.args !== undefined ? [raw.args] : raw.message !== undefined ? [raw.message] : raw.msg !== undefined ? [raw.msg] : [];
  return {
    args,
    filename: str(raw.filename, raw.file_name, raw.file, raw.name),
    level: str(raw.level, raw.type),
    timestamp: str(raw.timestamp, raw.time),
    unixTime: num(raw.unix_time, raw.unixTime),
    raw,
  };
}

function toErrorDetails(raw: unknown): KdScriptErrorDetails | undefined {
  if (!isRaw(raw)) return undefined;
  const stack = Array.isArray(raw.stack) ? raw.stack.map(String) : typeof raw.stack === 'string' ? raw.stack.split('\n') : [];
  const d = { name: str(raw.name), msg: str(raw.msg, raw.message), stack, unixTime: num(raw.unix_time) };
  return d.name || d.msg || stack.length ? d : undefined;
}

/**
 * The status of a script run. The open-platform pages say `{error, status: running|finish, data: {logs, result}}`;
 * the script-token webhook API says `finished` and a string result (`"[Undefined]"` when empty): both are read, and
 * logs / result / error_details are also looked for one level up or down.
 */
export function toScriptStatus(data: unknown): KdScriptStatus {
  const d: KdRaw = isRaw(data) ? data : {};
  const inner: KdRaw = isRaw(d.data) ? d.data : {};
  const rawLogs = Array.isArray(inner.logs) ? inner.logs : Array.isArray(d.logs) ? d.logs : Array.isArray(d.data) ? d.data : [];
  const logs = rawLogs.map(toLogLine).filter((l): l is KdScriptLogLine => !!l);
  const status = str(d.status, d.state, inner.status);
  const errorDetails = toErrorDetails(d.error_details ?? inner.error_details ?? d.errorDetails);
  const errorText = str(d.error, inner.error, typeof d.err === 'string' ? d.err : undefined)?.trim()
    || (errorDetails ? [errorDetails.name, errorDetails.msg].filter(Boolean).join(': ') || undefined : undefined);
  const word = status !== undefined ? taskState(status) : undefined;
  const state: KdTaskState = errorText !== undefined || word === 'failed' ? 'failed' : word === 'success' ? 'success' : 'running';
  const hasResult = 'result' in inner || 'result' in d;
  let result: unknown = 'result' in inner ? inner.result : d.result;
  if (result === '[Undefined]' || result === null) result = undefined;
  return {
    state, status, logs, raw: d,
    error: errorText ?? (state === 'failed' ? status : undefined),
    errorDetails,
    result: hasResult ? result : undefined,
    taskId: str(d.task_id, d.taskId),
  };
}

/** Where a log line comes from: `report.js:3:5` -> file, line and column; `<system>` / `anonymous` -> the file only. */
export function parseLogSource(filename: string | undefined): { file?: string; line?: number; column?: number } {
  if (!filename) return {};
  const m = /^(.*?):(\d+)(?::(\d+))?$/.exec(filename.trim());
  if (!m || !m[1]) return { file: filename };
  return { file: m[1], line: Number(m[2]), ...(m[3] !== undefined ? { column: Number(m[3]) } : {}) };
}

/** The text of a log line: string arguments as they are, others as JSON, joined by spaces (as console.log does). */
export function logText(args: readonly unknown[]): string {
  return args.map((a) => {
    if (typeof a === 'string') return a;
    if (a === undefined) return 'undefined';
    try {
      return JSON.stringify(a) ?? String(a);
    } catch {
      return String(a);
    }
  }).join(' ');
}

/** A stable identity of a log line, for callers that deduplicate lines a service sent twice. */
export function logKey(l: KdScriptLogLine): string {
  return JSON.stringify([l.unixTime ?? null, l.timestamp ?? null, l.filename ?? null, l.level ?? null, logText(l.args)]);
}

/**
 * Position of a script error, 1-based, in the script as sent:
 * - a stack frame `at x.js:1:91` (error_details.stack, or in the message) — the frame of `scriptFile` first
 *   (its line and column as given: V8-style, 1-based);
 * - else the `(line:col)` of a SyntaxError message ("SyntaxError: Unexpected token (2:4)"): the AirScript 1.0
 *   parser's message is acorn's, whose column is 0-based, so the column is moved to 1-based.
 */
export function scriptErrorPosition(
  message: string | undefined, stack: readonly string[], scriptFile?: string,
): { line: number; column: number; file?: string } | undefined {
  const frames: Array<{ file: string; line: number; column: number }> = [];
  for (const s of [...stack, message ?? '']) {
    for (const m of s.matchAll(/([^\s()]+?):(\d+):(\d+)/g)) {
      if (m[1].startsWith('<')) continue; // <system>, <anonymous>: not the script
      frames.push({ file: m[1].replace(/^at\s+/, ''), line: Number(m[2]), column: Number(m[3]) });
    }
  }
  const own = scriptFile ? frames.find((f) => f.file === scriptFile || f.file.endsWith(`/${scriptFile}`)) : undefined;
  const frame = own ?? frames[0];
  if (frame && frame.line > 0) return { line: frame.line, column: Math.max(1, frame.column), file: frame.file };
  const syntax = /\((\d+):(\d+)\)/.exec(message ?? '');
  if (syntax && Number(syntax[1]) > 0) return { line: Number(syntax[1]), column: Number(syntax[2]) + 1 };
  return undefined;
}
