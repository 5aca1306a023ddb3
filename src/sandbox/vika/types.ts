/**
 * Public surface of the Vika (维格表) fusion API v1 emulator (tests, `npm start`, the extension's embedded default).
 * What it serves, and every choice made where the vendor reference is silent, is written down in the header comments
 * of src/sandbox/vika/server.ts (routes, envelope, errors, rate limit), api.ts (endpoints), query.ts (query forms),
 * formula.ts (the filterByFormula subset) and cells.ts (cell values).
 */
import type { Misbehaviour } from '../common/types';

/** One request the Vika sandbox saw (control.requests). Never the query string, body or the token itself. */
export interface VikaRequestLog {
  method: string;
  /** Path only, as sent (percent-encoded), without the query. */
  path: string;
  /** HTTP status answered; 0 when the connection was dropped (dropNextRequests) or failed. */
  status: number;
  /** Date.now() when the request arrived. */
  at: number;
  /** The datasheet of a `/datasheets/{id}/...` route, when the path has one. */
  datasheetId?: string;
  /** Records in a POST/PATCH `records` body, or recordIds in a DELETE (only when the request got that far). */
  records?: number;
  /** First 12 hex digits of sha256(token); '' when no Bearer token came. */
  token: string;
}

/** A record as the server holds it: fields keyed by field NAME, values in the json cell form (cellFormat=json). */
export interface VikaRecordState {
  recordId: string;
  fields: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface VikaSandboxControl {
  /**
   * Fail the next `count` matching requests with `how.status` (body `{success:false, code: status, message}`;
   * Retry-After only when `how.retryAfterSec` is given). Without `pathIncludes`: /fusion/ API requests only.
   */
  failNext(count: number, how: Misbehaviour): void;
  /** Let `skip` matching record writes (POST/PATCH/DELETE …/records) through, then fail the next `count` with `how`. */
  failWritesAfter(skip: number, count: number, how: Misbehaviour): void;
  /** Drop the connection (no response) for the next `count` matching requests. */
  dropNextRequests(count: number, pathIncludes?: string): void;
  /** Answer the next `count` matching requests with HTTP 200 and JSON cut short. */
  malformNext(count: number, pathIncludes?: string): void;
  /** Delay every response by `ms` (0 turns it off). */
  setLatency(ms: number): void;
  /** Requests per second per (token, datasheet) — per (token, space) on space routes; default 5; 0 = no limit. */
  setRateLimit(perSecond: number): void;
  /** Clear all misbehaviour (not the rate limit, not state). */
  resetMisbehaviour(): void;
  /** Requests seen, oldest first; the newest 5000 are kept. */
  readonly requests: ReadonlyArray<VikaRequestLog>;
  /** Requests seen since start, including those no longer kept. */
  readonly requestCount: number;
  /** The (kept) requests seen after `mark`, a requestCount read earlier; oldest first. */
  requestsSince(mark: number): ReadonlyArray<VikaRequestLog>;
  /** 429 answers so far (the rate limiter's and injected ones). */
  readonly rateLimited: number;

  // --- direct state (another user's edits; what the server holds); fields keyed by field NAME, json cell form ---
  spaces(): Array<{ id: string; name: string }>;
  /** Datasheet id by datasheet name, any space (the first one created with that name). */
  datasheetId(name: string): string | undefined;
  fields(datasheetId: string): Array<{ id: string; name: string; type: string; editable: boolean; property?: unknown; isPrimary?: boolean }>;
  records(datasheetId: string): VikaRecordState[];
  record(datasheetId: string, recordId: string): VikaRecordState | undefined;
  /**
   * Update as another member (同事 Colleague): same validation as the API (throws Error with its message), bumps
   * updatedAt and the LastModified* fields. Values as the API takes them (the json cell form is accepted).
   */
  updateRecord(datasheetId: string, recordId: string, fields: Record<string, unknown>): void;
  createRecord(datasheetId: string, fields: Record<string, unknown>): string;
  deleteRecord(datasheetId: string, recordId: string): void;
  /** Create a datasheet with the given fields and records (test fixtures). Returns its id. */
  createDatasheet(
    spaceId: string,
    name: string,
    fields: Array<{ name: string; type: string; property?: unknown }>,
    records?: Array<Record<string, unknown>>,
    folderId?: string,
  ): string;
  /** Bytes of an uploaded (or seeded) attachment by its token. */
  attachment(token: string): Buffer | undefined;
}

export interface VikaSandbox {
  /** http://127.0.0.1:PORT — the client host; the API is at host + '/fusion/v1'. */
  readonly host: string;
  /** The API token (Bearer); minted per start with the canary mark in canary mode. */
  readonly token: string;
  readonly control: VikaSandboxControl;
  close(): Promise<void>;
}

export interface VikaSandboxOptions {
  /** Port (0 or absent = any free port). */
  port?: number;
  /** Seed the demo spaces, folders and datasheets (default true). */
  seed?: boolean;
  /** Rows of the seeded, lazily generated datasheet "大表 50k" (default 50 000). */
  bigSheetRows?: number;
  /** The API token to accept (default: a new random one). */
  token?: string;
  /** More valid tokens (same user), e.g. to show that the rate limit is per token. */
  extraTokens?: string[];
  /**
   * Serve the unauthenticated `/__sandbox/` HTTP control routes (state, records as another member) to loopback
   * clients. Default false: they answer 404.
   */
  controlRoutes?: boolean;
}
