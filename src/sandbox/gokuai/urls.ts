import * as crypto from 'node:crypto';
import { err } from './errors';

/**
 * Temporary URLs handed out by download_url / preview_url / cedit_url: `${host}/<kind>/<token>?e=<expiry s>&s=<hmac>`.
 * The HMAC (per-process random key) covers kind, token and expiry, so a tampered expiry is rejected like an expired one.
 */
export interface DownloadTarget {
  filehash: string;
  filename: string;
  /** 1 = inline (open in browser), 0 = attachment. */
  open: boolean;
}
export interface PageTarget {
  hash: string;
  readonly: boolean;
}

type Kind = 'dl' | 'preview' | 'cedit';

export class TemporaryUrls {
  /** Download URL lifetime (control.setDownloadUrlTtl). */
  downloadTtlMs = 10 * 60 * 1000;
  private readonly key = crypto.randomBytes(32);
  private readonly downloads = new Map<string, DownloadTarget>();
  private readonly pages = new Map<string, PageTarget>();

  constructor(private readonly host: string) {}

  download(target: DownloadTarget): string {
    const token = crypto.randomBytes(16).toString('hex');
    this.downloads.set(token, target);
    return this.url('dl', token, Date.now() + this.downloadTtlMs);
  }

  page(kind: 'preview' | 'cedit', target: PageTarget, ttlMs: number): string {
    const token = crypto.randomBytes(16).toString('hex');
    this.pages.set(token, target);
    return this.url(kind, token, Date.now() + ttlMs);
  }

  /** Resolves a download request or throws 404 (unknown token) / 403 (expired or tampered). */
  resolveDownload(token: string, query: Record<string, string>): DownloadTarget {
    const target = this.downloads.get(token);
    if (!target) throw err.notFound('download link not found');
    this.check('dl', token, query);
    return target;
  }

  resolvePage(kind: 'preview' | 'cedit', token: string, query: Record<string, string>): PageTarget {
    const target = this.pages.get(token);
    if (!target) throw err.notFound('link not found');
    this.check(kind, token, query);
    return target;
  }

  private mac(kind: Kind, token: string, expirySec: number): string {
    return crypto.createHmac('sha256', this.key).update(`${kind}\n${token}\n${expirySec}`).digest('hex').slice(0, 32);
  }

  private url(kind: Kind, token: string, expiresMs: number): string {
    // Expiry in ms precision would make 1-second TTLs in tests flaky; keep ms but sign exactly what is sent.
    const e = String(expiresMs);
    return `${this.host}/${kind}/${token}?e=${e}&s=${this.mac(kind, token, Number(e))}`;
  }

  private check(kind: Kind, token: string, query: Record<string, string>): void {
    const e = Number(query.e);
    if (!Number.isFinite(e) || query.s !== this.mac(kind, token, e)) throw err.expired();
    if (Date.now() > e) throw err.expired();
  }
}
