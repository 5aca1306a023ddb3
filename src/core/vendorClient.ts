/**
 * The plumbing every vendor client shares: its own HTTP layer (or a shared one) whose retry messages carry the
 * vendor's error detail, a rate limit per account host, temporary download URLs refreshed once when expired, and
 * polling of server-side tasks. Vendor clients (src/vendors/<vendor>/client.ts) extend it.
 */
import { openFreshDownload } from './download';
import { type DocError, fromVendor, isDocError } from './errors';
import { HttpClient, type HttpRequest, type HttpResponse, type RetryPolicy } from './http';
import { type Logger, nullLogger } from './log';
import type { CallOptions } from './model';
import { RateLimiter, type RateLimit } from './ratelimit';
import { pollTask, type PollResult } from './tasks';
import type { VendorErrorInfo } from './vendorError';

export interface PollPolicy { intervalMs?: number; maxIntervalMs?: number; timeoutMs?: number }

export interface VendorClientOptions {
  logger?: Logger;
  /** Shared HTTP layer; by default the client makes its own with `retry`, `timeoutMs` and `rateLimit`. */
  http?: HttpClient;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  /** Cap on calls to the host (default 10/s, burst 20, 6 in flight). */
  rateLimit?: RateLimit;
  /** Clock for request timestamps/signatures (ms). */
  now?: () => number;
  /** How long a download may wait for its headers, and then stall between bytes, before TimeoutError (default 60 s). */
  downloadTimeoutMs?: number;
  /** Polling of server-side tasks (tests shorten it). */
  poll?: PollPolicy;
}

export const DEFAULT_VENDOR_RATE_LIMIT: RateLimit = { perSecond: 10, burst: 20, maxConcurrent: 6 };
/** Server-side tasks (copy queues, batch jobs): first poll after 300 ms, then up to every 3 s, for 10 minutes. */
const DEFAULT_TASK_POLL: PollPolicy = { intervalMs: 300, maxIntervalMs: 3_000, timeoutMs: 10 * 60_000 };

export abstract class VendorClient {
  /** Vendor id ('gokuai', 'kdocs'): DocError.vendor of every error an answer of this vendor's service caused. */
  readonly vendor: string;
  /** API base, without a trailing slash. */
  readonly host: string;
  readonly http: HttpClient;
  readonly log: Logger;
  protected readonly now: () => number;
  /** Rate-limiter key of this account's host (`<vendor>:<host>`). */
  protected readonly limitKey: string;
  private readonly downloadTimeoutMs: number;
  private readonly taskPoll: PollPolicy;

  protected constructor(
    vendor: string, host: string, opts: VendorClientOptions, parseError: (body: Buffer) => VendorErrorInfo,
  ) {
    this.vendor = vendor;
    this.host = host.replace(/\/+$/, '');
    this.log = opts.logger ?? nullLogger;
    this.now = opts.now ?? Date.now;
    this.limitKey = `${vendor}:${this.host}`;
    this.downloadTimeoutMs = opts.downloadTimeoutMs ?? 60_000;
    this.taskPoll = { ...DEFAULT_TASK_POLL, ...opts.poll };
    this.http = opts.http ?? new HttpClient({
      logger: this.log,
      retry: opts.retry,
      timeoutMs: opts.timeoutMs,
      limiter: new RateLimiter(),
      errorDetail: (_status, body) => {
        const e = parseError(body);
        return { message: e.message, vendorCode: e.code };
      },
    });
    this.http.limiter.configure(this.limitKey, opts.rateLimit ?? DEFAULT_VENDOR_RATE_LIMIT);
  }

  /**
   * One call to the vendor's service: the HTTP exchange, then `answer` reads the response (and throws the vendor's
   * error for a failed one). Every DocError either throws is tagged with the vendor (DocError.vendor); the HTTP
   * layer's own (429 after retries, 5xx, network) first go through `httpError`.
   */
  protected async request<T>(req: HttpRequest, what: string, answer: (res: HttpResponse) => T): Promise<T> {
    let res: HttpResponse;
    try {
      res = await this.http.request(req);
    } catch (e) {
      throw this.tagged(this.httpError(e, what));
    }
    try {
      return answer(res);
    } catch (e) {
      throw this.tagged(e);
    }
  }

  /**
   * Hook: the error a call ends with when the HTTP layer failed it (`what` names operation and target). The HTTP
   * layer knows only status and vendor code; a vendor rewords what it means (e.g. a used-up daily quota). Default: `e`.
   */
  protected httpError(e: unknown, _what: string): unknown {
    return e;
  }

  /** `e` with this vendor's tag when it is a DocError naming none yet. */
  private tagged(e: unknown): unknown {
    return isDocError(e) ? fromVendor(this.vendor, e) : e;
  }

  /**
   * A 2xx streaming GET of a temporary download URL. 403/404/410 on the storage side read as "the URL expired"
   * (storages differ in which they send): a fresh URL is fetched once. The URL's query never reaches the logs.
   */
  protected openDownload(
    what: string, getUrl: () => Promise<string>, toError: (res: HttpResponse) => DocError, o?: CallOptions,
  ): Promise<HttpResponse> {
    return openFreshDownload({
      http: this.http,
      getUrl,
      what,
      isExpired: (status) => status === 403 || status === 404 || status === 410,
      toError: (res) => fromVendor(this.vendor, toError(res)),
      timeoutMs: this.downloadTimeoutMs,
      log: this.log,
      signal: o?.signal,
    });
  }

  /** Polls a server-side task with the client's polling policy; `what` names it in a TimeoutError. */
  protected pollServerTask<T>(check: () => Promise<PollResult<T>>, what: string, o?: CallOptions): Promise<T> {
    return pollTask(check, { ...this.taskPoll, signal: o?.signal, what });
  }
}
