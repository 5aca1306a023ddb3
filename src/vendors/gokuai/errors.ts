/**
 * Maps Gokuai error answers (non-2xx, usually `{"error_code": int, "error_msg": "..."}`) onto core DocErrors.
 * Gokuai's own codes and words come first (signature, clock, client id, lock, quota); the rest is the common
 * HTTP-status meaning of core/vendorError. Any body shape is accepted.
 */
import { type DocError, LockedError, QuotaExceededError, ServerError, UnauthorizedError } from '../../core/errors';
import { errorDetail, parseErrorBody, statusError, type VendorErrorInfo } from '../../core/vendorError';
import { GK_ERR } from './wire';

export type GkErrorInfo = VendorErrorInfo;

/**
 * The upload server no longer knows a chunked-upload session (expired, aborted, or the server restarted): it answers
 * 401 to requests carrying it. That says nothing about the account's credentials (upload-server calls are unsigned),
 * so it is no UnauthorizedError: the upload flow starts the upload again. Should it escape (it keeps happening), the
 * user sees a server problem to retry later.
 */
export class UploadSessionExpiredError extends ServerError {
  constructor(what: string, opts?: { status?: number; vendorCode?: string | number }) {
    super(`${what}: the upload session has expired on the Gokuai upload server`, opts);
  }
}

const GK_ERROR_KEYS = { code: ['error_code', 'code'], message: ['error_msg', 'message', 'msg', 'error'] };

/** Reads `{error_code, error_msg}` out of any body; never throws. Messages are redacted and shortened. */
export function parseGkError(body: Buffer | string): GkErrorInfo {
  return parseErrorBody(body, GK_ERROR_KEYS);
}

/**
 * The DocError for a Gokuai error answer. `what` names the operation and target for the message
 * (e.g. `ls "docs/a.txt"`); it must not contain secrets.
 */
export function gokuaiError(
  status: number, body: Buffer | string, what: string, headers?: { get(name: string): string | null },
): DocError {
  const info = parseGkError(body);
  const { code } = info;
  const o = { status, vendorCode: code };
  const lower = (info.message ?? '').toLowerCase();

  if (code === GK_ERR.BAD_SIGN || (status === 401 && /sign/.test(lower))) {
    return new UnauthorizedError(`Gokuai rejected the request signature — check the client secret (${what})`, o);
  }
  if (status === 401 && (code === GK_ERR.BAD_DATELINE || /dateline/.test(lower))) {
    return new UnauthorizedError(`Gokuai rejected the request time — check this computer's clock (${what})`, o);
  }
  if (status === 401 && (code === GK_ERR.BAD_CLIENT_ID || /client_id/.test(lower))) {
    return new UnauthorizedError(`Gokuai does not know this client id — check the org client id (${what})`, o);
  }
  if (status === 423 || code === GK_ERR.LOCKED || /\block/.test(lower)) {
    return new LockedError(`${what}: the file is locked${info.message ? ` (${info.message})` : ''}`, o);
  }
  if (status === 413 || code === GK_ERR.QUOTA) return new QuotaExceededError(`${what}: storage quota exceeded${errorDetail(info)}`, o);
  return statusError('Gokuai', status, info, what, headers);
}
