/**
 * Gokuai request signing and form encoding (vendor-facts.md, "Sign", confirmed by the official SDKs):
 * drop sign/filehash/filesize, sort keys bytewise (UTF-8), join the raw values with '\n',
 * sign = base64(HMAC-SHA1(org_client_secret, joined)).
 */
import { createHmac } from 'crypto';
import { rfc3986 } from '../../core/urlencode';

/** Parameters that are sent but never signed. */
const UNSIGNED_KEYS = new Set(['sign', 'filehash', 'filesize']);

export type GkParamValue = string | number | undefined | null;
export type GkParams = Record<string, GkParamValue>;

export { rfc3986 };

/** Drops undefined/null/'' values (the SDKs disagree on signing empty values, so they are never sent). */
export function compactParams(params: GkParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    out[k] = String(v);
  }
  return out;
}

function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The Gokuai signature of a parameter set (values raw, not URL-encoded). */
export function gokuaiSign(params: Record<string, string>, secret: string): string {
  const keys = Object.keys(params).filter((k) => !UNSIGNED_KEYS.has(k)).sort(bytewise);
  const joined = keys.map((k) => params[k]).join('\n');
  return createHmac('sha1', secret).update(joined, 'utf8').digest('base64');
}

/**
 * Adds org_client_id, dateline (unix seconds of `nowMs`) and sign to the non-empty parameters.
 * The result is what goes on the wire.
 */
export function signParams(
  params: GkParams, creds: { orgClientId: string; orgClientSecret: string }, nowMs: number,
): Record<string, string> {
  const p = compactParams({ ...params, org_client_id: creds.orgClientId, dateline: Math.floor(nowMs / 1000) });
  p.sign = gokuaiSign(p, creds.orgClientSecret);
  return p;
}

/** application/x-www-form-urlencoded body with RFC 3986 encoding, keys in bytewise order (stable, easy to diff). */
export function formEncode(params: Record<string, string>): string {
  return Object.keys(params)
    .sort(bytewise)
    .map((k) => `${rfc3986(k)}=${rfc3986(params[k])}`)
    .join('&');
}
