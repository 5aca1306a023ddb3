/**
 * Error codes of the Gokuai sandbox. The real service documents only 401041; the others are the sandbox's choice and
 * every error answer is non-2xx with the vendor envelope `{"error_code": int, "error_msg": "..."}`.
 *
 * | HTTP | error_code | meaning                                                                    |
 * |------|------------|----------------------------------------------------------------------------|
 * | 400  | 40001      | missing or invalid parameter (also malformed body / percent-encoding;      |
 * |      |            | `link` whose `dir` does not match the target: a file needs 0, a folder 1;  |
 * |      |            | a `.` / `..` path segment; a filehash that is not 40 lowercase hex digits; |
 * |      |            | an upload part outside 4-10 MiB that is not the file's last one)           |
 * | 400  | 40002      | upload_part CRC32 mismatch                                                 |
 * | 400  | 40003      | upload_finish: received bytes do not match filehash/filesize               |
 * | 401  | 401041     | sign error (documented by the vendor)                                      |
 * | 401  | 401042     | dateline outside the accepted window (default ±300 s)                      |
 * | 401  | 401043     | unknown org_client_id                                                      |
 * | 401  | 40402      | upload session not found / aborted (upload server: 401 = bad session)      |
 * | 403  | 40301      | no permission (op_id lacks an explicitly set folder permission)            |
 * | 403  | 40302      | quota exceeded (library capacity); 403 so clients never retry it as a 5xx  |
 * | 403  | 40303      | temporary download/preview URL expired or its signature is wrong; share    |
 * |      |            | link not active yet (startline), expired (deadline) or visits used up      |
 * | 403  | (HTML)     | share link page without / with a wrong `password`: a password form page    |
 * | 404  | 40401      | file or folder not found                                                   |
 * | 404  | 40403      | queue_id / link code / upload key not found                                |
 * | 405  | 40001      | HTTP method the route does not take (server.ts and upload.ts say which)    |
 * | 409  | 40901      | target already exists (move, create_folder over a file)                    |
 * | 409  | 40903      | upload_part offset is not the next expected one (body also has "expect")   |
 * | 423  | 40902      | file is locked by another member (writes, move, delete)                    |
 * | 429  | 42900      | rate limited, with Retry-After (injected by control.failNext)              |
 * | 5xx  | 50000      | internal error (injected by control.failNext, or a sandbox bug)            |
 */
export class GkError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    /** Extra body fields (e.g. 409 `expect`). */
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { error_code: this.code, error_msg: this.message, ...this.extra };
  }
}

export const err = {
  param: (msg: string) => new GkError(400, 40001, msg),
  method: () => new GkError(405, 40001, 'method not allowed'),
  crc: () => new GkError(400, 40002, 'crc mismatch'),
  content: (msg: string) => new GkError(400, 40003, msg),
  sign: () => new GkError(401, 401041, 'sign error'),
  dateline: () => new GkError(401, 401042, 'dateline expired'),
  client: () => new GkError(401, 401043, 'invalid org_client_id'),
  session: () => new GkError(401, 40402, 'upload session not found'),
  permission: (what: string) => new GkError(403, 40301, `no permission: ${what}`),
  quota: () => new GkError(403, 40302, 'quota exceeded'),
  expired: (what = 'link expired') => new GkError(403, 40303, what),
  notFound: (what = 'file not found') => new GkError(404, 40401, what),
  noSuchId: (what: string) => new GkError(404, 40403, `${what} not found`),
  exists: (what = 'file already exists') => new GkError(409, 40901, what),
  expect: (offset: number) => new GkError(409, 40903, 'unexpected range start', { expect: String(offset) }),
  locked: (by: string) => new GkError(423, 40902, `file is locked by ${by}`),
  injected: (status: number, retryAfterSec?: number) =>
    new GkError(
      status,
      status === 429 ? 42900 : 50000,
      status === 429 ? 'rate limited' : 'internal error',
      {},
      retryAfterSec !== undefined ? { 'Retry-After': String(retryAfterSec) } : {},
    ),
};
