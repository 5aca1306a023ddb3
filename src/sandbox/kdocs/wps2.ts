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
 * `Date` as the references require it: RFC 1123 in GMT, `Wed, 23 Jan 2013 06:43:08 GMT` (what every sample of the
 * platform sends). Anything else Date.parse would read (ISO 8601, JavaScript's Date#toString, RFC 850, asctime,
 * numeric zones) is refused like a missing Date. A one-digit day is accepted: RFC 1123 allows it, and Java's
 * DateTimeFormatter.RFC_1123_DATE_TIME writes `Wed, 3 Jan ...`, so a Java client may well send it.
 */
const RFC1123_GMT = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

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
  if (!RFC1123_GMT.test(date) || Number.isNaN(sent) || Math.abs(nowMs - sent) > skewSec * 1000) return 'bad-date';
  const bodyLess = req.method === 'GET' || req.method === 'HEAD';
  const candidates = bodyLess ? [md5Hex(req.uri)] : req.body.length > 0 ? [md5Hex(req.body)] : [md5Hex(req.body), md5Hex(req.uri)];
  return candidates.includes(md5) ? 'ok' : 'bad-md5';
}
