/**
 * Vika failures onto core DocErrors. The envelope `{success:false, code, message}` comes with HTTP 200 for business
 * errors (301 datasheet not found, 400 bad parameters, 426 upload failed, 428 more than one file, 602 no permission,
 * 304 row limit) and with HTTP 401/403/404/429/500 otherwise. The business code decides when there is one.
 */
import { type DocError, ForbiddenError, InvalidInputError, NotFoundError, QuotaExceededError } from '../../core/errors';
import { errorDetail, parseErrorBody, statusError, type VendorErrorInfo } from '../../core/vendorError';
import { VIKA_CODE } from './wire';

const KEYS = { code: ['code'], message: ['message', 'msg'] };

export function parseVikaError(body: Buffer | string): VendorErrorInfo {
  return parseErrorBody(body, KEYS);
}

export function vikaError(status: number, body: Buffer | string, what: string, headers?: { get(name: string): string | null }): DocError {
  const info = parseVikaError(body);
  const detail = errorDetail(info);
  const o = { status, vendorCode: info.code };
  switch (info.code) {
    case VIKA_CODE.DATASHEET_NOT_FOUND:
      return new NotFoundError(`${what}: the datasheet was not found (deleted, or not in this token's spaces)${detail}`, o);
    case VIKA_CODE.NO_NODE_PERMISSION:
      return new ForbiddenError(`${what}: this token has no permission on it${detail}`, o);
    case VIKA_CODE.UPLOAD_FAILED:
      return new QuotaExceededError(`${what}: the upload failed (over 1 GB, or the space's attachment capacity is used up)${detail}`, o);
    case VIKA_CODE.ROW_LIMIT:
      return new QuotaExceededError(`${what}: the datasheet has reached its row limit${detail}`, o);
    case VIKA_CODE.TOO_MANY_FILES:
      return new InvalidInputError(`${what}: one file per upload${detail}`, o);
    case VIKA_CODE.BAD_PARAMS:
      return new InvalidInputError(`${what}: rejected by Vika${detail}`, o);
    case VIKA_CODE.UNAUTHORIZED:
    case VIKA_CODE.FORBIDDEN:
    case VIKA_CODE.NOT_FOUND:
    case VIKA_CODE.RATE_LIMITED:
      return statusError('Vika', info.code, info, what, headers);
    default:
      return statusError('Vika', status >= 200 && status < 300 ? 400 : status, info, what, headers);
  }
}
