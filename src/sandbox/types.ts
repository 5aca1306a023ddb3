/**
 * Public surface of the local vendor emulators. Tests, `npm start` and the extension's embedded default use this.
 * The sandbox never imports src/vendors (it is an independent twin of the real services).
 */

export interface Misbehaviour {
  /** HTTP status to answer with (500, 502, 503 or 429). */
  status: number;
  /** Retry-After header value in seconds (for 429/503). */
  retryAfterSec?: number;
  /** Only requests whose path contains this substring are affected (default: all API requests). */
  pathIncludes?: string;
}

export interface GokuaiSandboxControl {
  /** Fail the next `count` matching requests with the given status (error body in the vendor's envelope). */
  failNext(count: number, how: Misbehaviour): void;
  /**
   * Cut the connection in the middle of the next `count` upload_part bodies: once the first half of the declared
   * Content-Length (rounded down) has arrived, the socket is destroyed without an answer. The server keeps exactly
   * those bytes when the part was acceptable (session, offset, range), so upload_req then reports `start + half` and a
   * client resumes there, mid-part.
   */
  dropNextParts(count: number): void;
  /** Drop the connection (no response) for the next `count` matching API requests. */
  dropNextRequests(count: number, pathIncludes?: string): void;
  /** Answer the next `count` matching requests with malformed JSON. */
  malformNext(count: number, pathIncludes?: string): void;
  /** Delay every response by `ms` (0 turns it off). */
  setLatency(ms: number): void;
  /** Lifetime of temporary download URLs (default 600 000 ms = 10 minutes). */
  setDownloadUrlTtl(ms: number): void;
  /**
   * Every temporary URL handed out so far (download URLs of download_url/info, preview and edit pages) answers
   * 403 / 40303 from now on, as if its TTL had run out; URLs handed out later work normally. Share links are not
   * temporary URLs and stay open.
   */
  expireDownloadUrls(): void;
  /**
   * Every chunked-upload session open now expires: upload_part, upload_req, upload_finish and upload_abort with it
   * answer 401 / 40402. The create_file announcement stays, so a client restarts with upload_init.
   */
  expireUploadSessions(): void;
  /**
   * The next `count` complete `upload_finish` calls answer 202 ("still processing", nothing stored yet) before the one
   * that stores the file. Cleared by resetMisbehaviour.
   */
  finishPending(count: number): void;
  /** Accepted clock skew for `dateline` in seconds (default 300). */
  setDatelineWindow(sec: number): void;
  /** Clear all misbehaviour. State (files) stays. */
  resetMisbehaviour(): void;

  // --- direct state access: simulates other users and lets tests assert on what the server holds ---
  readFile(fullpath: string): Buffer | undefined;
  /**
   * Create or replace content as another member would (new version, new filehash, last_dateline = now, or `mtime` in
   * ms: a colleague's save that reports a later modification time than the one an editor loaded).
   */
  writeFile(fullpath: string, data: Buffer | string, memberName?: string, o?: { mtime?: number }): void;
  exists(fullpath: string): boolean;
  /** Moves a file or folder to the recycle bin as another member would. */
  deleteFile(fullpath: string, memberName?: string): void;
  isInRecycleBin(fullpath: string): boolean;
  lockFile(fullpath: string, memberName?: string): void;
  unlockFile(fullpath: string): void;
  /** Number of versions kept for a file (history length). */
  versionCount(fullpath: string): number;
  /**
   * Bytes received by upload_part since start (lets tests prove that instant upload sent nothing): whole bodies,
   * including those answered with an error; of a dropped part (dropNextParts) only the prefix the server kept.
   */
  readonly uploadedBytes: number;
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

export interface GokuaiSandbox {
  /** API host, e.g. http://127.0.0.1:PORT (use as the client `host`). */
  readonly host: string;
  /** Upload server base returned in create_file `server` and upload_servers `m-upload`. */
  readonly uploadServer: string;
  readonly credentials: { orgClientId: string; orgClientSecret: string };
  /** Library name returned by stat (org_name). */
  readonly libraryName: string;
  readonly control: GokuaiSandboxControl;
  close(): Promise<void>;
}

export interface GokuaiSandboxOptions {
  /** Port for the API server (0 = any free port). The upload server may share it. */
  port?: number;
  /** Seed the demo content (default true). */
  seed?: boolean;
  /** Override credentials (defaults: the documented sandbox ones). */
  orgClientId?: string;
  orgClientSecret?: string;
  /**
   * Serve the unauthenticated HTTP control routes (`/__sandbox/...`: read, write, delete, lock files, state) to
   * loopback clients. Default false: they answer 404, so the sandbox embedded in every install exposes no write
   * path besides the signed API. For out-of-process tests (the UI journey) and `node dist/sandbox.js --control-routes`.
   */
  controlRoutes?: boolean;
}

/** Default sandbox credentials (public, documented in README: they only open the local emulator). */
export const SANDBOX_GOKUAI_CLIENT_ID = 'sandbox-org-client-id';
export const SANDBOX_GOKUAI_CLIENT_SECRET = 'sandbox-org-client-secret';

// ---------------------------------------------------------------------------------------------------------------
// Kingsoft Docs (kdocs, WPS open platform): user, personal-document (OAuth access_token) and app-space (WPS-2) APIs.

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
