import * as crypto from 'node:crypto';
import { markSecret } from './secrets';

/**
 * Temporary URLs handed out by the emulators (downloads, preview/edit pages):
 * `${host}/<kind>/<token>?e=<expiry ms>&s=<hmac>`.
 * The HMAC (per-process random key) covers kind, token and expiry, so a tampered expiry is rejected like an expired one.
 * Errors are the vendor's own (each emulator passes its factories).
 */
export interface DownloadTarget {
  /** Content address (sha1 hex) in the emulator's blob store. */
  filehash: string;
  filename: string;
  /** true = inline (open in browser), false = attachment. */
  open: boolean;
}

export interface UrlErrors {
  /** Unknown token. */
  notFound(what: string): Error;
  /** Expired or tampered URL. */
  expired(): Error;
}

export class TemporaryUrls<Page = unknown> {
  /** Download URL lifetime (control.setDownloadUrlTtl). */
  downloadTtlMs = 10 * 60 * 1000;
  /** The clock expiries are measured against (an emulator may run it ahead to test expiry). */
  now: () => number = () => Date.now();
  private readonly key = crypto.randomBytes(32);
  private readonly downloads = new Map<string, { serial: number; target: DownloadTarget }>();
  private readonly pages = new Map<string, { serial: number; kind: string; target: Page }>();
  /** Every URL gets the next serial; those below `validFrom` are expired (control.expireDownloadUrls). */
  private serial = 0;
  private validFrom = 0;

  constructor(private readonly host: string, private readonly errors: UrlErrors) {}

  /** A download URL living `ttlMs` (default downloadTtlMs). */
  download(target: DownloadTarget, ttlMs = this.downloadTtlMs): string {
    const token = crypto.randomBytes(16).toString('hex');
    this.downloads.set(token, { serial: this.serial++, target });
    return this.url('dl', token, this.now() + ttlMs);
  }

  /** A page URL under `/<kind>/` (kind must not be 'dl'). */
  page(kind: string, target: Page, ttlMs: number): string {
    const token = crypto.randomBytes(16).toString('hex');
    this.pages.set(token, { serial: this.serial++, kind, target });
    return this.url(kind, token, this.now() + ttlMs);
  }

  /** Resolves a download request or throws notFound (unknown token) / expired (expired or tampered). */
  resolveDownload(token: string, query: Record<string, string>): DownloadTarget {
    const entry = this.downloads.get(token);
    if (!entry) throw this.errors.notFound('download link');
    this.check('dl', token, entry.serial, query);
    return entry.target;
  }

  resolvePage(kind: string, token: string, query: Record<string, string>): Page {
    const entry = this.pages.get(token);
    if (!entry || entry.kind !== kind) throw this.errors.notFound('link');
    this.check(kind, token, entry.serial, query);
    return entry.target;
  }

  /** Every URL handed out so far (downloads and pages) is expired from now on; later ones are not affected. */
  expireAll(): void {
    this.validFrom = this.serial;
  }

  private mac(kind: string, token: string, expiryMs: number): string {
    return markSecret(crypto.createHmac('sha256', this.key).update(`${kind}\n${token}\n${expiryMs}`).digest('hex').slice(0, 32));
  }

  private url(kind: string, token: string, expiresMs: number): string {
    // Expiry in ms: 1-second TTLs in tests would be flaky at second precision.
    return `${this.host}/${kind}/${token}?e=${expiresMs}&s=${this.mac(kind, token, expiresMs)}`;
  }

  private check(kind: string, token: string, serial: number, query: Record<string, string>): void {
    const e = Number(query.e);
    if (!Number.isFinite(e) || query.s !== this.mac(kind, token, e)) throw this.errors.expired();
    if (this.now() > e || serial < this.validFrom) throw this.errors.expired();
  }
}
