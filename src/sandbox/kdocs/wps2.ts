import * as crypto from 'node:crypto';

/**
 * WPS-2 request signature (vendor-facts.md): `Authorization: WPS-2:{app_id}:{sha1hex(app_key + Content-Md5 +
 * Content-Type + Date)}`. Content-Md5 is the lowercase hex md5 of the body, or of the request URI (path + query) for GET.
 */
export function wps2Signature(appKey: string, contentMd5: string, contentType: string, date: string): string {
  return crypto.createHash('sha1').update(appKey + contentMd5 + contentType + date, 'utf8').digest('hex');
}

export function md5Hex(data: string | Uint8Array): string {
  return crypto.createHash('md5').update(data).digest('hex');
}

export interface Wps2Request {
  method: string;
  /** Request URI as sent: path plus query, no host. */
  uri: string;
  headers: { authorization?: string; date?: string; 'content-md5'?: string; 'content-type'?: string };
  body: Buffer;
}

export type Wps2Result = 'ok' | 'bad-auth' | 'bad-date' | 'bad-md5';

/**
 * Checks a request. GET/HEAD hash the URI. Other methods hash the body; with an empty body the md5 of the URI is
 * accepted too (the docs only say "GET uses the URI", clients differ for body-less DELETE).
 */
export function verifyWps2(req: Wps2Request, appId: string, appKey: string, nowMs: number, skewSec: number): Wps2Result {
  const m = /^WPS-2:([^:]+):([0-9a-f]{40})$/.exec(req.headers.authorization?.trim() ?? '');
  if (!m || m[1] !== appId) return 'bad-auth';
  const date = req.headers.date ?? '';
  const md5 = req.headers['content-md5'] ?? '';
  const expected = wps2Signature(appKey, md5, req.headers['content-type'] ?? '', date);
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(m[2]))) return 'bad-auth';
  const sent = Date.parse(date);
  if (!date || Number.isNaN(sent) || Math.abs(nowMs - sent) > skewSec * 1000) return 'bad-date';
  const bodyLess = req.method === 'GET' || req.method === 'HEAD';
  const candidates = bodyLess ? [md5Hex(req.uri)] : req.body.length > 0 ? [md5Hex(req.body)] : [md5Hex(req.body), md5Hex(req.uri)];
  return candidates.includes(md5) ? 'ok' : 'bad-md5';
}
