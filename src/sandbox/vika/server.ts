import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import { controlAccess, delay, readBody, send, type Reply } from '../common/http';
import type { Faults } from '../common/misbehaviour';
import type { Misbehaviour } from '../common/types';
import { matchRoute } from './api';
import { VikaError, verr } from './errors';
import type { User } from './model';
import { parseQuery, type Pair } from './query';
import type { Store } from './store';
import type { VikaRequestLog } from './types';

/**
 * HTTP side of the Vika sandbox (one server on 127.0.0.1):
 *   /fusion/v1/...            the API (api.ts), `Authorization: Bearer <token>`
 *   GET /space/...            attachment URLs handed out by uploads (public, no token, as the vendor's CDN)
 *   GET /public/avatar/N.png  member and user avatars
 *   /__sandbox/...            control routes for out-of-process tests, only with `controlRoutes` (else 404)
 *
 * Order of a request: control routes; injected faults (drop, body, latency, failNext, failWritesAfter, malform);
 * then the route (unknown path or method: 404 / 接口不存在, before authentication); the token (401 / 身份认证失败);
 * the rate limit (429 / 操作太频繁); the endpoint. Success: `{success: true, code: 200, message: "SUCCESS", data}`,
 * HTTP 201 for the four creates (records, datasheet, field, attachment), else 200.
 *
 * Rate limit (reference: 5 requests/s per user per datasheet; vendor-facts: per (datasheet or space, token), 429
 * without Retry-After): a sliding window of 1000 ms per (token, datasheet) on datasheet routes, per (token, space) on
 * space routes (nodes, datasheet create) and per token on GET /spaces. Only requests that get through count: a 429
 * does not extend the wait. Authentication failures and 404s are not limited.
 */

export const API_PREFIX = '/fusion/v1';

export class RateLimiter {
  perSecond = 5;
  private readonly hits = new Map<string, number[]>();

  /** True when a request on `key` at `now` is allowed (and counts it). */
  take(key: string, now: number): boolean {
    if (this.perSecond <= 0) return true;
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - 1000);
    if (list.length >= this.perSecond) {
      this.hits.set(key, list);
      return false;
    }
    list.push(now);
    this.hits.set(key, list);
    return true;
  }
}

/** control.failWritesAfter: rules over record writes (POST/PATCH/DELETE …/records), first rule first. */
export class WriteFaults {
  private rules: Array<{ skip: number; remaining: number; how: Misbehaviour }> = [];

  add(skip: number, count: number, how: Misbehaviour): void {
    if (count > 0) this.rules.push({ skip: Math.max(0, skip), remaining: count, how });
  }
  reset(): void {
    this.rules = [];
  }
  /** The failure for this record write, if a rule says so. */
  take(path: string): Misbehaviour | undefined {
    const rule = this.rules.find((r) => r.how.pathIncludes === undefined || path.includes(r.how.pathIncludes));
    if (!rule) return undefined;
    if (rule.skip > 0) {
      rule.skip--;
      return undefined;
    }
    if (--rule.remaining <= 0) this.rules.splice(this.rules.indexOf(rule), 1);
    return rule.how;
  }
}

export interface ServerDeps {
  store: Store;
  faults: Faults;
  writeFaults: WriteFaults;
  limiter: RateLimiter;
  /** Valid tokens. */
  tokens: ReadonlySet<string>;
  controlRoutes: boolean;
  log(entry: VikaRequestLog): void;
  /** Counts every 429 answered. */
  onRateLimited(): void;
  control(method: string, path: string, pairs: Pair[], body: Buffer): Reply;
  avatar: Buffer;
}

const RECORD_WRITE = /^\/fusion\/v1\/datasheets\/[^/]+\/records\/?$/;

export function tokenTag(token: string): string {
  return token ? crypto.createHash('sha256').update(token).digest('hex').slice(0, 12) : '';
}

function bearer(req: http.IncomingMessage): string {
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m ? m[1] : '';
}

function errorReply(e: VikaError): Reply {
  return { status: e.status, headers: e.headers, json: e.body() };
}

export function createHandler(d: ServerDeps): http.RequestListener {
  return (req, res) => {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const token = bearer(req);
    const entry: VikaRequestLog = { method, path, status: 0, at: Date.now(), token: tokenTag(token) };
    const dst = /^\/fusion\/v1\/(?:spaces\/[^/]+\/)?datasheets\/([^/?]+)/.exec(path)?.[1];
    if (dst) entry.datasheetId = safeDecode(dst);
    const finish = (status: number) => {
      entry.status = status;
      if (status === 429) d.onRateLimited();
      d.log(entry);
    };
    serve(d, req, res, method, path, q < 0 ? '' : rawUrl.slice(q + 1), token, entry).then(finish, (e) => {
      finish(0);
      if (!res.headersSent) res.destroy(e as Error);
    });
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

async function serve(d: ServerDeps, req: http.IncomingMessage, res: http.ServerResponse, method: string, path: string, rawQuery: string, token: string, entry: VikaRequestLog): Promise<number> {
  const answer = async (fn: () => Reply) => {
    let reply: Reply;
    try {
      reply = fn();
    } catch (e) {
      reply = errorReply(e instanceof VikaError ? e : verr.internal());
      if (!(e instanceof VikaError)) process.stderr.write(`vika sandbox: ${(e as Error).stack ?? String(e)}\n`);
    }
    return send(res, method, reply);
  };
  if (path.startsWith('/__sandbox/')) {
    const access = controlAccess(d.controlRoutes, req);
    if (access !== 'ok') return send(res, method, errorReply(access === 'off' ? verr.notFound() : new VikaError(403, 403, '禁止访问')));
    const body = await readBody(req);
    return answer(() => d.control(method, path, parseQuery(rawQuery), body));
  }
  const isApi = path.startsWith('/fusion/');
  if (d.faults.takeDrop(path, isApi)) {
    req.socket.destroy();
    return 0;
  }
  const body = await readBody(req);
  await delay(d.faults.latencyMs);
  const fail = d.faults.takeFail(path, isApi);
  if (fail) return send(res, method, errorReply(verr.injected(fail.status ?? 500, fail.retryAfterSec)));
  if (method !== 'GET' && method !== 'HEAD' && RECORD_WRITE.test(path)) {
    const how = d.writeFaults.take(path);
    if (how) return send(res, method, errorReply(verr.injected(how.status ?? 500, how.retryAfterSec)));
  }
  if (d.faults.takeMalform(path, isApi)) {
    return send(res, method, { status: 200, rawJson: '{"success":true,"code":200,"message":"SUCCESS","data":{"records":[{"recordId":"rec' });
  }
  return answer(() => route(d, req, method, path, rawQuery, token, body, entry));
}

function route(d: ServerDeps, req: http.IncomingMessage, method: string, path: string, rawQuery: string, token: string, body: Buffer, entry: VikaRequestLog): Reply {
  if (!path.startsWith(API_PREFIX + '/')) return staticRoute(d, method, path);
  const segs = path.slice(API_PREFIX.length + 1).split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw verr.notFound();
    }
  });
  // A trailing slash addresses the same resource.
  if (segs.length > 1 && segs[segs.length - 1] === '') segs.pop();
  const m = matchRoute(method, segs);
  if (m === undefined || m === 'method') throw verr.notFound();
  if (!token || !d.tokens.has(token)) throw verr.auth();
  const scopeKey = m.route.scope === 'datasheet' ? `dst:${m.params.dst}` : m.route.scope === 'space' ? `spc:${m.params.spc}` : 'user';
  // Measured at arrival (the log's `at`), so a client pacing its sends 1000 ms apart is never refused for the time the
  // server took to read a body.
  if (!d.limiter.take(`${token}\n${scopeKey}`, entry.at)) throw verr.tooFrequent();
  const pairs = parseQuery(rawQuery);
  const user: User = d.store.apiUser;
  return m.route.handler(d.store, {
    params: m.params, pairs, body, contentType: req.headers['content-type'], user,
    noteRecords: (n) => {
      entry.records = n;
    },
  });
}

function staticRoute(d: ServerDeps, method: string, path: string): Reply {
  if (method !== 'GET' && method !== 'HEAD') throw verr.notFound();
  if (/^\/public\/avatar\/\d+\.png$/.test(path)) return { status: 200, headers: { 'Content-Type': 'image/png' }, bytes: d.avatar };
  if (path.startsWith('/space/')) {
    const blob = d.store.attachments.get(safeDecode(path.slice(1)));
    if (blob) {
      return {
        status: 200,
        headers: {
          'Content-Type': blob.mimeType,
          'Content-Disposition': `inline; filename="${blob.name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(blob.name)}`,
        },
        bytes: blob.data,
      };
    }
  }
  throw verr.notFound();
}
