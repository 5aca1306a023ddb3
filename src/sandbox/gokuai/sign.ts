import * as crypto from 'node:crypto';

/**
 * Gokuai request signature (vendor-facts.md): drop `sign`, `filehash`, `filesize`; sort the remaining keys bytewise
 * (UTF-8); join the raw (decoded) values with "\n"; base64(HMAC-SHA1(secret, joined)).
 */
const UNSIGNED_KEYS = new Set(['sign', 'filehash', 'filesize']);

export function gokuaiSign(params: Readonly<Record<string, string>>, secret: string, dropEmpty = false): string {
  const keys = Object.keys(params)
    .filter((k) => !UNSIGNED_KEYS.has(k) && !(dropEmpty && params[k] === ''))
    .sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  const joined = keys.map((k) => params[k]).join('\n');
  return crypto.createHmac('sha1', secret).update(joined, 'utf8').digest('base64');
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/**
 * True when `params.sign` matches. The SDKs disagree on whether empty values take part in the signature, so both
 * readings are accepted (vendor-facts.md: build so that either reading works).
 */
export function verifyGokuaiSign(params: Readonly<Record<string, string>>, secret: string): boolean {
  const given = params.sign;
  if (!given) return false;
  return sameString(given, gokuaiSign(params, secret, false)) || sameString(given, gokuaiSign(params, secret, true));
}
