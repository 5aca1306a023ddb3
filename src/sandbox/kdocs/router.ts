import type { MultipartFile } from '../common/form';
import type { Scope } from './auth';
import { kerr } from './errors';

/** Route table plumbing of the kdocs sandbox: `:param` patterns, request context and parameter readers. */

export const API_BASE = '/api/v1/openapi';

export interface Ctx {
  method: string;
  /** Path parameters (`:file_token`...), decoded. */
  params: Record<string, string>;
  url: URL;
  /** JSON body, or the fields of a multipart body. */
  body: Record<string, unknown>;
  files: MultipartFile[];
  /** Request headers (lower-case names), for the few endpoints that read one (Content-Disposition). */
  headers: Record<string, string | string[] | undefined>;
}

export type Auth = 'wps2' | 'token';

export interface RouteDef {
  method: string;
  /** Below API_BASE, with `:name` parameters, exactly as in endpoints.tsv. */
  path: string;
  auth: Auth;
  /** OAuth scope the access token needs (personal/user routes). */
  scope?: Scope;
  /** The answer's `data` (or a promise of it, for routes that fetch or wait). */
  handle(c: Ctx): unknown;
}

interface Compiled extends RouteDef {
  segments: string[];
  params: number;
}

export class Router {
  private readonly routes: Compiled[] = [];

  add(defs: RouteDef[]): void {
    for (const d of defs) {
      const segments = d.path.split('/').filter((s) => s !== '');
      this.routes.push({ ...d, segments, params: segments.filter((s) => s.startsWith(':')).length });
    }
    // Literal segments win over parameters (`files/search/name` before `files/:file_token/simple`).
    this.routes.sort((a, b) => a.params - b.params);
  }

  /** Endpoint keys `METHOD /api/v1/openapi/...` of all routes (for quotas and the report). */
  keys(): string[] {
    return this.routes.map((r) => key(r));
  }

  /** The matching route and its parameters; `methodMismatch` when only the method differs. */
  match(method: string, path: string): { route: RouteDef; key: string; params: Record<string, string> } | 'methodMismatch' | undefined {
    if (!path.startsWith(API_BASE + '/')) return undefined;
    const parts = path.slice(API_BASE.length).split('/').filter((s) => s !== '');
    let mismatch = false;
    for (const r of this.routes) {
      if (r.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = r.segments.every((s, i) => {
        if (!s.startsWith(':')) return s === parts[i];
        try {
          params[s.slice(1)] = decodeURIComponent(parts[i]);
          return true;
        } catch {
          return false;
        }
      });
      if (!ok) continue;
      if (r.method !== method) {
        mismatch = true;
        continue;
      }
      return { route: r, key: key(r), params };
    }
    return mismatch ? 'methodMismatch' : undefined;
  }
}

function key(r: RouteDef): string {
  return `${r.method} ${API_BASE}${r.path}`;
}

// --- parameter readers (query for GET, body otherwise; lenient about the undocumented spellings) ---

export function q(c: Ctx, name: string): string | undefined {
  return c.url.searchParams.get(name) ?? undefined;
}

/** Repeatable query parameter: `exts=a&exts=b`, `exts[]=a`, or `exts=a,b`. */
export function qAll(c: Ctx, name: string): string[] {
  return [...c.url.searchParams.getAll(name), ...c.url.searchParams.getAll(`${name}[]`)]
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function str(c: Ctx, name: string): string | undefined {
  const v = c.body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw kerr.param(`${name} must be a string`);
}

export function requiredStr(c: Ctx, name: string): string {
  const v = str(c, name);
  if (v === undefined || v === '') throw kerr.param(`${name} is required`);
  return v;
}

/** First present of several body keys (the docs spell some differently per page). */
export function oneOf(c: Ctx, names: string[]): string | undefined {
  for (const n of names) {
    const v = str(c, n);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** String array from a JSON array, a JSON-encoded array string (multipart) or a '/'-separated string. */
export function pathArray(v: unknown, name: string): string[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.filter((x) => x !== '');
  if (typeof v === 'string') {
    if (v.startsWith('[')) {
      try {
        return pathArray(JSON.parse(v), name);
      } catch {
        throw kerr.param(`${name} must be a string array`);
      }
    }
    return v.split('/').filter((s) => s !== '');
  }
  throw kerr.param(`${name} must be a string array`);
}

/** Non-empty token list from `file_tokens` / `file_ids` (array) or a single `file_token` / `file_id`. */
export function tokenList(c: Ctx): string[] {
  for (const n of ['file_tokens', 'file_ids']) {
    const v = c.body[n];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' && x !== '')) throw kerr.param(`${n} must be a non-empty string array`);
    return v as string[];
  }
  const one = oneOf(c, ['file_token', 'file_id']);
  if (one) return [one];
  throw kerr.param('file_tokens is required');
}

export function int(c: Ctx, name: string, def: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = q(c, name) ?? str(c, name);
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw kerr.param(`${name} must be an integer between 0 and ${max}`);
  return n;
}

/** offset/count paging; `next_offset` is -1 when nothing follows. */
export function page<T>(items: T[], c: Ctx, defCount: number, maxCount = 500): { list: T[]; next_offset: number; total: number } {
  const offset = int(c, 'offset', 0);
  const count = int(c, 'count', defCount, maxCount) || defCount;
  const list = items.slice(offset, offset + count);
  return { list, next_offset: offset + count < items.length ? offset + count : -1, total: items.length };
}
