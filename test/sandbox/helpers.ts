import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { GokuaiSandbox } from '../../src/sandbox';

/**
 * Test-side client for the Gokuai sandbox: raw node:http plus its own tiny signer (deliberately not the sandbox's
 * nor the vendor client's, so a signing bug cannot hide by agreeing with itself).
 */

// Tests read arbitrary JSON shapes of the wire; `any` keeps them short (the sandbox has no typed client on purpose).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface RawResponse { status: number; headers: http.IncomingHttpHeaders; body: Buffer; json<T = Json>(): T }

export function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** RFC 3986 component encoding (encodeURIComponent leaves !'()* alone; encode them too). */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function testSign(params: Record<string, string>, secret: string): string {
  const keys = Object.keys(params).filter((k) => !['sign', 'filehash', 'filesize'].includes(k)).sort();
  return crypto.createHmac('sha1', secret).update(keys.map((k) => params[k]).join('\n')).digest('base64');
}

export function signedBody(sb: GokuaiSandbox, params: Record<string, string | number>, opts: { dateline?: number; secret?: string } = {}): string {
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) all[k] = String(v);
  all.org_client_id = sb.credentials.orgClientId;
  all.dateline = String(opts.dateline ?? Math.floor(Date.now() / 1000));
  all.sign = testSign(all, opts.secret ?? sb.credentials.orgClientSecret);
  return Object.entries(all).map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
}

/** POST a signed API call; returns the raw response. */
export function call(sb: GokuaiSandbox, endpoint: string, params: Record<string, string | number> = {}, opts: { dateline?: number; secret?: string } = {}): Promise<RawResponse> {
  return request(`${sb.host}/m-open/1/file/${endpoint}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: signedBody(sb, params, opts),
  });
}

/** Signed call that must succeed; returns the JSON body. */
export async function ok<T = Json>(sb: GokuaiSandbox, endpoint: string, params: Record<string, string | number> = {}): Promise<T> {
  const r = await call(sb, endpoint, params);
  if (r.status !== 200) throw new Error(`${endpoint} -> ${r.status} ${r.body.toString()}`);
  return r.json<T>();
}

export function sha1(data: Buffer | string): string {
  return crypto.createHash('sha1').update(data).digest('hex');
}
