/**
 * Maps Gokuai error answers (non-2xx, usually `{"error_code": int, "error_msg": "..."}`) onto core DocErrors.
 * HTTP status decides first; the vendor code and message refine it. Any body shape is accepted.
 */
import {
  AlreadyExistsError, BadResponseError, ConflictError, type DocError, ForbiddenError, InvalidInputError, LockedError,
  NotFoundError, QuotaExceededError, RateLimitedError, ServerError, UnauthorizedError,
} from '../../core/errors';
import { parseRetryAfter } from '../../core/http';
import { redact } from '../../core/redact';
import { GK_ERR } from './wire';

export interface GkErrorInfo {
  code?: number;
  message?: string;
  /** The parsed body when it was a JSON object (e.g. upload_part 409 carries `expect`). */
  body?: Record<string, unknown>;
}

/** Reads `{error_code, error_msg}` out of any body; never throws. Messages are redacted and shortened. */
export function parseGkError(body: Buffer | string): GkErrorInfo {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  try {
    const j = JSON.parse(text) as unknown;
    if (j && typeof j === 'object' && !Array.isArray(j)) {
      const o = j as Record<string, unknown>;
      const code = Number(o.error_code ?? o.code);
      const msg = o.error_msg ?? o.message ?? o.msg ?? o.error;
      return {
        code: Number.isFinite(code) ? code : undefined,
        message: typeof msg === 'string' ? shorten(redact(msg)) : undefined,
        body: o,
      };
    }
  } catch {
    // not JSON: fall through to plain text
  }
  const plain = text.trim();
  return { message: plain && !plain.startsWith('<') ? shorten(redact(plain)) : undefined };
}

function shorten(s: string): string {
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}

/**
 * The DocError for a Gokuai error answer. `what` names the operation and target for the message
 * (e.g. `ls "docs/a.txt"`); it must not contain secrets.
 */
export function gokuaiError(
  status: number, body: Buffer | string, what: string, headers?: { get(name: string): string | null },
): DocError {
  const info = parseGkError(body);
  const code = info.code;
  const vmsg = info.message ?? '';
  const detail = vmsg ? ` (${vmsg}${code !== undefined ? `, code ${code}` : ''})` : code !== undefined ? ` (code ${code})` : '';
  const o = { status, vendorCode: code };
  const lower = vmsg.toLowerCase();
  const mentions = (re: RegExp) => re.test(lower);

  if (status === 401 || code === GK_ERR.BAD_SIGN) {
    if (code === GK_ERR.BAD_SIGN || mentions(/sign/)) {
      return new UnauthorizedError(`Gokuai rejected the request signature — check the client secret (${what})`, o);
    }
    if (code === GK_ERR.BAD_DATELINE || mentions(/dateline/)) {
      return new UnauthorizedError(`Gokuai rejected the request time — check this computer's clock (${what})`, o);
    }
    if (code === GK_ERR.BAD_CLIENT_ID || mentions(/client_id/)) {
      return new UnauthorizedError(`Gokuai does not know this client id — check the org client id (${what})`, o);
    }
    return new UnauthorizedError(`Gokuai refused the credentials for ${what}${detail}`, o);
  }
  if (status === 423 || code === GK_ERR.LOCKED || mentions(/\block/)) {
    return new LockedError(`${what}: the file is locked${vmsg ? ` (${vmsg})` : ''}`, o);
  }
  if (status === 507 || status === 413 || code === GK_ERR.QUOTA || mentions(/quota|capacity/)) {
    return new QuotaExceededError(`${what}: storage quota exceeded${detail}`, o);
  }
  if (status === 429) {
    return new RateLimitedError(`${what}: rate limited by Gokuai${detail}`, {
      ...o, retryAfterMs: parseRetryAfter(headers?.get('retry-after')),
    });
  }
  if (status === 404 || mentions(/not (found|exist)|no such|does ?n[o']t exist/)) {
    return new NotFoundError(`${what}: not found${detail}`, o);
  }
  if (status === 409) {
    if (mentions(/exist/)) return new AlreadyExistsError(`${what}: already exists${detail}`, o);
    return new ConflictError(`${what}: conflict${detail}`, o);
  }
  if (mentions(/already exist/)) return new AlreadyExistsError(`${what}: already exists${detail}`, o);
  if (status === 403) return new ForbiddenError(`${what}: permission denied${detail}`, o);
  if (status >= 500) return new ServerError(`${what}: Gokuai server error HTTP ${status}${detail}`, o);
  if (status === 400 || status === 422) return new InvalidInputError(`${what}: rejected by Gokuai${detail}`, o);
  return new BadResponseError(`${what}: unexpected HTTP ${status}${detail}`, o);
}
