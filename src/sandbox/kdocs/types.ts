/**
 * Public surface of the Kingsoft Docs emulator (kdocs, WPS open platform): user, personal-document (OAuth
 * access_token) and app-space (WPS-2) APIs.
 */
import type { Misbehaviour } from '../common/types';

/** The two file spaces of the kdocs sandbox. */
export type KdocsSpace = 'personal' | 'appspace';

export interface KdocsSandboxControl {
  /** Fail the next `count` matching requests (body `{"code","msg"}`); without pathIncludes: /api/ requests only. */
  failNext(count: number, how: Misbehaviour): void;
  /** Drop the connection (no response) for the next `count` matching requests. */
  dropNextRequests(count: number, pathIncludes?: string): void;
  /** Answer the next `count` matching requests with malformed JSON. */
  malformNext(count: number, pathIncludes?: string): void;
  /** Delay every response by `ms` (0 turns it off). */
  setLatency(ms: number): void;
  /** Clear all misbehaviour (not quotas), pending failTaskItem marks and omitTaskFileResults included. State stays. */
  resetMisbehaviour(): void;

  /**
   * Daily quota: `endpoint` is `'all'` (each endpoint separately), a path pattern as in endpoints.tsv
   * (`/api/v1/openapi/personal/files`, every method) or `METHOD path` (`GET /api/v1/openapi/personal/files`).
   * Over it: HTTP 429, code 42901, Retry-After until midnight UTC+8.
   */
  setQuota(endpoint: string, perDay: number): void;
  /** Remove all quota limits and forget today's counts. */
  resetQuotas(): void;
  /** Every access token issued so far expires now (401, code 40102); refresh tokens keep working. */
  expireAccessTokens(): void;
  /**
   * Every OAuth authorization code handed out so far (by /h5/auth) is older than its 5 minutes now: exchanging it
   * answers 400 / 20001, as an unknown or already used code does. Codes handed out later work.
   */
  expireAuthorizationCodes(): void;
  /**
   * Every refresh token issued so far stops working (40103), as after 30 days or a revoked authorization: once the
   * access token expires too (expireAccessTokens), only a new sign-in helps. Tokens issued later work.
   */
  revokeRefreshTokens(): void;
  /** Lifetime of newly issued access tokens in seconds (default 7200). */
  setAccessTokenTtl(sec: number): void;
  /** Lifetime of temporary download URLs (default 600 000 ms). */
  setDownloadUrlTtl(ms: number): void;
  /**
   * Every temporary URL handed out so far (downloads, edit pages) answers 403 / 40302 from now on, as if its TTL had
   * run out; URLs handed out later work normally.
   */
  expireDownloadUrls(): void;
  /** Accepted clock skew of the WPS-2 `Date` header in seconds (default 300). */
  setDateSkewWindow(sec: number): void;
  /** Status polls an async task needs before it completes (default 3; the last poll runs it). */
  setTaskSteps(steps: number): void;
  /**
   * The next batch task (copy, move or delete, in `space`) that names the live file or folder at `path` reports that
   * item as failed with `message` (default 'file is locked by another operation', code 50000) and leaves it untouched;
   * its other items are processed, the task ends `failed` with a per-file `result.results` list (src/sandbox/kdocs/
   * tasks.ts documents the shape). One-shot per call; cleared by resetMisbehaviour. Throws when `path` is not live.
   */
  failTaskItem(space: KdocsSpace, path: string, message?: string): void;
  /**
   * From now on (until resetMisbehaviour) finished batch tasks answer without the per-file `result.results` list, only
   * `result.files`: the platform documents no result shape, so a client must cope with a task that says no more than
   * success or failure.
   */
  omitTaskFileResults(): void;

  // --- direct state access; `path` is '/'-separated from the space's root ---
  readFile(space: KdocsSpace, path: string): Buffer | undefined;
  /** Create (with parent folders) or replace content as another user would: a new version, new mtime. */
  writeFile(space: KdocsSpace, path: string, data: Buffer | string, memberName?: string): void;
  exists(space: KdocsSpace, path: string): boolean;
  /** File token of a live entry. */
  tokenOf(space: KdocsSpace, path: string): string | undefined;
  /** True when the entry (by the path it had) is in the recycle bin. */
  isInTrash(space: KdocsSpace, path: string): boolean;
  versionCount(space: KdocsSpace, path: string): number;
  /**
   * Requests seen, oldest first: method and path only (never query or body). Only the newest 1000 are kept, so
   * `requests.length` stops growing: to look at the requests of one step use requestCount and requestsSince.
   */
  readonly requests: ReadonlyArray<{ method: string; path: string; status: number }>;
  /** Requests seen since start, including those no longer kept in `requests`. */
  readonly requestCount: number;
  /** The (kept) requests seen after `mark`, a requestCount read earlier; oldest first. */
  requestsSince(mark: number): ReadonlyArray<{ method: string; path: string; status: number }>;
}

export interface KdocsSandbox {
  /** Base URL, e.g. http://127.0.0.1:PORT (stands for https://developer.kdocs.cn). */
  readonly host: string;
  readonly credentials: { appId: string; appKey: string };
  /** Folder of the app inside the personal space (path from the personal root). */
  readonly appFolderPath: string;
  readonly control: KdocsSandboxControl;
  close(): Promise<void>;
}

export interface KdocsSandboxOptions {
  port?: number;
  /** Seed the demo content (default true). */
  seed?: boolean;
  appId?: string;
  appKey?: string;
  /** Serve the HTTP control routes (`/__sandbox/...`) to loopback clients; default false (404), as for Gokuai. */
  controlRoutes?: boolean;
}

/** Default kdocs sandbox credentials (public: they only open the local emulator). */
export const SANDBOX_KDOCS_APP_ID = 'SX-SANDBOX-APP';
export const SANDBOX_KDOCS_APP_KEY = 'sandbox-kdocs-app-key';
