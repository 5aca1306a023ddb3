import * as crypto from 'node:crypto';
import { serr } from './errors';

/**
 * The `signature` of every Shimo SDK call (vendor-facts, sdk-kit-go api/signature.go): a compact JWS, HS256 over the
 * AppSecret, header `{"alg":"HS256","typ":"JWT","kid":"<AppId>"}`, payload `{"exp": <unix seconds>}` plus
 * `"scope":"license"` for the license/app/seat APIs; the Go kit may add `"version"` (ignored here).
 *
 * Verification works on the RECEIVED text: the HMAC is computed over the received `base64url(header).base64url(payload)`
 * bytes and compared in constant time; the JSON is parsed only to read alg, kid, exp and scope, never re-serialized
 * (libraries order the header keys differently: golang-jwt writes alg, kid, typ).
 *
 * Order of the checks (each with its own error, errors.ts): three base64url parts (no padding) and JSON objects ->
 * `alg` is "HS256" -> `kid` is a known AppId -> HMAC -> `exp` is a number -> `exp` in the future -> (license routes)
 * `scope` is "license" -> `exp` not too far ahead.
 *
 * Expiry bounds (vendor-facts: license calls 4 minutes, other calls up to 7 days; the Go kit signs 4 min and 24 h):
 * the sandbox accepts `exp` at most 7 days + 60 s ahead for normal calls and 4 min + 60 s ahead for license calls.
 * The 60 s are for clock skew between the integrator and the server and for the time between signing and arrival: a
 * signature made "4 minutes from now" one second before it is sent must still pass. (The sdk-demo-go service signs
 * its non-license calls for 365 days; the sandbox refuses those, as the 7-day rule says.) A license-scoped signature
 * is accepted on the other routes too (the scope widens, it does not narrow).
 */

export const MAX_NORMAL_SEC = 7 * 24 * 3600;
export const MAX_LICENSE_SEC = 4 * 60;
export const SKEW_SEC = 60;

export interface Claims {
  appId: string;
  exp: number;
  scope?: string;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

function jsonPart(part: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw serr.badSignature(`${what} is not base64url JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw serr.badSignature(`${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

/**
 * Verifies `token` against the known apps (AppId -> AppSecret) at `nowMs`; `license` = the route is a license/app/seat
 * API. Returns the claims or throws the ShimoError of the first failed check.
 */
export function verifySignature(token: string, apps: ReadonlyMap<string, string>, nowMs: number, license: boolean): Claims {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) throw serr.badSignature('not a compact JWS (three base64url parts)');
  const header = jsonPart(parts[0], 'header');
  const payload = jsonPart(parts[1], 'payload');
  if (header.alg !== 'HS256') throw serr.badSignature(`alg must be HS256, got ${JSON.stringify(header.alg ?? null)}`);
  if (typeof header.kid !== 'string' || header.kid === '') throw serr.badKid('header kid (the AppId) is missing');
  const secret = apps.get(header.kid);
  if (secret === undefined) throw serr.badKid('unknown AppId in kid');
  const expected = crypto.createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`, 'latin1').digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw serr.badSignature('signature does not match');
  const exp = payload.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw serr.badSignature('payload exp (unix seconds) is missing');
  const nowSec = nowMs / 1000;
  if (exp <= nowSec) throw serr.expired();
  if (license) {
    if (payload.scope !== 'license') throw serr.scope();
    if (exp > nowSec + MAX_LICENSE_SEC + SKEW_SEC) throw serr.tooLong('4 minutes for license calls');
  } else if (exp > nowSec + MAX_NORMAL_SEC + SKEW_SEC) {
    throw serr.tooLong('7 days');
  }
  return { appId: header.kid, exp, scope: typeof payload.scope === 'string' ? payload.scope : undefined };
}
