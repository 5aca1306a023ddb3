/**
 * The emulators' request log (control.requests): method, path and status only — never query strings or bodies, which
 * carry signatures, tokens and download-URL secrets. Keeps the newest `cap` entries so a long-running embedded
 * sandbox does not grow without limit.
 */
export interface RequestEntry { method: string; path: string; status: number }

export const REQUEST_LOG_CAP = 1000;

export class RequestLog {
  private readonly items: RequestEntry[] = [];
  /** Requests seen since start, including those no longer kept. */
  total = 0;

  constructor(private readonly cap = REQUEST_LOG_CAP) {}

  record(entry: RequestEntry): void {
    this.total++;
    this.items.push(entry);
    if (this.items.length > this.cap) this.items.splice(0, this.items.length - this.cap);
  }

  /** The newest entries, oldest first. */
  get entries(): ReadonlyArray<RequestEntry> {
    return this.items;
  }

  /** The kept entries recorded after the moment `total` was `mark`. */
  since(mark: number): RequestEntry[] {
    const n = Math.min(this.items.length, this.total - mark);
    return n > 0 ? this.items.slice(this.items.length - n) : [];
  }
}

/** The request-log members of a sandbox control object (GokuaiSandboxControl, KdocsSandboxControl). */
export interface RequestLogControl {
  readonly requests: ReadonlyArray<RequestEntry>;
  readonly requestCount: number;
  requestsSince(mark: number): ReadonlyArray<RequestEntry>;
}

/**
 * Adds the request-log members to `control`, reading `log` live. They are defined as getters on purpose: building
 * the control with a spread or Object.assign would copy today's values and freeze the log.
 */
export function withRequestLog<T extends object>(control: T, log: RequestLog): T & RequestLogControl {
  return Object.defineProperties(control, {
    requests: { get: () => log.entries, enumerable: true },
    requestCount: { get: () => log.total, enumerable: true },
    requestsSince: { value: (mark: number) => log.since(mark), enumerable: true },
  }) as T & RequestLogControl;
}
