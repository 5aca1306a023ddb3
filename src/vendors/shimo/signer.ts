/**
 * Shimo SDK v2 signatures (vendor-facts.md): a JWT, HS256 over the AppSecret, header `kid` = AppId, payload `exp`
 * (unix seconds); license, app and seat calls add `scope: "license"` and expire within 4 minutes, other calls are
 * signed for 24 hours like the official Go kit. Through `jose` (zero dependencies, the reference JOSE library for
 * Node): compact serialisation and base64url are its to get right, not ours.
 */
import { SignJWT } from 'jose';

export const LICENSE_TTL_S = 4 * 60;
export const CALL_TTL_S = 24 * 60 * 60;

export function signShimo(appId: string, appSecret: string, o: { license?: boolean; nowMs: number }): Promise<string> {
  const exp = Math.floor(o.nowMs / 1000) + (o.license ? LICENSE_TTL_S : CALL_TTL_S);
  return new SignJWT(o.license ? { scope: 'license' } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: appId })
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(appSecret));
}
