/** What the emulators of every vendor share: how a test makes a request fail. */

export interface Misbehaviour {
  /** HTTP status to answer with (500, 502, 503 or 429). */
  status: number;
  /** Retry-After header value in seconds (for 429/503). */
  retryAfterSec?: number;
  /** Only requests whose path contains this substring are affected (default: all API requests). */
  pathIncludes?: string;
}
