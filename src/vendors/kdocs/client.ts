/**
 * Kingsoft Docs (kdocs, WPS open platform) client for the `user`, `personal` and `appspace` groups of endpoints.tsv
 * (59 endpoints), the OAuth helpers of the personal APIs, and download/task composites. Plain Node, no vscode.
 * The office groups (convert, extract, anonymous previews, AirScript, outline, notifications) are KdocsOffice
 * (office.ts), which sends through this client's `callEndpoint`: one HTTP layer for all of them.
 *
 * - `appspace` calls are WPS-2 signed with the app key (signer.ts).
 * - `user`/`personal` calls carry the user's access token as `?access_token=`; it comes from a token provider and,
 *   when the server says it expired, the refresh hook runs once and the call is replayed.
 * - Answers are `{"code":0,"data":...}`; any non-zero code (whatever the HTTP status) becomes a typed DocError.
 */
import {
  AlreadyExistsError, BadResponseError, ForbiddenError, InvalidInputError, isDocError, NotFoundError, ServerError,
  UnauthorizedError,
} from '../../core/errors';
import { readAllBody, saveBodyToFile } from '../../core/download';
import type { HttpBody, HttpResponse } from '../../core/http';
import type { CallOptions, ProgressFn } from '../../core/model';
import { multipart } from '../../core/multipart';
import { registerSecret } from '../../core/redact';
import { type QueryValue, queryString, rfc3986 } from '../../core/urlencode';
import type { PollResult } from '../../core/tasks';
import { VendorClient, type VendorClientOptions } from '../../core/vendorClient';
import type {
  KdAppParent, KdocsApi, KdocsCredentials, KdocsOAuth, KdPaging, KdPersonalListQuery, KdPersonalParent, KdSource,
  UploadOptions,
} from './api';
import { isTokenExpired, kdocsError, parseKdError, withQuotaHint } from './errors';
import { wps2Headers } from './signer';
import {
  isRaw, type KdDownload, type KdEditToken, type KdFile, type KdLink, type KdPage, type KdScope, type KdTask,
  type KdTokenPair, type KdUsage, type KdUser, type KdVersion, taskIdOf, toDownload, toKdFile, toLink, toPage, toTask,
  toUser, toVersion,
} from './wire';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Auth = 'wps2' | 'token';

export interface KdEndpointSpec {
  method: Method;
  /** As in endpoints.tsv, with `:name` parameters. */
  path: string;
  auth: Auth;
  /** Safe to repeat after it may have reached the server (default: GET/PUT/DELETE yes, POST no). */
  idempotent?: boolean;
  /**
   * Path parameters keep a `:` unencoded (task ids such as `open:abc`, which the reference pages send as they are; a
   * WPS-2 GET signs the URI exactly as sent, so what is signed is what goes out either way).
   */
  keepColon?: boolean;
}

const B = '/api/v1/openapi';
const token = (method: Method, path: string, idempotent?: boolean): KdEndpointSpec => ({ method, path: B + path, auth: 'token', idempotent });
const wps2 = (method: Method, path: string, idempotent?: boolean): KdEndpointSpec => ({ method, path: B + path, auth: 'wps2', idempotent });

/** Client method -> endpoint (endpoints.tsv, kdocs groups user/personal/appspace). A unit test checks it against the TSV. */
export const KDOCS_ENDPOINTS = {
  userBasic: token('GET', '/user/basic'),
  userCreateEditToken: token('POST', '/user/edit_token'),
  userCancelEditToken: token('DELETE', '/user/edit_token/:token'),

  personalListFiles: token('GET', '/personal/files'),
  personalListFilesFlat: token('GET', '/personal/files/flat'),
  personalDownloadUrl: token('GET', '/personal/files/:file_token/download'),
  personalCreateFile: token('POST', '/personal/files'),
  personalUpload: token('POST', '/personal/files/upload'),
  personalCreateFromCloud: token('POST', '/personal/files/cloud'),
  personalCreateLink: token('POST', '/personal/files/:file_token/links', true),
  personalGetLink: token('GET', '/personal/files/:file_token/links'),
  personalCancelLink: token('DELETE', '/personal/files/:file_token/links'),
  personalAddLinkMembers: token('POST', '/personal/files/:file_token/links/members', true),
  personalUpdateLinkMember: token('PUT', '/personal/files/:file_token/links/members/:user_id'),
  personalRemoveLinkMember: token('DELETE', '/personal/files/:file_token/links/members/:user_id'),
  personalSearchName: token('GET', '/personal/files/search/name'),
  personalSearchContent: token('GET', '/personal/files/search/content'),
  personalSimple: token('GET', '/personal/files/:file_token/simple'),
  personalRename: token('PUT', '/personal/files/:file_token/name'),
  personalCreateFolder: token('POST', '/personal/files/folder'),
  personalTrash: token('DELETE', '/personal/files/:file_token'),
  personalRecycles: token('GET', '/personal/recycles'),
  personalRecover: token('POST', '/personal/recycles/recover'),
  personalDestroy: token('POST', '/personal/recycles/destroy'),
  personalEditUrl: token('GET', '/personal/files/:file_token/url/with_edit_token'),
  personalLinkWithEditToken: token('GET', '/personal/files/:file_token/links/with_edit_token'),
  personalCopyTask: token('POST', '/personal/tasks/files/copy'),
  personalMoveTask: token('POST', '/personal/tasks/files/move'),
  personalDeleteTask: token('POST', '/personal/tasks/files/delete'),
  personalTask: token('GET', '/personal/tasks/:task_id'),
  personalAppFiles: token('GET', '/personal/apps/files'),
  personalRecent: token('GET', '/personal/files/recent'),
  personalStar: token('GET', '/personal/files/star'),

  appCreateFile: wps2('POST', '/appspace/files'),
  appUpload: wps2('POST', '/appspace/files/upload'),
  appCreateFolder: wps2('POST', '/appspace/folders'),
  appFileInfo: wps2('GET', '/appspace/files/:file_token'),
  appDownloadUrl: wps2('GET', '/appspace/files/:file_token/download'),
  appListFiles: wps2('GET', '/appspace/files'),
  appVersions: wps2('GET', '/appspace/files/:file_token/versions'),
  appVersion: wps2('GET', '/appspace/files/:file_token/versions/:version'),
  appVersionDownloadUrl: wps2('GET', '/appspace/files/:file_token/versions/:version/download'),
  appRevertVersion: wps2('POST', '/appspace/files/:file_token/versions/:version/revert'),
  appRename: wps2('PUT', '/appspace/files/:file_token/name'),
  // A repeated content update would add a second identical version: not repeated blindly.
  appUpdateContent: wps2('PUT', '/appspace/files/:file_token/content', false),
  appCopy: wps2('POST', '/appspace/files/:file_token/copy'),
  appTrash: wps2('DELETE', '/appspace/files/:file_token'),
  appDestroy: wps2('DELETE', '/appspace/files/:file_token/destroy'),
  appEditUrl: wps2('GET', '/appspace/files/:file_token/url/with_edit_token'),
  appAsyncUpload: wps2('POST', '/appspace/file/async/upload'),
  appAsyncUploadStatus: wps2('GET', '/appspace/file/async/upload/:task_id'),
  appCopyTask: wps2('POST', '/appspace/tasks/files/copy'),
  appMoveTask: wps2('POST', '/appspace/tasks/files/move'),
  appTask: wps2('GET', '/appspace/tasks/:task_id'),
  appTrashList: wps2('GET', '/appspace/trash'),
  appPutBack: wps2('PUT', '/appspace/trash/:file_token/put_back'),
  appDeleteTrash: wps2('DELETE', '/appspace/trash/:file_token'),
  appDestroyTrash: wps2('POST', '/appspace/trash/destroy'),
  appVolumeUsage: wps2('GET', '/appspace/volume/usage'),
} as const satisfies Record<keyof KdocsApi, KdEndpointSpec>;

export type KdocsEndpoint = keyof typeof KDOCS_ENDPOINTS;

/** OAuth paths (vendor-facts.md; not rows of the TSV). */
export const KDOCS_OAUTH_PATHS = {
  authorize: '/h5/auth',
  accessToken: '/api/v1/oauth2/access_token',
  refreshToken: '/api/v1/oauth2/refresh_token',
} as const;

export interface KdocsClientOptions extends VendorClientOptions {
  /** The user's current access token (personal and user calls). */
  accessToken?: () => Promise<string>;
  /**
   * Called once when a personal call is rejected because the access token expired, with the token that was
   * rejected; afterwards the call is replayed with `accessToken()`. Typically KdocsTokenManager.refresh.
   */
  onTokenExpired?: (rejectedToken: string) => Promise<void>;
}

/** One request of an endpoint: path parameters, query, and a JSON or multipart body. */
export interface CallInput {
  params?: Record<string, string | number>;
  query?: Record<string, QueryValue>;
  json?: object;
  upload?: { fields: Record<string, string | number | string[] | undefined>; filename: string; source: KdSource; onProgress?: ProgressFn };
  /** Names the operation in error messages, e.g. `rename "a.txt"`. */
  what?: string;
}

export class KdocsClient extends VendorClient implements KdocsApi, KdocsOAuth {
  constructor(private readonly creds: KdocsCredentials, private readonly opts: KdocsClientOptions = {}) {
    super('kdocs', creds.host, opts, parseKdError);
    registerSecret(creds.appKey);
  }

  // ---------------------------------------------------------------- plumbing

  /** One API call: `data` of the envelope; errors typed. Token calls refresh once on expiry and replay. */
  private call(name: KdocsEndpoint, input: CallInput = {}, o?: CallOptions): Promise<unknown> {
    return this.callEndpoint(KDOCS_ENDPOINTS[name], input, o);
  }

  /**
   * One call of an endpoint described by `ep` (the office, script, preview, outline and notification groups:
   * office.ts): the same signing, token replay, envelope and error mapping as every other call of this client.
   */
  async callEndpoint(ep: KdEndpointSpec, input: CallInput = {}, o?: CallOptions): Promise<unknown> {
    if (ep.auth === 'wps2') return this.send(ep, input, undefined, o);
    const first = await this.currentToken();
    try {
      return await this.send(ep, input, first, o);
    } catch (e) {
      const next = await this.replacementToken(e, first);
      if (next === undefined) throw e;
      this.log.debug(`kdocs: access token refused, replaying ${ep.method} ${ep.path} with a renewed one`);
      return this.send(ep, input, next, o);
    }
  }

  /**
   * After a token call failed with `e`: the token to replay it with (once), or undefined to give up. An "expired"
   * answer runs the refresh hook first. Any other Unauthorized answer is replayed only when the token source now hands
   * out a different token: KdocsTokenManager renews by itself once the token's announced expiry has passed (a slow or
   * long-queued call can be answered after it, and the service's code for that case is not documented), or another
   * call renewed it meanwhile. A token that is simply not accepted (revoked, unknown) is not replayed.
   */
  private async replacementToken(e: unknown, rejected: string): Promise<string | undefined> {
    if (!isDocError(e, 'Unauthorized')) return undefined;
    if (isTokenExpired(e)) {
      if (!this.opts.onTokenExpired) return undefined;
      this.log.debug('kdocs: access token expired, refreshing');
      await this.opts.onTokenExpired(rejected);
      return this.currentToken();
    }
    const current = await this.currentToken();
    return current !== rejected ? current : undefined;
  }

  private async currentToken(): Promise<string> {
    if (!this.opts.accessToken) throw new UnauthorizedError('Not signed in to Kingsoft Docs — sign in first');
    const t = await this.opts.accessToken();
    registerSecret(t);
    return t;
  }

  private async send(ep: KdEndpointSpec, input: CallInput, accessToken: string | undefined, o?: CallOptions): Promise<unknown> {
    const path = fillPath(ep.path, input.params ?? {}, ep.keepColon);
    const query = queryString({ ...input.query, access_token: accessToken });
    const uri = path + query;
    let contentType = 'application/json';
    let body: HttpBody | undefined;
    let bodyMd5: string | undefined;
    const headers: Record<string, string> = {};
    if (input.upload) {
      const u = input.upload;
      const form = await multipart(u.fields, { field: 'file', filename: u.filename, source: u.source }, u.onProgress);
      contentType = form.contentType;
      body = form.body;
      headers['content-length'] = String(form.length);
      if (ep.auth === 'wps2') bodyMd5 = await form.md5();
    } else if (input.json) {
      body = JSON.stringify(input.json);
    } else if (ep.method !== 'GET') {
      body = ''; // an explicit empty body: its md5 is what WPS-2 signs for body-less DELETE/POST
    }
    Object.assign(headers, ep.auth === 'wps2'
      ? wps2Headers({
        appId: this.creds.appId, appKey: this.creds.appKey, method: ep.method, uri, contentType,
        bodyMd5, body: typeof body === 'string' ? body : undefined, nowMs: this.now(),
      })
      : { 'content-type': contentType });
    const what = input.what ?? describe(ep, input);
    return this.request({
      method: ep.method,
      url: this.host + uri,
      headers,
      body,
      idempotent: ep.idempotent,
      signal: o?.signal,
      limitKey: this.limitKey,
    }, what, (res) => this.unwrap(res, what));
  }

  /** A used-up daily quota (HTTP 429, which never reaches kdocsError) says so: waiting a moment does not help. */
  protected override httpError(e: unknown, what: string): unknown {
    return withQuotaHint(e, what);
  }

  /** `data` of a `{code, data}` answer; any non-zero code or non-2xx status -> DocError. */
  private unwrap(res: HttpResponse, what: string): unknown {
    const info = parseKdError(res.body);
    if (res.status < 200 || res.status >= 300 || (info.code !== undefined && info.code !== 0)) {
      throw kdocsError(res.status, info, what, res.headers);
    }
    const env = res.json<unknown>();
    if (!isRaw(env)) throw new BadResponseError(`${what}: unexpected answer from Kingsoft Docs`, { status: res.status });
    return env.data ?? {};
  }

  private file(data: unknown, what: string): KdFile {
    const f = toKdFile(data);
    if (!f) throw new BadResponseError(`${what}: no file in the answer`);
    return f;
  }

  private fileToken(data: unknown, what: string): { fileToken: string } {
    const f = toKdFile(data);
    if (!f) throw new BadResponseError(`${what}: no file token in the answer`);
    return { fileToken: f.token };
  }

  private taskStart(data: unknown, what: string): { taskId: string } {
    const id = taskIdOf(data);
    if (!id) throw new BadResponseError(`${what}: no task id in the answer`);
    return { taskId: id };
  }

  private async files(name: KdocsEndpoint, query: Record<string, QueryValue> & KdPaging, o?: CallOptions): Promise<KdPage<KdFile>> {
    return toPage(await this.call(name, { query }, o), toKdFile, query);
  }

  private async url(name: KdocsEndpoint, fileToken: string, q: { edit_token?: string } | undefined, o?: CallOptions): Promise<{ url: string }> {
    registerSecret(q?.edit_token);
    const data = await this.call(name, { params: { file_token: fileToken }, query: q }, o);
    const url = isRaw(data) && typeof data.url === 'string' ? data.url : undefined;
    if (!url) throw new BadResponseError(`${KDOCS_ENDPOINTS[name].path}: no url in the answer`);
    return { url };
  }

  private async download(name: KdocsEndpoint, params: Record<string, string | number>, o?: CallOptions): Promise<KdDownload> {
    const d = toDownload(await this.call(name, { params }, o));
    if (!d) throw new BadResponseError(`${KDOCS_ENDPOINTS[name].path}: no download url in the answer`);
    return d;
  }

  // ---------------------------------------------------------------- OAuth

  authorizeUrl(p: { redirectUri: string; scopes: KdScope[]; state?: string }): string {
    return this.host + KDOCS_OAUTH_PATHS.authorize + queryString({
      app_id: this.creds.appId, scope: p.scopes.join(','), redirect_uri: p.redirectUri, state: p.state,
    });
  }

  async exchangeCode(code: string, o?: CallOptions): Promise<KdTokenPair> {
    registerSecret(code);
    const what = 'sign-in (authorization code)';
    return tokenPair(await this.request({
      method: 'GET',
      url: this.host + KDOCS_OAUTH_PATHS.accessToken + queryString({ code, app_id: this.creds.appId, app_key: this.creds.appKey }),
      hideQuery: true,
      signal: o?.signal,
      limitKey: this.limitKey,
    }, what, (res) => this.unwrap(res, what)));
  }

  async refreshAccessToken(refreshToken: string, o?: CallOptions): Promise<KdTokenPair> {
    registerSecret(refreshToken);
    const what = 'renewing the sign-in';
    return tokenPair(await this.request({
      method: 'POST',
      url: this.host + KDOCS_OAUTH_PATHS.refreshToken + queryString({ app_id: this.creds.appId }),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_key: this.creds.appKey, refresh_token: refreshToken }),
      // Refresh tokens rotate: a repeated refresh after the first one was processed would fail, so never repeat blindly.
      idempotent: false,
      signal: o?.signal,
      limitKey: this.limitKey,
    }, what, (res) => this.unwrap(res, what)));
  }

  // ---------------------------------------------------------------- user

  async userBasic(o?: CallOptions): Promise<KdUser> {
    const u = toUser(await this.call('userBasic', {}, o));
    if (!u) throw new BadResponseError('user/basic: no user in the answer');
    return u;
  }

  async userCreateEditToken(o?: CallOptions): Promise<KdEditToken> {
    const d = await this.call('userCreateEditToken', {}, o);
    if (!isRaw(d) || typeof d.token !== 'string') throw new BadResponseError('user/edit_token: no token in the answer');
    registerSecret(d.token);
    return { token: d.token, expires_in: typeof d.expires_in === 'number' ? d.expires_in : undefined };
  }

  async userCancelEditToken(t: string, o?: CallOptions): Promise<void> {
    registerSecret(t); // it goes into the URL path, and may come from anywhere (typed in, another session)
    await this.call('userCancelEditToken', { params: { token: t }, what: 'cancel edit token' }, o);
  }

  // ---------------------------------------------------------------- personal

  personalListFiles(q: KdPersonalListQuery, o?: CallOptions): Promise<KdPage<KdFile>> {
    return this.files('personalListFiles', { ...q }, o);
  }

  personalListFilesFlat(q: KdPersonalListQuery & { exts?: string[]; ignore?: string[] }, o?: CallOptions): Promise<KdPage<KdFile>> {
    return this.files('personalListFilesFlat', { ...q }, o);
  }

  personalDownloadUrl(fileToken: string, o?: CallOptions): Promise<KdDownload> {
    return this.download('personalDownloadUrl', { file_token: fileToken }, o);
  }

  async personalCreateFile(p: { filename: string } & KdPersonalParent, o?: CallOptions): Promise<KdFile> {
    const what = `create "${p.filename}"`;
    return this.file(await this.call('personalCreateFile', { json: p, what }, o), what);
  }

  async personalUpload(p: { filename: string; source: KdSource; path_from_root?: string } & KdPersonalParent, o?: UploadOptions): Promise<KdFile> {
    const what = `upload "${p.filename}"`;
    const { source, filename, ...fields } = p;
    const data = await this.call('personalUpload', { upload: { fields: { ...fields, parent_path: jsonArray(p.parent_path), filename }, filename, source, onProgress: o?.onProgress }, what }, o);
    return this.file(data, what);
  }

  async personalCreateFromCloud(p: { url: string; filename: string } & KdPersonalParent, o?: CallOptions): Promise<KdFile> {
    const what = `create "${p.filename}" from a cloud file`;
    return this.file(await this.call('personalCreateFromCloud', { json: p, what }, o), what);
  }

  async personalCreateLink(fileToken: string, p: Parameters<KdocsApi['personalCreateLink']>[1], o?: CallOptions): Promise<KdLink> {
    return link(await this.call('personalCreateLink', { params: { file_token: fileToken }, json: p }, o));
  }

  async personalGetLink(fileToken: string, o?: CallOptions): Promise<KdLink> {
    return link(await this.call('personalGetLink', { params: { file_token: fileToken } }, o));
  }

  async personalCancelLink(fileToken: string, o?: CallOptions): Promise<void> {
    await this.call('personalCancelLink', { params: { file_token: fileToken } }, o);
  }

  async personalAddLinkMembers(fileToken: string, p: { user_ids: string[]; permission: 'read' | 'write' }, o?: CallOptions): Promise<KdLink> {
    return link(await this.call('personalAddLinkMembers', { params: { file_token: fileToken }, json: p }, o));
  }

  async personalUpdateLinkMember(fileToken: string, userId: string, p: { permission: 'read' | 'write' }, o?: CallOptions): Promise<KdLink> {
    return link(await this.call('personalUpdateLinkMember', { params: { file_token: fileToken, user_id: userId }, json: p }, o));
  }

  async personalRemoveLinkMember(fileToken: string, userId: string, o?: CallOptions): Promise<void> {
    await this.call('personalRemoveLinkMember', { params: { file_token: fileToken, user_id: userId } }, o);
  }

  personalSearchName(q: { keyword: string } & KdPaging, o?: CallOptions): Promise<KdPage<KdFile>> {
    return this.files('personalSearchName', { ...q }, o);
  }

  personalSearchContent(q: { keyword: string } & KdPaging, o?: CallOptions): Promise<KdPage<KdFile>> {
    return this.files('personalSearchContent', { ...q }, o);
  }

  async personalSimple(fileToken: string, o?: CallOptions): Promise<KdFile> {
    return this.file(await this.call('personalSimple', { params: { file_token: fileToken } }, o), 'simple');
  }

  async personalRename(fileToken: string, newName: string, o?: CallOptions): Promise<KdFile> {
    const what = `rename to "${newName}"`;
    return this.file(await this.call('personalRename', { params: { file_token: fileToken }, json: { new_name: newName }, what }, o), what);
  }

  async personalCreateFolder(p: { name: string } & KdPersonalParent, o?: CallOptions): Promise<KdFile> {
    const what = `create folder "${p.name}"`;
    return this.file(await this.call('personalCreateFolder', { json: p, what }, o), what);
  }

  async personalTrash(fileToken: string, o?: CallOptions): Promise<void> {
    await this.call('personalTrash', { params: { file_token: fileToken } }, o);
  }

  personalRecycles(q: KdPaging, o?: CallOptions): Promise<KdPage<KdFile>> {
    return this.files('personalRecycles', { ...q }, o);
  }

  async personalRecover(fileTokens: string[], o?: CallOptions): Promise<KdFile[]> {
    return toPage(await this.call('personalRecover', { json: { file_tokens: fileTokens } }, o), toKdFile).items;
  }

  async personalDestroy(fileTokens: string[], o?: CallOptions): Promise<void> {
    await this.call('personalDestroy', { json: { file_tokens: fileTokens } }, o);
  }

  personalEditUrl(fileToken: string, q?: { edit_token?: string }, o?: CallOptions): Promise<{ url: string }> {
    return this.url('personalEditUrl', fileToken, q, o);
  }

  personalLinkWithEditToken(fileToken: string, q?: { edit_token?: string }, o?: CallOptions): Promise<{ url: string }> {
    return this.url('personalLinkWithEditToken', fileToken, q, o);
  }

  async personalCopyTask(p: { file_tokens: string[]; parent_id: string }, o?: CallOptions): Promise<{ taskId: string }> {
    return this.taskStart(await this.call('personalCopyTask', { json: p }, o), 'copy');
  }

  async personalMoveTask(p: { file_tokens: string[]; parent_id: string }, o?: CallOptions): Promise<{ taskId: string }> {
    return this.taskStart(await this.call('personalMoveTask', { json: p }, o), 'move');
  }

  async personalDeleteTask(p: { file_tokens: string[] }, o?: CallOptions): Promise<{ taskId: string }> {
    return this.taskStart(await this.call('personalDeleteTask', { json: p }, o), 'delete');
  }

  async personalTask(taskId: string, o?: CallOptions): Promise<KdTask> {
    return task(await this.call('personalTask', { params: { task_id: taskId } }, o), taskId);
  }

  personalAppFiles(q: KdPaging, o?: CallOptions): Promise<KdPage<KdFile>> {
    return this.files('personalAppFiles', { ...q }, o);
  }

  personalRecent(q: KdPaging, o?: CallOptions): Promise<KdPage<KdFile>> {
    return this.files('personalRecent', { ...q }, o);
  }

  personalStar(q: KdPaging, o?: CallOptions): Promise<KdPage<KdFile>> {
    return this.files('personalStar', { ...q }, o);
  }

  // ---------------------------------------------------------------- app space

  async appCreateFile(p: { filename: string; creator?: string } & KdAppParent, o?: CallOptions): Promise<{ fileToken: string }> {
    const what = `create "${p.filename}"`;
    return this.fileToken(await this.call('appCreateFile', { json: p, what }, o), what);
  }

  async appUpload(p: { filename: string; source: KdSource; creator?: string } & KdAppParent, o?: UploadOptions): Promise<KdFile> {
    const what = `upload "${p.filename}"`;
    const { source, filename, ...fields } = p;
    const data = await this.call('appUpload', { upload: { fields: { ...fields, parent_path: jsonArray(p.parent_path), filename }, filename, source, onProgress: o?.onProgress }, what }, o);
    return this.file(data, what);
  }

  async appCreateFolder(p: { name: string; creator?: string } & KdAppParent, o?: CallOptions): Promise<{ fileToken: string }> {
    const what = `create folder "${p.name}"`;
    return this.fileToken(await this.call('appCreateFolder', { json: p, what }, o), what);
  }

  async appFileInfo(fileToken: string, o?: CallOptions): Promise<KdFile> {
    return this.file(await this.call('appFileInfo', { params: { file_token: fileToken } }, o), 'file info');
  }

  appDownloadUrl(fileToken: string, o?: CallOptions): Promise<KdDownload> {
    return this.download('appDownloadUrl', { file_token: fileToken }, o);
  }

  appListFiles(q: { parent_token?: string } & KdPaging, o?: CallOptions): Promise<KdPage<KdFile>> {
    return this.files('appListFiles', { ...q }, o);
  }

  async appVersions(fileToken: string, q: KdPaging, o?: CallOptions): Promise<KdPage<KdVersion>> {
    return toPage(await this.call('appVersions', { params: { file_token: fileToken }, query: { ...q } }, o), toVersion, q);
  }

  async appVersion(fileToken: string, version: number, o?: CallOptions): Promise<KdVersion> {
    const v = toVersion(await this.call('appVersion', { params: { file_token: fileToken, version } }, o));
    if (!v) throw new BadResponseError('version: no version in the answer');
    return v;
  }

  appVersionDownloadUrl(fileToken: string, version: number, o?: CallOptions): Promise<KdDownload> {
    return this.download('appVersionDownloadUrl', { file_token: fileToken, version }, o);
  }

  async appRevertVersion(fileToken: string, version: number, o?: CallOptions): Promise<KdFile> {
    return this.file(await this.call('appRevertVersion', { params: { file_token: fileToken, version } }, o), `revert to version ${version}`);
  }

  async appRename(fileToken: string, p: { name: string; modifier?: string }, o?: CallOptions): Promise<KdFile> {
    const what = `rename to "${p.name}"`;
    const data = await this.call('appRename', { params: { file_token: fileToken }, json: { new_name: p.name, modifier: p.modifier }, what }, o);
    return this.file(data, what);
  }

  async appUpdateContent(fileToken: string, p: { source: KdSource; filename?: string; modifier?: string }, o?: UploadOptions): Promise<KdFile> {
    const filename = p.filename ?? 'content';
    const data = await this.call('appUpdateContent', {
      params: { file_token: fileToken },
      upload: { fields: { modifier: p.modifier }, filename, source: p.source, onProgress: o?.onProgress },
      what: `update "${filename}"`,
    }, o);
    return this.file(data, `update "${filename}"`);
  }

  async appCopy(fileToken: string, p: { parent_token?: string; filename?: string; creator?: string }, o?: CallOptions): Promise<{ fileToken: string }> {
    return this.fileToken(await this.call('appCopy', { params: { file_token: fileToken }, json: p }, o), 'copy');
  }

  async appTrash(fileToken: string, o?: CallOptions): Promise<void> {
    await this.call('appTrash', { params: { file_token: fileToken } }, o);
  }

  async appDestroy(fileToken: string, o?: CallOptions): Promise<void> {
    await this.call('appDestroy', { params: { file_token: fileToken } }, o);
  }

  appEditUrl(fileToken: string, q?: { edit_token?: string }, o?: CallOptions): Promise<{ url: string }> {
    return this.url('appEditUrl', fileToken, q, o);
  }

  async appAsyncUpload(p: { url: string; filename: string } & KdAppParent, o?: CallOptions): Promise<{ taskId: string }> {
    return this.taskStart(await this.call('appAsyncUpload', { json: p, what: `upload "${p.filename}" from a URL` }, o), 'async upload');
  }

  async appAsyncUploadStatus(taskId: string, o?: CallOptions): Promise<KdTask> {
    return task(await this.call('appAsyncUploadStatus', { params: { task_id: taskId } }, o), taskId);
  }

  async appCopyTask(p: { file_tokens: string[]; parent_token: string }, o?: CallOptions): Promise<{ taskId: string }> {
    return this.taskStart(await this.call('appCopyTask', { json: p }, o), 'copy');
  }

  async appMoveTask(p: { file_tokens: string[]; parent_token: string }, o?: CallOptions): Promise<{ taskId: string }> {
    return this.taskStart(await this.call('appMoveTask', { json: p }, o), 'move');
  }

  async appTask(taskId: string, o?: CallOptions): Promise<KdTask> {
    return task(await this.call('appTask', { params: { task_id: taskId } }, o), taskId);
  }

  appTrashList(q: KdPaging, o?: CallOptions): Promise<KdPage<KdFile>> {
    return this.files('appTrashList', { ...q }, o);
  }

  async appPutBack(fileToken: string, o?: CallOptions): Promise<KdFile> {
    return this.file(await this.call('appPutBack', { params: { file_token: fileToken } }, o), 'restore from the recycle bin');
  }

  async appDeleteTrash(fileToken: string, o?: CallOptions): Promise<void> {
    await this.call('appDeleteTrash', { params: { file_token: fileToken } }, o);
  }

  async appDestroyTrash(fileTokens: string[], o?: CallOptions): Promise<void> {
    await this.call('appDestroyTrash', { json: { file_tokens: fileTokens } }, o);
  }

  async appVolumeUsage(o?: CallOptions): Promise<KdUsage> {
    const d = await this.call('appVolumeUsage', {}, o);
    const used = isRaw(d) ? Number(d.used ?? d.used_size) : NaN;
    if (!isRaw(d) || !Number.isFinite(used)) throw new BadResponseError('volume/usage: no usage in the answer');
    const total = Number(d.total ?? d.total_size);
    return { used, total: Number.isFinite(total) ? total : undefined, raw: d };
  }

  // ---------------------------------------------------------------- composites

  /** Content of a file via its temporary download URL (refreshed once when expired). */
  async downloadBytes(space: 'personal' | 'appspace', fileToken: string, o?: CallOptions): Promise<Uint8Array> {
    return readAllBody(await this.getDownload(space, fileToken, o), `download of ${fileToken}`, o);
  }

  /** Streams a file to `localPath` (temporary sibling, renamed when complete). */
  async downloadToFile(
    space: 'personal' | 'appspace', fileToken: string, localPath: string, o?: CallOptions & { onProgress?: ProgressFn },
  ): Promise<void> {
    await saveBodyToFile(await this.getDownload(space, fileToken, o), localPath, `download of ${fileToken}`, o);
  }

  /** Content of an app-space file's older version via its temporary download URL (refreshed once when expired). */
  async downloadVersionBytes(fileToken: string, version: number, o?: CallOptions): Promise<Uint8Array> {
    const what = `download of version ${version} of ${fileToken}`;
    const res = await this.fetchTemporary(what, async () => (await this.appVersionDownloadUrl(fileToken, version, o)).url, o);
    return readAllBody(res, what, o);
  }

  private getDownload(space: 'personal' | 'appspace', fileToken: string, o?: CallOptions): Promise<HttpResponse> {
    const getUrl = async () => (space === 'personal' ? await this.personalDownloadUrl(fileToken, o) : await this.appDownloadUrl(fileToken, o)).url;
    return this.fetchTemporary(`download of ${fileToken}`, getUrl, o);
  }

  /**
   * Content behind a temporary URL (a conversion result, say): `getUrl` is asked once, and once more when the URL
   * turns out to have expired (403/404/410); a second refusal is the error. The URL's query never reaches the logs.
   */
  async fetchTemporaryBytes(what: string, getUrl: () => Promise<string>, o?: CallOptions): Promise<Uint8Array> {
    return readAllBody(await this.fetchTemporary(what, getUrl, o), what, o);
  }

  /** Polls a server-side task with this client's polling policy (office.ts); `what` names it in a TimeoutError. */
  pollTask<T>(check: () => Promise<PollResult<T>>, what: string, o?: CallOptions): Promise<T> {
    return this.pollServerTask(check, what, o);
  }

  /** GET of a temporary URL. An expired one is 40302 in the sandbox (HTTP 403); other storages answer 404/410: all refresh it once. */
  private fetchTemporary(what: string, getUrl: () => Promise<string>, o?: CallOptions): Promise<HttpResponse> {
    return this.openDownload(what, getUrl, (res) => kdocsError(res.status, parseKdError(res.body), what, res.headers), o);
  }

  /**
   * Polls a batch / async-upload task until it succeeds (its result) or fails (typed error). `onProgress` gets the
   * server's percentage (done, 100) after every poll that reports one.
   */
  waitTask(
    space: 'personal' | 'appspace' | 'asyncUpload', taskId: string, o?: CallOptions & { onProgress?: ProgressFn },
  ): Promise<unknown> {
    const poll = space === 'personal' ? (id: string) => this.personalTask(id, o)
      : space === 'appspace' ? (id: string) => this.appTask(id, o) : (id: string) => this.appAsyncUploadStatus(id, o);
    return this.pollServerTask<unknown>(async () => {
      const t = await poll(taskId);
      if (t.status === 'failed') throw taskError(t.error);
      if (t.status === 'success') {
        o?.onProgress?.(100, 100);
        return { done: true, value: t.result };
      }
      if (t.progress !== undefined) o?.onProgress?.(Math.min(99, Math.max(0, t.progress)), 100);
      return { done: false };
    }, 'Kingsoft Docs task', o);
  }
}

// ---------------------------------------------------------------- helpers

/**
 * Replaces `:name` segments; every parameter must be given (a missing one is a programming error). Values are
 * percent-encoded (RFC 3986); with `keepColon` a `:` stays as it is (a valid path character).
 */
export function fillPath(path: string, params: Record<string, string | number>, keepColon = false): string {
  return path.replace(/:([a-z_]+)/g, (_m, name: string) => {
    const v = params[name];
    if (v === undefined || v === '') throw new Error(`kdocs: path parameter ${name} missing for ${path}`);
    const encoded = rfc3986(String(v));
    return keepColon ? encoded.replace(/%3A/g, ':') : encoded;
  });
}

function jsonArray(v: string[] | undefined): string | undefined {
  return v && v.length ? JSON.stringify(v) : undefined;
}

function describe(ep: KdEndpointSpec, input: CallInput): string {
  const target = input.params?.file_token ?? input.params?.task_id;
  const op = ep.path.slice(B.length + 1);
  return target !== undefined ? `${ep.method} ${op} (${target})` : `${ep.method} ${op}`;
}

function link(data: unknown): KdLink {
  const l = toLink(data);
  if (!l) throw new BadResponseError('links: no share link in the answer');
  return l;
}

function task(data: unknown, taskId: string): KdTask {
  const t = toTask(data, taskId);
  if (!t) throw new BadResponseError('task: no task status in the answer');
  return t;
}

function tokenPair(data: unknown): KdTokenPair {
  if (!isRaw(data) || typeof data.access_token !== 'string' || typeof data.refresh_token !== 'string') {
    throw new BadResponseError('Kingsoft Docs sign-in: no tokens in the answer');
  }
  registerSecret(data.access_token);
  registerSecret(data.refresh_token);
  return {
    app_id: typeof data.app_id === 'string' ? data.app_id : undefined,
    access_token: data.access_token,
    refresh_token: data.refresh_token,
    expires_in: Number(data.expires_in) || 7200,
  };
}

/**
 * A failed task (or one file of a batch task, `what` naming it) carries only a message: classify it as well as a message
 * allows.
 */
export function taskError(msg: string | undefined, what = 'Kingsoft Docs task failed') {
  const m = msg ?? 'unknown error';
  if (/not found/i.test(m)) return new NotFoundError(`${what}: ${m}`);
  if (/exist/i.test(m)) return new AlreadyExistsError(`${what}: ${m}`);
  if (/itself/i.test(m)) return new InvalidInputError(`${what}: ${m}`);
  if (/share right|permission|forbidden/i.test(m)) return new ForbiddenError(`${what}: ${m}`);
  return new ServerError(`${what}: ${m}`);
}
