/**
 * What every vendor's error answers have in common: a JSON object naming a code and a message (under
 * vendor-specific keys), or any other body; and the HTTP-status meaning once the vendor's own codes are handled.
 * Vendor modules (src/vendors/<vendor>/errors.ts) map their specific codes first and hand the rest to `statusError`.
 */
import {
  AlreadyExistsError, BadResponseError, ConflictError, type DocError, ForbiddenError, InvalidInputError, NotFoundError,
  QuotaExceededError, RateLimitedError, ServerError, UnauthorizedError,
} from './errors';
import { parseRetryAfter } from './http';
import { redact } from './redact';

export interface VendorErrorInfo {
  code?: number;
  /** Redacted and shortened vendor message. */
  message?: string;
  /** The parsed body when it was a JSON object (some answers carry more, e.g. Gokuai upload_part 409 `expect`). */
  body?: Record<string, unknown>;
}

/** Where a vendor puts its error code and message, in order of preference. */
export interface ErrorKeys {
  code: readonly string[];
  message: readonly string[];
}

const MAX_MESSAGE = 200;

/** Code and message out of any body (JSON object, plain text, HTML, empty); never throws. */
export function parseErrorBody(body: Buffer | string, keys: ErrorKeys): VendorErrorInfo {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  try {
    const j = JSON.parse(text) as unknown;
    if (typeof j === 'object' && j !== null && !Array.isArray(j)) {
      const o = j as Record<string, unknown>;
      const code = Number(first(o, keys.code));
      const msg = first(o, keys.message);
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
  // An HTML error page says nothing a user could act on.
  return { message: plain && !plain.startsWith('<') ? shorten(redact(plain)) : undefined };
}

function first(o: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
}

function shorten(s: string): string {
  return s.length > MAX_MESSAGE ? s.slice(0, MAX_MESSAGE) + '…' : s;
}

/** ` (message, code 123)`, ` (code 123)` or '' for appending to an error message. */
export function errorDetail(info: VendorErrorInfo): string {
  const parts = [info.message, info.code !== undefined ? `code ${info.code}` : undefined].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/**
 * The DocError an answer means by its HTTP status and message words, once vendor-specific codes are handled.
 * `vendor` is the display name ("Gokuai"); `what` names operation and target (no secrets).
 */
export function statusError(
  vendor: string, status: number, info: VendorErrorInfo, what: string, headers?: { get(name: string): string | null },
): DocError {
  const detail = errorDetail(info);
  const o = { status, vendorCode: info.code };
  const lower = (info.message ?? '').toLowerCase();
  if (status === 429) {
    return new RateLimitedError(`${what}: rate limited by ${vendor}${detail}`, {
      ...o, retryAfterMs: parseRetryAfter(headers?.get('retry-after')),
    });
  }
  if (status === 401) return new UnauthorizedError(`${vendor} refused the credentials for ${what}${detail}`, o);
  if (status === 507 || /quota|capacity/.test(lower)) return new QuotaExceededError(`${what}: storage quota exceeded${detail}`, o);
  if (status === 404 || /not (found|exist)|no such|does ?n[o']t exist/.test(lower)) {
    return new NotFoundError(`${what}: not found${detail}`, o);
  }
  if (status === 409 && !/exist/.test(lower)) return new ConflictError(`${what}: conflict${detail}`, o);
  if (status === 409 || /already exist/.test(lower)) return new AlreadyExistsError(`${what}: already exists${detail}`, o);
  if (status === 403) return new ForbiddenError(`${what}: permission denied${detail}`, o);
  if (status >= 500) return new ServerError(`${what}: ${vendor} server error HTTP ${status}${detail}`, o);
  if (status === 400 || status === 422) return new InvalidInputError(`${what}: rejected by ${vendor}${detail}`, o);
  return new BadResponseError(`${what}: unexpected answer HTTP ${status}${detail}`, o);
}
