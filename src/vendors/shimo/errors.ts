/**
 * Shimo failures onto core DocErrors. The reference documents HTTP statuses and a `{code}` body for some (copy:
 * 70015-70020); the rest is read tolerantly: a code under `code`/`errorCode`/`status`, a message under
 * `message`/`msg`/`error`. Import/export answers carry `status` (non-zero = failed) with HTTP 200.
 */
import { type DocError, ServerError, UnauthorizedError } from '../../core/errors';
import { errorDetail, parseErrorBody, statusError, type VendorErrorInfo } from '../../core/vendorError';

const KEYS = { code: ['code', 'errorCode', 'error_code'], message: ['message', 'msg', 'error', 'errorMessage'] };

export function parseShimoError(body: Buffer | string): VendorErrorInfo {
  return parseErrorBody(body, KEYS);
}

export function shimoError(status: number, body: Buffer | string, what: string, headers?: { get(name: string): string | null }): DocError {
  const info = parseShimoError(body);
  const o = { status, vendorCode: info.code };
  if (status === 401) return new UnauthorizedError(`Shimo refused the signature or the user token for ${what}${errorDetail(info)}`, o);
  return statusError('Shimo', status, info, what, headers);
}

/** An import/export answer with a non-zero status. */
export function taskError(what: string, status: number, message?: string): DocError {
  return new ServerError(`${what}: Shimo reports status ${status}${message ? ` (${message})` : ''}`, { vendorCode: status });
}
