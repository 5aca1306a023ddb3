import type * as http from 'node:http';
import { readAll } from '../common/blob';
import { multipartBoundary, parseMultipart, type MultipartFile } from '../common/form';
import { blobDownload, createPipeline, escapeHtml, htmlPage, type Reply } from '../common/http';
import type { Faults } from '../common/misbehaviour';
import { solidPng } from '../common/png';
import { spaceOf, type Deps, type SpaceName } from './deps';
import { KdError, kerr } from './errors';
import type { Quotas } from './quota';
import { API_BASE, type Router } from './router';
import { verifyWps2 } from './wps2';

/**
 * HTTP routing of the kdocs sandbox (one server on 127.0.0.1):
 *   *    /api/v1/openapi/...               user / personal / AirScript / outline / notification (?access_token=) and
 *                                         appspace / convert / extract / anonymous preview (WPS-2) routes; a route may
 *                                         answer later (it fetches a URL, or waits for a script)
 *   GET  /h5/auth?app_id&scope&redirect_uri&state   authorize page: approves at once, 302 to redirect_uri?code&state
 *   GET  /api/v1/oauth2/access_token?code&app_id&app_key, POST /api/v1/oauth2/refresh_token?app_id {app_key,refresh_token}
 *   GET  /dl/<token>?e&s                  temporary download URL (Range; 403 once expired): files, conversion results,
 *                                         outline images
 *   GET  /edit/<token>?e&s&edit_token     edit page of "url/with_edit_token"; GET /l/<sid> share link page
 *   GET  /avatar.png                      the user's avatar (user/basic "avatar"): 32x32 PNG, no auth, cacheable like a CDN
 *   GET  /preview/<id>?token=             anonymous preview page (anonymous.ts)
 *   GET|PUT /__sandbox/file?space=personal|appspace&path=, GET /__sandbox/state   control routes: only with the
 *                                         `controlRoutes` option (else 404), loopback clients only
 * Error codes: errors.ts.
 */

/** Path of the avatar advertised by user/basic. */
export const AVATAR_PATH = '/avatar.png';
let avatarPng: Buffer | undefined;

export interface ServerDeps {
  d: Deps;
  router: Router;
  faults: Faults;
  quotas: Quotas;
  appKey: string;
  /** Serve the /__sandbox/ control routes (KdocsSandboxOptions.controlRoutes). */
  controlRoutes: boolean;
  /** Accepted |now - Date| in seconds for WPS-2. */
  skewSec(): number;
  writeAsMember(space: SpaceName, path: string, data: Buffer, member?: string): void;
  record(entry: { method: string; path: string; status: number }): void;
  summary(): unknown;
  /** The anonymous preview page `/preview/<id>` (anonymous.ts). */
  preview(id: string, query: Record<string, string>): Reply;
}

export function createHandler(s: ServerDeps): http.RequestListener {
  return createPipeline({
    faults: s.faults,
    controlRoutes: s.controlRoutes,
    isApi: (path) => path.startsWith('/api/'),
    malformedJson: '{"code":0,"data":{"files":[{"fname":"',
    errors: {
      of: (e) => (e instanceof KdError ? e : new KdError(500, 50000, 'internal error')),
      controlOff: () => kerr.notFound('page'),
      controlForbidden: () => kerr.auth('loopback only'),
      injected: (status, retryAfterSec) => kerr.injected(status, retryAfterSec),
    },
    control: (method, url, body) => control(s, method, url, body),
    route: (req, method, url, body) => route(s, req, method, url, body),
    record: (entry) => s.record(entry),
  });
}

function route(s: ServerDeps, req: http.IncomingMessage, method: string, url: URL, body: Buffer): Reply | Promise<Reply> {
  const { d } = s;
  const path = url.pathname;
  const query = Object.fromEntries(url.searchParams);
  if (path === '/h5/auth' && method === 'GET') return { status: 302, headers: { Location: d.oauth.authorize(query) }, html: '' };
  if (path === '/api/v1/oauth2/access_token' && method === 'GET') {
    return ok(d.oauth.exchange(query.code ?? '', query.app_id ?? '', query.app_key ?? ''));
  }
  if (path === '/api/v1/oauth2/refresh_token' && method === 'POST') {
    const b = jsonBody(req, body);
    return ok(d.oauth.refreshToken(String(b.refresh_token ?? ''), query.app_id ?? '', typeof b.app_key === 'string' ? b.app_key : ''));
  }
  if (path.startsWith(API_BASE + '/')) return api(s, req, method, url, body);
  if (method !== 'GET' && method !== 'HEAD') throw new KdError(405, 40000, 'method not allowed');
  if (path === AVATAR_PATH) {
    avatarPng ??= solidPng(32, 32, [0x2b, 0x7d, 0xe9]);
    return { status: 200, headers: { 'Content-Type': 'image/png', 'Cache-Control': 'public, max-age=86400, immutable' }, bytes: avatarPng };
  }
  const [, kind, token] = path.split('/');
  if (kind === 'dl' && token) {
    const target = d.urls.resolveDownload(token, query);
    const blob = d.personal.blobs.get(target.filehash) ?? d.app.blobs.get(target.filehash) ?? d.results.get(target.filehash);
    if (!blob) throw kerr.notFound('content');
    return blobDownload(blob, target.filename, target.open, target.filehash, req.headers.range, { code: 40000, msg: 'range not satisfiable' });
  }
  if (kind === 'edit' && token) {
    const target = d.urls.resolvePage('edit', token, query);
    if (query.edit_token !== target.editToken || !d.oauth.editTokenValid(target.editToken)) throw kerr.expired();
    const space = spaceOf(d, target.space);
    const e = space.live(target.token);
    return { status: 200, html: page(`编辑 ${e.name}`, e.dir ? '<p>(folder)</p>' : preview(readAll(space.blobOf(space.current(e))), e.name)) };
  }
  if (kind === 'preview' && token) return s.preview(token, query);
  if (kind === 'l' && token) {
    const fileToken = d.shares.get(token);
    const e = fileToken ? d.personal.entries.get(fileToken) : undefined;
    if (!e || !e.share || e.share.sid !== token || e.share.status !== 'open' || d.personal.isTrashed(e)) throw kerr.notFound('share link');
    if (e.share.expireTime && e.share.expireTime < d.personal.nowSec()) throw kerr.expired();
    return { status: 200, html: page(`分享: ${e.name}`, `<p>${e.share.permission === 'write' ? '可编辑' : '仅查看'}</p>`) };
  }
  throw kerr.notFound('page');
}

async function api(s: ServerDeps, req: http.IncomingMessage, method: string, url: URL, body: Buffer): Promise<Reply> {
  const m = s.router.match(method, url.pathname);
  if (m === 'methodMismatch') throw new KdError(405, 40000, 'method not allowed');
  if (!m) throw kerr.notFound('api');
  if (m.route.auth === 'wps2') {
    const h = req.headers;
    const verdict = verifyWps2(
      { method, uri: req.url ?? '/', body, headers: { authorization: h.authorization, date: h.date, 'content-md5': first(h['content-md5']), 'content-type': h['content-type'] } },
      s.d.oauth.appId, s.appKey, Date.now(), s.skewSec(),
    );
    if (verdict === 'bad-auth') throw kerr.auth();
    if (verdict === 'bad-date') throw kerr.date();
    if (verdict === 'bad-md5') throw kerr.md5();
  } else {
    const scopes = s.d.oauth.check(url.searchParams.get('access_token') ?? undefined);
    if (m.route.scope && !scopes.includes(m.route.scope)) throw kerr.scope(m.route.scope);
  }
  s.quotas.take(m.key);
  const parsed = parseBody(req, body);
  return ok(await m.route.handle({ method, params: m.params, url, body: parsed.fields, files: parsed.files, headers: req.headers }));
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function jsonBody(req: http.IncomingMessage, body: Buffer): Record<string, unknown> {
  return parseBody(req, body).fields;
}

function parseBody(req: http.IncomingMessage, body: Buffer): { fields: Record<string, unknown>; files: MultipartFile[] } {
  if (body.length === 0) return { fields: {}, files: [] };
  const type = req.headers['content-type'] ?? '';
  const boundary = multipartBoundary(type);
  if (boundary) {
    try {
      const form = parseMultipart(body, boundary);
      return { fields: form.fields, files: form.files };
    } catch {
      throw kerr.param('malformed multipart body');
    }
  }
  if (!/^application\/json/i.test(type)) throw kerr.param('body must be application/json or multipart/form-data');
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw kerr.param('malformed JSON body');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw kerr.param('JSON body must be an object');
  return { fields: json as Record<string, unknown>, files: [] };
}

function control(s: ServerDeps, method: string, url: URL, body: Buffer): Reply {
  const space = url.searchParams.get('space') === 'appspace' ? 'appspace' : 'personal';
  const p = url.searchParams.get('path') ?? '';
  switch (`${method} ${url.pathname}`) {
    case 'GET /__sandbox/state':
      return { status: 200, json: s.summary() };
    case 'GET /__sandbox/file': {
      const sp = spaceOf(s.d, space);
      const e = sp.byPath(p);
      if (!e || e.dir) throw kerr.notFound();
      return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, bytes: readAll(sp.blobOf(sp.current(e))) };
    }
    case 'PUT /__sandbox/file':
      s.writeAsMember(space, p, body, url.searchParams.get('member') ?? undefined);
      return { status: 200, json: { code: 0, data: {} } };
    default:
      throw kerr.notFound('control route');
  }
}

function ok(data: unknown): Reply {
  return { status: 200, json: { code: 0, data } };
}

function preview(data: Buffer, name: string): string {
  return data.length < 256 * 1024 && /\.(txt|md|csv|json)$/i.test(name) ? `<pre>${escapeHtml(data.toString('utf8'))}</pre>` : '<p>(binary content)</p>';
}

function page(title: string, body: string): string {
  return htmlPage(title, body, 'Kingsoft Docs sandbox');
}
