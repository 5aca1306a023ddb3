import type { SandboxError } from '../common/http';

/**
 * Error answers of the Shimo sandbox. The reference documents only a few bodies: the copy route's repeated-request
 * cases (`{"code":70016}` ... `{"code":70020}`, a NUMBER), the preview-create failure (HTTP 200, `{"code":"90042",
 * "message":"文件格式不正确"}`, a STRING code, `""` on success) and the import/export envelope `{status, message, data}`
 * (non-zero `status` = failure). Neither the page nor the official kits (sdk-kit-go, sdk-kit-java: they only look at
 * the HTTP status and keep the raw body as the error text) show the body of an authentication or validation failure.
 *
 * Choice: every non-2xx answer is JSON `{"code": <number>, "message": "<text>"}`, the numeric code as in the copy
 * route's documented bodies. On the import/export routes (whose documented envelope is `{status, message, data}`) the
 * error body ALSO carries `"status": <the same number>`, so a client reading either field sees the failure.
 *
 * | HTTP | code  | meaning                                                                                     |
 * |------|-------|---------------------------------------------------------------------------------------------|
 * | 400  | 40000 | bad request: missing/invalid field or query parameter, body that is not JSON               |
 * | 400  | 40001 | invalid `range` (syntax; start beyond the sheet's grid; more values than a bounded range)   |
 * | 400  | 40002 | format not supported for the file type (import/export table of vendor-facts)               |
 * | 400  | 40003 | the API does not support this file type (e.g. comment-count on a document)                  |
 * | 400  | 40004 | fileUrl refused: not a loopback http(s) URL (the sandbox never reaches the internet)        |
 * | 400  | 70016 | copy: the target file id is taken by a file that is not a copy of this source (reference)  |
 * | 401  | 40100 | no signature (query `signature` or header `X-Shimo-Signature`)                              |
 * | 401  | 40101 | signature invalid: not a compact JWS, alg is not HS256, wrong key, no numeric `exp`         |
 * | 401  | 40102 | signature expired (`exp` not in the future)                                                 |
 * | 401  | 40103 | signature `kid` is missing or not a known AppId                                             |
 * | 401  | 40104 | signature `exp` too far ahead (more than 7 days; license calls: more than 4 minutes)        |
 * | 401  | 40105 | user token missing or unknown (routes that act as a user)                                   |
 * | 403  | 40300 | license/app/seat API without `"scope": "license"` in the signature                          |
 * | 403  | 40301 | no seat left: activating beyond the license's memberLimit (also the automatic activation of |
 * |      |       | a 未启用 user on a user call, as the reference describes)                                    |
 * | 403  | 40302 | the token's user is 已禁用 (deactivated): it must be activated again                        |
 * | 403  | 40303 | download URL expired (or its signature was tampered with)                                   |
 * | 404  | 40400 | no such route (unknown path or method, or a path family switched off by setPathFamilies)    |
 * | 404  | 40401 | file not found (never created, deleted, or an import not finished yet)                      |
 * | 404  | 40402 | no sheet of that name in the spreadsheet                                                    |
 * | 404  | 40403 | task not found, or its result expired (5 minutes after it finished, as the reference says)  |
 * | 404  | 40404 | app not found (the path's appId is not the signing AppId)                                   |
 * | 404  | 40405 | download link not found                                                                     |
 * | 409  | 40900 | file id already used (create, import, copy target reserved by a running import)           |
 * | 409  | 40901 | sheet name already used in this spreadsheet                                                 |
 * | 429  | 42900 | rate limited (only injected by control.failNext), with Retry-After when asked               |
 * | 5xx  | 50000 | internal error (injected by control.failNext, or a sandbox bug)                             |
 */
export class ShimoError extends Error implements SandboxError {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Also send `status: code` (import/export routes). */
    public withStatus = false,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return this.withStatus ? { status: this.code, code: this.code, message: this.message } : { code: this.code, message: this.message };
  }
}

export const serr = {
  bad: (msg: string) => new ShimoError(400, 40000, msg),
  range: (msg: string) => new ShimoError(400, 40001, msg),
  format: (msg: string) => new ShimoError(400, 40002, msg),
  fileType: (type: string) => new ShimoError(400, 40003, `this API does not support files of type ${type}`),
  refused: (msg: string) => new ShimoError(400, 40004, msg),
  copyConflict: () => new ShimoError(400, 70016, 'the target file id exists, but no copy task of this source created it'),
  noSignature: () => new ShimoError(401, 40100, 'signature is required (query signature or header X-Shimo-Signature)'),
  badSignature: (why: string) => new ShimoError(401, 40101, `invalid signature: ${why}`),
  expired: () => new ShimoError(401, 40102, 'signature expired'),
  badKid: (why: string) => new ShimoError(401, 40103, `invalid signature: ${why}`),
  tooLong: (max: string) => new ShimoError(401, 40104, `signature expires too far ahead (at most ${max})`),
  token: () => new ShimoError(401, 40105, 'invalid token: the user token is missing or unknown'),
  scope: () => new ShimoError(403, 40300, 'this API needs a signature with "scope": "license"'),
  seats: (limit: number) => new ShimoError(403, 40301, `no seat left: the license allows ${limit} activated users`),
  disabled: (userId: string) => new ShimoError(403, 40302, `user ${userId} is disabled: activate the seat again`),
  linkExpired: () => new ShimoError(403, 40303, 'download URL expired'),
  route: () => new ShimoError(404, 40400, 'not found'),
  file: () => new ShimoError(404, 40401, 'file not found'),
  sheet: (name: string) => new ShimoError(404, 40402, `sheet not found: ${name}`),
  task: () => new ShimoError(404, 40403, 'task not found or its result expired'),
  app: () => new ShimoError(404, 40404, 'app not found'),
  link: () => new ShimoError(404, 40405, 'download link not found'),
  exists: (id: string) => new ShimoError(409, 40900, `file id already used: ${id}`),
  sheetExists: (name: string) => new ShimoError(409, 40901, `sheet already exists: ${name}`),
  injected: (status: number, retryAfterSec?: number) =>
    new ShimoError(
      status,
      status === 429 ? 42900 : 50000,
      status === 429 ? 'too many requests' : 'internal error',
      retryAfterSec !== undefined ? { 'Retry-After': String(retryAfterSec) } : {},
    ),
};
