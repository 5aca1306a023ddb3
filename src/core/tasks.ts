import { sleep, throwIfCancelled } from './async';
import { TimeoutError } from './errors';

export type PollResult<T> = { done: true; value: T } | { done: false };

export interface PollOptions {
  /** First wait between polls (default 500 ms). */
  intervalMs?: number;
  /** Waits grow by `factor` up to this (default 5 000 ms). */
  maxIntervalMs?: number;
  /** Growth factor of the wait (default 1.5). */
  factor?: number;
  /** Give up with TimeoutError after this long (default 120 000 ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Used in the TimeoutError message, e.g. "copy queue". */
  what?: string;
}

/**
 * Calls `fn` until it reports done, waiting with capped exponential backoff between calls.
 * Errors thrown by `fn` propagate (the caller decides what is fatal). Abort -> CancelledError.
 */
export async function pollTask<T>(fn: (attempt: number) => Promise<PollResult<T>>, opts: PollOptions = {}): Promise<T> {
  const interval = opts.intervalMs ?? 500;
  const maxInterval = opts.maxIntervalMs ?? 5_000;
  const factor = opts.factor ?? 1.5;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let wait = interval;
  for (let attempt = 1; ; attempt++) {
    throwIfCancelled(opts.signal);
    const r = await fn(attempt);
    if (r.done) return r.value;
    const left = deadline - Date.now();
    if (left <= 0) throw new TimeoutError(`${opts.what ?? 'Task'} did not finish within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(Math.min(wait, left), opts.signal);
    wait = Math.min(maxInterval, wait * factor);
  }
}
