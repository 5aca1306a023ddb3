import * as assert from 'assert';
import {
  AlreadyExistsError, BadResponseError, ConflictError, ForbiddenError, InvalidInputError, LockedError, NotFoundError,
  QuotaExceededError, RateLimitedError, ServerError, UnauthorizedError,
} from '../../src/core/errors';
import { gokuaiError, parseGkError } from '../../src/vendors/gokuai/errors';

const body = (code: number, msg: string) => JSON.stringify({ error_code: code, error_msg: msg });

describe('gokuai error mapping', () => {
  it('401041 -> UnauthorizedError that names the client secret', () => {
    const e = gokuaiError(401, body(401041, 'sign error'), 'ls ""');
    assert.ok(e instanceof UnauthorizedError);
    assert.match(e.message, /signature/i);
    assert.match(e.message, /client secret/);
    assert.strictEqual(e.vendorCode, 401041);
    assert.strictEqual(e.status, 401);
  });

  it('other 401s explain themselves (clock, client id, generic)', () => {
    assert.match(gokuaiError(401, body(401042, 'dateline expired'), 'x').message, /clock/);
    assert.match(gokuaiError(401, body(401043, 'invalid org_client_id'), 'x').message, /client id/);
    assert.ok(gokuaiError(401, 'nope', 'x') instanceof UnauthorizedError);
  });

  it('maps status and codes to the core error kinds', () => {
    const cases: Array<[number, string, new (...a: never[]) => Error]> = [
      [404, body(40401, 'file not found'), NotFoundError],
      [409, body(40901, 'file already exists'), AlreadyExistsError],
      [409, body(40999, 'version mismatch'), ConflictError],
      [423, body(40902, 'file is locked by Bob'), LockedError],
      [403, body(40302, 'quota exceeded'), QuotaExceededError],
      [507, '', QuotaExceededError],
      [403, body(40301, 'no permission: write'), ForbiddenError],
      [429, body(42900, 'rate limited'), RateLimitedError],
      [500, body(50000, 'internal error'), ServerError],
      [400, body(40001, 'fullpath is required'), InvalidInputError],
      [400, body(40001, 'file not exist'), NotFoundError],
      [418, 'teapot', BadResponseError],
    ];
    for (const [status, b, cls] of cases) {
      const e = gokuaiError(status, b, 'op "p"');
      assert.ok(e instanceof cls, `${status} ${b} -> ${e.constructor.name}`);
    }
  });

  it('accepts any body shape: HTML, empty, arrays, other field names', () => {
    assert.ok(gokuaiError(404, '<html>Not Found</html>', 'x') instanceof NotFoundError);
    assert.ok(gokuaiError(404, '', 'x') instanceof NotFoundError);
    assert.ok(gokuaiError(400, '[1,2]', 'x') instanceof InvalidInputError);
    assert.deepStrictEqual(parseGkError('{"code":7,"message":"m"}').code, 7);
    assert.strictEqual(parseGkError('{"code":7,"message":"m"}').message, 'm');
    assert.strictEqual(parseGkError('<html>').message, undefined);
  });

  it('keeps the vendor message but redacts secrets in it', () => {
    const e = gokuaiError(400, body(40001, 'bad value sign=abcdef'), 'op');
    assert.ok(!e.message.includes('abcdef'), e.message);
    assert.match(e.message, /40001/);
  });

  it('reads Retry-After for 429', () => {
    const e = gokuaiError(429, body(42900, 'rate limited'), 'x', { get: (n) => (n === 'retry-after' ? '3' : null) });
    assert.ok(e instanceof RateLimitedError);
    assert.strictEqual(e.retryAfterMs, 3000);
  });
});
