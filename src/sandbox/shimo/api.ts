import type * as http from 'node:http';
import { fetchLoopback, FetchRefused, loopbackUrl } from '../common/fetch';
import { multipartBoundary, parseMultipart, parseUrlEncoded } from '../common/form';
import { escapeHtml, htmlPage, type Reply } from '../common/http';
import type { Downloads } from './downloads';
import { serr } from './errors';
import { FILE_TYPES, isFileType, type Content, type FileType, type ShimoFile } from './model';
import { EXPORT_FORMATS, exportContent, extOf, IMPORT_FORMATS, ImportError, importContent, plainText, xlsxOf } from './office';
import { addSheet, appendValues, cellsOf, deleteRows, findSheet, parseRange, readValues, updateValues } from './sheets';
import { checkFileId, langOf, type Store } from './store';
import { DOWNLOAD_FAILED, UNREADABLE, type Tasks } from './tasks';

/**
 * The 25 routes of the Shimo SDK v2 API (shared/api-docs/endpoints.tsv), their bodies and answers:
 *
 *   license (signature with "scope":"license", at most 4 minutes; the user token is not looked at: these APIs act as
 *   the app, and the reference's "token" only names the user Shimo passes to the integrator's callbacks)
 *     GET  /sdk/v2/api/license/apps/{appId}                    app detail (reference fields + premiumFileTypes)
 *     PUT  /sdk/v2/api/license/apps/{appId}/endpoint-url       {url} -> 204
 *     GET  /sdk/v2/api/license/users?page=&size=              [{userId, createdAt, status}]
 *     POST /sdk/v2/api/license/users/activate                  {userIds} -> 204 (403 40301 beyond memberLimit)
 *     POST /sdk/v2/api/license/users/deactivate                {userIds} -> 204
 *   user (signature at most 7 days ahead + the integrator's user token, which must be the sandbox's userToken)
 *     POST   /sdk/v2/api/files                                 {type, fileId} -> 204
 *     POST   /sdk/v2/{shimo-files|collab-files}/{id}/copy      {fileId} -> 204  (also /sdk/v2/api/files/{id}/copy)
 *     DELETE /sdk/v2/api/files/{id}                            204
 *     GET    /sdk/v2/{shimo-files|collab-files}/{id}/doc-sidebar-info|revisions|plain-text|mention-at-list|comment-count
 *     POST   /sdk/v2/api/cloud-files/{id}/create               {code, message}   GET .../page  HTML
 *     POST   /sdk/v2/api/files/v1/import                       multipart -> {status, message, data:{taskId}}
 *     POST   /sdk/v2/api/files/v1/import/progress              -> {status, message, data:{progress}}
 *     POST   /sdk/v2/api/files/v1/export/{id}                  {type} -> {status, message, data:{taskId}}
 *     POST   /sdk/v2/api/files/v1/export/progress              -> {status, message, data:{progress, downloadUrl}}
 *     POST   /sdk/v2/api/files/export/table-sheets/{id}        -> {status, message, downloadUrl}
 *     GET|POST|PUT /sdk/v2/api/files/{id}/sheets/values        read / update / append (sheets.ts)
 *     DELETE /sdk/v2/api/files/{id}/sheets/{sheetName}/rows/{index}?count=
 *     POST   /sdk/v2/api/files/{id}/sheets                     {name} -> 204
 *
 * Choices where the reference is silent (more in store.ts, sheets.ts, office.ts, tasks.ts, errors.ts):
 * - Bodies are read as JSON whatever the Content-Type says (the kits do not always send one); an empty body is `{}`.
 * - Create: `type` must be one of the five types; an id in use answers 409 40900 (the reference has no such case).
 * - Copy: the reference's repeated-request rules: the same copy again answers 204; a target id held by anything else
 *   answers 400 `{"code":70016}` ("target file association data exists, but no copy task"). Copies are immediate.
 * - Types per API (the reference lists them where it restricts): mention-at-list document/documentPro/spreadsheet;
 *   comment-count spreadsheet; sheet APIs spreadsheet; plain-text all but table (sdk-demo-go: "application tables do
 *   not expose these APIs"); export/v1 all but table; table-sheets table only. Others: 400 40003.
 * - doc-sidebar-info: `pageSize` (absent or 0 = 10, at most 100: larger values are cut to 100), `count` (offset,
 *   default 0), `historyType` 1 or 2 (absent or 0 = all: sdk-kit-go sends 0 when unset); entries oldest first as in
 *   the reference's example; `limit` = the page size used; `users` maps the page's user ids to names; `userId` joins
 *   several ids with ",". Times: seconds, UTC ("2021-06-07T06:12:24Z").
 * - revisions: `{revisions: [...]}` (vendor-facts; sdk-kit-go's "revisions list fix"), oldest first, numeric ids,
 *   label "2024/3/12 星期二 15:00" in China time (the reference's example), times with milliseconds UTC.
 * - Seats: `page` and `size` are required (reference) positive integers, size at most 1000; users ordered by the time
 *   Shimo first saw them; createdAt in China time ("2021-05-20T14:56:53+08:00", the reference's example).
 * - Import takes multipart/form-data (reference) or application/x-www-form-urlencoded (what sdk-kit-go's resty sends
 *   for a fileUrl import without a file part). Empty fields are absent (the Go kit always sends fileUrl and fileName).
 *   The extension is the file part's file name's, else `fileName`'s; a type/extension pair outside the table is 400
 *   40002 at once. The fileUrl is downloaded before the answer (so a test needs no waiting): refused at once (400
 *   40004) unless loopback; a failed download fails the task. The title is the file name without its extension.
 * - Export: `type` defaults per file type (docx, docx, xlsx, pptx), case-insensitive; sdk-kit-java's extra `fileType`
 *   is ignored. The content is taken when the export is asked for.
 * - Preview (cloud files are the integrator's stored files, fetched through its callback server by file id): without
 *   an endpointUrl the create answers HTTP 200 `{"code":"90010","message":...}` (failure, the reference's shape) and
 *   the page says the preview needs the integrator's callback server; with one, create answers `{"code":"",
 *   "message":""}` and the page says the sandbox does not call callback servers. The sandbox never calls one.
 */

export interface Ctx {
  store: Store;
  tasks: Tasks;
  downloads: Downloads;
  req: http.IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Buffer;
  appId: string;
  userId: string;
  /** Names the file a request is about in the request log (create and import carry it in the body). */
  note(fileId: string): void;
}

export interface RouteDef {
  method: string;
  /** Segments; `:name` captures one (decoded), `@family` is shimo-files or collab-files. */
  path: string;
  auth: 'license' | 'user';
  /** Import/export routes: error bodies carry `status` too. */
  envelope?: boolean;
  handler(c: Ctx): Reply | Promise<Reply>;
}

export type Family = 'shimo-files' | 'collab-files';

const NO_CONTENT: Reply = { status: 204 };

// ---------------------------------------------------------------- helpers

export function jsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw serr.bad('the request body is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw serr.bad('the request body must be a JSON object');
  return v as Record<string, unknown>;
}

function intParam(q: URLSearchParams, name: string, o: { required?: boolean; min: number; fallback?: number }): number {
  const raw = q.get(name);
  if (raw === null || raw === '') {
    if (o.required) throw serr.bad(`${name} is required`);
    return o.fallback ?? o.min;
  }
  if (!/^-?\d+$/.test(raw) || Number(raw) < o.min) throw serr.bad(`${name} must be an integer ≥ ${o.min}`);
  return Number(raw);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "2021-06-07T06:12:24Z" */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function chinaTime(ms: number): Date {
  return new Date(ms + 8 * 3600_000);
}

/** "2021-05-20T14:56:53+08:00" */
export function isoChina(ms: number): string {
  return chinaTime(ms).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/** "2021/6/7 星期一 14:33" */
export function revisionLabel(ms: number): string {
  const d = chinaTime(ms);
  return `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()} 星期${'日一二三四五六'[d.getUTCDay()]} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

function onlyTypes(f: ShimoFile, types: FileType[]): void {
  if (!types.includes(f.type)) throw serr.fileType(f.type);
}

function sheetsOf(f: ShimoFile): Extract<Content, { kind: 'sheets' }>['sheets'] {
  if (f.content.kind !== 'sheets') throw serr.fileType(f.type);
  return f.content.sheets;
}

function userIdsOf(body: Record<string, unknown>): string[] {
  const ids = body.userIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1000 || !ids.every((x) => typeof x === 'string' && x !== '')) {
    throw serr.bad('userIds must be a non-empty array of user ids (strings)');
  }
  return [...new Set(ids as string[])];
}

function fileOf(c: Ctx): ShimoFile {
  c.note(c.params.fileId);
  return c.store.get(c.params.fileId);
}

// ---------------------------------------------------------------- license

function appDetail(c: Ctx): Reply {
  if (c.params.appId !== c.appId) throw serr.app();
  const s = c.store;
  return {
    status: 200,
    json: {
      appName: s.appName,
      availableFileTypes: [...FILE_TYPES],
      // sdk-kit-go's GetAppDetailRes has it; the reference calls application tables a non-standard feature.
      premiumFileTypes: ['table'],
      activatedUserCount: s.activeCount(),
      userCount: s.users.size,
      memberLimit: s.seatLimit,
      validFrom: isoSeconds(s.validFrom),
      validUntil: isoSeconds(s.validUntil),
      endpointUrl: s.endpointUrl,
    },
  };
}

function updateEndpoint(c: Ctx): Reply {
  if (c.params.appId !== c.appId) throw serr.app();
  const url = jsonBody(c.body).url;
  let ok = false;
  if (typeof url === 'string') {
    try {
      const u = new URL(url);
      ok = u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      ok = false;
    }
  }
  if (!ok) throw serr.bad('url must be an absolute http(s) URL');
  c.store.endpointUrl = url as string;
  return NO_CONTENT;
}

function listUsers(c: Ctx): Reply {
  const page = intParam(c.query, 'page', { required: true, min: 1 });
  const size = intParam(c.query, 'size', { required: true, min: 1 });
  if (size > 1000) throw serr.bad('size must be at most 1000');
  const all = [...c.store.users.values()].sort((a, b) => a.createdAt - b.createdAt || a.userId.localeCompare(b.userId));
  return { status: 200, json: all.slice((page - 1) * size, page * size).map((u) => ({ userId: u.userId, createdAt: isoChina(u.createdAt), status: u.status })) };
}

// ---------------------------------------------------------------- files

function createFile(c: Ctx): Reply {
  const body = jsonBody(c.body);
  if (typeof body.fileId === 'string') c.note(body.fileId);
  if (!isFileType(body.type)) throw serr.bad(`type must be one of ${FILE_TYPES.join(', ')}`);
  const id = checkFileId(body.fileId);
  c.store.create(id, body.type, langOf(c.query.get('lang'), c.req.headers['accept-language']));
  return NO_CONTENT;
}

function copyFile(c: Ctx): Reply {
  const source = fileOf(c);
  const target = checkFileId(jsonBody(c.body).fileId);
  c.store.copy(source, target);
  return NO_CONTENT;
}

function deleteFile(c: Ctx): Reply {
  const f = fileOf(c);
  f.deleted = true;
  return NO_CONTENT;
}

function sidebar(c: Ctx): Reply {
  const f = fileOf(c);
  const pageSize = Math.min(100, intParam(c.query, 'pageSize', { min: 0 }) || 10);
  const offset = intParam(c.query, 'count', { min: 0 });
  const type = intParam(c.query, 'historyType', { min: 0 });
  if (type > 2) throw serr.bad('historyType must be 1 (operations) or 2 (edits)');
  const all = f.histories.filter((h) => type === 0 || h.historyType === type);
  const page = all.slice(offset, offset + pageSize);
  const users: Record<string, string> = {};
  for (const h of page) for (const id of h.userIds) users[id] = c.store.userName(id);
  return {
    status: 200,
    json: {
      histories: page.map((h) => ({
        content: h.content, createdAt: isoSeconds(h.createdAt), historyType: h.historyType, id: h.id, name: h.name,
        updatedAt: isoSeconds(h.updatedAt), userId: h.userIds.join(','),
      })),
      isLastPage: offset + pageSize >= all.length,
      limit: pageSize,
      users,
    },
  };
}

function revisions(c: Ctx): Reply {
  const f = fileOf(c);
  return {
    status: 200,
    json: {
      revisions: f.revisions.map((r) => ({
        id: r.id, label: revisionLabel(r.createdAt), title: r.title, docHistoryId: r.docHistoryId,
        createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString(),
        user: { id: r.userId, name: c.store.userName(r.userId) },
      })),
    },
  };
}

function plain(c: Ctx): Reply {
  const f = fileOf(c);
  onlyTypes(f, ['document', 'documentPro', 'spreadsheet', 'presentation']);
  return { status: 200, json: { content: plainText(f.content) } };
}

function mentions(c: Ctx): Reply {
  const f = fileOf(c);
  onlyTypes(f, ['document', 'documentPro', 'spreadsheet']);
  return { status: 200, json: { mentionAtList: f.mentions.map((m) => ({ userId: m.userId, atGuid: m.atGuid })) } };
}

function commentCount(c: Ctx): Reply {
  const f = fileOf(c);
  onlyTypes(f, ['spreadsheet']);
  return { status: 200, json: { count: f.comments } };
}

// ---------------------------------------------------------------- preview

const NO_CALLBACK =
  '预览需要接入方的回调服务：石墨按文件 ID 向 App 的 endpointUrl 请求文件信息和下载地址。沙箱 App 未配置 endpointUrl。 ' +
  "The preview needs the integrator's callback server: Shimo asks the app's endpointUrl for the file's info and download " +
  'address by file id. The sandbox app has no endpointUrl (PUT /sdk/v2/api/license/apps/{appId}/endpoint-url sets one).';

function previewCreate(c: Ctx): Reply {
  c.note(c.params.fileId);
  if (!c.store.endpointUrl) return { status: 200, json: { code: '90010', message: NO_CALLBACK } };
  return { status: 200, json: { code: '', message: '' } };
}

function previewPage(c: Ctx): Reply {
  c.note(c.params.fileId);
  const id = escapeHtml(c.params.fileId);
  const body = c.store.endpointUrl
    ? `<p>石墨会向接入方回调服务 <code>${escapeHtml(c.store.endpointUrl)}</code> 请求文件 <code>${id}</code> 的信息与下载地址后渲染预览；沙箱不调用回调服务，因此这里没有预览内容。</p>` +
      `<p>Shimo would now ask the integrator's callback server <code>${escapeHtml(c.store.endpointUrl)}</code> for the info and ` +
      `download address of file <code>${id}</code> and render it; the sandbox does not call callback servers, so nothing is rendered here.</p>`
    : `<p>${escapeHtml(NO_CALLBACK)}</p><p>File <code>${id}</code>.</p>`;
  return { status: 200, html: htmlPage(`石墨文件预览 Shimo preview`, body, 'Shimo SDK sandbox') };
}

// ---------------------------------------------------------------- import / export

interface ImportForm { fields: Record<string, string>; file?: { filename: string; data: Buffer } }

function importForm(c: Ctx): ImportForm {
  const type = c.req.headers['content-type'];
  const boundary = multipartBoundary(type);
  if (boundary) {
    try {
      const mp = parseMultipart(c.body, boundary);
      const part = mp.files.find((f) => f.field === 'file');
      return { fields: mp.fields, file: part && { filename: part.filename, data: part.data } };
    } catch (e) {
      throw serr.bad(`malformed multipart body: ${(e as Error).message}`);
    }
  }
  if (/^application\/x-www-form-urlencoded/i.test(type ?? '')) {
    try {
      return { fields: parseUrlEncoded(c.body.toString('utf8')) };
    } catch {
      throw serr.bad('malformed form body');
    }
  }
  throw serr.bad('import takes multipart/form-data (fileId, type, file | fileUrl + fileName)');
}

async function importFile(c: Ctx): Promise<Reply> {
  const { fields, file } = importForm(c);
  const field = (k: string) => (fields[k] === undefined || fields[k] === '' ? undefined : fields[k]);
  if (field('fileId')) c.note(fields.fileId);
  const id = checkFileId(field('fileId'));
  const type = field('type');
  if (!isFileType(type)) throw serr.bad(`type must be one of ${Object.keys(IMPORT_FORMATS).join(', ')}`);
  if (type === 'table') throw serr.format('files of type table cannot be imported');
  const fileUrl = field('fileUrl');
  if (!file && (!fileUrl || !field('fileName'))) throw serr.bad('send the file part, or fileUrl and fileName');
  const name = file && extOf(file.filename) ? file.filename : (field('fileName') ?? file?.filename ?? '');
  const ext = extOf(name);
  if (!IMPORT_FORMATS[type].includes(ext)) {
    throw serr.format(`.${ext || '(no extension)'} cannot be imported as ${type} (${type} takes ${IMPORT_FORMATS[type].join(', ')})`);
  }
  c.store.checkFree(id);
  let data = file?.data;
  let failure: { status: number; message: string } | undefined;
  if (!data) {
    try {
      loopbackUrl(fileUrl!);
    } catch (e) {
      throw serr.refused(`fileUrl refused: ${(e as Error).message}`);
    }
    try {
      data = await fetchLoopback(fileUrl!);
    } catch (e) {
      if (e instanceof FetchRefused) throw serr.refused(`fileUrl refused: ${e.message}`);
      failure = { status: DOWNLOAD_FAILED, message: `import failed: fileUrl ${(e as Error).message}` };
    }
    c.store.checkFree(id); // the download took time: the id may have been taken meanwhile
  }
  let content: Content | undefined;
  if (data && !failure) {
    try {
      content = importContent(type, ext, data);
    } catch (e) {
      if (!(e instanceof ImportError)) throw e;
      failure = { status: UNREADABLE, message: `import failed: ${e.message}` };
    }
  }
  const title = name.replace(/^.*[/\\]/, '').replace(/\.[^.]*$/, '') || id;
  if (content) c.store.reserved.add(id);
  const taskId = c.tasks.add('import', () => {
    c.store.reserved.delete(id);
    const f = c.store.add(id, type, title, content!);
    c.store.edited(f, c.userId, `import ${name}`);
    return undefined;
  }, '', failure);
  return { status: 200, json: { status: 0, message: '', data: { taskId } } };
}

function taskIdOf(c: Ctx): string {
  const q = c.query.get('taskId');
  if (q) return q;
  const b = c.body.length ? jsonBody(c.body).taskId : undefined;
  if (typeof b === 'string' && b !== '') return b;
  throw serr.bad('taskId is required (query taskId or JSON body {"taskId"})');
}

function progress(kind: 'import' | 'export') {
  return (c: Ctx): Reply => ({ status: 200, json: c.tasks.poll(taskIdOf(c), kind) });
}

function exportFile(c: Ctx): Reply {
  const f = fileOf(c);
  if (f.type === 'table') throw serr.fileType('table (use POST /sdk/v2/api/files/export/table-sheets/{fileId})');
  const formats = EXPORT_FORMATS[f.type];
  const raw = jsonBody(c.body).type;
  if (raw !== undefined && raw !== null && typeof raw !== 'string') throw serr.bad('type must be a string');
  const format = raw ? raw.toLowerCase() : formats[0];
  if (!formats.includes(format)) throw serr.format(`${f.type} cannot be exported as ${format} (${f.type} exports ${formats.join(', ')})`);
  const data = exportContent(f.content, format, f.title);
  const filename = `${f.title}.${format}`;
  const taskId = c.tasks.add('export', () => c.downloads.url(data, filename), format);
  return { status: 200, json: { status: 0, message: '', data: { taskId } } };
}

function exportTable(c: Ctx): Reply {
  const f = fileOf(c);
  onlyTypes(f, ['table']);
  const url = c.downloads.url(xlsxOf(sheetsOf(f)), `${f.title}.xlsx`);
  return { status: 200, json: { status: 0, message: '', downloadUrl: url } };
}

// ---------------------------------------------------------------- sheets

function spreadsheet(c: Ctx): ShimoFile {
  const f = fileOf(c);
  onlyTypes(f, ['spreadsheet']);
  return f;
}

function readSheet(c: Ctx): Reply {
  const f = spreadsheet(c);
  const raw = c.query.get('range') ?? '';
  const r = parseRange(raw);
  return { status: 200, json: { values: readValues(findSheet(sheetsOf(f), r.sheet), r, raw) } };
}

function writeSheet(mode: 'update' | 'append') {
  return (c: Ctx): Reply => {
    const f = spreadsheet(c);
    const body = jsonBody(c.body);
    if (typeof body.range !== 'string') throw serr.bad('range is required');
    const resource = body.resource as { values?: unknown } | undefined;
    if (typeof resource !== 'object' || resource === null) throw serr.bad('resource ({"values": [[...]]}) is required');
    const values = cellsOf(resource.values);
    const r = parseRange(body.range);
    const sheet = findSheet(sheetsOf(f), r.sheet);
    const written = (mode === 'update' ? updateValues : appendValues)(sheet, r, values, body.range);
    c.store.edited(f, c.userId, `${mode} ${sheet.name}!${written}`);
    return NO_CONTENT;
  };
}

function deleteSheetRows(c: Ctx): Reply {
  const f = spreadsheet(c);
  if (!/^\d+$/.test(c.params.index)) throw serr.bad('index must be a row index ≥ 0');
  const count = intParam(c.query, 'count', { min: 1, fallback: 1 });
  const sheet = findSheet(sheetsOf(f), c.params.sheetName);
  deleteRows(sheet, Number(c.params.index), count);
  c.store.edited(f, c.userId, `delete rows ${sheet.name} ${c.params.index}+${count}`);
  return NO_CONTENT;
}

function newSheetRoute(c: Ctx): Reply {
  const f = spreadsheet(c);
  const sheet = addSheet(sheetsOf(f), jsonBody(c.body).name);
  c.store.edited(f, c.userId, `add sheet ${sheet.name}`);
  return NO_CONTENT;
}

// ---------------------------------------------------------------- table

export const ROUTES: RouteDef[] = [
  { method: 'GET', path: '/sdk/v2/api/license/apps/:appId', auth: 'license', handler: appDetail },
  { method: 'PUT', path: '/sdk/v2/api/license/apps/:appId/endpoint-url', auth: 'license', handler: updateEndpoint },
  { method: 'GET', path: '/sdk/v2/api/license/users', auth: 'license', handler: listUsers },
  {
    method: 'POST', path: '/sdk/v2/api/license/users/activate', auth: 'license', handler: (c) => {
      c.store.activate(userIdsOf(jsonBody(c.body)));
      return NO_CONTENT;
    },
  },
  {
    method: 'POST', path: '/sdk/v2/api/license/users/deactivate', auth: 'license', handler: (c) => {
      c.store.deactivate(userIdsOf(jsonBody(c.body)));
      return NO_CONTENT;
    },
  },
  { method: 'POST', path: '/sdk/v2/api/files', auth: 'user', handler: createFile },
  { method: 'POST', path: '/sdk/v2/api/files/v1/import', auth: 'user', envelope: true, handler: importFile },
  { method: 'POST', path: '/sdk/v2/api/files/v1/import/progress', auth: 'user', envelope: true, handler: progress('import') },
  { method: 'POST', path: '/sdk/v2/api/files/v1/export/progress', auth: 'user', envelope: true, handler: progress('export') },
  { method: 'POST', path: '/sdk/v2/api/files/v1/export/:fileId', auth: 'user', envelope: true, handler: exportFile },
  { method: 'POST', path: '/sdk/v2/api/files/export/table-sheets/:fileId', auth: 'user', envelope: true, handler: exportTable },
  { method: 'POST', path: '/sdk/v2/@family/:fileId/copy', auth: 'user', handler: copyFile },
  { method: 'POST', path: '/sdk/v2/api/files/:fileId/copy', auth: 'user', handler: copyFile },
  { method: 'DELETE', path: '/sdk/v2/api/files/:fileId', auth: 'user', handler: deleteFile },
  { method: 'GET', path: '/sdk/v2/@family/:fileId/doc-sidebar-info', auth: 'user', handler: sidebar },
  { method: 'GET', path: '/sdk/v2/@family/:fileId/revisions', auth: 'user', handler: revisions },
  { method: 'GET', path: '/sdk/v2/@family/:fileId/plain-text', auth: 'user', handler: plain },
  { method: 'GET', path: '/sdk/v2/@family/:fileId/mention-at-list', auth: 'user', handler: mentions },
  { method: 'GET', path: '/sdk/v2/@family/:fileId/comment-count', auth: 'user', handler: commentCount },
  { method: 'POST', path: '/sdk/v2/api/cloud-files/:fileId/create', auth: 'user', handler: previewCreate },
  { method: 'GET', path: '/sdk/v2/api/cloud-files/:fileId/page', auth: 'user', handler: previewPage },
  { method: 'GET', path: '/sdk/v2/api/files/:fileId/sheets/values', auth: 'user', handler: readSheet },
  { method: 'POST', path: '/sdk/v2/api/files/:fileId/sheets/values', auth: 'user', handler: writeSheet('update') },
  { method: 'PUT', path: '/sdk/v2/api/files/:fileId/sheets/values', auth: 'user', handler: writeSheet('append') },
  { method: 'DELETE', path: '/sdk/v2/api/files/:fileId/sheets/:sheetName/rows/:index', auth: 'user', handler: deleteSheetRows },
  { method: 'POST', path: '/sdk/v2/api/files/:fileId/sheets', auth: 'user', handler: newSheetRoute },
];

const COMPILED = ROUTES.map((r) => ({ route: r, segs: r.path.split('/').slice(1) }));

/**
 * The route for `method` and the decoded path segments, or undefined (404 40400). A trailing slash addresses the same
 * route (the reference writes `/sheets/` once). `families` are the path families served (control.setPathFamilies).
 */
export function matchRoute(method: string, segs: string[], families: ReadonlySet<Family>): { route: RouteDef; params: Record<string, string> } | undefined {
  const s = segs.length > 1 && segs[segs.length - 1] === '' ? segs.slice(0, -1) : segs;
  for (const { route, segs: pattern } of COMPILED) {
    if (route.method !== method || pattern.length !== s.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const p = pattern[i];
      if (p === '@family') ok = families.has(s[i] as Family);
      else if (p.startsWith(':')) {
        params[p.slice(1)] = s[i];
        ok = s[i] !== '';
      } else ok = p === s[i];
    }
    if (ok) return { route, params };
  }
  return undefined;
}

