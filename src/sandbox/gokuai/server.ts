import type * as http from 'node:http';
import type { Api } from './api';
import type { Blob } from './blob';
import { readAll } from './blob';
import { err, GkError } from './errors';
import { parseUrlEncoded, type Params } from './form';
import type { Faults } from './misbehaviour';
import { verifyGokuaiSign } from './sign';
import { nameOf, type Library } from './store';
import type { Uploads } from './upload';
import type { TemporaryUrls } from './urls';

/**
 * HTTP routing of the Gokuai sandbox (one server, bound to 127.0.0.1):
 *   POST /m-open/1/file/<endpoint>        signed library API (api.ts)
 *   *    /upload/<upload_init|...>        chunked upload server and /upload/2/web_upload (upload.ts)
 *   GET  /dl/<token>?e=&s=                temporary download URL (Range supported; 403 once expired)
 *   GET  /preview/<token>, /cedit/<token>, /link/<code>   small HTML pages
 *   GET|PUT|DELETE /__sandbox/file?fullpath=, POST /__sandbox/lock|unlock?fullpath=, GET /__sandbox/state
 *                                         control routes for out-of-process tests (loopback clients only)
 * Error codes: see errors.ts.
 */

export const API_PREFIX = '/m-open/1/file/';
export const UPLOAD_PREFIX = '/upload/';
const MAX_BODY = 128 * 1024 * 1024;

export interface ServerDeps {
  lib: Library;
  api: Api;
  uploads: Uploads;
  urls: TemporaryUrls;
  faults: Faults;
  credentials: { orgClientId: string; orgClientSecret: string };
  /** Accepted |now - dateline| in seconds. */
  datelineWindowSec(): number;
  /** Writes as another member (control.writeFile). */
  writeAsMember(fullpath: string, data: Buffer, member?: string): void;
  record(entry: { method: string; path: string; status: number }): void;
  addUploadedBytes(n: number): void;
  summary(): unknown;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** Raw JSON text (malformed answers). */
  rawJson?: string;
  html?: string;
  blob?: { blob: Blob; start: number; end: number };
  bytes?: Buffer;
}

export function createHandler(d: ServerDeps): http.RequestListener {
  return (req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const finish = (status: number) => d.record({ method, path, status });
    serve(d, req, res, method, url).then(
      (status) => finish(status),
      (e) => {
        // Only reachable when the socket itself failed; nothing useful left to answer.
        finish(0);
        if (!res.headersSent) res.destroy(e as Error);
      },
    );
  };
}

async function serve(d: ServerDeps, req: http.IncomingMessage, res: http.ServerResponse, method: string, url: URL): Promise<number> {
  const path = url.pathname;
  const query = Object.fromEntries(url.searchParams) as Params;
  if (path.startsWith('/__sandbox/')) {
    if (!isLoopback(req.socket.remoteAddress)) return send(res, method, { status: 403, json: { error_code: 40301, error_msg: 'loopback only' } });
    const body = await readBody(req);
    return send(res, method, safely(() => control(d, method, path, query, body)));
  }
  const isApi = path.startsWith(API_PREFIX) || path.startsWith(UPLOAD_PREFIX);
  if (d.faults.takeDrop(path, isApi)) {
    req.socket.destroy();
    return 0;
  }
  if (path === `${UPLOAD_PREFIX}upload_part` && d.faults.takeDropPart()) {
    await dropAfterSomeBytes(req, d);
    return 0;
  }
  const body = await readBody(req);
  if (path === `${UPLOAD_PREFIX}upload_part`) d.addUploadedBytes(body.length);
  if (d.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, d.faults.latencyMs));
  const fail = d.faults.takeFail(path, isApi);
  if (fail) return send(res, method, errorReply(err.injected(fail.status ?? 500, fail.retryAfterSec)));
  if (d.faults.takeMalform(path, isApi)) return send(res, method, { status: 200, rawJson: '{"count": 1, "list": [{"hash": "' });
  return send(res, method, safely(() => route(d, req, method, path, query, body)));
}

function route(d: ServerDeps, req: http.IncomingMessage, method: string, path: string, query: Params, body: Buffer): Reply {
  if (path.startsWith(API_PREFIX)) {
    const name = path.slice(API_PREFIX.length);
    if (!Object.prototype.hasOwnProperty.call(d.api.endpoints, name)) throw err.notFound('no such api');
    const handler = d.api.endpoints[name];
    if (method !== 'POST' && method !== 'GET') throw new GkError(405, 40001, 'method not allowed');
    const params = { ...query, ...parseBody(req, body) };
    authenticate(d, params);
    return { status: 200, json: handler(params) };
  }
  if (path.startsWith(UPLOAD_PREFIX)) {
    const r = d.uploads.handle(path.slice(UPLOAD_PREFIX.length), method, req.headers, query, body);
    return { status: r.status, json: r.json };
  }
  const [, kind, token] = path.split('/');
  if (method !== 'GET' && method !== 'HEAD') throw new GkError(405, 40001, 'method not allowed');
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
    const link = d.api.findLink(token);
    if (!link) throw err.noSuchId('link');
    if (link.deadline !== -1 && link.deadline < d.lib.nowSec()) throw err.expired();
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
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    ETag: `"${target.filehash}"`,
    'Content-Disposition': `${target.open ? 'inline' : 'attachment'}; filename="${target.filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(target.filename)}`,
  };
  const range = parseRange(req.headers.range, blob.size);
  if (range === 'unsatisfiable') {
    return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${blob.size}` }, json: { error_code: 40001, error_msg: 'range not satisfiable' } };
  }
  if (range) {
    headers['Content-Range'] = `bytes ${range.start}-${range.end - 1}/${blob.size}`;
    return { status: 206, headers, blob: { blob, start: range.start, end: range.end } };
  }
  return { status: 200, headers, blob: { blob, start: 0, end: blob.size } };
}

/** Single `bytes=a-b` / `bytes=a-` / `bytes=-n`; anything else is ignored (full body), as RFC 9110 allows. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size : Math.min(size, Number(m[2]) + 1);
  if (start >= size || end <= start) return 'unsatisfiable';
  return { start, end };
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
      d.writeAsMember(fullpath, body, query.member);
      return { status: 200, json: summaryOf(d.lib, fullpath) };
    case 'DELETE /__sandbox/file':
      d.lib.remove(fullpath, query.member || '同事 Colleague', query.destroy === '1');
      return { status: 200, json: {} };
    case 'POST /__sandbox/lock':
      d.lib.setLock(d.lib.require(fullpath), query.member || '同事 Colleague');
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

function safely(fn: () => Reply): Reply {
  try {
    return fn();
  } catch (e) {
    return errorReply(e instanceof GkError ? e : new GkError(500, 50000, 'internal error'));
  }
}

function errorReply(e: GkError): Reply {
  return { status: e.status, headers: e.headers, json: e.body() };
}

async function send(res: http.ServerResponse, method: string, r: Reply): Promise<number> {
  const headers: Record<string, string | number> = { ...r.headers };
  let payload: Buffer | undefined;
  if (r.json !== undefined || r.rawJson !== undefined) {
    payload = Buffer.from(r.rawJson ?? JSON.stringify(r.json), 'utf8');
    headers['Content-Type'] = 'application/json; charset=utf-8';
  } else if (r.html !== undefined) {
    payload = Buffer.from(r.html, 'utf8');
    headers['Content-Type'] = 'text/html; charset=utf-8';
  } else if (r.bytes) {
    payload = r.bytes;
  }
  headers['Content-Length'] = payload ? payload.length : r.blob ? r.blob.end - r.blob.start : 0;
  res.writeHead(r.status, headers);
  if (method === 'HEAD') {
    res.end();
  } else if (r.blob) {
    await streamBlob(res, r.blob.blob, r.blob.start, r.blob.end);
  } else {
    res.end(payload);
  }
  return r.status;
}

/** Writes [start, end) in 1 MiB pieces honouring back-pressure, so a 20 MB generated file never sits in memory. */
async function streamBlob(res: http.ServerResponse, blob: Blob, start: number, end: number): Promise<void> {
  const CHUNK = 1024 * 1024;
  for (let off = start; off < end; off += CHUNK) {
    if (res.destroyed) return;
    if (!res.write(blob.read(off, Math.min(end, off + CHUNK)))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        req.destroy();
        reject(new Error('body too large'));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** control.dropNextParts: let part of the body arrive, then cut the connection without answering. */
function dropAfterSomeBytes(req: http.IncomingMessage, d: ServerDeps): Promise<void> {
  return new Promise((resolve) => {
    const cut = () => {
      req.socket.destroy();
      resolve();
    };
    req.once('data', (c: Buffer) => {
      d.addUploadedBytes(c.length);
      cut();
    });
    req.once('end', cut);
    req.once('error', cut);
  });
}

function isLoopback(addr: string | undefined): boolean {
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body><h1>${escapeHtml(title)}</h1>${body}<p><small>Gokuai sandbox</small></p></body></html>`;
}

