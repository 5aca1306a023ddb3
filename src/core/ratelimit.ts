import { sleep, throwIfCancelled } from './async';
import { CancelledError } from './errors';

export interface RateLimit {
  /** Sustained requests per second (token refill rate). Omit for no rate cap. */
  perSecond?: number;
  /** Bucket size: requests allowed in a burst (default max(1, perSecond)). */
  burst?: number;
  /** Requests in flight at once (default unlimited). */
  maxConcurrent?: number;
  /**
   * A sliding window instead of a token bucket: at most `perSecond` requests in any 1 000 ms, counting each request
   * from its start until 1 000 ms after its answer arrived. The server counts a request when it arrives, which lies
   * between the two, so this never goes over a server's window however the latency varies (Vika: 5 per second per
   * token and datasheet, 429 without Retry-After).
   */
  sliding?: boolean;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
  /** Callers holding a slot (granted and not yet released). */
  active: number;
  /** Queued callers, first come first served; each entry grants its caller the slot being freed. */
  waiters: Array<() => void>;
  /** Sliding window: when the answers of the latest requests arrived (ms, oldest first). */
  ends: number[];
  /** Sliding window: callers waiting for a request in flight to end. */
  endWaiters: Array<() => void>;
  /** Sliding window: requests started and not answered yet. */
  inWindow: number;
}

/**
 * Token bucket + concurrency cap per key (e.g. a host or "datasheet:<id>"). `acquire` resolves with a release
 * function that must be called once the request is over. Keys without a configured limit pass straight through.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limits = new Map<string, RateLimit>();

  /**
   * `now` and `wait` are the clock the token bucket runs on (tests pass a fake one: a `wait` that moves `now` on
   * makes the pacing exact and instant).
   */
  constructor(
    private readonly defaultLimit?: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void> = sleep,
  ) {}

  /** Sets (or replaces) the limit for one key. */
  configure(key: string, limit: RateLimit): void {
    this.limits.set(key, limit);
  }

  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    const limit = this.limits.get(key) ?? this.defaultLimit;
    if (!limit) return () => {};
    const b = this.bucket(key, limit);
    await this.takeSlot(b, limit.maxConcurrent ?? Infinity, signal);
    try {
      if (limit.perSecond !== undefined && limit.perSecond > 0) {
        if (limit.sliding) await this.takeWindow(b, limit.perSecond, signal);
        else await this.takeToken(b, limit, signal);
      }
    } catch (e) {
      this.release(b);
      throw e;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (limit.sliding && limit.perSecond) {
        b.inWindow--;
        b.ends.push(this.now());
        for (const wake of b.endWaiters.splice(0)) wake();
      }
      this.release(b);
    };
  }

  private bucket(key: string, limit: RateLimit): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: burstOf(limit), refilledAt: this.now(), active: 0, waiters: [], ends: [], endWaiters: [], inWindow: 0 };
      this.buckets.set(key, b);
    }
    return b;
  }

  /**
   * Counts the caller into `active`, queueing it while `max` are in flight. A freed slot is handed straight to the
   * first queued caller (`active` stays), so nobody can overtake it; a caller that cancels while queued leaves the
   * queue at once, so a slot is never handed to someone who is gone.
   */
  private takeSlot(b: Bucket, max: number, signal?: AbortSignal): Promise<void> {
    throwIfCancelled(signal);
    if (b.active < max) {
      b.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = b.waiters.indexOf(grant);
        if (i >= 0) b.waiters.splice(i, 1);
        reject(new CancelledError());
      };
      b.waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
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
      await this.wait(Math.ceil(((1 - b.tokens) / rate) * 1000), signal);
    }
  }

  /** Waits until fewer than `max` requests are in flight or ended less than a second ago, then counts this one in. */
  private async takeWindow(b: Bucket, max: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      throwIfCancelled(signal);
      const t = this.now();
      while (b.ends.length && b.ends[0] <= t - 1000) b.ends.shift();
      if (b.inWindow + b.ends.length < max) {
        b.inWindow++;
        return;
      }
      if (b.ends.length) {
        await this.wait(b.ends[0] + 1000 - t, signal);
        continue;
      }
      // All `max` are in flight: the first to end frees the way (its second starts then).
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = b.endWaiters.indexOf(wake);
          if (i >= 0) b.endWaiters.splice(i, 1);
          reject(new CancelledError());
        };
        b.endWaiters.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  private release(b: Bucket): void {
    const next = b.waiters.shift();
    if (next) next(); // the slot passes to the next caller
    else b.active--;
  }
}

function burstOf(limit: RateLimit): number {
  return limit.burst ?? Math.max(1, limit.perSecond ?? 1);
}
