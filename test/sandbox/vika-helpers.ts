import type { VikaSandbox } from '../../src/sandbox';

/**
 * Test-side client for the Vika sandbox: plain global fetch, query strings written out by hand (so every array form
 * on the wire is exactly the one a test means), no shared code with the sandbox or the vendor client.
 */

// Tests read arbitrary JSON shapes of the wire; `any` keeps them short (the sandbox has no typed client on purpose).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface VikaResponse { status: number; headers: Headers; json: Json; text: string }

export const enc = encodeURIComponent;

/** A request to `/fusion/v1` + `path` (+ `?query`, already encoded); `token: null` sends no Authorization. */
export async function vika(sb: VikaSandbox, method: string, path: string, o: { query?: string; body?: unknown; token?: string | null; form?: FormData } = {}): Promise<VikaResponse> {
  const headers: Record<string, string> = {};
  const token = o.token === undefined ? sb.token : o.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let body: string | FormData | undefined;
  if (o.form) body = o.form;
  else if (o.body !== undefined) {
    body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(`${sb.host}/fusion/v1${path}${o.query ? `?${o.query}` : ''}`, { method, headers, body });
  const text = await res.text();
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** A request that must answer `status` and `success: true`; returns `data`. */
export async function data(sb: VikaSandbox, method: string, path: string, o: Parameters<typeof vika>[3] = {}, status = 200): Promise<Json> {
  const r = await vika(sb, method, path, o);
  if (r.status !== status || r.json?.success !== true || r.json.code !== 200) throw new Error(`${method} ${path} -> ${r.status} ${r.text.slice(0, 500)}`);
  return r.json.data;
}

/** A request that must answer HTTP `status` with `success: false` and `code`; returns the message. */
export async function failure(sb: VikaSandbox, method: string, path: string, o: Parameters<typeof vika>[3], status: number, code: number): Promise<string> {
  const r = await vika(sb, method, path, o);
  if (r.status !== status || r.json?.success !== false || r.json.code !== code) throw new Error(`${method} ${path}: expected ${status}/${code}, got ${r.status} ${r.text.slice(0, 500)}`);
  return r.json.message as string;
}
