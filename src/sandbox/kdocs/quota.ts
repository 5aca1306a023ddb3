import { kerr } from './errors';

/**
 * Per-endpoint daily quotas (vendor-facts.md: test apps about 500 writes/day). A limit set by control.setQuota for an
 * endpoint key (`GET /api/v1/openapi/personal/files`), a path for every method (`/api/v1/openapi/personal/files`), or
 * 'all' applies first (the most specific one); otherwise the endpoint's default, if it has one (`defaults`: the
 * figures the vendor pages give for the office, AirScript, preview and notification endpoints, see index.ts), else
 * none. Days roll over at midnight UTC+8.
 */
const DAY_MS = 24 * 3600 * 1000;
const UTC8_MS = 8 * 3600 * 1000;

export class Quotas {
  private readonly limits = new Map<string, number>();
  private readonly used = new Map<string, number>();
  /** Default limits by endpoint key (control.setAppType switches them); kept by reset(). */
  defaults = new Map<string, number>();

  set(endpoint: string, perDay: number): void {
    if (!Number.isInteger(perDay) || perDay < 0) throw new RangeError('perDay must be a non-negative integer');
    this.limits.set(endpoint, perDay);
  }

  /** Forgets the limits set by set() and today's counts (defaults stay). */
  reset(): void {
    this.limits.clear();
    this.used.clear();
  }

  /** Counts one call of `key` (`METHOD path-pattern`); 429 42901 once today's limit is used up. */
  take(key: string, nowMs = Date.now()): void {
    const path = key.slice(key.indexOf(' ') + 1);
    const limit = this.limits.get(key) ?? this.limits.get(path) ?? this.limits.get('all') ?? this.defaults.get(key);
    if (limit === undefined) return;
    const day = Math.floor((nowMs + UTC8_MS) / DAY_MS);
    const k = `${day}|${key}`;
    const n = this.used.get(k) ?? 0;
    if (n >= limit) throw kerr.quota(Math.ceil(((day + 1) * DAY_MS - UTC8_MS - nowMs) / 1000));
    this.used.set(k, n + 1);
  }
}
