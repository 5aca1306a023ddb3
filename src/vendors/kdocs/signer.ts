/**
 * WPS-2 request signing of the Kingsoft Docs open platform (vendor-facts.md, "kdocs"):
 * `Authorization: WPS-2:{app_id}:{sha1hex(app_key + Content-Md5 + Content-Type + Date)}`, where
 * - Date is RFC 1123 GMT,
 * - Content-Md5 is the lowercase hex md5 of the exact body bytes, or of the request URI (path + query) for GET/HEAD,
 * - Content-Type is exactly the header that is sent (multipart: including `; boundary=...`).
 */
import { createHash } from 'crypto';

export function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** The WPS-2 signature (lowercase hex sha1). */
export function wps2Signature(appKey: string, contentMd5: string, contentType: string, date: string): string {
  return createHash('sha1').update(appKey + contentMd5 + contentType + date, 'utf8').digest('hex');
}

/** RFC 1123 date, e.g. `Wed, 23 Jan 2013 06:43:08 GMT`. */
export function rfc1123(ms: number): string {
  return new Date(ms).toUTCString();
}

export interface Wps2Input {
  appId: string;
  appKey: string;
  method: string;
  /** Path plus query as sent, no host (what GET requests hash). */
  uri: string;
  contentType: string;
  /** md5 hex of the body; computed from `body` when not given (streamed bodies hash ahead of time). */
  bodyMd5?: string;
  body?: string | Uint8Array;
  nowMs: number;
}

/** The four headers a WPS-2 request carries. */
export function wps2Headers(i: Wps2Input): Record<string, string> {
  const bodyLess = i.method === 'GET' || i.method === 'HEAD';
  const contentMd5 = bodyLess ? md5Hex(i.uri) : i.bodyMd5 ?? md5Hex(i.body ?? '');
  const date = rfc1123(i.nowMs);
  return {
    date,
    'content-md5': contentMd5,
    'content-type': i.contentType,
    authorization: `WPS-2:${i.appId}:${wps2Signature(i.appKey, contentMd5, i.contentType, date)}`,
  };
}
