import * as assert from 'assert';
import {
  AlreadyExistsError, BadResponseError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError,
  QuotaExceededError, RateLimitedError, ServerError, UnauthorizedError,
} from '../../src/core/errors';
import { errorDetail, parseErrorBody, statusError } from '../../src/core/vendorError';

const KEYS = { code: ['code', 'error_code'], message: ['msg', 'error_msg'] };

describe('vendor error answers (shared by every vendor)', () => {
  it('reads code and message under the first key present; keeps the parsed object', () => {
    const info = parseErrorBody('{"error_code":"40401","error_msg":"file not found","expect":7}', KEYS);
    assert.strictEqual(info.code, 40401);
    assert.strictEqual(info.message, 'file not found');
    assert.strictEqual(info.body?.expect, 7);
    assert.strictEqual(parseErrorBody('{"code":1,"error_code":2}', KEYS).code, 1);
  });

  it('survives plain text, HTML, arrays and empty bodies; redacts and shortens messages', () => {
    assert.deepStrictEqual(parseErrorBody('<html>502</html>', KEYS), { message: undefined });
    assert.deepStrictEqual(parseErrorBody('', KEYS), { message: undefined });
    assert.strictEqual(parseErrorBody('[1]', KEYS).message, '[1]');
    assert.strictEqual(parseErrorBody('{"msg":"bad token=abc123secret"}', KEYS).message, 'bad token=***');
    assert.ok(parseErrorBody('x'.repeat(500), KEYS).message!.length <= 201);
  });

  it('formats the detail suffix', () => {
    assert.strictEqual(errorDetail({ message: 'm', code: 3 }), ' (m, code 3)');
    assert.strictEqual(errorDetail({ code: 3 }), ' (code 3)');
    assert.strictEqual(errorDetail({}), '');
  });

  it('maps HTTP status and message words to the core error kinds, naming the vendor', () => {
    const cases: Array<[number, string | undefined, new (...a: never[]) => Error]> = [
      [429, 'quota', RateLimitedError],
      [401, undefined, UnauthorizedError],
      [507, undefined, QuotaExceededError],
      [403, 'space capacity exceeded', QuotaExceededError],
      [404, undefined, NotFoundError],
      [400, 'no such file', NotFoundError],
      [409, 'name already exists', AlreadyExistsError],
      [409, 'version mismatch', ConflictError],
      [400, 'folder already exists', AlreadyExistsError],
      [403, 'no permission', ForbiddenError],
      [502, undefined, ServerError],
      [422, 'bad name', InvalidInputError],
      [418, undefined, BadResponseError],
    ];
    for (const [status, message, cls] of cases) {
      const e = statusError('Acme', status, { message, code: 9 }, 'op "p"');
      assert.ok(e instanceof cls, `${status} ${message} -> ${e.constructor.name}`);
      assert.strictEqual(e.status, status);
      assert.strictEqual(e.vendorCode, 9);
    }
    assert.match(statusError('Acme', 500, {}, 'op').message, /Acme server error HTTP 500/);
    const rl = statusError('Acme', 429, {}, 'op', { get: (n) => (n === 'retry-after' ? '2' : null) });
    assert.strictEqual((rl as RateLimitedError).retryAfterMs, 2000);
  });
});
