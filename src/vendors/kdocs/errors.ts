/**
 * Maps Kingsoft Docs error answers onto core DocErrors. Errors come as `{"code": n, "msg": "..."}`, usually with a
 * non-2xx status but possibly with HTTP 200: any non-zero `code` is an error. Any body shape is accepted.
 */
import {
  AlreadyExistsError, BadResponseError, ConflictError, type DocError, ForbiddenError, InvalidInputError, isDocError,
  NotFoundError, QuotaExceededError, RateLimitedError, ServerError, UnauthorizedError,
} from '../../core/errors';
import { parseRetryAfter } from '../../core/http';
import { redact } from '../../core/redact';
import { isRaw, KD_ERR } from './wire';

export interface KdErrorInfo { code?: number; message?: string }

/** `{code, msg}` out of any body; never throws. Messages are redacted and shortened. */
export function parseKdError(body: Buffer | string): KdErrorInfo {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  try {
    const j = JSON.parse(text) as unknown;
    if (isRaw(j)) {
      const code = Number(j.code ?? j.error_code);
      const msg = j.msg ?? j.message ?? j.error_msg ?? j.error;
      return { code: Number.isFinite(code) ? code : undefined, message: typeof msg === 'string' ? shorten(redact(msg)) : undefined };
    }
  } catch {
    // not JSON
  }
  const plain = text.trim();
  return { message: plain && !plain.startsWith('<') ? shorten(redact(plain)) : undefined };
}

function shorten(s: string): string {
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}

/** The DocError for a kdocs error answer; `what` names operation and target (no secrets). */
export function kdocsError(
  status: number, info: KdErrorInfo, what: string, headers?: { get(name: string): string | null },
): DocError {
  const { code, message: vmsg = '' } = info;
  const detail = vmsg || code !== undefined ? ` (${[vmsg, code !== undefined ? `code ${code}` : ''].filter(Boolean).join(', ')})` : '';
  const o = { status, vendorCode: code };
  const lower = vmsg.toLowerCase();

  switch (code) {
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
      return new ForbiddenError(`${what}: no share right on this document${detail}`, o);
    case KD_ERR.SCOPE:
      return new ForbiddenError(`${what}: the sign-in lacks a needed permission — sign in again and grant it${detail}`, o);
    case KD_ERR.CAPACITY:
      return new QuotaExceededError(`${what}: space capacity exceeded${detail}`, o);
  }
  if (status === 429) {
    return new RateLimitedError(`${what}: rate limited by Kingsoft Docs${detail}`, {
      ...o, retryAfterMs: parseRetryAfter(headers?.get('retry-after')),
    });
  }
  if (status === 401) return new UnauthorizedError(`Kingsoft Docs refused the credentials for ${what}${detail}`, o);
  if (status === 507 || /capacity|quota/.test(lower)) return new QuotaExceededError(`${what}: storage quota exceeded${detail}`, o);
  if (status === 404 || /not (found|exist)/.test(lower)) return new NotFoundError(`${what}: not found${detail}`, o);
  if (status === 409) {
    return /exist/.test(lower) ? new AlreadyExistsError(`${what}: already exists${detail}`, o) : new ConflictError(`${what}: conflict${detail}`, o);
  }
  if (status === 403) return new ForbiddenError(`${what}: permission denied${detail}`, o);
  if (status >= 500) return new ServerError(`${what}: Kingsoft Docs server error HTTP ${status}${detail}`, o);
  if (status === 400 || status === 422) return new InvalidInputError(`${what}: rejected by Kingsoft Docs${detail}`, o);
  return new BadResponseError(`${what}: unexpected answer HTTP ${status}${detail}`, o);
}

/** True for "the access token expired": the personal calls refresh once and replay. */
export function isTokenExpired(e: unknown): boolean {
  if (!isDocError(e, 'Unauthorized')) return false;
  return e.vendorCode === KD_ERR.TOKEN_EXPIRED || (e.vendorCode === undefined && /expired/i.test(e.message));
}
