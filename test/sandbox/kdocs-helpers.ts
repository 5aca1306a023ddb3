import * as crypto from 'node:crypto';
import type { KdocsSandbox } from '../../src/sandbox';
import { request, type RawResponse } from './helpers';

/**
 * Test-side kdocs client: raw HTTP with its own WPS-2 signer and OAuth steps (independent of the sandbox's code).
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export const API = '/api/v1/openapi';

export function wps2Auth(appId: string, appKey: string, md5: string, contentType: string, date: string): string {
  return `WPS-2:${appId}:${crypto.createHash('sha1').update(appKey + md5 + contentType + date).digest('hex')}`;
}

export interface SignedOpts {
  json?: unknown;
  multipart?: { fields: Record<string, string>; file?: { name: string; data: Buffer } };
  date?: Date;
  /** The Date header exactly as given (signed as given), instead of `date` in RFC 1123. */
  dateHeader?: string;
  /** Override the Content-Md5 header (tests of the check). */
  md5?: string;
  appKey?: string;
  /** Extra headers, sent but not signed (e.g. Content-Disposition of the local preview upload). */
  headers?: Record<string, string>;
}

export function multipartBody(fields: Record<string, string>, file?: { name: string; data: Buffer }): { body: Buffer; contentType: string } {
  const boundary = 'kdocsTestBoundary7';
  const parts: Buffer[] = Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(file.name)}\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A WPS-2 signed app-space call. `uri` is path plus query below the host. */
export function app(sb: KdocsSandbox, method: string, uri: string, o: SignedOpts = {}): Promise<RawResponse> {
  let body: Buffer = Buffer.alloc(0);
  let contentType = 'application/json';
  if (o.json !== undefined) body = Buffer.from(JSON.stringify(o.json));
  if (o.multipart) ({ body, contentType } = multipartBody(o.multipart.fields, o.multipart.file));
  const fullUri = `${API}${uri}`;
  const md5 = o.md5 ?? crypto.createHash('md5').update(method === 'GET' ? fullUri : body).digest('hex');
  const date = o.dateHeader ?? (o.date ?? new Date()).toUTCString();
  return request(`${sb.host}${fullUri}`, {
    method,
    headers: {
      ...o.headers,
      'Content-Type': contentType,
      'Content-Md5': md5,
      Date: date,
      Authorization: wps2Auth(sb.credentials.appId, o.appKey ?? sb.credentials.appKey, md5, contentType, date),
    },
    body,
  });
}

/** Signed app-space call that must answer code 0; returns `data`. */
export async function appOk(sb: KdocsSandbox, method: string, uri: string, o: SignedOpts = {}): Promise<Json> {
  return data(await app(sb, method, uri, o), `${method} ${uri}`);
}

export function data(r: RawResponse, what: string): Json {
  if (r.status !== 200 || r.json().code !== 0) throw new Error(`${what} -> ${r.status} ${r.body.toString()}`);
  return r.json().data;
}

/** The whole OAuth flow: authorize page (auto-approve redirect) -> code -> tokens. */
export async function login(sb: KdocsSandbox, scope?: string): Promise<{ access_token: string; refresh_token: string; expires_in: number }> {
  const redirect = 'http://127.0.0.1:1/callback';
  const q = new URLSearchParams({ app_id: sb.credentials.appId, redirect_uri: redirect, state: 's-1', ...(scope ? { scope } : {}) });
  const auth = await request(`${sb.host}/h5/auth?${q}`);
  if (auth.status !== 302) throw new Error(`authorize -> ${auth.status} ${auth.body.toString()}`);
  const location = new URL(String(auth.headers.location));
  const code = location.searchParams.get('code')!;
  const r = await request(`${sb.host}/api/v1/oauth2/access_token?${new URLSearchParams({ code, app_id: sb.credentials.appId, app_key: sb.credentials.appKey })}`);
  return data(r, 'access_token');
}

/** A personal (access_token) call. */
export function personal(sb: KdocsSandbox, token: string, method: string, uri: string, o: { json?: unknown; multipart?: SignedOpts['multipart'] } = {}): Promise<RawResponse> {
  const sep = uri.includes('?') ? '&' : '?';
  let body: Buffer | undefined;
  const headers: Record<string, string> = {};
  if (o.json !== undefined) {
    body = Buffer.from(JSON.stringify(o.json));
    headers['Content-Type'] = 'application/json';
  }
  if (o.multipart) {
    const m = multipartBody(o.multipart.fields, o.multipart.file);
    body = m.body;
    headers['Content-Type'] = m.contentType;
  }
  return request(`${sb.host}${API}${uri}${sep}access_token=${encodeURIComponent(token)}`, { method, headers, body });
}

export async function personalOk(sb: KdocsSandbox, token: string, method: string, uri: string, o: { json?: unknown; multipart?: SignedOpts['multipart'] } = {}): Promise<Json> {
  return data(await personal(sb, token, method, uri, o), `${method} ${uri}`);
}
