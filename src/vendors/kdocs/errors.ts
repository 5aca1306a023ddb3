/**
 * Maps Kingsoft Docs error answers onto core DocErrors. Errors come as `{"code": n, "msg": "..."}`, usually with a
 * non-2xx status but possibly with HTTP 200: any non-zero `code` is an error. The documented and sandbox codes come
 * first; the rest is the common HTTP-status meaning of core/vendorError. Any body shape is accepted.
 */
import {
  type DocError, ForbiddenError, isDocError, QuotaExceededError, RateLimitedError, UnauthorizedError,
} from '../../core/errors';
import { parseRetryAfter } from '../../core/http';
import { errorDetail, parseErrorBody, statusError, type VendorErrorInfo } from '../../core/vendorError';
import { KD_ERR } from './wire';

export type KdErrorInfo = VendorErrorInfo;

const KD_ERROR_KEYS = { code: ['code', 'error_code'], message: ['msg', 'message', 'error_msg', 'error'] };

/** `{code, msg}` out of any body; never throws. Messages are redacted and shortened. */
export function parseKdError(body: Buffer | string): KdErrorInfo {
  return parseErrorBody(body, KD_ERROR_KEYS);
}

/** The DocError for a kdocs error answer; `what` names operation and target (no secrets). */
export function kdocsError(
  status: number, info: KdErrorInfo, what: string, headers?: { get(name: string): string | null },
): DocError {
  const o = { status, vendorCode: info.code };
  switch (info.code) {
    case KD_ERR.BAD_SIGNATURE:
    case KD_ERR.BAD_MD5:
      return new UnauthorizedError(`Kingsoft Docs rejected the request signature — check the app id and app key (${what})`, o);
    case KD_ERR.BAD_DATE:
      return new UnauthorizedError(`Kingsoft Docs rejected the request time — check this computer's clock (${what})`, o);
    case KD_ERR.BAD_TOKEN:
      return new UnauthorizedError(`Kingsoft Docs did not accept the sign-in — sign in again (${what})`, o);
    case KD_ERR.TOKEN_EXPIRED:
      return new UnauthorizedError(`Kingsoft Docs sign-in expired (${what})`, o);
    case KD_ERR.BAD_REFRESH:
      return new UnauthorizedError(`Kingsoft Docs refused to renew the sign-in — sign in again (${what})`, o);
    case KD_ERR.BAD_OAUTH_CODE:
      return new UnauthorizedError(`Kingsoft Docs authorization code is invalid or expired — sign in again (${what})`, o);
    case KD_ERR.NO_SHARE_RIGHT:
      return new ForbiddenError(`${what}: no share right on this document${errorDetail(info)}`, o);
    case KD_ERR.SCOPE:
      return new ForbiddenError(`${what}: the sign-in lacks a needed permission — sign in again and grant it${errorDetail(info)}`, o);
    case KD_ERR.CAPACITY:
      return new QuotaExceededError(`${what}: space capacity exceeded${errorDetail(info)}`, o);
    case KD_ERR.DAILY_QUOTA:
      return dailyQuotaError(what, { ...o, retryAfterMs: parseRetryAfter(headers?.get('retry-after')) });
  }
  return statusError('Kingsoft Docs', status, info, what, headers);
}

/**
 * True for "the access token expired": the personal calls refresh once and replay. (Other Unauthorized answers are
 * replayed only when the token source meanwhile hands out another token, e.g. once its announced expiry has passed:
 * KdocsClient.replacementToken.)
 */
export function isTokenExpired(e: unknown): boolean {
  if (!isDocError(e, 'Unauthorized')) return false;
  return e.vendorCode === KD_ERR.TOKEN_EXPIRED || (e.vendorCode === undefined && /expired/i.test(e.message));
}

/**
 * The HTTP layer's RateLimitedError for a used-up daily quota (429 answers do not reach kdocsError), reworded:
 * waiting a moment does not help. Other errors are returned as they are.
 */
export function withQuotaHint(e: unknown, what: string): unknown {
  if (!(e instanceof RateLimitedError) || e.vendorCode !== KD_ERR.DAILY_QUOTA) return e;
  return dailyQuotaError(what, { status: e.status, retryAfterMs: e.retryAfterMs, cause: e });
}

function dailyQuotaError(what: string, o: ConstructorParameters<typeof RateLimitedError>[1]): RateLimitedError {
  return new RateLimitedError(
    `${what}: the daily Kingsoft Docs quota of this operation is used up; it resets at midnight (UTC+8)`,
    { ...o, vendorCode: KD_ERR.DAILY_QUOTA },
  );
}
