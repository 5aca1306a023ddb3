/**
 * The Kingsoft Docs capabilities over the office groups (office.ts): conversion, text extraction and outline
 * Markdown (ConvertCapability, both spaces), AirScript (ScriptsCapability, personal files), anonymous previews
 * (PreviewsCapability, app space) and chat notifications (ChatCapability, app space). Paths are those of the space's
 * KdocsRemoteFs. Plain Node, no vscode.
 *
 * The converter downloads its source from a URL: a file of the store goes by its temporary download URL; any other
 * bytes are uploaded for the time of the conversion into the app space (`.doc-workspaces-convert/<random>/<name>`)
 * and deleted for good afterwards, also when the conversion fails or is cancelled.
 */
import { randomBytes } from 'crypto';
import type {
  ChatCapability, ChatDestination, ConvertCapability, ConvertedFile, ConvertOptions, ConvertSource, PreviewLink,
  PreviewsCapability, ScriptLog, ScriptsCapability,
} from '../../core/capabilities';
import {
  BadResponseError, DocError, InvalidInputError, isDocError, PasswordRequiredError, ScriptFailedError, ServerError,
} from '../../core/errors';
import type { CallOptions } from '../../core/model';
import { baseName, normalizePath, splitExt } from '../../core/paths';
import { registerSecret } from '../../core/redact';
import { taskError } from './client';
import { KdocsOffice, type PercentOptions } from './office';
import {
  type KdConvertRequest, type KdConvertTarget, type KdOfficeTask, type KdPreviewResult, type KdPreviewStart,
  type KdScriptLogLine, type KdScriptRequest, type KdScriptStatus, logKey, logText, parseLogSource,
  scriptErrorPosition, unixMs,
} from './office-wire';
import type { KdocsOperations, KdSpaceName } from './operations';
import { outlineToMarkdown } from './outline-markdown';

// ------------------------------------------------------------------------------------------------ convert

/** Formats the converter takes (reference pages: 演示 .pptx .ppt, WPS 文字 .docx .doc, WPS 表格 .xlsx .xls). */
const FAMILY: Readonly<Record<string, 'text' | 'sheet' | 'slides'>> = {
  '.docx': 'text', '.doc': 'text', '.xlsx': 'sheet', '.xls': 'sheet', '.pptx': 'slides', '.ppt': 'slides',
};
const OWN_FORMAT = { text: 'docx', sheet: 'xlsx', slides: 'pptx' } as const;
/** Targets that take a page range (to-pdf, to-txt, to-jpg, to-png pages; the save-as targets take none). */
const PAGED: ReadonlySet<string> = new Set(['pdf', 'txt', 'jpg', 'png']);
/** App-space folder of the temporary uploads of bytes sources (one random subfolder per conversion). */
export const CONVERT_STAGING_FOLDER = '.doc-workspaces-convert';

function extOf(name: string): string {
  return splitExt(baseName(name)).ext.toLowerCase();
}

/**
 * What a file converts to, most useful first: pdf, the modern format of its own family (docx for .doc...; not a
 * file's own format), txt, png, jpg. The to-txt / to-jpg / to-png / extract pages take PDFs too.
 */
export function convertTargets(name: string): KdConvertTarget[] {
  const ext = extOf(name);
  if (ext === '.pdf') return ['txt', 'png', 'jpg'];
  const family = FAMILY[ext];
  if (!family) return [];
  const own = OWN_FORMAT[family];
  return ['pdf', ...(ext === `.${own}` ? [] : [own]), 'txt', 'png', 'jpg'];
}

export function canExtract(name: string): boolean {
  const ext = extOf(name);
  return ext === '.pdf' || FAMILY[ext] !== undefined;
}

/** Page options of a conversion: one page as `ranges` (to_page must be greater than from_page), else from/to. */
export function pageFields(pages: { from: number; to: number } | undefined): Pick<KdConvertRequest, 'ranges' | 'from_page' | 'to_page'> {
  if (!pages) return {};
  const { from, to } = pages;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from) {
    throw new InvalidInputError(`"${from}-${to}" is no page range: pages count from 1 and the range must not run backwards`);
  }
  return from === to ? { ranges: String(from) } : { from_page: from, to_page: to };
}

/** Names of the converted files: images one per page `<stem>-<page>.<ext>`; a single other file `<stem>.<target>`. */
export function convertedNames(sourceName: string, target: string, count: number, firstPage = 1): string[] {
  const { stem } = splitExt(baseName(sourceName));
  const image = target === 'jpg' || target === 'png';
  if (!image && count === 1) return [`${stem}.${target}`];
  return Array.from({ length: count }, (_, i) => `${stem}-${firstPage + i}.${target}`);
}

const PASSWORD_WORDS = /password|passwd|密码|加密|encrypt|protected/i;

/** The error of a failed conversion: a protected source -> PasswordRequiredError, else by the message's words. */
function conversionFailure(name: string, message: string, password: string | undefined): Error {
  if (PASSWORD_WORDS.test(message)) return passwordError(name, password, message);
  return taskError(message, `Kingsoft Docs could not convert "${name}"`);
}

function passwordError(name: string, password: string | undefined, detail: string, e?: DocError): PasswordRequiredError {
  const wrong = password !== undefined && password !== '';
  const msg = wrong ? `Kingsoft Docs refused the password of "${name}" (${detail})` : `"${name}" is protected by a password (${detail})`;
  return new PasswordRequiredError(msg, wrong, { status: e?.status, vendorCode: e?.vendorCode, vendor: 'kdocs', cause: e });
}

/** A call's error, with a refused or missing password said as PasswordRequiredError. */
function withPasswordError(e: unknown, name: string, password: string | undefined): unknown {
  if (!isDocError(e) || e.kind === 'PasswordRequired' || e.kind === 'Cancelled' || e.kind === 'Network' || e.kind === 'Timeout') return e;
  return PASSWORD_WORDS.test(e.message) ? passwordError(name, password, e.message, e) : e;
}

/** The download URL of a source, and its name; bytes are staged in the app space until `fn` is done. */
async function withSourceUrl<T>(
  ops: KdocsOperations, space: KdSpaceName, source: ConvertSource, o: CallOptions | undefined,
  fn: (url: string, name: string) => Promise<T>,
): Promise<T> {
  const client = ops.client;
  if (source.kind === 'store') {
    const e = await ops.fsOf(space).stat(source.path, o);
    if (e.type === 'folder' || !e.id) throw new InvalidInputError(`"${normalizePath(source.path)}" is a folder: choose a document`);
    const url = (space === 'personal' ? await client.personalDownloadUrl(e.id, o) : await client.appDownloadUrl(e.id, o)).url;
    return fn(url, e.name);
  }
  const name = baseName(source.name);
  const base = await stagingFolder(ops, o);
  const dir = (await client.appCreateFolder({ name: randomBytes(8).toString('hex'), parent_token: base }, o)).fileToken;
  let file: string | undefined;
  try {
    file = (await client.appUpload({ filename: name, parent_token: dir, source: { data: source.data } }, o)).token;
    return await fn((await client.appDownloadUrl(file, o)).url, name);
  } finally {
    await unstage(ops, dir, file);
  }
}

/** The staging folder's token (created on first use). */
async function stagingFolder(ops: KdocsOperations, o?: CallOptions): Promise<string> {
  const app = ops.fsOf('appspace');
  const existing = async () => {
    try {
      return await app.folderTokenOf(CONVERT_STAGING_FOLDER, o);
    } catch (e) {
      if (isDocError(e, 'NotFound')) return undefined;
      throw e;
    }
  };
  const found = await existing();
  if (found) return found;
  try {
    return (await app.mkdir(CONVERT_STAGING_FOLDER, o)).id;
  } catch (e) {
    // Another conversion created it meanwhile.
    if (!isDocError(e, 'AlreadyExists')) throw e;
    const again = await existing();
    if (!again) throw e;
    return again;
  }
}

/**
 * Deletes a staged upload and its folder for good. Runs without the caller's signal (a cancelled conversion still
 * cleans up); a failure is logged, never thrown over the conversion's own outcome.
 */
async function unstage(ops: KdocsOperations, dir: string, file: string | undefined): Promise<void> {
  const client = ops.client;
  const destroy = async (token: string, what: string) => {
    try {
      await client.appDestroy(token);
    } catch (e) {
      if (!isDocError(e, 'NotFound')) client.log.warn(`kdocs convert: could not delete the temporary ${what} in the app space: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  if (file) await destroy(file, 'upload');
  else {
    // The upload failed or was cancelled: whatever reached the folder goes too.
    try {
      for (const f of (await client.appListFiles({ parent_token: dir, offset: 0, count: 100 })).items) await destroy(f.token, 'upload');
    } catch {
      // the folder itself is deleted below
    }
  }
  await destroy(dir, 'folder');
}

/** ConvertCapability of one space: conversions and text extraction; outline Markdown for personal files. */
export function convertOf(ops: KdocsOperations, space: KdSpaceName): ConvertCapability {
  const office = new KdocsOffice(ops.client);

  const runTask = async (
    name: string, password: string | undefined, start: () => Promise<{ taskId: string }>, o?: PercentOptions,
  ): Promise<{ taskId: string; task: KdOfficeTask }> => {
    try {
      const { taskId } = await start();
      const task = await office.waitOfficeTask(taskId, (m) => conversionFailure(name, m, password), o);
      return { taskId, task };
    } catch (e) {
      throw withPasswordError(e, name, password);
    }
  };

  const download = async (taskId: string, task: KdOfficeTask, name: string, o?: CallOptions): Promise<Uint8Array[]> => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < task.files.length; i++) {
      out.push(await office.resultBytes(taskId, i, task.files[i].url, `download of the converted "${name}" (${i + 1}/${task.files.length})`, o));
    }
    return out;
  };

  const cap: ConvertCapability = {
    targets: (name) => convertTargets(name),
    takesPages: (target) => PAGED.has(target),

    async convert(source, target, o?: ConvertOptions): Promise<ConvertedFile[]> {
      const sourceName = source.kind === 'store' ? baseName(normalizePath(source.path)) : baseName(source.name);
      const targets = convertTargets(sourceName);
      if (!(targets as string[]).includes(target)) {
        throw new InvalidInputError(targets.length
          ? `"${sourceName}" converts to ${targets.join(', ')}, not ${target}`
          : `Kingsoft Docs converts Word, Excel and PowerPoint documents, not "${sourceName}"`);
      }
      const t = target as KdConvertTarget;
      if (o?.pages && !PAGED.has(t)) throw new InvalidInputError(`A conversion to ${t} takes no page range`);
      const password = o?.password || undefined;
      registerSecret(password);
      return withSourceUrl(ops, space, source, o, async (url, name) => {
        const body: KdConvertRequest = {
          url, filename: name, ...(password ? { password } : {}), ...pageFields(o?.pages),
          // One text for the whole document, with its line breaks (the default is one text per page, without them).
          ...(t === 'txt' ? { long_txt: true, hold_line_feed: true } : {}),
        };
        const { taskId, task } = await runTask(name, password, () => office.convert(t, body, o), o);
        if (!task.files.length) throw new BadResponseError(`Kingsoft Docs converted "${name}" but named no result file`);
        const data = await download(taskId, task, name, o);
        const names = convertedNames(name, t, data.length, o?.pages?.from ?? 1);
        return data.map((d, i) => ({ name: names[i], data: d }));
      });
    },

    canExtract: (name) => canExtract(name),

    async extractText(source, o?: ConvertOptions): Promise<string> {
      const sourceName = source.kind === 'store' ? baseName(normalizePath(source.path)) : baseName(source.name);
      if (!canExtract(sourceName)) throw new InvalidInputError(`Kingsoft Docs extracts the text of Word, Excel, PowerPoint and PDF documents, not "${sourceName}"`);
      const password = o?.password || undefined;
      registerSecret(password);
      return withSourceUrl(ops, space, source, o, async (url, name) => {
        const { taskId, task } = await runTask(name, password, () => office.extractPlaintext({ url, filename: name, ...(password ? { password } : {}) }, o), o);
        if (task.text !== undefined && !task.files.length) return task.text;
        const parts = await download(taskId, task, name, o);
        return parts.map((p) => Buffer.from(p).toString('utf8').replace(/^\uFEFF/, '')).join('\n');
      });
    },
  };
  if (space === 'personal') {
    // The outline export is a personal-file API (the user's access token): app-space files are not its documents.
    cap.hasMarkdown = (name) => extOf(name) === '.otl';
    cap.markdown = async (path, o) => {
      const p = normalizePath(path);
      if (extOf(p) !== '.otl') throw new InvalidInputError(`"${baseName(p)}" is no online outline document (.otl)`);
      const token = await ops.fsOf('personal').tokenOf(p, o);
      return outlineToMarkdown(await office.outlineExportJson(token, o));
    };
  }
  return cap;
}

// ------------------------------------------------------------------------------------------------ scripts

/**
 * Delivers log lines once each, in order. The service sends every line once; should an answer repeat lines already
 * delivered (all of them again, or the last few), the overlap with the tail of what was delivered is skipped.
 */
export class LogDeduper {
  private readonly seen: string[] = [];

  /** The lines of `batch` not delivered yet, in order. */
  fresh(batch: readonly KdScriptLogLine[]): KdScriptLogLine[] {
    const keys = batch.map(logKey);
    let overlap = 0;
    for (let k = Math.min(keys.length, this.seen.length); k > 0; k--) {
      const tail = this.seen.slice(this.seen.length - k);
      if (tail.every((key, i) => key === keys[i])) {
        overlap = k;
        break;
      }
    }
    this.seen.push(...keys.slice(overlap));
    return batch.slice(overlap);
  }
}

/** A service log line as a ScriptLog (time from unix_time; file, line and column from `name.js:line:col`). */
export function toScriptLog(l: KdScriptLogLine, nowMs = Date.now()): ScriptLog {
  const src = parseLogSource(l.filename);
  return {
    time: unixMs(l.unixTime) ?? nowMs,
    level: (l.level ?? 'info').toLowerCase(),
    text: logText(l.args),
    ...(src.file !== undefined ? { file: src.file } : {}),
    ...(src.line !== undefined ? { line: src.line } : {}),
    ...(src.column !== undefined ? { column: src.column } : {}),
  };
}

/** `report.js` -> `report`: the service appends `.js` to the name in its log lines. */
export function scriptNameOf(name: string): string {
  const base = baseName(name.replace(/\\/g, '/')).trim();
  return base.replace(/\.js$/i, '') || 'script';
}

/** AirScript against personal online sheets (.ksheet). */
export function scriptsOf(ops: KdocsOperations): ScriptsCapability {
  const office = new KdocsOffice(ops.client);
  return {
    language: 'airscript',
    canTarget: (name) => extOf(name) === '.ksheet',

    async run(target, run, o) {
      const p = normalizePath(target);
      if (extOf(p) !== '.ksheet') throw new InvalidInputError(`AirScript runs against online sheets (.ksheet), not "${baseName(p)}"`);
      if (run.argv !== undefined && (typeof run.argv !== 'object' || run.argv === null || Array.isArray(run.argv))) {
        throw new InvalidInputError('AirScript arguments (Context.argv) are an object of named values');
      }
      const token = await ops.fsOf('personal').tokenOf(p, o);
      const scriptName = scriptNameOf(run.name);
      const scriptFile = `${scriptName}.js`;
      const body: KdScriptRequest = {
        script: run.code, script_name: scriptName, ...(run.argv !== undefined ? { custom_argv: run.argv as Record<string, unknown> } : {}),
        ...(run.version ? { version: run.version } : {}),
      };
      const logs = new LogDeduper();
      const report = (s: KdScriptStatus) => {
        for (const l of logs.fresh(s.logs)) o?.onLog?.(toScriptLog(l));
      };
      const outcome = (s: KdScriptStatus): { result: unknown } => {
        if (s.state === 'failed') throw scriptFailure(run.name, scriptFile, s);
        return { result: s.result };
      };
      const poll = (taskId: string) => ops.client.pollTask<{ result: unknown }>(async () => {
        const s = await office.scriptStatus(taskId, o);
        report(s);
        return s.state === 'running' ? { done: false } : { done: true, value: outcome(s) };
      }, `AirScript "${run.name}"`, o);

      if (run.sync) {
        const s = await office.scriptRunSync(token, body, o);
        report(s);
        if (s.state !== 'running') return outcome(s);
        // Still running (a long script): its task id, when the answer has one, is followed like an async run.
        if (s.taskId) return poll(s.taskId);
        throw new ServerError(`AirScript "${run.name}" is still running and Kingsoft Docs gave no task to follow`);
      }
      const { taskId } = await office.scriptRun(token, body, o);
      return poll(taskId);
    },
  };
}

function scriptFailure(name: string, scriptFile: string, s: KdScriptStatus): ScriptFailedError {
  const message = s.error ?? 'the script failed';
  const stack = s.errorDetails?.stack ?? [];
  const where = scriptErrorPosition(message, stack, scriptFile);
  return new ScriptFailedError(`"${name}" failed: ${message}`, where, stack.length ? stack : undefined, { vendor: 'kdocs' });
}

// ------------------------------------------------------------------------------------------------ previews

/** Default lifetime of an anonymous preview token (create-token page: 24 hours), when an answer does not say. */
const PREVIEW_TTL_MS = 24 * 3600_000;

/** Anonymous previews of app-space files, documents on the web and local files. */
export function previewsOf(ops: KdocsOperations): PreviewsCapability {
  const office = new KdocsOffice(ops.client);
  /** Preview page by token, for renewals whose answer names only the new token. */
  const urls = new Map<string, string>();

  const link = (r: KdPreviewResult, fallbackUrl?: string, oldToken?: string): PreviewLink => {
    const token = r.token ?? tokenInUrl(r.url);
    let url = r.url ?? (fallbackUrl && oldToken && token ? fallbackUrl.split(oldToken).join(token) : fallbackUrl);
    if (!token) throw new BadResponseError('anonymous preview: no token in the answer');
    if (!url) throw new BadResponseError('anonymous preview: no page URL in the answer');
    url = url.trim();
    registerSecret(token);
    registerSecret(url);
    urls.set(token, url);
    return { url, token, expires: r.expiresAt ?? Date.now() + PREVIEW_TTL_MS };
  };

  return {
    sources: ['store', 'url', 'bytes'],

    async create(source, o) {
      const download = o?.download;
      let start: KdPreviewStart;
      if (source.kind === 'store') {
        const e = await ops.fsOf('appspace').stat(source.path, o);
        if (e.type === 'folder' || !e.id) throw new InvalidInputError(`"${normalizePath(source.path)}" is a folder: choose a document`);
        start = await office.previewAppspace({ file_token: e.id, ...(download !== undefined ? { download } : {}) }, o);
      } else if (source.kind === 'url') {
        if (!/^https?:\/\//i.test(source.url)) throw new InvalidInputError('A document to preview from the web needs its http(s) download URL');
        start = await office.previewCloud({ url: source.url, filename: baseName(source.name), ...(download !== undefined ? { download } : {}) }, o);
      } else {
        start = await office.previewLocal({ filename: baseName(source.name), source: { data: source.data }, ...(download !== undefined ? { download } : {}) }, o);
      }
      const result = start.result?.url || start.result?.token ? start.result : await office.waitPreviewTask(start.taskId!, o);
      return link(result!);
    },

    async renew(token, o) {
      const r = await office.anonymousRefreshToken(token, o);
      const known = urls.get(token);
      urls.delete(token);
      return link(r, known, token);
    },

    async revoke(token, o) {
      await office.anonymousCancelToken(token, o);
      urls.delete(token);
    },
  };
}

/** A token carried in a preview URL's query (`token=` / `t=`), when the answer has no separate one. */
function tokenInUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const q = new URL(url).searchParams;
    return q.get('token') ?? q.get('t') ?? undefined;
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------------ chat

/** Where a robot key goes: the chat service's own webhook address (the notification pages' `link`). */
const ROBOT_LINK: Readonly<Record<string, (key: string) => string>> = {
  woa: (key) => `https://xz.wps.cn/api/v1/webhook/send?key=${encodeURIComponent(key)}`,
  wecom: (key) => `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`,
  dingtalk: (key) => `https://oapi.dingtalk.com/robot/send?access_token=${encodeURIComponent(key)}`,
};

/** The robot's webhook address: a full URL as given, else the service's address with the key. */
export function robotLink(kind: string, key: string): string {
  const k = key.trim();
  if (/^https:\/\//i.test(k)) return k;
  const make = ROBOT_LINK[kind];
  if (!make) throw new InvalidInputError(`No chat robot of kind "${kind}"`);
  return make(k);
}

type ChatMessage = Parameters<ChatCapability['send']>[1];

/**
 * The robot message of each service (its own robot format, which the notification pages pass through): plain text,
 * or with a link the service's Markdown (woa `markdown.text`, WeCom `markdown.content`, DingTalk `markdown.title` +
 * `markdown.text`, as the services' robot pages define them).
 */
export function robotMessage(kind: string, m: ChatMessage): object {
  if (!m.link) return { msgtype: 'text', text: { content: m.text } };
  const md = `${m.text}\n\n[${m.link.title.replace(/[[\]]/g, '')}](${m.link.url})`;
  if (kind === 'wecom') return { msgtype: 'markdown', markdown: { content: md } };
  if (kind === 'dingtalk') return { msgtype: 'markdown', markdown: { title: m.link.title, text: md } };
  return { msgtype: 'markdown', markdown: { text: md } };
}

/** An app message body (`content` of woa/app): type 1 = text, with the link appended as text. */
export function woaAppContent(m: ChatMessage): object {
  return { type: 1, body: m.link ? `${m.text}\n${m.link.title}: ${m.link.url}` : m.text };
}

/** The woa app credentials a woaApp destination carries in its key: `<woa_app_id>:<woa_secret_key>`. */
function woaAppCredentials(key: string | undefined): { woa_app_id: string; woa_secret_key: string } {
  const i = key?.indexOf(':') ?? -1;
  if (!key || i <= 0 || i === key.length - 1) {
    throw new InvalidInputError('A Kingsoft collaboration app message needs the app\'s id and secret key, as "<app id>:<secret key>"');
  }
  return { woa_app_id: key.slice(0, i).trim(), woa_secret_key: key.slice(i + 1).trim() };
}

/** Notifications through Kingsoft Docs: group robots (woa, WeCom, DingTalk) and woa app messages by email. */
export function chatOf(ops: KdocsOperations): ChatCapability {
  const office = new KdocsOffice(ops.client);
  return {
    kinds: [
      { kind: 'woa', needs: ['key'] }, { kind: 'woaApp', needs: ['key', 'email'] }, { kind: 'wecom', needs: ['key'] }, { kind: 'dingtalk', needs: ['key'] },
    ],
    async send(to: ChatDestination, message, o) {
      if (!message.text.trim() && !message.link) throw new InvalidInputError('The message is empty');
      registerSecret(to.key);
      if (to.kind === 'woaApp') {
        const email = to.email?.trim();
        if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) throw new InvalidInputError('A Kingsoft collaboration app message goes to an email address');
        await office.notifyWoaApp({ ...woaAppCredentials(to.key), email, content: woaAppContent(message) }, o);
        return;
      }
      if (!ROBOT_LINK[to.kind]) throw new InvalidInputError(`Kingsoft Docs sends to woa, woaApp, wecom and dingtalk, not "${to.kind}"`);
      if (!to.key?.trim()) throw new InvalidInputError(`A ${to.kind} robot message needs the robot's webhook key`);
      const body = { link: robotLink(to.kind, to.key), data: [robotMessage(to.kind, message)] };
      if (to.kind === 'woa') await office.notifyWoa(body, o);
      else if (to.kind === 'wecom') await office.notifyWecom(body, o);
      else await office.notifyDingtalk(body, o);
    },
  };
}
