import * as crypto from 'node:crypto';
import type { ShimoSandbox } from '../../src/sandbox';

/**
 * Test-side client for the Shimo sandbox: its own JWT signer (node:crypto, written here from vendor-facts, sharing no
 * code with the sandbox), plain global fetch, query strings written out by hand.
 */

// Tests read arbitrary JSON shapes of the wire; `any` keeps them short (the sandbox has no typed client on purpose).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const enc = encodeURIComponent;

export interface SignOptions {
  kid?: string;
  secret?: string;
  /** Seconds from now (default 3600; license calls default 200). */
  expIn?: number;
  scope?: string;
  /** Header JSON written exactly as given (key order, extra keys). */
  headerJson?: string;
  /** Payload JSON written exactly as given. */
  payloadJson?: string;
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** A compact JWS HS256 as the kits make it: header {alg, typ, kid}, payload {exp[, scope]}. */
export function sign(sb: ShimoSandbox, o: SignOptions = {}): string {
  const exp = Math.floor(Date.now() / 1000) + (o.expIn ?? (o.scope ? 200 : 3600));
  const header = o.headerJson ?? JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: o.kid ?? sb.appId });
  const payload = o.payloadJson ?? JSON.stringify(o.scope ? { exp, scope: o.scope } : { exp });
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${crypto.createHmac('sha256', o.secret ?? sb.appSecret).update(input).digest('base64url')}`;
}

export interface ShimoResponse { status: number; headers: Headers; json: Json; text: string; bytes: Buffer }

export interface CallOptions {
  /** Query string (already encoded), without signature/token. */
  query?: string;
  body?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  /** 'query' (default) or 'header' credentials; 'none' sends neither. */
  auth?: 'query' | 'header' | 'none';
  /** Signature to send (default: a fresh one, license-scoped when `license`). */
  signature?: string;
  license?: boolean;
  /** User token (default sb.userToken); null = none. */
  token?: string | null;
}

/** A request to `path` (starting with /sdk/v2/...). */
export async function call(sb: ShimoSandbox, method: string, path: string, o: CallOptions = {}): Promise<ShimoResponse> {
  const signature = o.signature ?? sign(sb, o.license ? { scope: 'license' } : {});
  const token = o.token === undefined ? sb.userToken : o.token;
  const auth = o.auth ?? 'query';
  const params: string[] = o.query ? [o.query] : [];
  const headers: Record<string, string> = { ...o.headers };
  if (auth === 'query') {
    params.push(`signature=${enc(signature)}`);
    if (token !== null) params.push(`token=${enc(token)}`);
  } else if (auth === 'header') {
    headers['X-Shimo-Signature'] = signature;
    if (token !== null) headers['X-Shimo-Token'] = token;
  }
  let body: string | FormData | undefined;
  if (o.form) body = o.form;
  else if (o.body !== undefined) {
    body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(`${sb.host}${path}${params.length ? `?${params.join('&')}` : ''}`, { method, headers, body });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text, bytes };
}

/** A call that must answer `status`; returns the parsed JSON. */
export async function ok(sb: ShimoSandbox, method: string, path: string, o: CallOptions = {}, status = 200): Promise<Json> {
  const r = await call(sb, method, path, o);
  if (r.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${r.status} ${r.text.slice(0, 500)}`);
  if (status === 204 && r.text !== '') throw new Error(`${method} ${path}: 204 with a body: ${r.text.slice(0, 200)}`);
  return r.json;
}

/** A call that must fail with HTTP `status` and body code `code`; returns the body. */
export async function fails(sb: ShimoSandbox, method: string, path: string, o: CallOptions, status: number, code: number): Promise<Json> {
  const r = await call(sb, method, path, o);
  if (r.status !== status || r.json?.code !== code || typeof r.json.message !== 'string') {
    throw new Error(`${method} ${path}: expected ${status}/${code}, got ${r.status} ${r.text.slice(0, 500)}`);
  }
  return r.json;
}

/** GET of a download URL (no credentials). */
export async function download(url: string): Promise<{ status: number; headers: Headers; bytes: Buffer; json: Json }> {
  const res = await fetch(url);
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: Json;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, bytes, json };
}

/** Polls a task's progress route until 100 (at most `max` polls); returns every answer's data. */
export async function pollTask(sb: ShimoSandbox, kind: 'import' | 'export', taskId: string, max = 10): Promise<Json[]> {
  const seen: Json[] = [];
  for (let i = 0; i < max; i++) {
    const r = await ok(sb, 'POST', `/sdk/v2/api/files/v1/${kind}/progress`, { query: `taskId=${enc(taskId)}` });
    if (r.status !== 0) throw new Error(`${kind} task failed: ${JSON.stringify(r)}`);
    seen.push(r.data);
    if (r.data.progress === 100) return seen;
  }
  throw new Error(`${kind} task ${taskId} did not finish in ${max} polls`);
}

/** A multipart import of `data` named `filename`; returns the task id. */
export async function importBytes(sb: ShimoSandbox, fileId: string, type: string, filename: string, data: Buffer | string): Promise<string> {
  const form = new FormData();
  form.append('fileId', fileId);
  form.append('type', type);
  form.append('file', new Blob([typeof data === 'string' ? Buffer.from(data, 'utf8') : data]), filename);
  const r = await ok(sb, 'POST', '/sdk/v2/api/files/v1/import', { form });
  if (r.status !== 0 || typeof r.data?.taskId !== 'string') throw new Error(`import answered ${JSON.stringify(r)}`);
  return r.data.taskId;
}

/** Exports `fileId` as `type`, polls to 100 and downloads the result. */
export async function exportBytes(sb: ShimoSandbox, fileId: string, type?: string): Promise<{ bytes: Buffer; headers: Headers; url: string }> {
  const r = await ok(sb, 'POST', `/sdk/v2/api/files/v1/export/${enc(fileId)}`, { body: type === undefined ? {} : { type } });
  const done = (await pollTask(sb, 'export', r.data.taskId)).pop();
  const d = await download(done.downloadUrl);
  if (d.status !== 200) throw new Error(`download answered ${d.status}`);
  return { bytes: d.bytes, headers: d.headers, url: done.downloadUrl };
}
