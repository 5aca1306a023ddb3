/**
 * Removes secrets from text before it is logged or put into an error message.
 *
 * Three layers:
 *  1. literal secrets registered at run time (`registerSecret`) are always replaced by `***`;
 *  2. the whole query string of download-like URLs becomes `?<redacted>` (signed URLs carry their credential in
 *     parameters whose names vary by storage backend, so nothing of them is kept);
 *  3. values of well-known secret parameters (query/form `k=v`, JSON `"k":"v"`, headers `k: v`) become `***`.
 */

/** Parameter / header / JSON key names whose values are secret (compared case-insensitively). */
export const SECRET_PARAM_NAMES: readonly string[] = [
  'sign', 'signature', 'token', 'access_token', 'refresh_token', 'edit_token', 'key', 'secret', 'client_secret',
  'org_client_secret', 'app_key', 'code', 'password', 'x-gk-upload-session', 'authorization', 'x-shimo-signature',
  'x-shimo-token', 'session',
];

/** Registered literals shorter than this are ignored: masking 1-3 character strings would shred every message. */
const MIN_SECRET_LENGTH = 4;
const registered = new Set<string>();
/**
 * `registered`, longest first (so that a secret containing another registered secret is fully replaced). Kept sorted
 * here rather than in redact(): the set only grows and redact() runs several times per HTTP request.
 */
let longestFirst: readonly string[] = [];

/** Registers a literal secret (client secret, token, upload session...): it is replaced by `***` from now on. */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < MIN_SECRET_LENGTH) return;
  const before = registered.size;
  registered.add(value);
  // The same secret may show up percent-encoded in a URL or form body.
  registered.add(encodeURIComponent(value));
  if (registered.size !== before) longestFirst = [...registered].sort((a, b) => b.length - a.length);
}

/** For tests: forget every registered secret. */
export function clearRegisteredSecrets(): void {
  registered.clear();
  longestFirst = [];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const NAMES = SECRET_PARAM_NAMES.map(escapeRegExp).join('|');
// k=v in query strings, form bodies and free text; the name must start a parameter (so `error_code=` is kept).
const PARAM_RE = new RegExp(`(^|[?&;\\s,{(])(${NAMES})=([^&\\s#"',;)}]*)`, 'gi');
// "k": "v" in JSON (string values only; numeric codes such as "code":0 are not secrets).
const JSON_RE = new RegExp(`("(?:${NAMES})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
// k: v header lines ("Authorization: Bearer xyz", "x-gk-upload-session: abc").
const HEADER_RE = /\b(authorization|x-gk-upload-session|x-shimo-signature|x-shimo-token)(\s*:\s*)(?:(?:Bearer|Basic|Token)\s+)?[^\s,;"']+/gi;

const URL_RE = /\bhttps?:\/\/[^\s"'<>]+/gi;
/** URLs that hand out content: their whole query is the credential. */
const DOWNLOAD_PATH_RE = /download|\/dl\/|\/file\/get|\/blob|\/storage|\/preview|\/cedit|\/attachment|\/export/i;
const SIGNED_QUERY_RE = /[?&](expires|s|x-amz-[a-z-]+|ossaccesskeyid|signature|sign|token|e|st|auth_key|key|response-content-disposition)=/i;

function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0 || q === url.length - 1) return url; // no query (or one already redacted: "?<redacted>")
  const path = url.slice(0, q);
  const query = url.slice(q);
  if (DOWNLOAD_PATH_RE.test(path) || SIGNED_QUERY_RE.test(query)) return path + '?<redacted>';
  return url;
}

/** Returns `text` with every secret removed. Safe to call repeatedly (idempotent). */
export function redact(text: string): string {
  if (!text) return text;
  let out = text;
  for (const s of longestFirst) out = out.split(s).join('***');
  out = out.replace(URL_RE, redactUrl);
  out = out.replace(PARAM_RE, (_m, pre: string, name: string) => `${pre}${name}=***`);
  out = out.replace(JSON_RE, (_m, pre: string) => `${pre}"***"`);
  out = out.replace(HEADER_RE, (_m, name: string, sep: string) => `${name}${sep}***`);
  return out;
}

/** `origin + path` of a URL without any query or fragment: what error messages may show about a request. */
export function urlWithoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : url.slice(0, cut);
}
