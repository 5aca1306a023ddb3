import * as http from 'node:http';
import * as https from 'node:https';

/**
 * The emulators' own downloads of URLs a client hands them (conversion sources, cloud previews). The sandbox never
 * reaches the internet: it fetches http(s) URLs on the loopback interface only (127.0.0.0/8, localhost, [::1]), which
 * covers its own temporary download URLs and a test's local file server. Redirects are followed (at most 5, each to
 * loopback again); bodies are capped.
 */

export class FetchRefused extends Error {}

export const LOOPBACK_ONLY = 'the sandbox only fetches loopback URLs (http://127.0.0.1, http://localhost, http://[::1]); it never reaches the internet';

/** The parsed URL when the sandbox may fetch it; FetchRefused (with a message that says why) otherwise. */
export function loopbackUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new FetchRefused('url must be an absolute http(s) URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new FetchRefused(`url scheme ${u.protocol} is not supported; ${LOOPBACK_ONLY}`);
  const host = u.hostname.toLowerCase();
  if (!(host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host))) throw new FetchRefused(`${u.host}: ${LOOPBACK_ONLY}`);
  return u;
}

export interface FetchOptions {
  maxBytes?: number;
  timeoutMs?: number;
}

/** GETs a loopback URL; rejects with FetchRefused (not loopback) or Error (network, HTTP status, too large). */
export function fetchLoopback(raw: string, o: FetchOptions = {}, redirects = 5): Promise<Buffer> {
  const maxBytes = o.maxBytes ?? 64 * 1024 * 1024;
  let u: URL;
  try {
    u = loopbackUrl(raw);
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise<Buffer>((resolve, reject) => {
    const get = u.protocol === 'https:' ? https.get : http.get;
    const req = get(u, { timeout: o.timeoutMs ?? 30_000 }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects <= 0) return reject(new Error('too many redirects'));
        return resolve(fetchLoopback(new URL(res.headers.location, u).toString(), o, redirects - 1));
      }
      if (status !== 200) {
        res.resume();
        return reject(new Error(`download failed: HTTP ${status}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          req.destroy();
          reject(new Error(`download failed: larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', (e) => reject(new Error(`download failed: ${e.message}`)));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => reject(new Error(`download failed: ${e.message}`)));
  });
}
