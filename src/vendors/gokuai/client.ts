/**
 * Gokuai library file API client: one method per endpoint of endpoints.tsv (35), the chunked-upload server
 * protocol of vendor-facts.md, and composites (uploadFile, downloads, waitQueue). Plain Node, no vscode.
 */
import { BadResponseError, DocError, ServerError } from '../../core/errors';
import { sha1Hex } from '../../core/hash';
import { readAllBody, saveBodyToFile } from '../../core/download';
import { multipart } from '../../core/multipart';
import type { HttpResponse } from '../../core/http';
import type { CallOptions, ProgressFn } from '../../core/model';
import { joinPath, normalizePath } from '../../core/paths';
import { registerSecret } from '../../core/redact';
import { rfc3986 } from '../../core/urlencode';
import { VendorClient, type VendorClientOptions } from '../../core/vendorClient';
import type { GkOp, GkRef, GokuaiApi, GokuaiCredentials } from './api';
import { gokuaiError, parseGkError, UploadSessionExpiredError } from './errors';
import { formEncode, type GkParams, signParams } from './signer';
import { clampPartSize, runUpload } from './upload';
import type {
  GkCopyResult, GkCreateFileResult, GkHistory, GkInfo, GkLink, GkLinkListItem, GkList, GkPermission, GkPermissions,
  GkQueueStatus, GkStat, GkUpdates, GkUploadServers, GkWebUploadResult,
} from './wire';

interface EndpointSpec {
  path: string;
  /** Safe to repeat after it may have reached the server (reads, and writes that set a state). */
  idempotent: boolean;
}

/** Client method -> endpoint (endpoints.tsv, vendor gokuai). A unit test checks it against the TSV. */
export const GOKUAI_ENDPOINTS = {
  ls: { path: '/m-open/1/file/ls', idempotent: true },
  updates: { path: '/m-open/1/file/updates', idempotent: true },
  updatesCount: { path: '/m-open/1/file/updates_count', idempotent: true },
  downloadUrl: { path: '/m-open/1/file/download_url', idempotent: true },
  previewUrl: { path: '/m-open/1/file/preview_url', idempotent: true },
  ceditUrl: { path: '/m-open/1/file/cedit_url', idempotent: true },
  info: { path: '/m-open/1/file/info', idempotent: true },
  search: { path: '/m-open/1/file/search', idempotent: true },
  createFolder: { path: '/m-open/1/file/create_folder', idempotent: false },
  createFile: { path: '/m-open/1/file/create_file', idempotent: false },
  uploadServers: { path: '/m-open/1/file/upload_servers', idempotent: true },
  webUpload: { path: '/2/web_upload', idempotent: false },
  copy: { path: '/m-open/1/file/copy', idempotent: false },
  mcopy: { path: '/m-open/1/file/mcopy', idempotent: false },
  move: { path: '/m-open/1/file/move', idempotent: false },
  del: { path: '/m-open/1/file/del', idempotent: false },
  delCompletely: { path: '/m-open/1/file/del_completely', idempotent: false },
  recycle: { path: '/m-open/1/file/recycle', idempotent: true },
  recover: { path: '/m-open/1/file/recover', idempotent: false },
  history: { path: '/m-open/1/file/history', idempotent: true },
  link: { path: '/m-open/1/file/link', idempotent: false },
  linkClose: { path: '/m-open/1/file/link_close', idempotent: false },
  links: { path: '/m-open/1/file/links', idempotent: true },
  lock: { path: '/m-open/1/file/lock', idempotent: true },
  setPermissionInherit: { path: '/m-open/1/file/set_permission_inherit', idempotent: true },
  getAllPermission: { path: '/m-open/1/file/get_all_permission', idempotent: true },
  filePermission: { path: '/m-open/1/file/file_permission', idempotent: true },
  resetPermission: { path: '/m-open/1/file/reset_permission', idempotent: true },
  getPermission: { path: '/m-open/1/file/get_permission', idempotent: true },
  addTag: { path: '/m-open/1/file/add_tag', idempotent: true },
  delTag: { path: '/m-open/1/file/del_tag', idempotent: true },
  setMetadata: { path: '/m-open/1/file/set_metadata', idempotent: true },
  delMetadata: { path: '/m-open/1/file/del_metadata', idempotent: true },
  stat: { path: '/m-open/1/file/stat', idempotent: true },
  queueStatus: { path: '/m-open/1/file/queue_status', idempotent: true },
} as const satisfies Record<string, EndpointSpec>;

export type GokuaiEndpoint = keyof typeof GOKUAI_ENDPOINTS;

/** Paths on the upload server (vendor-facts.md, chunked upload); unsigned. */
export const GOKUAI_UPLOAD_PATHS = {
  uploadInit: '/upload_init',
  uploadPart: '/upload_part',
  uploadReq: '/upload_req',
  uploadFinish: '/upload_finish',
  uploadAbort: '/upload_abort',
} as const;

/** `poll` paces both the copy queue (waitQueue) and upload_finish while it answers 202. */
export interface GokuaiClientOptions extends VendorClientOptions {
  /**
   * Chunked upload part size, held to the vendor's 4-10 MiB (default 4 MiB). There is no way around the bounds, for
   * tests neither: the sandbox refuses a smaller part that is not the file's last, as the service may.
   */
  uploadPartSize?: number;
}

/** upload_abort is clean-up after a failure: one short attempt, so it never delays the error the user waits for. */
const UPLOAD_ABORT_TIMEOUT_MS = 5_000;
/** Files up to this size are saved with one /2/web_upload request (larger ones: the chunked upload). */
export const WEB_UPLOAD_MAX = 4 * 1024 * 1024;
/** How long the web-upload keys we ask for live (upload_servers `timeout`). */
const WEB_KEY_SECONDS = 1800;

export class GokuaiClient extends VendorClient implements GokuaiApi {
  private webKeyCache?: { server: string; key: string; until: number };

  constructor(private readonly creds: GokuaiCredentials, private readonly opts: GokuaiClientOptions = {}) {
    super('gokuai', creds.host, opts, parseGkError);
    registerSecret(creds.orgClientSecret);
  }

  // ---------------------------------------------------------------- plumbing

  /** Signed form POST to an API endpoint; non-2xx -> typed error. */
  private async post(name: GokuaiEndpoint, input: object, o: CallOptions | undefined, what?: string): Promise<HttpResponse> {
    const ep: EndpointSpec = GOKUAI_ENDPOINTS[name];
    const params = input as GkParams;
    const described = describe(name, params, what);
    return this.request({
      method: 'POST',
      url: this.host + ep.path,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      // Re-signed on every attempt so that a retry after a long Retry-After still has a fresh dateline.
      body: () => formEncode(signParams(params, this.creds, this.now())),
      idempotent: ep.idempotent,
      signal: o?.signal,
      limitKey: this.limitKey,
    }, described, (res) => {
      if (res.status < 200 || res.status >= 300) throw gokuaiError(res.status, res.body, described, res.headers);
      return res;
    });
  }

  private async postJson<T>(name: GokuaiEndpoint, params: object, o: CallOptions | undefined, check?: (v: T) => boolean): Promise<T> {
    const res = await this.post(name, params, o);
    const v = res.json<T>();
    if (v === null || v === undefined || (check && !check(v))) {
      throw new BadResponseError(`${describe(name, params as GkParams)}: unexpected answer from Gokuai`, { status: res.status });
    }
    return v;
  }

  private async postVoid(name: GokuaiEndpoint, params: object, o: CallOptions | undefined): Promise<void> {
    await this.post(name, params, o);
  }

  // ---------------------------------------------------------------- library endpoints

  ls(p: { fullpath: string; tag?: string; start?: number; size?: number; hashs?: string[] }, o?: CallOptions): Promise<GkList> {
    // fullpath '' (root) is a real value here, but empty parameters are never sent: the server reads absence as root.
    return this.postJson<GkList>('ls', { ...p, hashs: p.hashs?.join(',') }, o, isList);
  }

  updates(p: { fetch_dateline: number; mode?: 'compare'; dir?: 0 | 1 }, o?: CallOptions): Promise<GkUpdates> {
    return this.postJson<GkUpdates>('updates', p, o, (v) => Array.isArray(v.list));
  }

  updatesCount(p: { begin_dateline: number; end_dateline: number; showdel?: 0 | 1 }, o?: CallOptions): Promise<{ count: number }> {
    return this.postJson<{ count: number }>('updatesCount', p, o, (v) => typeof v.count === 'number');
  }

  downloadUrl(p: GkRef & GkOp & { filehash?: string; open?: 0 | 1; filename?: string; net?: 'in' }, o?: CallOptions): Promise<{ urls: string[] }> {
    return this.postJson<{ urls: string[] }>('downloadUrl', p, o, (v) => Array.isArray(v.urls) && v.urls.length > 0);
  }

  previewUrl(p: Parameters<GokuaiApi['previewUrl']>[0], o?: CallOptions): Promise<{ url: string; thumbnail?: string }> {
    return this.postJson<{ url: string; thumbnail?: string }>('previewUrl', p, o, (v) => typeof v.url === 'string');
  }

  ceditUrl(p: Parameters<GokuaiApi['ceditUrl']>[0], o?: CallOptions): Promise<{ url: string }> {
    return this.postJson<{ url: string }>('ceditUrl', p, o, (v) => typeof v.url === 'string');
  }

  info(p: GkRef & { net?: 'in'; attribute?: 0 | 1 | 10; hid?: string; nop?: 0 | 1; ignores?: string[] }, o?: CallOptions): Promise<GkInfo> {
    return this.postJson<GkInfo>('info', { ...p, ignores: p.ignores?.join(',') }, o, isFile);
  }

  search(p: { keywords: string; path?: string; scope?: Array<'filename' | 'tag' | 'content'>; start?: number; size?: number }, o?: CallOptions): Promise<GkList> {
    return this.postJson<GkList>('search', { ...p, scope: p.scope && JSON.stringify(p.scope) }, o, isList);
  }

  createFolder(p: { fullpath: string } & GkOp, o?: CallOptions): Promise<{ hash: string; fullpath: string }> {
    return this.postJson<{ hash: string; fullpath: string }>('createFolder', p, o, (v) => typeof v.hash === 'string');
  }

  createFile(p: { fullpath: string; filehash: string; filesize: number; overwrite?: 0 | 1 } & GkOp, o?: CallOptions): Promise<GkCreateFileResult> {
    return this.postJson<GkCreateFileResult>('createFile', p, o, (v) => typeof v.hash === 'string' && (Number(v.state) === 1 || typeof v.server === 'string'))
      .then((v) => ({ ...v, state: Number(v.state) === 1 ? 1 : 0 }));
  }

  uploadServers(p: { fullpath: string; timeout: number; rand?: string }, o?: CallOptions): Promise<GkUploadServers> {
    const rand = p.rand ?? Math.random().toString(36).slice(2);
    return this.postJson<GkUploadServers>('uploadServers', { ...p, rand }, o, (v) => Array.isArray(v['m-upload']) && typeof v.key === 'string')
      .then((v) => {
        registerSecret(v.key);
        return v;
      });
  }

  async webUpload(
    server: string, p: { key: string; path: string; name: string; overwrite?: 0 | 1; data: Uint8Array } & GkOp, o?: CallOptions,
  ): Promise<GkWebUploadResult> {
    const { data, ...fields } = p;
    const form = await multipart({ org_client_id: this.creds.orgClientId, ...fields, filefield: 'file' }, { field: 'file', filename: p.name, source: { data } });
    const what = `web_upload "${joinPath(p.path, p.name)}"`;
    return this.request({
      method: 'POST',
      url: trimSlash(server) + GOKUAI_ENDPOINTS.webUpload.path,
      headers: { 'content-type': form.contentType, 'content-length': String(form.length) },
      body: form.body,
      idempotent: false,
      signal: o?.signal,
    }, what, (res) => {
      if (res.status < 200 || res.status >= 300) throw gokuaiError(res.status, res.body, what, res.headers);
      const v = res.json<GkWebUploadResult>();
      if (!v || typeof v.fullpath !== 'string') throw new BadResponseError(`${what}: unexpected answer from Gokuai`);
      return v;
    });
  }

  copy(p: { from_fullpath: string; fullpath: string; overwrite?: 0 | 1 } & GkOp, o?: CallOptions): Promise<GkCopyResult> {
    return this.postJson<GkCopyResult>('copy', p, o, (v) => typeof v === 'object');
  }

  mcopy(p: { from_fullpaths: string[]; paths: string[]; copy_all?: 0 | 1; sp?: string } & GkOp, o?: CallOptions): Promise<GkCopyResult[]> {
    return this.postJson<GkCopyResult[]>('mcopy', { ...p, from_fullpaths: p.from_fullpaths.join('|'), paths: p.paths.join('|') }, o, Array.isArray);
  }

  move(p: { fullpath: string; dest_fullpath: string } & GkOp, o?: CallOptions): Promise<void> {
    return this.postVoid('move', p, o);
  }

  del(p: ({ fullpath: string } | { tag: string[]; path?: string }) & GkOp & { destroy?: 0 | 1 }, o?: CallOptions): Promise<void> {
    return this.postVoid('del', 'tag' in p ? { ...p, tag: p.tag.join(';') } : p, o);
  }

  delCompletely(p: ({ fullpaths: string[] } | { tag: string[] }) & GkOp, o?: CallOptions): Promise<void> {
    return this.postVoid('delCompletely', 'tag' in p ? { ...p, tag: p.tag.join(';') } : { ...p, fullpaths: p.fullpaths.join('|') }, o);
  }

  recycle(p: { start?: number; size?: number; order?: string; keyword?: string }, o?: CallOptions): Promise<GkList> {
    return this.postJson<GkList>('recycle', p, o, isList);
  }

  recover(p: { fullpaths: string[] } & GkOp, o?: CallOptions): Promise<void> {
    return this.postVoid('recover', { ...p, fullpaths: p.fullpaths.join('|') }, o);
  }

  history(p: { fullpath: string; start?: number; size?: number }, o?: CallOptions): Promise<GkHistory> {
    return this.postJson<GkHistory>('history', p, o, (v) => Array.isArray(v.list));
  }

  link(p: Parameters<GokuaiApi['link']>[0], o?: CallOptions): Promise<GkLink> {
    if (p.password) registerSecret(p.password);
    return this.postJson<GkLink>('link', p, o, (v) => typeof v.link === 'string');
  }

  linkClose(p: ({ code: string } | { fullpath: string }) & GkOp, o?: CallOptions): Promise<void> {
    return this.postVoid('linkClose', p, o);
  }

  links(p: { file?: 0 | 1 }, o?: CallOptions): Promise<GkLinkListItem[]> {
    return this.postJson<GkLinkListItem[]>('links', p, o, Array.isArray);
  }

  lock(p: { fullpath: string; lock: 'lock' | 'unlock' } & GkOp, o?: CallOptions): Promise<void> {
    return this.postVoid('lock', p, o);
  }

  setPermissionInherit(p: { fullpath: string; inherit: 0 | 1 }, o?: CallOptions): Promise<void> {
    return this.postVoid('setPermissionInherit', p, o);
  }

  getAllPermission(p: { fullpath: string }, o?: CallOptions): Promise<GkPermissions> {
    return this.postJson<GkPermissions>('getAllPermission', p, o, isObject);
  }

  filePermission(p: { fullpath: string; permissions: Record<string, GkPermission[]>; is_group?: 0 | 1; is_out?: 0 | 1 }, o?: CallOptions): Promise<void> {
    return this.postVoid('filePermission', { ...p, permissions: JSON.stringify(p.permissions) }, o);
  }

  resetPermission(p: { fullpath: string; members?: string[]; groups?: string[]; clear?: 0 | 1 }, o?: CallOptions): Promise<void> {
    return this.postVoid('resetPermission', { ...p, members: p.members?.join(','), groups: p.groups?.join(',') }, o);
  }

  getPermission(p: { fullpath: string; member_id?: number; out_id?: string; account?: string }, o?: CallOptions): Promise<GkPermission[] | GkPermissions> {
    return this.postJson<GkPermission[] | GkPermissions>('getPermission', p, o, (v) => typeof v === 'object');
  }

  addTag(p: { fullpath: string; tag: string[] } & GkOp, o?: CallOptions): Promise<void> {
    return this.postVoid('addTag', { ...p, tag: p.tag.join(';') }, o);
  }

  delTag(p: { fullpath: string; tag: string[] } & GkOp, o?: CallOptions): Promise<void> {
    return this.postVoid('delTag', { ...p, tag: p.tag.join(';') }, o);
  }

  setMetadata(p: GkRef & { key: string; metadata: Record<string, unknown>; display?: string[] }, o?: CallOptions): Promise<void> {
    return this.postVoid('setMetadata', { ...p, metadata: JSON.stringify(p.metadata), display: p.display?.join(',') }, o);
  }

  delMetadata(p: GkRef & { key: string }, o?: CallOptions): Promise<void> {
    return this.postVoid('delMetadata', p, o);
  }

  stat(o?: CallOptions): Promise<GkStat> {
    return this.postJson<GkStat>('stat', {}, o, isObject);
  }

  queueStatus(p: { queue_id: string }, o?: CallOptions): Promise<GkQueueStatus> {
    return this.postJson<GkQueueStatus>('queueStatus', p, o, (v) => v.status !== undefined)
      .then((v) => ({ ...v, status: Number(v.status) as GkQueueStatus['status'] }));
  }

  // ---------------------------------------------------------------- chunked upload server (unsigned)

  async uploadInit(
    server: string, p: { filename: string; pathhash: string; filehash: string; filesize: number }, o?: CallOptions,
  ): Promise<{ session?: string; complete: boolean }> {
    const res = await this.uploadRequest('uploadInit', server, 'POST', {
      'x-gk-upload-filename': rfc3986(p.filename),
      'x-gk-upload-pathhash': p.pathhash,
      'x-gk-upload-filehash': p.filehash,
      'x-gk-upload-filesize': String(p.filesize),
    }, o, `upload_init "${p.filename}"`, { query: `?org_client_id=${rfc3986(this.creds.orgClientId)}` });
    if (res.status === 202) return { complete: true };
    const v = parseJsonObject(res.body);
    const session = v?.session;
    if (typeof session !== 'string' || !session) throw new BadResponseError('upload_init: no upload session in the answer');
    return { session, complete: false };
  }

  async uploadPart(
    server: string, p: { session: string; start: number; end: number; crc: number; data: Uint8Array }, o?: CallOptions,
  ): Promise<{ complete: boolean; expect?: number }> {
    const res = await this.uploadRequest('uploadPart', server, 'PUT', {
      'x-gk-upload-session': p.session,
      'x-gk-upload-range': `${p.start}-${p.end}`,
      'x-gk-upload-crc': String(p.crc >>> 0),
      'content-type': 'application/octet-stream',
      'content-length': String(p.data.byteLength),
    }, o, `upload_part ${p.start}-${p.end}`, { body: p.data, noRetry: true, accept409: true });
    if (res.status === 409) {
      const expect = Number(parseJsonObject(res.body)?.expect);
      if (!Number.isFinite(expect)) throw gokuaiError(409, res.body, `upload_part ${p.start}-${p.end}`);
      return { complete: false, expect };
    }
    return { complete: res.status === 202 };
  }

  async uploadReq(server: string, p: { session: string }, o?: CallOptions): Promise<{ received: number }> {
    const res = await this.uploadRequest('uploadReq', server, 'GET', { 'x-gk-upload-session': p.session }, o, 'upload_req');
    const received = parseReceived(res.body);
    if (received === undefined) throw new BadResponseError('upload_req: cannot read the received byte count');
    return { received };
  }

  async uploadFinish(server: string, p: { session: string }, o?: CallOptions): Promise<{ done: boolean }> {
    const res = await this.uploadRequest('uploadFinish', server, 'POST', { 'x-gk-upload-session': p.session }, o, 'upload_finish');
    return { done: res.status !== 202 };
  }

  async uploadAbort(server: string, p: { session: string }, o?: CallOptions): Promise<void> {
    await this.uploadRequest('uploadAbort', server, 'POST', { 'x-gk-upload-session': p.session }, o, 'upload_abort', {
      noRetry: true, timeoutMs: UPLOAD_ABORT_TIMEOUT_MS,
    });
  }

  private async uploadRequest(
    name: keyof typeof GOKUAI_UPLOAD_PATHS, server: string, method: string, headers: Record<string, string>,
    o: CallOptions | undefined, what: string,
    extra: { query?: string; body?: Uint8Array; noRetry?: boolean; accept409?: boolean; timeoutMs?: number } = {},
  ): Promise<HttpResponse> {
    return this.request({
      method,
      url: trimSlash(server) + GOKUAI_UPLOAD_PATHS[name] + (extra.query ?? ''),
      headers,
      body: extra.body,
      // upload_part is not repeated blindly: the upload flow asks upload_req where to resume instead.
      retry: extra.noRetry ? false : undefined,
      idempotent: true,
      signal: o?.signal,
      timeoutMs: extra.timeoutMs ?? (extra.body ? Math.max(60_000, this.opts.timeoutMs ?? 0) : undefined),
    }, what, (res) => {
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status === 409 && extra.accept409) return res;
      // Upload-server calls are unsigned: a 401 to one that names a session means the session is gone, not bad
      // credentials (vendor-facts: "401 bad session"). upload_init carries no session; its 401 is the client id.
      if (res.status === 401 && headers['x-gk-upload-session'] !== undefined) {
        throw new UploadSessionExpiredError(what, { status: res.status, vendorCode: parseGkError(res.body).code });
      }
      throw gokuaiError(res.status, res.body, what, res.headers);
    });
  }

  // ---------------------------------------------------------------- composites

  uploadFile(
    p: { fullpath: string; source: { path: string } | { data: Uint8Array }; overwrite: boolean } & GkOp,
    o?: CallOptions & { onProgress?: ProgressFn },
  ): Promise<{ hash: string; fullpath: string; filehash: string; filesize: number; instant: boolean }> {
    return runUpload(this, p, o ?? {}, {
      partSize: this.opts.uploadPartSize === undefined ? undefined : clampPartSize(this.opts.uploadPartSize),
      logger: this.log,
      poll: this.opts.poll,
    });
  }

  async uploadSmall(
    p: { fullpath: string; data: Uint8Array; overwrite: boolean } & GkOp, o?: CallOptions,
  ): Promise<{ hash: string; fullpath: string; filehash: string; filesize: number }> {
    if (p.data.byteLength > WEB_UPLOAD_MAX) throw new RangeError(`uploadSmall takes at most ${WEB_UPLOAD_MAX} bytes`);
    const { fullpath, data, overwrite, ...op } = p;
    const slash = fullpath.lastIndexOf('/');
    const form = { path: slash < 0 ? '' : fullpath.slice(0, slash), name: fullpath.slice(slash + 1), overwrite: overwrite ? 1 as const : 0 as const, data, ...op };
    const filehash = sha1Hex(data);
    for (let round = 1; ; round++) {
      const key = await this.webKey(fullpath, round > 1, o);
      try {
        const r = await this.webUpload(key.server, { ...form, key: key.key }, o);
        if (normalizePath(r.fullpath) !== normalizePath(fullpath)) {
          // Not where it was asked to go (the key named another path, or the server picked "name (1)"): not a save.
          this.webKeyCache = undefined;
          throw new ServerError(`web_upload "${fullpath}": Gokuai stored the file as "${r.fullpath}" instead`);
        }
        return { hash: r.hash, fullpath: r.fullpath, filehash, filesize: Number(r.filesize ?? data.byteLength) };
      } catch (e) {
        // The reference is silent on whether a key serves other paths and other uploads: ours reuses it, and a key
        // the server refuses (unknown, expired, not for this path) is replaced once.
        const status = (e as { status?: number }).status;
        if (round > 1 || !(e instanceof DocError) || !(status === 401 || status === 403 || status === 404 || status === 410)) throw e;
        this.webKeyCache = undefined;
        this.log.debug(`web_upload: the upload key was refused (HTTP ${status}), asking for a new one`);
      }
    }
  }

  /** The reusable web-upload key and server (valid WEB_KEY_SECONDS, dropped a minute before). */
  private async webKey(fullpath: string, renew: boolean, o?: CallOptions): Promise<{ server: string; key: string }> {
    const now = Date.now();
    if (!renew && this.webKeyCache && this.webKeyCache.until > now) return this.webKeyCache;
    const r = await this.uploadServers({ fullpath, timeout: WEB_KEY_SECONDS }, o);
    this.webKeyCache = { server: r['m-upload'][0], key: r.key, until: now + (WEB_KEY_SECONDS - 60) * 1000 };
    return this.webKeyCache;
  }

  async downloadBytes(ref: GkRef & { filehash?: string; url?: string }, o?: CallOptions): Promise<Uint8Array> {
    // Streamed rather than buffered by the HTTP layer: the stall watchdog then bounds the time between bytes, not
    // the whole transfer (a large file on a slow link must not hit the per-request timeout).
    return readAllBody(await this.getDownload(ref, o), downloadWhat(ref), o);
  }

  async downloadToFile(
    ref: GkRef & { filehash?: string; url?: string }, localPath: string, o?: CallOptions & { onProgress?: ProgressFn },
  ): Promise<void> {
    await saveBodyToFile(await this.getDownload(ref, o), localPath, downloadWhat(ref), o);
  }

  /** GET on a temporary download URL (10 minutes), refreshed once when expired. */
  private getDownload(ref: GkRef & { filehash?: string; url?: string }, o: CallOptions | undefined): Promise<HttpResponse> {
    const what = downloadWhat(ref);
    const { url, ...rest } = ref;
    let first = url;
    return this.openDownload(
      what, async () => {
        if (first) {
          const u = first;
          first = undefined;
          return u;
        }
        return (await this.downloadUrl(rest, o)).urls[0];
      }, (res) => gokuaiError(res.status, res.body, what, res.headers), o,
    );
  }

  waitQueue(queueId: string, o?: CallOptions): Promise<GkQueueStatus> {
    return this.pollServerTask<GkQueueStatus>(async () => {
      const s = await this.queueStatus({ queue_id: queueId }, o);
      if (s.status === 3) throw new ServerError(`Gokuai queue task failed${s.fullpath ? ` for "${s.fullpath}"` : ''}`);
      return s.status === 2 ? { done: true, value: s } : { done: false };
    }, 'Gokuai copy queue', o);
  }
}

// ---------------------------------------------------------------- helpers

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null;
}
function isList(v: GkList): boolean {
  return isObject(v) && Array.isArray(v.list);
}
function isFile(v: GkInfo): boolean {
  return isObject(v) && typeof v.fullpath === 'string';
}

function trimSlash(s: string): string {
  return s.replace(/\/+$/, '');
}

function refName(ref: GkRef): string {
  return ref.fullpath ?? `hash ${ref.hash}`;
}

function downloadWhat(ref: GkRef): string {
  return `download of "${refName(ref)}"`;
}

/** `ls "a/b"`: operation plus target, for error messages (no secrets: params are user paths). */
function describe(name: GokuaiEndpoint, params: GkParams, what?: string): string {
  if (what) return what;
  const op = GOKUAI_ENDPOINTS[name].path.split('/').pop();
  const target = params.fullpath ?? params.from_fullpath ?? params.hash ?? params.queue_id;
  return target !== undefined && target !== null ? `${op} "${target}"` : String(op);
}

function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** upload_req answers "bytes received so far": accept a bare number or an object naming it. */
export function parseReceived(body: Buffer): number | undefined {
  const text = body.toString('utf8').trim();
  if (/^\d+$/.test(text)) return Number(text);
  const o = parseJsonObject(body);
  if (!o) return undefined;
  for (const k of ['received', 'expect', 'offset', 'size', 'uploaded', 'bytes']) {
    const n = Number(o[k]);
    if (o[k] !== undefined && o[k] !== null && Number.isFinite(n)) return n;
  }
  return undefined;
}
