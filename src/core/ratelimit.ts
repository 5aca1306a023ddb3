import { sleep, throwIfCancelled } from './async';

export interface RateLimit {
  /** Sustained requests per second (token refill rate). Omit for no rate cap. */
  perSecond?: number;
  /** Bucket size: requests allowed in a burst (default max(1, perSecond)). */
  burst?: number;
  /** Requests in flight at once (default unlimited). */
  maxConcurrent?: number;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
  active: number;
  waiters: Array<() => void>;
}

/**
 * Token bucket + concurrency cap per key (e.g. a host or "datasheet:<id>"). `acquire` resolves with a release
 * function that must be called once the request is over. Keys without a configured limit pass straight through.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limits = new Map<string, RateLimit>();

  constructor(private readonly defaultLimit?: RateLimit, private readonly now: () => number = Date.now) {}

  /** Sets (or replaces) the limit for one key. */
  configure(key: string, limit: RateLimit): void {
    this.limits.set(key, limit);
  }

  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    const limit = this.limits.get(key) ?? this.defaultLimit;
    if (!limit) return () => {};
    const b = this.bucket(key, limit);
    if (limit.maxConcurrent !== undefined) await this.waitForSlot(b, limit.maxConcurrent, signal);
    b.active++;
    try {
      if (limit.perSecond !== undefined && limit.perSecond > 0) await this.takeToken(b, limit, signal);
    } catch (e) {
      this.release(b);
      throw e;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(b);
    };
  }

  private bucket(key: string, limit: RateLimit): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: burstOf(limit), refilledAt: this.now(), active: 0, waiters: [] };
      this.buckets.set(key, b);
    }
    return b;
  }

  private async waitForSlot(b: Bucket, max: number, signal?: AbortSignal): Promise<void> {
    while (b.active >= max) {
      throwIfCancelled(signal);
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        b.waiters.push(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
    throwIfCancelled(signal);
  }

  private async takeToken(b: Bucket, limit: RateLimit, signal?: AbortSignal): Promise<void> {
    const rate = limit.perSecond as number;
    for (;;) {
      const t = this.now();
      b.tokens = Math.min(burstOf(limit), b.tokens + ((t - b.refilledAt) / 1000) * rate);
      b.refilledAt = t;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - b.tokens) / rate) * 1000), signal);
    }
  }

  private release(b: Bucket): void {
    b.active--;
    b.waiters.shift()?.();
  }
}

function burstOf(limit: RateLimit): number {
  return limit.burst ?? Math.max(1, limit.perSecond ?? 1);
}
