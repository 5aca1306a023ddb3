/**
 * Typed errors shared by every vendor client. Vendor code maps wire errors onto these;
 * the VS Code glue maps these onto vscode.FileSystemError / user messages in exactly one place each.
 *
 * Messages must never contain secrets, signatures, tokens or download-URL query strings.
 */
export type DocErrorKind =
  | 'NotFound'
  | 'Conflict'
  | 'AlreadyExists'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Locked'
  | 'RateLimited'
  | 'QuotaExceeded'
  | 'Unsupported'
  | 'Network'
  | 'Timeout'
  | 'Cancelled'
  | 'Server'
  | 'BadResponse'
  | 'InvalidInput'
  | 'PasswordRequired'
  | 'ScriptFailed';

export interface DocErrorOptions {
  /** Vendor error code (e.g. Gokuai error_code 401041), for display and logs. */
  vendorCode?: string | number;
  /** HTTP status, when the error came from an HTTP response. */
  status?: number;
  /** Original error, kept for logs (already redacted by the producer). */
  cause?: unknown;
  /**
   * Id of the vendor whose service the failed call went to ('kdocs'), so vendor glue can word its own errors without
   * matching message text (vendor codes of different vendors overlap). Set by vendor clients that need it.
   */
  vendor?: string;
}

export class DocError extends Error {
  readonly vendorCode?: string | number;
  readonly status?: number;
  readonly vendor?: string;
  constructor(readonly kind: DocErrorKind, message: string, opts: DocErrorOptions = {}) {
    super(message);
    this.name = kind + 'Error';
    this.vendorCode = opts.vendorCode;
    this.status = opts.status;
    this.vendor = opts.vendor;
    if (opts.cause !== undefined) (this as { cause?: unknown }).cause = opts.cause;
  }
}

export class NotFoundError extends DocError {
  constructor(message: string, opts?: DocErrorOptions) { super('NotFound', message, opts); }
}
/** The remote changed since it was read (optimistic concurrency failed). */
export class ConflictError extends DocError {
  constructor(message: string, opts?: DocErrorOptions & { remoteVersion?: string }) {
    super('Conflict', message, opts);
    this.remoteVersion = opts?.remoteVersion;
  }
  readonly remoteVersion?: string;
}
export class AlreadyExistsError extends DocError {
  constructor(message: string, opts?: DocErrorOptions) { super('AlreadyExists', message, opts); }
}
/** Credentials are wrong, expired or the signature was rejected. */
export class UnauthorizedError extends DocError {
  constructor(message: string, opts?: DocErrorOptions) { super('Unauthorized', message, opts); }
}
export class ForbiddenError extends DocError {
  constructor(message: string, opts?: DocErrorOptions) { super('Forbidden', message, opts); }
}
/** The file is locked by someone and rejects writes. */
export class LockedError extends DocError {
  constructor(message: string, opts?: DocErrorOptions) { super('Locked', message, opts); }
}
export class RateLimitedError extends DocError {
  constructor(message: string, opts?: DocErrorOptions & { retryAfterMs?: number }) {
    super('RateLimited', message, opts);
    this.retryAfterMs = opts?.retryAfterMs;
  }
  readonly retryAfterMs?: number;
}
export class QuotaExceededError extends DocError {
  constructor(message: string, opts?: DocErrorOptions) { super('QuotaExceeded', message, opts); }
}
export class UnsupportedError extends DocError {
  constructor(message: string, opts?: DocErrorOptions) { super('Unsupported', message, opts); }
}
/** Connection refused/reset/dropped, DNS failure, proxy failure. */
export class NetworkError extends DocError {
  constructor(message: string, opts?: DocErrorOptions) { super('Network', message, opts); }
}
export class TimeoutError extends DocError {
  constructor(message: string, opts?: DocErrorOptions) { super('Timeout', message, opts); }
}
export class CancelledError extends DocError {
  constructor(message = 'Cancelled', opts?: DocErrorOptions) { super('Cancelled', message, opts); }
}
/** 5xx after retries were exhausted. */
export class ServerError extends DocError {
  constructor(message: string, opts?: DocErrorOptions & { retryAfterMs?: number }) {
    super('Server', message, opts);
    this.retryAfterMs = opts?.retryAfterMs;
  }
  /** The server's Retry-After (503 "try again later"), when it sent one. */
  readonly retryAfterMs?: number;
}
/** The server answered with something we cannot parse or that lacks required fields. */
export class BadResponseError extends DocError {
  constructor(message: string, opts?: DocErrorOptions) { super('BadResponse', message, opts); }
}
export class InvalidInputError extends DocError {
  constructor(message: string, opts?: DocErrorOptions) { super('InvalidInput', message, opts); }
}

export function isDocError(e: unknown, kind?: DocErrorKind): e is DocError {
  return e instanceof DocError && (kind === undefined || e.kind === kind);
}

/** The result, or undefined when it failed with NotFoundError (other errors propagate). */
export async function unlessNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isDocError(e, 'NotFound')) return undefined;
    throw e;
  }
}

/**
 * The same kind of error (kind, status, vendor code kept; the original as `cause`) with a message that says what
 * state a multi-step operation left behind: `<message>: <original message>`.
 */
export function rewrapError(e: unknown, message: string): DocError {
  if (!(e instanceof DocError)) return new DocError('Server', `${message}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  return new DocError(e.kind, `${message}: ${e.message}`, { status: e.status, vendorCode: e.vendorCode, vendor: e.vendor, cause: e });
}

/** Marks `e` as produced by `vendor`'s service (DocError.vendor) unless it names one already; returns it. */
export function fromVendor<E extends DocError>(vendor: string, e: E): E {
  if (e.vendor === undefined) (e as { vendor?: string }).vendor = vendor;
  return e;
}

/** The document is protected: no password was given (`wrong: false`) or the one given was refused (`wrong: true`). */
export class PasswordRequiredError extends DocError {
  constructor(message: string, readonly wrong = false, opts?: DocErrorOptions) { super('PasswordRequired', message, opts); }
}

/** Where a script failed: its line and column (1-based) in the script that was sent, when the service tells. */
export interface ScriptPosition { line: number; column: number }

/** A script run ended in an error (syntax or runtime): the service's message, its position and stack when known. */
export class ScriptFailedError extends DocError {
  constructor(message: string, readonly where?: ScriptPosition & { file?: string }, readonly scriptStack?: readonly string[], opts?: DocErrorOptions) {
    super('ScriptFailed', message, opts);
  }
}
