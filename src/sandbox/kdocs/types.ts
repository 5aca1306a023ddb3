/**
 * Public surface of the Kingsoft Docs emulator (kdocs, WPS open platform): user, personal-document (OAuth
 * access_token), app-space (WPS-2), format conversion and extraction (WPS-2), AirScript (access_token), anonymous
 * preview (WPS-2), online-document export (access_token) and notification (access_token) APIs.
 */
import type { Misbehaviour } from '../common/types';

/** The two file spaces of the kdocs sandbox. */
export type KdocsSpace = 'personal' | 'appspace';

/** A cell of an online sheet (.ksheet): `null` is an empty cell. */
export type KdocsCellValue = string | number | boolean | null;

/** A notification the sandbox accepted (it sends nothing): see src/sandbox/kdocs/notification.ts. */
export interface KdocsSentNotification {
  kind: 'woa' | 'woa_app' | 'wecom' | 'dingtalk';
  /** Robot address without its key (`https://xz.wps.cn/api/v1/webhook/send`), or the e-mail address (woa_app). */
  destination: string;
  /** The robot's key (`key` / `access_token` of the link), or the WOA app id. */
  key: string;
  /** True when a signing secret (`sk`) came with it. */
  signed: boolean;
  /** One message as sent (`data[i]`, or woa_app's `content`). */
  message: unknown;
  /** Unix ms. */
  at: number;
}

/** What HTTP.fetch of a sandboxed AirScript answers for a registered URL. */
export interface KdocsScriptHttpResponse { status?: number; headers?: Record<string, string>; body: string }

export interface KdocsSandboxControl {
  /** Fail the next `count` matching requests (body `{"code","msg"}`); without pathIncludes: /api/ requests only. */
  failNext(count: number, how: Misbehaviour): void;
  /** Drop the connection (no response) for the next `count` matching requests. */
  dropNextRequests(count: number, pathIncludes?: string): void;
  /** Answer the next `count` matching requests with malformed JSON. */
  malformNext(count: number, pathIncludes?: string): void;
  /** Delay every response by `ms` (0 turns it off). */
  setLatency(ms: number): void;
  /**
   * Clear all misbehaviour (not quotas), pending failTaskItem / failNextOfficeTask marks and omitTaskFileResults
   * included. State stays.
   */
  resetMisbehaviour(): void;

  /**
   * Daily quota: `endpoint` is `'all'` (each endpoint separately), a path pattern as in endpoints.tsv
   * (`/api/v1/openapi/personal/files`, every method) or `METHOD path` (`GET /api/v1/openapi/personal/files`).
   * Over it: HTTP 429, code 42901, Retry-After until midnight UTC+8.
   */
  setQuota(endpoint: string, perDay: number): void;
  /** Remove the limits set by setQuota and forget today's counts (the app type's default limits stay). */
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
   * Every temporary URL handed out so far (downloads, conversion results, outline images, edit pages) answers 403 /
   * 40302 from now on, as if its TTL had run out; URLs handed out later work normally.
   */
  expireDownloadUrls(): void;
  /** Accepted clock skew of the WPS-2 `Date` header in seconds (default 300). */
  setDateSkewWindow(sec: number): void;
  /**
   * Status polls an async task needs before it completes (default 3; the last poll runs it). Conversion, extraction
   * and preview tasks count polls the same way and are never done before their work is.
   */
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

  // --- conversion, extraction, previews (src/sandbox/kdocs/office.ts, anonymous.ts, documents.ts) ---
  /**
   * Daily quotas by app type, as the vendor pages give them: 'test' (default: conversions and extraction 100,
   * AirScript and previews and the rest of the new endpoints 500, script status 10 000) or 'production' (200 / 100 000
   * / 1 000 000). setQuota overrides per endpoint; resetQuotas keeps these defaults.
   */
  setAppType(type: 'test' | 'production'): void;
  /**
   * Runs the sandbox clock `ms` ahead: temporary URLs (downloads: 10 min, conversion results: 30 min, edit pages) and
   * anonymous preview tokens (24 h) expire by it. OAuth tokens and the WPS-2 Date check keep real time.
   */
  advanceClock(ms: number): void;
  /** The next conversion / extraction / preview task fails with `message` (default 'conversion failed (injected)'). */
  failNextOfficeTask(message?: string): void;
  /** Result of docx/xlsx/pptx conversions: 'single' `{url, size}` (default) or 'list' `{docxs: [{url, size}]}`. */
  setOfficeResultShape(shape: 'single' | 'list'): void;
  /**
   * A copy of an OOXML package (.docx .xlsx .pptx ...) that the sandbox treats as encrypted with `password`:
   * converting it needs the right `password`. Throws for content that is not a zip package.
   */
  protectDocument(data: Buffer, password: string): Buffer;
  /** Lifetime of newly issued anonymous preview tokens in seconds (default 86 400). */
  setAnonymousTokenTtl(sec: number): void;

  // --- AirScript (src/sandbox/kdocs/airscript.ts) ---
  /** Syntax version of scripts whose request names none (default '1.0'). */
  setAirScriptVersion(version: '1.0' | '2.0'): void;
  /** A run is stopped after `ms` (default 30 000). */
  setScriptTimeLimit(ms: number): void;
  /** `status` of a finished run: 'finish' (open platform, default) or 'finished' (webhook API spelling). */
  setScriptStatusSpelling(spelling: 'finish' | 'finished'): void;
  /** Field of the task id in the answer of POST .../script: 'task_id' (default), 'taskId' or 'both'. */
  setScriptTaskIdField(field: 'task_id' | 'taskId' | 'both'): void;
  /** What HTTP.fetch answers for `url` (any method, or only `method`); the sandbox has no network otherwise. */
  setScriptHttpResponse(url: string, response: KdocsScriptHttpResponse, method?: string): void;
  /** HTTP.fetch calls of scripts so far (method, URL), oldest first. */
  readonly scriptHttpRequests: ReadonlyArray<{ method: string; url: string }>;
  /** Scripts still running. */
  runningScripts(): number;
  /**
   * Cells of a sheet of the online sheet (.ksheet) at `path` in the personal space, rows of values (`null` = empty),
   * without trailing empty rows/cells; `sheet` is a 1-based index or a name (default: the active sheet).
   */
  readCells(path: string, sheet?: number | string): KdocsCellValue[][];
  /**
   * Writes `values` (one value, or rows) into the sheet starting at `topLeft` ("B2") as another user would: a new
   * version of the file. A sheet name that does not exist yet is added.
   */
  writeCells(path: string, sheet: number | string, topLeft: string, values: KdocsCellValue | KdocsCellValue[][]): void;

  // --- notifications (src/sandbox/kdocs/notification.ts) ---
  /**
   * From now on only registered keys are accepted for that robot service (any non-empty key is, while none is
   * registered); with `secret`, the request's `sk` must equal it.
   */
  registerWebhook(kind: 'woa' | 'wecom' | 'dingtalk', key: string, secret?: string): void;
  /** From now on only registered WOA apps (id and secret key) may send app messages. */
  registerWoaApp(appId: string, secretKey: string): void;
  /** Messages accepted so far, oldest first. */
  readonly notifications: ReadonlyArray<KdocsSentNotification>;
  clearNotifications(): void;

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
