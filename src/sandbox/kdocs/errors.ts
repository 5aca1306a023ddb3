/**
 * Errors of the kdocs sandbox. Every error answer is non-2xx with the envelope `{"code": int, "msg": "..."}` (success is
 * HTTP 200 `{"code": 0, "data": ...}`). The platform documents only 10003 and 20001; the others are the sandbox's
 * choice. A client should treat any non-zero `code` as an error whatever the HTTP status.
 *
 * | HTTP | code  | meaning                                                                              |
 * |------|-------|--------------------------------------------------------------------------------------|
 * | 400  | 40000 | missing or invalid parameter, malformed JSON / multipart body                        |
 * | 400  | 20001 | OAuth `code` unknown, already used or older than 5 minutes (documented)              |
 * | 400  | 10001 | anonymous local preview without a file name (documented: "10001 InvalidArgument")   |
 * | 400  | 40010 | notification: webhook key not registered (control.registerWebhook), with `hint`     |
 * | 400  | 40011 | notification: the robot's signing secret (`sk`) is missing or wrong, with `hint`     |
 * | 400  | 40012 | notification: unknown WOA app id or wrong secret key, with `hint`                    |
 * | 401  | 40001 | WPS-2: Authorization missing or malformed, unknown app_id, wrong signature            |
 * | 401  | 40002 | WPS-2: Date missing, not RFC 1123 GMT or outside the accepted skew (default ±300 s)   |
 * | 401  | 40003 | WPS-2: Content-Md5 does not match the body (or the request URI for GET)               |
 * | 401  | 40101 | access_token missing or unknown                                                     |
 * | 401  | 40102 | access_token expired (refresh it)                                                   |
 * | 401  | 40103 | refresh_token unknown / app_id or app_key wrong at the token endpoints              |
 * | 403  | 10003 | no share right (documented): the file belongs to another user                       |
 * | 403  | 40301 | the access_token lacks the scope the endpoint needs                                 |
 * | 403  | 40302 | temporary download / edit URL expired, tampered, or its edit token was cancelled    |
 * | 403  | 40303 | space capacity exceeded                                                             |
 * | 403  | 40304 | anonymous preview token expired (renewing needs a live token: create a new task)    |
 * | 404  | 40401 | file, folder, version, task, link or token not found (trashed files are not found)  |
 * | 409  | 40901 | a sibling with that name exists (rename) / move into itself                         |
 * | 429  | 42901 | daily quota of this endpoint used up (Retry-After = seconds to midnight UTC+8)      |
 * | 429  | 42900 | rate limited (injected by control.failNext), with Retry-After                       |
 * | 5xx  | 50000 | internal error (injected by control.failNext, or a sandbox bug)                     |
 */
export class KdError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Extra advice some endpoints answer with (notification pages: `hint`). */
    readonly hint?: string,
  ) {
    super(message);
  }

  body(): { code: number; msg: string; hint?: string } {
    return this.hint === undefined ? { code: this.code, msg: this.message } : { code: this.code, msg: this.message, hint: this.hint };
  }
}

export const kerr = {
  param: (msg: string) => new KdError(400, 40000, msg),
  oauthCode: () => new KdError(400, 20001, 'invalid or expired code'),
  auth: (msg = 'invalid signature') => new KdError(401, 40001, msg),
  date: () => new KdError(401, 40002, 'Date is missing or outside the accepted window'),
  md5: () => new KdError(401, 40003, 'Content-Md5 mismatch'),
  token: () => new KdError(401, 40101, 'invalid access_token'),
  tokenExpired: () => new KdError(401, 40102, 'access_token expired'),
  refresh: (msg = 'invalid refresh_token') => new KdError(401, 40103, msg),
  noShareRight: () => new KdError(403, 10003, 'no share right'),
  scope: (scope: string) => new KdError(403, 40301, `scope not granted: ${scope}`),
  expired: () => new KdError(403, 40302, 'url expired'),
  capacity: () => new KdError(403, 40303, 'space capacity exceeded'),
  notFound: (what = 'file') => new KdError(404, 40401, `${what} not found`),
  conflict: (msg = 'name already exists') => new KdError(409, 40901, msg),
  quota: (retryAfterSec: number) => new KdError(429, 42901, 'daily quota exceeded', { 'Retry-After': String(retryAfterSec) }),
  injected: (status: number, retryAfterSec?: number) =>
    new KdError(
      status,
      status === 429 ? 42900 : 50000,
      status === 429 ? 'rate limited' : 'internal error',
      retryAfterSec !== undefined ? { 'Retry-After': String(retryAfterSec) } : {},
    ),
};
