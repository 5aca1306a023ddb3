/**
 * Kingsoft Docs client for the groups `convert`, `extract`, `anonymous-preview`, `airscript`, `outline` and
 * `notification` of endpoints.tsv (24 rows; `GET /office/tasks/:task_id` is listed under convert and extract and is one
 * method here). Every call goes through KdocsClient.callEndpoint: one HTTP layer, the same WPS-2 signing, token
 * replay, envelope and error mapping (a used-up daily quota is RateLimitedError with vendor code 42901).
 *
 * Auth per group (reference pages): convert, extract, office tasks and anonymous previews are WPS-2 signed; AirScript,
 * outline export and the notifications carry the user's `?access_token=`.
 *
 * Secrets: preview tokens, webhook keys and woa app secrets are registered for redaction before they are sent;
 * conversion passwords too. Result and preview URLs are credentials: downloads never log their query.
 * Plain Node, no vscode.
 */
import { BadResponseError, isDocError, NotFoundError } from '../../core/errors';
import type { CallOptions } from '../../core/model';
import { registerSecret } from '../../core/redact';
import type { KdSource, UploadOptions } from './api';
import type { CallInput, KdEndpointSpec, KdocsClient } from './client';
import {
  type KdConvertRequest, type KdConvertTarget, type KdExtractRequest, type KdOfficeTask, type KdPreviewResult,
  type KdPreviewStart, type KdPreviewTask, type KdRobotMessage, type KdScriptRequest, type KdScriptStatus,
  type KdWoaAppMessage, toOfficeTask, toPreviewResult, toPreviewTask, toScriptStatus,
} from './office-wire';
import { taskIdOf } from './wire';

const B = '/api/v1/openapi';
type Method = KdEndpointSpec['method'];
const token = (method: Method, path: string, more: Partial<KdEndpointSpec> = {}): KdEndpointSpec => ({ method, path: B + path, auth: 'token', ...more });
const wps2 = (method: Method, path: string, more: Partial<KdEndpointSpec> = {}): KdEndpointSpec => ({ method, path: B + path, auth: 'wps2', ...more });

/** Client method -> endpoint (endpoints.tsv, the six groups above). A unit test checks it against the TSV. */
export const KDOCS_OFFICE_ENDPOINTS = {
  convertToJpg: wps2('POST', '/office/convert/files/to/jpg'),
  convertToPng: wps2('POST', '/office/convert/files/to/png'),
  convertToTxt: wps2('POST', '/office/convert/files/to/txt'),
  convertToPdf: wps2('POST', '/office/convert/files/to/pdf'),
  convertToXlsx: wps2('POST', '/office/convert/files/to/xlsx'),
  convertToPptx: wps2('POST', '/office/convert/files/to/pptx'),
  convertToDocx: wps2('POST', '/office/convert/files/to/docx'),
  // Task ids look like `open:abc...`: the pages send the colon as it is.
  officeTask: wps2('GET', '/office/tasks/:task_id', { keepColon: true }),
  extractPlaintext: wps2('POST', '/office/extract/plaintext'),

  previewAppspace: wps2('POST', '/anonymous/preview/appspace/with_token'),
  previewCloud: wps2('POST', '/anonymous/preview/cloud/with_token'),
  previewLocal: wps2('POST', '/anonymous/preview/local/with_token'),
  // The old token stops working once a new one is handed out: never repeated blindly.
  anonymousRefreshToken: wps2('POST', '/anonymous/token'),
  anonymousCancelToken: wps2('DELETE', '/anonymous/token/:token'),
  anonymousTask: wps2('GET', '/anonymous/tasks/:task_id', { keepColon: true }),

  scriptRun: token('POST', '/personal/files/:file_token/script'),
  scriptStatus: token('GET', '/personal/personal/script/status'),
  scriptRunSync: token('POST', '/personal/files/:file_token/sync_script'),

  // An export reads the document: safe to repeat.
  outlineExportJson: token('POST', '/outline/:file_token/export/full_json', { idempotent: true }),

  // A repeated message would be a second message: never repeated blindly.
  notifyWoa: token('POST', '/notification/woa'),
  notifyWoaApp: token('POST', '/notification/woa/app'),
  notifyWecom: token('POST', '/notification/wecom'),
  notifyDingtalk: token('POST', '/notification/dingtalk'),
} as const satisfies Record<string, KdEndpointSpec>;

export type KdocsOfficeEndpoint = keyof typeof KDOCS_OFFICE_ENDPOINTS;

const CONVERT_ENDPOINT: Record<KdConvertTarget, KdocsOfficeEndpoint> = {
  pdf: 'convertToPdf', docx: 'convertToDocx', xlsx: 'convertToXlsx', pptx: 'convertToPptx', txt: 'convertToTxt',
  jpg: 'convertToJpg', png: 'convertToPng',
};

/** Progress in percent, as `(done, 100)`. */
export type PercentOptions = CallOptions & { onProgress?(done: number, total: number): void };

export class KdocsOffice {
  constructor(readonly client: KdocsClient) {}

  private call(name: KdocsOfficeEndpoint, input: CallInput = {}, o?: CallOptions): Promise<unknown> {
    return this.client.callEndpoint(KDOCS_OFFICE_ENDPOINTS[name], input, o);
  }

  private async start(name: KdocsOfficeEndpoint, input: CallInput, o?: CallOptions): Promise<{ taskId: string }> {
    const data = await this.call(name, input, o);
    const taskId = taskIdOf(data);
    if (!taskId) throw new BadResponseError(`${input.what ?? name}: no task id in the answer`);
    return { taskId };
  }

  // ---------------------------------------------------------------- convert

  convertToPdf(p: KdConvertRequest, o?: CallOptions): Promise<{ taskId: string }> {
    return this.convert('pdf', p, o);
  }

  convertToDocx(p: KdConvertRequest, o?: CallOptions): Promise<{ taskId: string }> {
    return this.convert('docx', p, o);
  }

  convertToXlsx(p: KdConvertRequest, o?: CallOptions): Promise<{ taskId: string }> {
    return this.convert('xlsx', p, o);
  }

  convertToPptx(p: KdConvertRequest, o?: CallOptions): Promise<{ taskId: string }> {
    return this.convert('pptx', p, o);
  }

  convertToTxt(p: KdConvertRequest, o?: CallOptions): Promise<{ taskId: string }> {
    return this.convert('txt', p, o);
  }

  convertToJpg(p: KdConvertRequest, o?: CallOptions): Promise<{ taskId: string }> {
    return this.convert('jpg', p, o);
  }

  convertToPng(p: KdConvertRequest, o?: CallOptions): Promise<{ taskId: string }> {
    return this.convert('png', p, o);
  }

  /** Starts a conversion of `p.filename` to `target` (one of the convertTo* endpoints). */
  convert(target: KdConvertTarget, p: KdConvertRequest, o?: CallOptions): Promise<{ taskId: string }> {
    registerSecret(p.password);
    return this.start(CONVERT_ENDPOINT[target], { json: p, what: `convert "${p.filename}" to ${target}` }, o);
  }

  /** A conversion or extraction task. */
  async officeTask(taskId: string, o?: CallOptions): Promise<KdOfficeTask> {
    const t = toOfficeTask(await this.call('officeTask', { params: { task_id: taskId } }, o), taskId);
    if (!t) throw new BadResponseError('office task: no task status in the answer');
    for (const f of t.files) registerQuery(f.url);
    return t;
  }

  // ---------------------------------------------------------------- extract

  extractPlaintext(p: KdExtractRequest, o?: CallOptions): Promise<{ taskId: string }> {
    registerSecret(p.password);
    return this.start('extractPlaintext', { json: p, what: `extract the text of "${p.filename}"` }, o);
  }

  // ---------------------------------------------------------------- anonymous previews

  /** Preview of an app-space file. */
  async previewAppspace(p: { file_token: string; download?: boolean }, o?: CallOptions): Promise<KdPreviewStart> {
    return previewStart(await this.call('previewAppspace', { json: p, what: 'anonymous preview of an app-space file' }, o));
  }

  /** Preview of a document on the web (its download URL). */
  async previewCloud(p: { url: string; filename: string; download?: boolean }, o?: CallOptions): Promise<KdPreviewStart> {
    return previewStart(await this.call('previewCloud', { json: p, what: `anonymous preview of "${p.filename}"` }, o));
  }

  /** Preview of a local file, sent as multipart `file` with `filename` (and `download`). */
  async previewLocal(p: { filename: string; source: KdSource; download?: boolean }, o?: UploadOptions): Promise<KdPreviewStart> {
    const fields = { filename: p.filename, download: p.download === undefined ? undefined : String(p.download) };
    const upload = { fields, filename: p.filename, source: p.source, onProgress: o?.onProgress };
    return previewStart(await this.call('previewLocal', { upload, what: `anonymous preview of "${p.filename}"` }, o));
  }

  /** A new token for the preview `current` belongs to; `current` stops working. */
  async anonymousRefreshToken(current: string, o?: CallOptions): Promise<KdPreviewResult> {
    registerSecret(current);
    const r = toPreviewResult(await this.call('anonymousRefreshToken', { json: { token: current }, what: 'renew an anonymous preview token' }, o));
    if (!r?.token) throw new BadResponseError('renew an anonymous preview token: no token in the answer');
    registerPreview(r);
    return r;
  }

  async anonymousCancelToken(t: string, o?: CallOptions): Promise<void> {
    registerSecret(t); // it goes into the URL path
    await this.call('anonymousCancelToken', { params: { token: t }, what: 'revoke an anonymous preview token' }, o);
  }

  async anonymousTask(taskId: string, o?: CallOptions): Promise<KdPreviewTask> {
    const t = toPreviewTask(await this.call('anonymousTask', { params: { task_id: taskId } }, o), taskId);
    if (!t) throw new BadResponseError('anonymous task: no task status in the answer');
    if (t.result) registerPreview(t.result);
    return t;
  }

  // ---------------------------------------------------------------- AirScript

  /** Starts a script against a personal file (an online sheet); poll scriptStatus with the task id. */
  scriptRun(fileToken: string, p: KdScriptRequest, o?: CallOptions): Promise<{ taskId: string }> {
    return this.start('scriptRun', { params: { file_token: fileToken }, json: p, what: `run script "${p.script_name ?? 'anonymous'}"` }, o);
  }

  /** Status, new log lines and (at the end) result or error of a script task. */
  async scriptStatus(taskId: string, o?: CallOptions): Promise<KdScriptStatus> {
    // The page says: encodeURIComponent the task id. The query string is percent-encoded (RFC 3986) exactly once.
    return toScriptStatus(await this.call('scriptStatus', { query: { task_id: taskId }, what: 'script status' }, o));
  }

  /** Runs a script and answers when it ended (logs, result or error in one answer). */
  async scriptRunSync(fileToken: string, p: KdScriptRequest, o?: CallOptions): Promise<KdScriptStatus> {
    return toScriptStatus(await this.call('scriptRunSync', { params: { file_token: fileToken }, json: p, what: `run script "${p.script_name ?? 'anonymous'}"` }, o));
  }

  // ---------------------------------------------------------------- outline

  /** The structured content of an online outline document (.otl), as the service answers it (`data`). */
  outlineExportJson(fileToken: string, o?: CallOptions): Promise<unknown> {
    return this.call('outlineExportJson', { params: { file_token: fileToken }, what: 'export of an outline document' }, o);
  }

  // ---------------------------------------------------------------- notifications

  /** A Kingsoft collaboration (woa) group robot message. */
  async notifyWoa(p: KdRobotMessage, o?: CallOptions): Promise<void> {
    registerRobot(p);
    await this.call('notifyWoa', { json: p, what: 'send a Kingsoft collaboration robot message' }, o);
  }

  /** A Kingsoft collaboration app message to the user with `email`. */
  async notifyWoaApp(p: KdWoaAppMessage, o?: CallOptions): Promise<void> {
    registerSecret(p.woa_secret_key);
    await this.call('notifyWoaApp', { json: p, what: 'send a Kingsoft collaboration app message' }, o);
  }

  /** A WeCom group robot message. */
  async notifyWecom(p: KdRobotMessage, o?: CallOptions): Promise<void> {
    registerRobot(p);
    await this.call('notifyWecom', { json: p, what: 'send a WeCom robot message' }, o);
  }

  /** A DingTalk group robot message. */
  async notifyDingtalk(p: KdRobotMessage, o?: CallOptions): Promise<void> {
    registerRobot(p);
    await this.call('notifyDingtalk', { json: p, what: 'send a DingTalk robot message' }, o);
  }

  // ---------------------------------------------------------------- composites

  /**
   * Polls a conversion / extraction task until it has its result (`onProgress` in percent). A failed task throws
   * the error `failure(message)` makes of its message.
   */
  waitOfficeTask(taskId: string, failure: (message: string) => Error, o?: PercentOptions): Promise<KdOfficeTask> {
    let last = -1;
    return this.client.pollTask<KdOfficeTask>(async () => {
      const t = await this.officeTask(taskId, o);
      if (t.state === 'failed') throw failure(t.message ?? 'failed');
      if (t.state === 'success') {
        o?.onProgress?.(100, 100);
        return { done: true, value: t };
      }
      const pct = Math.min(99, Math.max(0, Math.round(t.progress ?? 0)));
      if (pct !== last) o?.onProgress?.(pct, 100);
      last = pct;
      return { done: false };
    }, 'Kingsoft Docs conversion', o);
  }

  /**
   * Bytes of result file `index` of a finished task. A result URL lives 30 minutes: when it is refused as expired,
   * the task is read again for a fresh URL, once; when that is refused too (or the task is gone), NotFoundError
   * says the result expired.
   */
  async resultBytes(taskId: string, index: number, first: string, what: string, o?: CallOptions): Promise<Uint8Array> {
    let round = 0;
    const getUrl = async () => {
      if (round++ === 0) return first;
      const again = await this.officeTask(taskId, o);
      const url = again.files[index]?.url;
      if (!url) throw new NotFoundError(`${what}: the result is no longer available (result links live 30 minutes) — convert again`);
      return url;
    };
    try {
      return await this.client.fetchTemporaryBytes(what, getUrl, o);
    } catch (e) {
      if (isDocError(e, 'NotFound') && /no longer available/.test(e.message)) throw e;
      if (isDocError(e) && (e.status === 403 || e.status === 404 || e.status === 410)) {
        throw new NotFoundError(`${what}: the result's download link expired (result links live 30 minutes) — convert again`, {
          status: e.status, vendorCode: e.vendorCode, vendor: 'kdocs', cause: e,
        });
      }
      throw e;
    }
  }

  /** Polls an anonymous preview task until it has its url and token. */
  waitPreviewTask(taskId: string, o?: CallOptions): Promise<KdPreviewResult> {
    return this.client.pollTask<KdPreviewResult>(async () => {
      const t = await this.anonymousTask(taskId, o);
      if (t.state === 'failed') throw new BadResponseError(`anonymous preview failed: ${t.message ?? 'no reason given'}`);
      return t.state === 'success' && t.result ? { done: true, value: t.result } : { done: false };
    }, 'Kingsoft Docs anonymous preview', o);
  }
}

// ---------------------------------------------------------------- helpers

function previewStart(data: unknown): KdPreviewStart {
  const result = toPreviewResult(data);
  if (result) registerPreview(result);
  const taskId = taskIdOf(data);
  if (!taskId && !result) throw new BadResponseError('anonymous preview: no task id in the answer');
  return { taskId, result };
}

function registerPreview(r: KdPreviewResult): void {
  registerSecret(r.token);
  if (r.url) registerQuery(r.url);
}

/** A URL's query is its credential: registered, so that no log line or message shows it. */
function registerQuery(url: string): void {
  const q = url.indexOf('?');
  if (q >= 0) registerSecret(url.slice(q + 1));
}

function registerRobot(p: KdRobotMessage): void {
  registerQuery(p.link);
  registerSecret(p.sk);
}
