/**
 * The one HTTP layer of the extension (node-fetch v2). Vendor clients describe a request; this module adds
 * timeouts, cancellation, safe retries with backoff, per-key rate limiting, typed errors and redacted logging.
 *
 * Non-2xx answers that are not retried here (all 4xx but 429) are returned to the caller, which knows the vendor's
 * error envelope. 5xx and 429 that survive the retries become ServerError / RateLimitedError.
 */
import nodeFetch from 'node-fetch';
import { PassThrough, Readable } from 'stream';
import { sleep } from './async';
import {
  BadResponseError, CancelledError, DocError, NetworkError, RateLimitedError, ServerError, TimeoutError,
} from './errors';
import { type Logger, nullLogger } from './log';
import { RateLimiter } from './ratelimit';
import { redact, urlWithoutQuery } from './redact';

export interface RetryPolicy {
  /** Attempts in total, first one included (default 4). */
  maxAttempts: number;
  /** Backoff base: the wait before retry n is random(0, min(maxDelayMs, baseMs * 2^(n-1))) (default 300). */
  baseMs: number;
  /** Cap of the exponential backoff (default 10 000). */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is thrown at once (default 60 000). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseMs: 300, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };
export const DEFAULT_TIMEOUT_MS = 30_000;

export type BodySource = string | Uint8Array | Readable;
/** A factory is called once per attempt, which makes stream bodies retryable. */
export type HttpBody = BodySource | (() => BodySource);

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: HttpBody;
  /**
   * May the request be repeated after it possibly reached the server? Default: true for GET/HEAD/PUT/DELETE/OPTIONS.
   * Non-idempotent requests are only retried when they surely were not processed (connection refused, 429,
   * 503 + Retry-After).
   */
  idempotent?: boolean;
  /** Per-attempt timeout (default: the client's, 30 s). For `responseType: 'stream'` it covers the headers only. */
  timeoutMs?: number;
  /**
   * For `responseType: 'stream'`: the body may stall (no bytes arriving) at most this long; then the stream is
   * destroyed with TimeoutError. Default: the request's `timeoutMs`.
   */
  idleTimeoutMs?: number;
  /** Override the client's retry policy for this request; `false` = one attempt only. */
  retry?: Partial<RetryPolicy> | false;
  signal?: AbortSignal;
  /** Rate-limiter key (e.g. the host). Default: the URL's host. */
  limitKey?: string;
  /** Log the URL without its query string (temporary download URLs carry their credential there). */
  hideQuery?: boolean;
  /** 'buffer' (default) reads the whole body inside the attempt; 'stream' returns once headers arrived. */
  responseType?: 'buffer' | 'stream';
}

export interface HttpResponse {
  status: number;
  headers: { get(name: string): string | null };
  /** Buffered body; empty for `responseType: 'stream'`. */
  body: Buffer;
  /**
   * The live body for `responseType: 'stream'` and a 2xx status (other statuses are buffered). It fails with
   * TimeoutError when it stalls longer than `idleTimeoutMs`, CancelledError when the caller aborts and NetworkError
   * when the connection drops.
   */
  stream?: Readable;
  text(): string;
  /** Parses the buffered body; throws BadResponseError on malformed JSON. */
  json<T = unknown>(): T;
}

/** What a vendor can tell about an error body (used in ServerError / RateLimitedError messages). */
export type ErrorDetail = (status: number, body: Buffer) => { message?: string; vendorCode?: string | number } | undefined;

export type FetchLike = (url: string, init: {
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer | Readable;
  signal: AbortSignal;
}) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  body: NodeJS.ReadableStream | null;
  buffer(): Promise<Buffer>;
}>;

export interface HttpClientOptions {
  logger?: Logger;
  /** Injectable for tests; defaults to node-fetch. */
  fetch?: FetchLike;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  limiter?: RateLimiter;
  errorDetail?: ErrorDetail;
  /** Jitter source (tests may pin it). */
  random?: () => number;
  userAgent?: string;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Failures that happen before a single byte of the request left this machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** Retry-After (delta seconds or HTTP date) in ms, or undefined when absent/unparseable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** Full-jitter exponential backoff: random in [0, min(cap, base * 2^(retry-1))]. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

interface AttemptFailure {
  error: DocError;
  retryable: boolean;
  retryAfterMs?: number;
}

export class HttpClient {
  readonly limiter: RateLimiter;
  private readonly log: Logger;
  private readonly fetchImpl: FetchLike;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;

  constructor(private readonly opts: HttpClientOptions = {}) {
    this.log = opts.logger ?? nullLogger;
    this.fetchImpl = opts.fetch ?? (nodeFetch as unknown as FetchLike);
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.limiter = opts.limiter ?? new RateLimiter();
    this.random = opts.random ?? Math.random;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method.toUpperCase();
    const policy: RetryPolicy = req.retry === false
      ? { ...this.retry, maxAttempts: 1 }
      : { ...this.retry, ...req.retry };
    // A plain stream can be sent once only.
    if (req.body instanceof Readable) policy.maxAttempts = 1;
    const idempotent = req.idempotent ?? IDEMPOTENT_METHODS.has(method);
    const where = `${method} ${redact(urlWithoutQuery(req.url))}`;

    for (let attempt = 1; ; attempt++) {
      if (req.signal?.aborted) throw new CancelledError();
      const outcome = await this.attempt(req, method, idempotent, attempt);
      if (!('error' in outcome)) return outcome;
      const { error, retryable, retryAfterMs } = outcome;
      const last = attempt >= policy.maxAttempts;
      if (!retryable || last) throw this.finalError(error, attempt);
      if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) throw this.finalError(error, attempt);
      const wait = retryAfterMs ?? backoffDelay(attempt, policy, this.random);
      this.log.debug(`${where}: ${error.message}; retry ${attempt + 1}/${policy.maxAttempts} in ${wait} ms`);
      await sleep(wait, req.signal);
    }
  }

  private finalError(error: DocError, attempts: number): DocError {
    if (attempts <= 1 || error instanceof CancelledError) return error;
    const msg = `${error.message} (after ${attempts} attempts)`;
    const o = { vendorCode: error.vendorCode, status: error.status, cause: error };
    if (error instanceof RateLimitedError) return new RateLimitedError(msg, { ...o, retryAfterMs: error.retryAfterMs });
    if (error instanceof ServerError) return new ServerError(msg, { ...o, retryAfterMs: error.retryAfterMs });
    if (error instanceof TimeoutError) return new TimeoutError(msg, o);
    if (error instanceof NetworkError) return new NetworkError(msg, o);
    return error;
  }

  private resolveBody(body: HttpBody | undefined): string | Buffer | Readable | undefined {
    const b = typeof body === 'function' ? body() : body;
    if (b === undefined || typeof b === 'string' || b instanceof Readable || Buffer.isBuffer(b)) return b;
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  }

  /** One attempt: a response to hand back, or a classified failure. */
  private async attempt(
    req: HttpRequest, method: string, idempotent: boolean, attempt: number,
  ): Promise<HttpResponse | AttemptFailure> {
    const where = `${method} ${redact(urlWithoutQuery(req.url))}`;
    const logUrl = req.hideQuery ? urlWithoutQuery(req.url) + (req.url.includes('?') ? '?<redacted>' : '') : req.url;
    const key = req.limitKey ?? hostOf(req.url);
    const release = await this.limiter.acquire(key, req.signal);
    const ctrl = new AbortController();
    let timedOut = false;
    const timeoutMs = req.timeoutMs ?? this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => { timedOut = true; ctrl.abort(); }, timeoutMs);
    const onCallerAbort = () => ctrl.abort();
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (req.signal?.aborted) ctrl.abort(); // cancelled while waiting for the limiter: the listener came too late
    const detach = () => {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    };
    const started = Date.now();
    const streaming = req.responseType === 'stream';
    let body: string | Buffer | Readable | undefined;
    let keepListening = false;
    try {
      body = this.resolveBody(req.body);
      const headers: Record<string, string> = { ...req.headers };
      if (this.opts.userAgent && !hasHeader(headers, 'user-agent')) headers['user-agent'] = this.opts.userAgent;
      const res = await this.fetchImpl(req.url, { method, headers, body, signal: ctrl.signal });
      const status = res.status;
      const retryableStatus = status === 429 || status >= 500;
      let buf: Buffer = Buffer.alloc(0);
      let stream: Readable | undefined;
      if (streaming && status >= 200 && status < 300) {
        clearTimeout(timer); // the body may take long; the idle watchdog and the caller's signal still end it
        keepListening = true;
        stream = watchBody(res.body as Readable, {
          idleMs: req.idleTimeoutMs ?? timeoutMs,
          signal: req.signal,
          where,
          abort: () => ctrl.abort(),
          onClose: () => req.signal?.removeEventListener('abort', onCallerAbort),
        });
      } else {
        buf = await res.buffer();
      }
      this.log.debug(`${method} ${redact(logUrl)} -> ${status} (${Date.now() - started} ms${attempt > 1 ? `, attempt ${attempt}` : ''})`);
      if (retryableStatus) return this.statusFailure(status, res.headers, buf, where, idempotent);
      return makeResponse(status, res.headers, buf, stream, where);
    } catch (e) {
      const ms = Date.now() - started;
      if (req.signal?.aborted) {
        this.log.debug(`${method} ${redact(logUrl)} cancelled (${ms} ms)`);
        return { error: new CancelledError(), retryable: false };
      }
      if (timedOut) {
        this.log.debug(`${method} ${redact(logUrl)} timed out (${ms} ms)`);
        return { error: new TimeoutError(`${where} timed out after ${timeoutMs} ms`), retryable: idempotent };
      }
      const code = (e as { code?: string }).code;
      const reason = code ?? (e instanceof Error ? e.message : String(e));
      this.log.debug(`${method} ${redact(logUrl)} failed: ${redact(reason)} (${ms} ms)`);
      return {
        error: new NetworkError(`${where} failed: ${redact(reason)}`, { cause: code }),
        retryable: idempotent || (code !== undefined && NOT_SENT_CODES.has(code)),
      };
    } finally {
      if (!keepListening) detach();
      release();
      // Do not leave a half-read request stream (and its file descriptor) open.
      if (body instanceof Readable && !body.readableEnded && !body.destroyed) body.destroy();
    }
  }

  private statusFailure(
    status: number, headers: { get(name: string): string | null }, buf: Buffer, where: string, idempotent: boolean,
  ): AttemptFailure {
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
    const detail = safeDetail(this.opts.errorDetail, status, buf);
    const suffix = detail?.message ? `: ${redact(detail.message)}` : '';
    const o = { status, vendorCode: detail?.vendorCode };
    if (status === 429) {
      // Rejected by rate limiting, so not processed: always safe to repeat.
      return {
        error: new RateLimitedError(`Rate limited (HTTP 429) by ${where}${suffix}`, { ...o, retryAfterMs }),
        retryable: true, retryAfterMs,
      };
    }
    return {
      error: new ServerError(`Server error HTTP ${status} from ${where}${suffix}`, { ...o, retryAfterMs }),
      retryable: idempotent || (status === 503 && retryAfterMs !== undefined),
      retryAfterMs,
    };
  }
}

/**
 * Wraps a response body so that it (1) is destroyed with TimeoutError after `idleMs` without a byte, (2) fails with
 * CancelledError on the caller's abort and NetworkError on a dropped connection instead of node-fetch's raw errors.
 * The watchdog measures arrival of bytes at the wrapper, so a consumer that stops reading for longer also times out:
 * acceptable for downloads, which are always drained to memory or disk.
 */
function watchBody(
  raw: Readable,
  o: { idleMs: number; signal?: AbortSignal; where: string; abort: () => void; onClose: () => void },
): Readable {
  let idle: NodeJS.Timeout | undefined;
  const out = new PassThrough();
  let failed = false;
  const fail = (err: DocError) => {
    // Aborting makes node-fetch emit an error on `raw` synchronously, which re-enters here: first failure wins.
    if (failed || out.destroyed) return;
    failed = true;
    clearTimeout(idle);
    o.abort(); // ends the underlying connection
    raw.destroy();
    out.destroy(err);
  };
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => fail(new TimeoutError(`${o.where}: no data received for ${o.idleMs} ms`)), o.idleMs);
  };
  raw.on('data', arm);
  raw.on('error', (e: Error & { code?: string }) => {
    if (o.signal?.aborted) return fail(new CancelledError());
    fail(new NetworkError(`${o.where}: download interrupted: ${redact(e.code ?? e.message)}`, { cause: e.code }));
  });
  out.once('close', () => {
    clearTimeout(idle);
    if (!raw.destroyed) raw.destroy(); // the consumer gave up: release the socket
    o.onClose();
  });
  raw.once('end', () => clearTimeout(idle));
  raw.pipe(out);
  arm();
  return out;
}

function makeResponse(
  status: number, headers: { get(name: string): string | null }, body: Buffer, stream: Readable | undefined, where: string,
): HttpResponse {
  return {
    status, headers, body, stream,
    text: () => body.toString('utf8'),
    json<T>(): T {
      try {
        return JSON.parse(body.toString('utf8')) as T;
      } catch {
        throw new BadResponseError(`Malformed JSON from ${where} (HTTP ${status}, ${body.length} bytes)`, { status });
      }
    },
  };
}

function safeDetail(fn: ErrorDetail | undefined, status: number, body: Buffer) {
  try {
    return fn?.(status, body);
  } catch {
    return undefined;
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
