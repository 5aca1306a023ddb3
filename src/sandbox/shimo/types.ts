/**
 * Public surface of the Shimo (石墨) SDK v2 API emulator (tests, `npm start`, the extension's embedded default).
 * What it serves, and every choice made where the vendor reference is silent, is written down in the header comments
 * of src/sandbox/shimo/server.ts (pipeline, credentials), jwt.ts (signature checks), errors.ts (error bodies and
 * codes), api.ts (routes and shapes), sheets.ts (ranges and sheet edits), office.ts (import/export formats),
 * tasks.ts (progress), downloads.ts (download URLs) and store.ts (files, seats).
 */
import type { Misbehaviour } from '../common/types';

/** One request the Shimo sandbox saw (control.requests). Never the query string, body, signature or token. */
export interface ShimoRequestLog {
  method: string;
  /** Path only, as sent (percent-encoded), without the query. */
  path: string;
  /** HTTP status answered; 0 when the connection was dropped (dropNextRequests) or failed. */
  status: number;
  /** Date.now() when the request arrived. */
  at: number;
  /** The file the request is about: the path's, or the body's for create and import (when it got that far). */
  fileId?: string;
  /** Path family of a /sdk/v2/ request. */
  family?: 'shimo-files' | 'collab-files' | 'api';
  /** Where the signature came from: query `signature`, header X-Shimo-Signature, or none. */
  auth: 'query' | 'header' | 'none';
}

export interface ShimoSandboxControl {
  /**
   * Fail the next `count` matching requests with `how.status` (body `{code: 42900 | 50000, message}`, Retry-After only
   * when `how.retryAfterSec` is given). Without `pathIncludes`: /sdk/ API requests only (not download URLs).
   */
  failNext(count: number, how: Misbehaviour): void;
  /** Drop the connection (no response) for the next `count` matching requests. */
  dropNextRequests(count: number, pathIncludes?: string): void;
  /** Answer the next `count` matching requests with HTTP 200 and JSON cut short. */
  malformNext(count: number, pathIncludes?: string): void;
  /** Delay every response by `ms` (0 turns it off). */
  setLatency(ms: number): void;
  /** Clear all misbehaviour (not the path families, task polls or state). */
  resetMisbehaviour(): void;
  /** Serve only one path family (404 on the other), or both (default). */
  setPathFamilies(f: 'both' | 'shimo-files' | 'collab-files'): void;
  /** Export/import download URLs handed out so far answer as expired from now on. */
  expireDownloadUrls(): void;
  /** Lifetime of the download URLs handed out from now on (default 5 minutes). */
  setDownloadUrlTtl(ms: number): void;
  /** Polls an import/export task needs before it reports 100 (default 2). */
  setTaskPolls(n: number): void;
  /** Requests seen, oldest first; the newest 5000 are kept. */
  readonly requests: ReadonlyArray<ShimoRequestLog>;
  /** Requests seen since start, including those no longer kept. */
  readonly requestCount: number;
  /** The (kept) requests seen after `mark`, a requestCount read earlier; oldest first. */
  requestsSince(mark: number): ReadonlyArray<ShimoRequestLog>;

  // --- state (what the server holds; writes are another user's edits: 张三, user 1002) ---
  /** A file by id, deleted ones included (deleted: true); undefined for an id never used (or an import still running). */
  file(fileId: string): { id: string; type: string; title: string; revision: number; deleted: boolean } | undefined;
  /** Ids of the files that exist (not deleted), in creation order. */
  fileIds(): string[];
  /** Plain text (what the plain-text API answers) of a document, documentPro, presentation or spreadsheet. */
  text(fileId: string): string | undefined;
  /** Sheet names of a spreadsheet or table, in order ([] for other files). */
  sheetNames(fileId: string): string[];
  /** The used range of a sheet from A1, every cell as a string ('' empty, numbers as String(n), TRUE/FALSE). */
  sheetValues(fileId: string, sheet: string): string[][];
  /**
   * Replace a sheet's content (creating the sheet when missing), as another user: revision + 1 and a history entry.
   * Canonical decimal numbers ("29", "0.5") are stored as numbers, "" as empty, the rest as text.
   */
  setSheetValues(fileId: string, sheet: string, values: string[][]): void;
  /** Replace a document's text (one paragraph per line) or a presentation's slides (blank-line separated), as another user. */
  setText(fileId: string, text: string): void;
  /** Save a version (revisions API) as another user, as a user does in the editor. Returns its id. */
  createRevision(fileId: string, title: string): number;
  /** Set a spreadsheet's comment count (comments are made in the editor). */
  setCommentCount(fileId: string, count: number): void;
  /** Seat users in the order the users API lists them; status 1 active, 0 disabled, -1 not enabled. */
  seats(): Array<{ userId: string; status: number | string; createdAt: number | string }>;
  /** The app's callback URL ('' until PUT .../endpoint-url sets one). */
  readonly endpointUrl: string;
  /** The user id of the sandbox's user token (1001). */
  readonly userId: string;
}

export interface ShimoSandbox {
  /** http://127.0.0.1:PORT — the "shimo-domain"; the API is at host + '/sdk/v2'. */
  readonly host: string;
  /** The AppId (the signature's `kid`); public. */
  readonly appId: string;
  /** The AppSecret the signatures are made with; minted per start with the canary mark in canary mode. */
  readonly appSecret: string;
  /** The integrator's user token the sandbox accepts (user 1001); minted per start, canary-marked in canary mode. */
  readonly userToken: string;
  readonly control: ShimoSandboxControl;
  close(): Promise<void>;
}

export interface ShimoSandboxOptions {
  /** Port (0 or absent = any free port). */
  port?: number;
  /** Seed the demo files and seat users (default true); SHIMO_SEED lists them. */
  seed?: boolean;
  /** Default 'sandbox-shimo-app'. */
  appId?: string;
  /** Default: a new random secret. */
  appSecret?: string;
  /** Default: a new random token. */
  userToken?: string;
  /** The license's memberLimit (default 10). */
  seatLimit?: number;
  /**
   * Serve the unauthenticated `/__sandbox/` HTTP control routes (state, text and sheet edits as another user, expire
   * download URLs) to loopback clients. Default false: they answer 404.
   */
  controlRoutes?: boolean;
}
