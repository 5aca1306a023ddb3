import type * as http from 'node:http';
import { controlAccess, CONTROL_PREFIX, delay, readBody, send, type Reply } from '../common/http';
import type { Faults } from '../common/misbehaviour';
import { matchRoute, type Family } from './api';
import type { Downloads } from './downloads';
import { serr, ShimoError } from './errors';
import { verifySignature } from './jwt';
import type { Store } from './store';
import type { Tasks } from './tasks';
import type { ShimoRequestLog } from './types';

/**
 * HTTP side of the Shimo sandbox (one server on 127.0.0.1; the host stands for the customer's "shimo-domain"):
 *   /sdk/v2/...     the API (api.ts)
 *   GET /dl/...     export download URLs (downloads.ts), no signature
 *   /__sandbox/...  control routes for out-of-process tests, only with `controlRoutes` (else 404)
 *
 * Order of a request: control routes; injected faults (drop, body, latency, failNext, malformNext; a rule without
 * `pathIncludes` hits /sdk/ requests only); downloads; the route (unknown path, method or switched-off path family:
 * 404 40400, before authentication); the signature (jwt.ts); for user routes the user token and the user's seat;
 * the endpoint.
 *
 * Credentials (vendor-facts): `signature` and `token` as query parameters, or the headers X-Shimo-Signature and
 * X-Shimo-Token (each independently; a non-empty query parameter wins over its header). X-Weboffice-Token, which newer
 * kits send with the same value, is read as the token when X-Shimo-Token is absent. The deprecated `appId` query
 * parameter is ignored. The request log records where the signature came from (`auth`), never its value.
 */

export interface ServerDeps {
  store: Store;
  tasks: Tasks;
  downloads: Downloads;
  faults: Faults;
  /** AppId -> AppSecret. */
  apps: ReadonlyMap<string, string>;
  /** User token -> user id. */
  tokens: ReadonlyMap<string, string>;
  families(): ReadonlySet<Family>;
  controlRoutes: boolean;
  control(method: string, url: URL, body: Buffer): Reply;
  log(entry: ShimoRequestLog): void;
}

const MALFORMED = '{"status":0,"message":"","data":{"taskId":"';

function header(req: http.IncomingMessage, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

function familyOf(path: string): ShimoRequestLog['family'] {
  const m = /^\/sdk\/v2\/(shimo-files|collab-files|api)\//.exec(path);
  return m ? (m[1] as ShimoRequestLog['family']) : undefined;
}

export function createHandler(d: ServerDeps): http.RequestListener {
  return (req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const signature = url.searchParams.get('signature') || header(req, 'x-shimo-signature');
    const entry: ShimoRequestLog = {
      method, path: url.pathname, status: 0, at: Date.now(),
      auth: url.searchParams.get('signature') ? 'query' : signature ? 'header' : 'none',
    };
    const family = familyOf(url.pathname);
    if (family) entry.family = family;
    serve(d, req, res, method, url, signature, entry).then(
      (status) => {
        entry.status = status;
        d.log(entry);
      },
      (e) => {
        d.log(entry);
        if (!res.headersSent) res.destroy(e as Error);
      },
    );
  };
}

function errorReply(e: ShimoError): Reply {
  return { status: e.status, headers: e.headers, json: e.body() };
}

async function safely(fn: () => Reply | Promise<Reply>): Promise<Reply> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ShimoError) return errorReply(e);
    process.stderr.write(`shimo sandbox: ${(e as Error).stack ?? String(e)}\n`);
    return errorReply(serr.injected(500));
  }
}

async function serve(d: ServerDeps, req: http.IncomingMessage, res: http.ServerResponse, method: string, url: URL, signature: string, entry: ShimoRequestLog): Promise<number> {
  const path = url.pathname;
  if (path.startsWith(CONTROL_PREFIX)) {
    const access = controlAccess(d.controlRoutes, req);
    if (access !== 'ok') return send(res, method, errorReply(access === 'off' ? serr.route() : new ShimoError(403, 40300, 'control routes answer loopback clients only')));
    const body = await readBody(req);
    return send(res, method, await safely(() => d.control(method, url, body)));
  }
  const isApi = path.startsWith('/sdk/');
  if (d.faults.takeDrop(path, isApi)) {
    req.socket.destroy();
    return 0;
  }
  const body = await readBody(req);
  await delay(d.faults.latencyMs);
  const fail = d.faults.takeFail(path, isApi);
  if (fail) return send(res, method, errorReply(serr.injected(fail.status ?? 500, fail.retryAfterSec)));
  if (d.faults.takeMalform(path, isApi)) return send(res, method, { status: 200, rawJson: MALFORMED });
  return send(res, method, await safely(() => route(d, req, method, url, signature, body, entry)));
}

async function route(d: ServerDeps, req: http.IncomingMessage, method: string, url: URL, signature: string, body: Buffer, entry: ShimoRequestLog): Promise<Reply> {
  const path = url.pathname;
  const dl = /^\/dl\/([0-9a-f]+)$/.exec(path);
  if (dl && (method === 'GET' || method === 'HEAD')) return d.downloads.serve(dl[1], Object.fromEntries(url.searchParams), header(req, 'range') || undefined);
  let segs: string[];
  try {
    segs = path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw serr.route();
  }
  const m = matchRoute(method, segs, d.families());
  if (!m) throw serr.route();
  if (m.params.fileId !== undefined) entry.fileId = m.params.fileId;
  try {
    if (!signature) throw serr.noSignature();
    const claims = verifySignature(signature, d.apps, d.store.now(), m.route.auth === 'license');
    let userId = '';
    if (m.route.auth === 'user') {
      const token = url.searchParams.get('token') || header(req, 'x-shimo-token') || header(req, 'x-weboffice-token');
      userId = d.tokens.get(token) ?? '';
      if (!userId) throw serr.token();
      d.store.admit(userId);
    }
    return await m.route.handler({
      store: d.store, tasks: d.tasks, downloads: d.downloads, req, params: m.params, query: url.searchParams, body,
      appId: claims.appId, userId,
      note: (fileId) => {
        entry.fileId = fileId;
      },
    });
  } catch (e) {
    if (m.route.envelope && e instanceof ShimoError) e.withStatus = true;
    throw e;
  }
}
