import type * as http from 'node:http';
import type { Api, GokuaiUrls } from './api';
import { readAll } from '../common/blob';
import { err, GkError } from './errors';
import { parseUrlEncoded, type Params } from '../common/form';
import type { Faults } from '../common/misbehaviour';
import { verifyGokuaiSign } from './sign';
import { nameOf, OTHER_MEMBER, type Library } from './store';
import type { Uploads } from './upload';
import { blobDownload, createPipeline, escapeHtml, htmlPage, readBody, readChunks, receivePrefixThenDrop, type Reply } from '../common/http';

/**
 * HTTP routing of the Gokuai sandbox (one server, bound to 127.0.0.1):
 *   POST /m-open/1/file/<endpoint>        signed library API (api.ts)
 *   *    /upload/<upload_init|...>        chunked upload server and /upload/2/web_upload (upload.ts)
 *   GET  /dl/<token>?e=&s=                temporary download URL (Range supported; 403 once expired)
 *   GET  /preview/<token>, /cedit/<token>, /link/<code>   small HTML pages
 *   GET|PUT|DELETE /__sandbox/file?fullpath=[&member=][&mtime=<ms>], POST /__sandbox/lock|unlock?fullpath=, GET /__sandbox/state
 *                                         control routes for out-of-process tests: only with the `controlRoutes`
 *                                         option (else 404), loopback clients only
 * Error codes: see errors.ts.
 */

export const API_PREFIX = '/m-open/1/file/';
export const UPLOAD_PREFIX = '/upload/';

/**
 * The reference documents every library endpoint as POST, and other methods are refused (405 / 40001). These reads
 * are the exception: Gokuai's own Java SDK (gokuai/yunku-sdk-java, EntFileManager) sends them as GET with the signed
 * parameters in the query, so the real service evidently serves them that way too. Reference and SDK disagree, so the
 * sandbox keeps accepting GET on exactly these; every other endpoint (all writes, and the reads the SDK POSTs) is
 * POST only.
 */
const SDK_GET_ENDPOINTS: ReadonlySet<string> = new Set([
  'ls', 'updates', 'updates_count', 'info', 'search', 'links', 'download_url', 'preview_url', 'upload_servers',
]);

export interface ServerDeps {
  lib: Library;
  api: Api;
  uploads: Uploads;
  urls: GokuaiUrls;
  faults: Faults;
  credentials: { orgClientId: string; orgClientSecret: string };
  /** Serve the /__sandbox/ control routes (GokuaiSandboxOptions.controlRoutes). */
  controlRoutes: boolean;
  /** Accepted |now - dateline| in seconds. */
  datelineWindowSec(): number;
  /** Writes as another member (control.writeFile). */
  writeAsMember(fullpath: string, data: Buffer, member?: string, mtime?: number): void;
  record(entry: { method: string; path: string; status: number }): void;
  addUploadedBytes(n: number): void;
  summary(): unknown;
}

/** The bodies of upload_part requests, as their chunks (see createHandler's receive). */
const partBodies = new WeakMap<http.IncomingMessage, Buffer[]>();
const EMPTY = Buffer.alloc(0);

export function createHandler(d: ServerDeps): http.RequestListener {
  const uploadPart = `${UPLOAD_PREFIX}upload_part`;
  return createPipeline({
    faults: d.faults,
    controlRoutes: d.controlRoutes,
    isApi: (path) => path.startsWith(API_PREFIX) || path.startsWith(UPLOAD_PREFIX),
    receive: async (req, path) => {
      if (path !== uploadPart) return readBody(req);
      if (d.faults.takeDropPart()) {
        // The first half of the declared body arrives, then the connection drops (see Uploads.keepDroppedPrefix).
        const declared = Number(req.headers['content-length']);
        const prefix = await receivePrefixThenDrop(req, Number.isFinite(declared) ? Math.floor(declared / 2) : 0);
        d.addUploadedBytes(d.uploads.keepDroppedPrefix(req.method ?? '', req.headers, prefix));
        return undefined;
      }
      // Chunks as they arrived (not copied into one buffer): the part is checked, hashed and stored chunk by chunk.
      const chunks = await readChunks(req);
      const size = chunks.reduce((n, c) => n + c.length, 0);
      d.addUploadedBytes(size);
      partBodies.set(req, chunks);
      return EMPTY;
    },
    malformedJson: '{"count": 1, "list": [{"hash": "',
    errors: {
      of: (e) => (e instanceof GkError ? e : new GkError(500, 50000, 'internal error')),
      controlOff: () => err.notFound('not found'),
      controlForbidden: () => err.permission('loopback only'),
      injected: (status, retryAfterSec) => err.injected(status, retryAfterSec),
    },
    control: (method, url, body) => control(d, method, url.pathname, queryOf(url), body),
    route: (req, method, url, body) => route(d, req, method, url.pathname, queryOf(url), body),
    record: (entry) => d.record(entry),
  });
}

function queryOf(url: URL): Params {
  return Object.fromEntries(url.searchParams) as Params;
}

function route(d: ServerDeps, req: http.IncomingMessage, method: string, path: string, query: Params, body: Buffer): Reply {
  if (path.startsWith(API_PREFIX)) {
    const name = path.slice(API_PREFIX.length);
    if (!Object.prototype.hasOwnProperty.call(d.api.endpoints, name)) throw err.notFound('no such api');
    const handler = d.api.endpoints[name];
    if (method !== 'POST' && !(method === 'GET' && SDK_GET_ENDPOINTS.has(name))) throw err.method();
    const params = { ...query, ...parseBody(req, body) };
    authenticate(d, params);
    return { status: 200, json: handler(params) };
  }
  if (path.startsWith(UPLOAD_PREFIX)) {
    const r = d.uploads.handle(path.slice(UPLOAD_PREFIX.length), method, req.headers, query, partBodies.get(req) ?? body);
    return { status: r.status, json: r.json };
  }
  const [, kind, token] = path.split('/');
  if (method !== 'GET' && method !== 'HEAD') throw err.method();
  if (kind === 'dl' && token) return download(d, req, token, query);
  if ((kind === 'preview' || kind === 'cedit') && token) {
    const target = d.urls.resolvePage(kind, token, query);
    const node = d.lib.byHash(target.hash);
    if (!node) throw err.notFound();
    const blob = d.lib.blobs.get(node.filehash);
    const preview = blob?.inMemory && blob.size < 256 * 1024 && !/\.(docx?|xlsx?|pptx?|bin|zip)$/i.test(node.fullpath)
      ? `<pre>${escapeHtml(readAll(blob).toString('utf8'))}</pre>` : '<p>(binary content)</p>';
    const title = kind === 'cedit' ? (target.readonly ? '只读查看' : '协同编辑') : '预览';
    return { status: 200, html: page(`${title}: ${nameOf(node.fullpath)}`, preview) };
  }
  if (kind === 'link' && token) {
    const link = d.api.openLink(token, query.password);
    if ('passwordRequired' in link) {
      const note = link.wrongPassword ? '<p>密码错误 Wrong password</p>' : '';
      return { status: 403, html: page('外链需要密码 Password required', `${note}<form method="get"><input type="password" name="password" autofocus><button>打开</button></form>`) };
    }
    const n = link.node;
    return { status: 200, html: page(`外链: ${nameOf(n.fullpath)}`, `<p>${n.dir ? '文件夹' : `${n.filesize} bytes`} · ${escapeHtml(link.auth)}${link.hasPassword ? ' · 🔒' : ''}</p>`) };
  }
  throw err.notFound('not found');
}

function authenticate(d: ServerDeps, params: Params): void {
  if (params.org_client_id !== d.credentials.orgClientId) throw err.client();
  if (!/^\d+$/.test(params.dateline ?? '')) throw err.param('dateline is required');
  if (!verifyGokuaiSign(params, d.credentials.orgClientSecret)) throw err.sign();
  if (Math.abs(Date.now() / 1000 - Number(params.dateline)) > d.datelineWindowSec()) throw err.dateline();
}

function parseBody(req: http.IncomingMessage, body: Buffer): Params {
  const type = req.headers['content-type'] ?? '';
  if (body.length === 0) return {};
  if (type && !/application\/x-www-form-urlencoded/i.test(type)) throw err.param('body must be application/x-www-form-urlencoded');
  try {
    return parseUrlEncoded(body.toString('utf8'));
  } catch {
    throw err.param('malformed percent-encoding');
  }
}

function download(d: ServerDeps, req: http.IncomingMessage, token: string, query: Params): Reply {
  const target = d.urls.resolveDownload(token, query);
  const blob = d.lib.blobs.get(target.filehash);
  if (!blob) throw err.notFound();
  return blobDownload(blob, target.filename, target.open, target.filehash, req.headers.range, { error_code: 40001, error_msg: 'range not satisfiable' });
}

function control(d: ServerDeps, method: string, path: string, query: Params, body: Buffer): Reply {
  const fullpath = query.fullpath ?? '';
  switch (`${method} ${path}`) {
    case 'GET /__sandbox/state':
      return { status: 200, json: d.summary() };
    case 'GET /__sandbox/file': {
      const n = d.lib.get(fullpath);
      if (!n || n.dir) throw err.notFound();
      return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, bytes: readAll(d.lib.blobOf(n)) };
    }
    case 'PUT /__sandbox/file':
      d.writeAsMember(fullpath, body, query.member, query.mtime ? Number(query.mtime) : undefined);
      return { status: 200, json: summaryOf(d.lib, fullpath) };
    case 'DELETE /__sandbox/file':
      d.lib.remove(fullpath, query.member || OTHER_MEMBER, query.destroy === '1');
      return { status: 200, json: {} };
    case 'POST /__sandbox/lock':
      d.lib.setLock(d.lib.require(fullpath), query.member || OTHER_MEMBER);
      return { status: 200, json: summaryOf(d.lib, fullpath) };
    case 'POST /__sandbox/unlock':
      d.lib.setLock(d.lib.require(fullpath), undefined);
      return { status: 200, json: summaryOf(d.lib, fullpath) };
    default:
      throw err.notFound('no such control route');
  }
}

function summaryOf(lib: Library, fullpath: string): unknown {
  const n = lib.require(fullpath);
  return { fullpath: n.fullpath, hash: n.hash, filehash: n.filehash, filesize: n.filesize, versions: n.history.length, locked: n.lockedBy ?? null };
}

function page(title: string, body: string): string {
  return htmlPage(title, body, 'Gokuai sandbox');
}
