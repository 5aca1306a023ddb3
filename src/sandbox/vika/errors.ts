/**
 * Errors of the Vika sandbox, in the vendor's envelope `{"success": false, "code": n, "message": "..."}` (no `data`).
 * The reference's status table, and how the sandbox uses each row:
 *
 * | HTTP | code | message                              | when                                                          |
 * |------|------|--------------------------------------|---------------------------------------------------------------|
 * | 200  | 301  | 找不到指定的维格表                   | unknown datasheet id (also: a datasheet of another space on a   |
 * |      |      |                                      | /spaces/{spaceId}/datasheets/{id}/... route)                   |
 * | 200  | 304  | 您的功能使用量已经超出「公测版」50000行的限制 | a create that would take a datasheet past 50 000 rows   |
 * | 200  | 400  | (the problem, naming the parameter)  | parameter and validation errors                               |
 * | 200  | 426  | 上传附件失败                         | the space's 1 GB attachment capacity would be exceeded         |
 * | 200  | 428  | 上传附件个数超出限制                 | more than one file in an upload                               |
 * | 401  | 401  | 身份认证失败                         | no `Authorization: Bearer`, or an unknown token               |
 * | 404  | 404  | 接口不存在                           | unknown path, or a method the path does not take              |
 * | 429  | 429  | 操作太频繁                           | over the rate limit; no Retry-After (vendor-facts)            |
 * | 500  | 500  | SERVER_ERROR                         | injected (control.failNext) or a sandbox bug                  |
 *
 * The sandbox never answers 403 (API quota) or 602 (node permission): the token's user owns every space.
 */
export class VikaError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { success: false; code: number; message: string } {
    return { success: false, code: this.code, message: this.message };
  }
}

export const verr = {
  /** Parameter / validation error: HTTP 200, code 400, the message names the problem. */
  param: (msg: string) => new VikaError(200, 400, msg),
  datasheet: () => new VikaError(200, 301, '找不到指定的维格表'),
  rowLimit: () => new VikaError(200, 304, '您的功能使用量已经超出「公测版」50000行的限制'),
  uploadFailed: () => new VikaError(200, 426, '上传附件失败'),
  tooManyFiles: () => new VikaError(200, 428, '上传附件个数超出限制'),
  auth: () => new VikaError(401, 401, '身份认证失败'),
  notFound: () => new VikaError(404, 404, '接口不存在'),
  tooFrequent: () => new VikaError(429, 429, '操作太频繁'),
  internal: () => new VikaError(500, 500, 'SERVER_ERROR'),
  injected: (status: number, retryAfterSec?: number) => {
    const headers: Record<string, string> = retryAfterSec !== undefined ? { 'Retry-After': String(retryAfterSec) } : {};
    const message = status === 429 ? '操作太频繁' : status === 403 ? '禁止访问' : status === 404 ? '接口不存在' : status >= 500 ? 'SERVER_ERROR' : 'ERROR';
    return new VikaError(status, status, message, headers);
  },
};
