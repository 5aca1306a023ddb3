/**
 * Shimo SDK v2 client: one method per endpoint of endpoints.tsv (25) and the task composites (import and export
 * polled to the end, an export downloaded). Plain Node, no vscode.
 *
 * Every request carries `appId` in the query and the signature and the user token as `X-Shimo-Signature` /
 * `X-Shimo-Token` headers (the reference allows both; headers keep both out of URLs). The file routes exist in two
 * path families (`/sdk/v2/shimo-files/...` in the reference, `/sdk/v2/collab-files/...` in the kits since Dec 2025):
 * `family: 'auto'` tries the reference's first and, when a route answers 404 there and not in the other, stays with
 * the other.
 */
import { BadResponseError, InvalidInputError, NotFoundError, isDocError } from '../../core/errors';
import type { HttpResponse } from '../../core/http';
import type { CallOptions } from '../../core/model';
import { multipart } from '../../core/multipart';
import { registerSecret } from '../../core/redact';
import { VendorClient, type VendorClientOptions } from '../../core/vendorClient';
import { parseShimoError, shimoError, taskError } from './errors';
import { signShimo } from './signer';
import type {
  ShimoApp, ShimoCell, ShimoFileType, ShimoHistoryPage, ShimoMention, ShimoPathFamily, ShimoPreviewAnswer, ShimoRevision,
  ShimoSeat, ShimoTaskAnswer,
} from './wire';

/** Client method -> endpoint (endpoints.tsv, vendor shimo). `{family}` is shimo-files or collab-files. */
export const SHIMO_ENDPOINTS = {
  getApp: { method: 'GET', path: '/sdk/v2/api/license/apps/{appId}', license: true },
  updateEndpointUrl: { method: 'PUT', path: '/sdk/v2/api/license/apps/{appId}/endpoint-url', license: true },
  createFile: { method: 'POST', path: '/sdk/v2/api/files' },
  copyFile: { method: 'POST', path: '/sdk/v2/{family}/{fileId}/copy' },
  deleteFile: { method: 'DELETE', path: '/sdk/v2/api/files/{fileId}' },
  sidebarHistory: { method: 'GET', path: '/sdk/v2/{family}/{fileId}/doc-sidebar-info' },
  revisions: { method: 'GET', path: '/sdk/v2/{family}/{fileId}/revisions' },
  plainText: { method: 'GET', path: '/sdk/v2/{family}/{fileId}/plain-text' },
  mentions: { method: 'GET', path: '/sdk/v2/{family}/{fileId}/mention-at-list' },
  commentCount: { method: 'GET', path: '/sdk/v2/{family}/{fileId}/comment-count' },
  createPreview: { method: 'POST', path: '/sdk/v2/api/cloud-files/{fileId}/create' },
  previewPage: { method: 'GET', path: '/sdk/v2/api/cloud-files/{fileId}/page' },
  importFile: { method: 'POST', path: '/sdk/v2/api/files/v1/import' },
  importProgress: { method: 'POST', path: '/sdk/v2/api/files/v1/import/progress' },
  exportFile: { method: 'POST', path: '/sdk/v2/api/files/v1/export/{fileId}' },
  exportProgress: { method: 'POST', path: '/sdk/v2/api/files/v1/export/progress' },
  exportTable: { method: 'POST', path: '/sdk/v2/api/files/export/table-sheets/{fileId}' },
  readSheet: { method: 'GET', path: '/sdk/v2/api/files/{fileId}/sheets/values' },
  updateSheet: { method: 'POST', path: '/sdk/v2/api/files/{fileId}/sheets/values' },
  appendSheet: { method: 'PUT', path: '/sdk/v2/api/files/{fileId}/sheets/values' },
  deleteRows: { method: 'DELETE', path: '/sdk/v2/api/files/{fileId}/sheets/{sheetName}/rows/{index}' },
  addSheet: { method: 'POST', path: '/sdk/v2/api/files/{fileId}/sheets' },
  listSeats: { method: 'GET', path: '/sdk/v2/api/license/users', license: true },
  activateSeats: { method: 'POST', path: '/sdk/v2/api/license/users/activate', license: true },
  deactivateSeats: { method: 'POST', path: '/sdk/v2/api/license/users/deactivate', license: true },
} as const;

export type ShimoEndpoint = keyof typeof SHIMO_ENDPOINTS;

export interface ShimoCredentials {
  /** The SDK server (`https://shimo-domain`), without a trailing slash. */
  host: string;
  appId: string;
  appSecret: string;
  /** The integrator's user token (echoed to its callbacks as X-Shimo-Token). */
  userToken: string;
  /** Path family of the file routes (default 'auto'). */
  family?: ShimoPathFamily | 'auto';
}

/** A file id for a new file: the integrator mints them (at most 64 characters). */
export function newShimoFileId(): string {
  return `dw-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** `工作表1!A1:C3`; a sheet name with `!`, `:` or `'` is quoted (`'a!b'!A1`), quotes doubled. */
export function a1Range(sheet: string, cells?: string): string {
  const name = /[!:']/.test(sheet) ? `'${sheet.replace(/'/g, "''")}'` : sheet;
  return cells ? `${name}!${cells}` : name;
}

/** Column letters of a 0-based column index (0 -> A, 26 -> AA). */
export function columnName(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

type Query = Array<[string, string]>;

export class ShimoClient extends VendorClient {
  private family: ShimoPathFamily;
  private readonly auto: boolean;

  constructor(private readonly creds: ShimoCredentials, opts: VendorClientOptions = {}) {
    super('shimo', creds.host, opts, parseShimoError);
    registerSecret(creds.appSecret);
    registerSecret(creds.userToken);
    this.auto = !creds.family || creds.family === 'auto';
    this.family = creds.family && creds.family !== 'auto' ? creds.family : 'shimo-files';
  }

  /** The path family in use (learnt under 'auto'). */
  get pathFamily(): ShimoPathFamily {
    return this.family;
  }

  // ---------------------------------------------------------------- plumbing

  private url(name: ShimoEndpoint, params: Record<string, string>, query: Query, family: ShimoPathFamily): string {
    const path = SHIMO_ENDPOINTS[name].path
      .replace('{family}', family)
      .replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(params[k] ?? ''));
    const q: Query = [['appId', this.creds.appId], ...query];
    return `${this.host}${path}?${q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
  }

  /** One signed call; the answer when 2xx, else the typed error. */
  private async call(
    name: ShimoEndpoint, params: Record<string, string>, what: string, o: CallOptions | undefined,
    extra: { query?: Query; json?: unknown; form?: { contentType: string; body: () => Buffer | NodeJS.ReadableStream }; responseType?: 'buffer' } = {},
  ): Promise<HttpResponse> {
    const ep = SHIMO_ENDPOINTS[name];
    const familyRoute = ep.path.includes('{family}');
    const send = async (family: ShimoPathFamily) => {
      const signature = await signShimo(this.creds.appId, this.creds.appSecret, { license: 'license' in ep && ep.license, nowMs: this.now() });
      const headers: Record<string, string> = { 'x-shimo-signature': signature, 'x-shimo-token': this.creds.userToken };
      let body: string | (() => Buffer) | undefined;
      if (extra.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(extra.json);
      } else if (extra.form) {
        headers['content-type'] = extra.form.contentType;
        body = extra.form.body as () => Buffer;
      }
      return this.request({
        method: ep.method, url: this.url(name, params, extra.query ?? [], family), headers, body,
        idempotent: ep.method === 'GET' || ep.method === 'PUT' || ep.method === 'DELETE',
        signal: o?.signal, limitKey: this.limitKey,
      }, what, (res) => {
        if (res.status < 200 || res.status >= 300) throw shimoError(res.status, res.body, what, res.headers);
        return res;
      });
    };
    if (!familyRoute || !this.auto) return send(this.family);
    try {
      return await send(this.family);
    } catch (e) {
      if (!isDocError(e, 'NotFound')) throw e;
      const other: ShimoPathFamily = this.family === 'shimo-files' ? 'collab-files' : 'shimo-files';
      let res: HttpResponse;
      try {
        res = await send(other);
      } catch {
        throw e; // not found in either family: the file is not there
      }
      this.log.info(`Shimo serves the ${other} path family here; using it from now on`);
      this.family = other;
      return res;
    }
  }

  private json<T>(res: HttpResponse, what: string): T {
    try {
      return res.json<T>();
    } catch {
      throw new BadResponseError(`${what}: Shimo answered something that is not JSON`, { status: res.status });
    }
  }

  private async task(name: ShimoEndpoint, params: Record<string, string>, what: string, o: CallOptions | undefined, extra: Parameters<ShimoClient['call']>[4]): Promise<ShimoTaskAnswer> {
    const a = this.json<ShimoTaskAnswer>(await this.call(name, params, what, o, extra), what);
    if (!a || typeof a !== 'object') throw new BadResponseError(`${what}: no answer`);
    if (typeof a.status === 'number' && a.status !== 0) throw taskError(what, a.status, a.message);
    return a;
  }

  // ---------------------------------------------------------------- license and app

  async getApp(o?: CallOptions): Promise<ShimoApp> {
    const a = this.json<ShimoApp>(await this.call('getApp', { appId: this.creds.appId }, 'app detail', o), 'app detail');
    if (!a || typeof a.appName !== 'string') throw new BadResponseError('app detail: the answer has no appName');
    return a;
  }

  async updateEndpointUrl(url: string, o?: CallOptions): Promise<void> {
    await this.call('updateEndpointUrl', { appId: this.creds.appId }, 'update the callback URL', o, { json: { url } });
  }

  async listSeats(page = 1, size = 30, o?: CallOptions): Promise<ShimoSeat[]> {
    const a = this.json<ShimoSeat[] | { users?: ShimoSeat[] }>(await this.call('listSeats', {}, 'seats', o, { query: [['page', String(page)], ['size', String(size)]] }), 'seats');
    const list = Array.isArray(a) ? a : a?.users;
    if (!Array.isArray(list)) throw new BadResponseError('seats: the answer is no list');
    return list;
  }

  async activateSeats(userIds: readonly string[], o?: CallOptions): Promise<void> {
    await this.call('activateSeats', {}, `activate ${userIds.length} seats`, o, { json: { userIds } });
  }

  async deactivateSeats(userIds: readonly string[], o?: CallOptions): Promise<void> {
    await this.call('deactivateSeats', {}, `deactivate ${userIds.length} seats`, o, { json: { userIds } });
  }

  // ---------------------------------------------------------------- files

  async createFile(type: ShimoFileType, fileId: string, o?: CallOptions & { lang?: string }): Promise<void> {
    checkId(fileId);
    await this.call('createFile', {}, `create ${type} ${fileId}`, o, { json: { type, fileId }, query: o?.lang ? [['lang', o.lang]] : [] });
  }

  async copyFile(fileId: string, newFileId: string, o?: CallOptions): Promise<void> {
    checkId(newFileId);
    await this.call('copyFile', { fileId }, `copy ${fileId}`, o, { json: { fileId: newFileId } });
  }

  async deleteFile(fileId: string, o?: CallOptions): Promise<void> {
    await this.call('deleteFile', { fileId }, `delete ${fileId}`, o);
  }

  async sidebarHistory(fileId: string, q: { pageSize?: number; count?: number; historyType?: 1 | 2 } = {}, o?: CallOptions): Promise<ShimoHistoryPage> {
    const query: Query = [];
    if (q.pageSize) query.push(['pageSize', String(q.pageSize)]);
    if (q.count) query.push(['count', String(q.count)]);
    if (q.historyType) query.push(['historyType', String(q.historyType)]);
    const a = this.json<ShimoHistoryPage>(await this.call('sidebarHistory', { fileId }, `history of ${fileId}`, o, { query }), 'history');
    if (!a || !Array.isArray(a.histories)) throw new BadResponseError(`history of ${fileId}: the answer has no histories`);
    return a;
  }

  /** The reference shows a bare array, vendor-facts `{revisions: [...]}`: both are read. */
  async revisions(fileId: string, o?: CallOptions): Promise<ShimoRevision[]> {
    const a = this.json<ShimoRevision[] | { revisions?: ShimoRevision[] }>(await this.call('revisions', { fileId }, `revisions of ${fileId}`, o), 'revisions');
    const list = Array.isArray(a) ? a : a?.revisions;
    if (!Array.isArray(list)) throw new BadResponseError(`revisions of ${fileId}: the answer has no revisions`);
    return list;
  }

  async plainText(fileId: string, o?: CallOptions): Promise<string> {
    const a = this.json<{ content?: unknown }>(await this.call('plainText', { fileId }, `text of ${fileId}`, o), 'plain text');
    if (typeof a?.content !== 'string') throw new BadResponseError(`text of ${fileId}: the answer has no content`);
    return a.content;
  }

  async mentions(fileId: string, o?: CallOptions): Promise<ShimoMention[]> {
    const a = this.json<{ mentionAtList?: ShimoMention[] }>(await this.call('mentions', { fileId }, `mentions of ${fileId}`, o), 'mentions');
    if (!Array.isArray(a?.mentionAtList)) throw new BadResponseError(`mentions of ${fileId}: the answer has no mentionAtList`);
    return a.mentionAtList;
  }

  async commentCount(fileId: string, o?: CallOptions): Promise<number> {
    const a = this.json<{ count?: unknown }>(await this.call('commentCount', { fileId }, `comments of ${fileId}`, o), 'comment count');
    if (typeof a?.count !== 'number') throw new BadResponseError(`comments of ${fileId}: the answer has no count`);
    return a.count;
  }

  // ---------------------------------------------------------------- preview

  /** Creates the preview; a non-empty `code` is the failure the service reports. */
  async createPreview(fileId: string, o?: CallOptions): Promise<ShimoPreviewAnswer> {
    const a = this.json<ShimoPreviewAnswer>(await this.call('createPreview', { fileId }, `preview of ${fileId}`, o), 'preview');
    return { code: String(a?.code ?? ''), message: a?.message };
  }

  /**
   * The preview page's address, signed (it carries the signature and the token in its query, as the iframe of the
   * reference does): a secret; callers show it only to the user's browser.
   */
  async previewPageUrl(fileId: string, lang = 'zh-CN'): Promise<string> {
    const signature = await signShimo(this.creds.appId, this.creds.appSecret, { nowMs: this.now() });
    registerSecret(signature);
    return this.url('previewPage', { fileId }, [['signature', signature], ['token', this.creds.userToken], ['lang', lang]], this.family);
  }

  /** The preview page's HTML (what the iframe would show). */
  async previewPage(fileId: string, o?: CallOptions): Promise<string> {
    return (await this.call('previewPage', { fileId }, `preview page of ${fileId}`, o)).text();
  }

  // ---------------------------------------------------------------- import and export

  /** Starts an import into a new file id: a local file's bytes, or a URL Shimo fetches. Returns the task id. */
  async importFile(
    i: { fileId: string; type: ShimoFileType } & ({ file: { name: string; data: Uint8Array } } | { fileUrl: string; fileName: string }),
    o?: CallOptions,
  ): Promise<string> {
    checkId(i.fileId);
    const ext = ('file' in i ? i.file.name : i.fileName).split('.').pop()?.toLowerCase() ?? '';
    const allowed = IMPORTS[i.type];
    if (!allowed.includes(ext)) throw new InvalidInputError(`A Shimo ${i.type} imports ${allowed.join(', ') || 'nothing'}, not .${ext}`);
    const fields: Record<string, string> = { fileId: i.fileId, type: i.type };
    const form = 'file' in i
      ? await multipart(fields, { field: 'file', filename: i.file.name, source: { data: i.file.data } })
      : await multipart({ ...fields, fileUrl: i.fileUrl, fileName: i.fileName }, undefined);
    const a = await this.task('importFile', {}, `import ${i.fileId}`, o, { form: { contentType: form.contentType, body: form.body as () => Buffer } });
    if (!a.data?.taskId) throw new BadResponseError(`import ${i.fileId}: the answer has no taskId`);
    return a.data.taskId;
  }

  async importProgress(taskId: string, o?: CallOptions): Promise<number> {
    const a = await this.task('importProgress', {}, 'import progress', o, { query: [['taskId', taskId]] });
    return Number(a.data?.progress ?? 0);
  }

  async exportFile(fileId: string, type: string, o?: CallOptions): Promise<string> {
    const a = await this.task('exportFile', { fileId }, `export ${fileId} to ${type}`, o, { json: { type } });
    if (!a.data?.taskId) throw new BadResponseError(`export ${fileId}: the answer has no taskId`);
    return a.data.taskId;
  }

  async exportProgress(taskId: string, o?: CallOptions): Promise<{ progress: number; downloadUrl?: string }> {
    const a = await this.task('exportProgress', {}, 'export progress', o, { query: [['taskId', taskId]] });
    return { progress: Number(a.data?.progress ?? 0), downloadUrl: a.data?.downloadUrl };
  }

  /** An application table as .xlsx: its download URL. */
  async exportTable(fileId: string, o?: CallOptions): Promise<string> {
    const a = this.json<ShimoTaskAnswer & { downloadUrl?: string }>(await this.call('exportTable', { fileId }, `export table ${fileId}`, o), 'export table');
    if (typeof a?.status === 'number' && a.status !== 0) throw taskError(`export table ${fileId}`, a.status, a.message);
    const url = a?.downloadUrl ?? a?.data?.downloadUrl;
    if (!url) throw new BadResponseError(`export table ${fileId}: the answer has no downloadUrl`);
    return url;
  }

  /** Imports and waits until Shimo reports 100. */
  async importAndWait(i: Parameters<ShimoClient['importFile']>[0], o?: CallOptions & { onProgress?: (p: number) => void }): Promise<void> {
    const taskId = await this.importFile(i, o);
    await this.pollServerTask(async () => {
      const p = await this.importProgress(taskId, o);
      o?.onProgress?.(p);
      return p >= 100 ? { done: true, value: undefined } : { done: false };
    }, `import of ${i.fileId}`, o);
  }

  /** Exports and downloads the result (an expired download URL: the export runs again, once). */
  async exportBytes(fileId: string, type: string, o?: CallOptions & { onProgress?: (p: number) => void }): Promise<Uint8Array> {
    for (let attempt = 1; ; attempt++) {
      const url = type === 'xlsx-table' ? await this.exportTable(fileId, o) : await this.exportUrl(fileId, type, o);
      registerSecret(new URL(url).search.slice(1) || undefined);
      const res = await this.http.request({ method: 'GET', url, signal: o?.signal, hideQuery: true });
      if (res.status >= 200 && res.status < 300) return res.body;
      if (attempt >= 2 || ![403, 404, 410].includes(res.status)) throw shimoError(res.status, res.body, `download of the export of ${fileId}`);
      this.log.debug(`The export download of ${fileId} answered ${res.status} (expired?): exporting again`);
    }
  }

  private async exportUrl(fileId: string, type: string, o?: CallOptions & { onProgress?: (p: number) => void }): Promise<string> {
    const taskId = await this.exportFile(fileId, type, o);
    return this.pollServerTask<string>(async () => {
      const p = await this.exportProgress(taskId, o);
      o?.onProgress?.(p.progress);
      if (p.progress < 100) return { done: false };
      if (!p.downloadUrl) throw new BadResponseError(`export of ${fileId}: done without a downloadUrl`);
      return { done: true, value: p.downloadUrl };
    }, `export of ${fileId}`, o);
  }

  // ---------------------------------------------------------------- sheets

  async readSheet(fileId: string, range: string, o?: CallOptions): Promise<ShimoCell[][]> {
    const a = this.json<{ values?: ShimoCell[][] }>(await this.call('readSheet', { fileId }, `values of ${fileId} ${range}`, o, { query: [['range', range]] }), 'sheet values');
    if (!a || !Array.isArray(a.values)) throw new BadResponseError(`values of ${fileId}: the answer has no values`);
    return a.values;
  }

  async updateSheet(fileId: string, range: string, values: ShimoCell[][], o?: CallOptions): Promise<void> {
    await this.call('updateSheet', { fileId }, `update ${fileId} ${range}`, o, { json: { range, resource: { values } } });
  }

  async appendSheet(fileId: string, range: string, values: ShimoCell[][], o?: CallOptions): Promise<void> {
    await this.call('appendSheet', { fileId }, `append to ${fileId} ${range}`, o, { json: { range, resource: { values } } });
  }

  /** Deletes `count` rows from the 0-based row `index`. */
  async deleteRows(fileId: string, sheetName: string, index: number, count = 1, o?: CallOptions): Promise<void> {
    await this.call('deleteRows', { fileId, sheetName, index: String(index) }, `delete ${count} rows of ${fileId} ${sheetName}`, o, { query: [['count', String(count)]] });
  }

  async addSheet(fileId: string, name: string, o?: CallOptions): Promise<void> {
    await this.call('addSheet', { fileId }, `add sheet ${name} to ${fileId}`, o, { json: { name } });
  }
}

const IMPORTS: Readonly<Record<ShimoFileType, readonly string[]>> = {
  document: ['docx', 'doc', 'md', 'txt'],
  documentPro: ['docx', 'doc', 'wps'],
  spreadsheet: ['xlsx', 'xls', 'csv', 'xlsm'],
  presentation: ['pptx', 'ppt'],
  table: [],
};

function checkId(id: string): void {
  if (!id || id.length > 64) throw new InvalidInputError('A Shimo file id is 1 to 64 characters');
}

export { NotFoundError };
