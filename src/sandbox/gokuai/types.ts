/** Public surface of the Gokuai emulator (tests, `npm start`, the extension's embedded default). */
import type { Misbehaviour } from '../common/types';

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
