import * as assert from 'assert';
import { AlreadyExistsError, ForbiddenError, NotFoundError, QuotaExceededError, RateLimitedError, UnauthorizedError } from '../../src/core/errors';
import { fillPath } from '../../src/vendors/kdocs/client';
import { queryString } from '../../src/core/urlencode';
import { isTokenExpired, kdocsError, parseKdError } from '../../src/vendors/kdocs/errors';
import { toEntry } from '../../src/vendors/kdocs/remotefs';
import { toKdFile, toPage, toTask } from '../../src/vendors/kdocs/wire';

describe('kdocs wire normalizers', () => {
  it('reads a personal item (id.open_id, fname, fver, modifier.name)', () => {
    const f = toKdFile({ id: { open_id: 'tok', union_id: 'u' }, fname: '笔记 #1.md', ftype: 'file', fsize: 12, ctime: 100, mtime: 200, fver: 3, modifier: { name: 'Ann' } });
    assert.deepStrictEqual({ ...f, raw: undefined }, {
      token: 'tok', unionId: 'u', name: '笔记 #1.md', type: 'file', size: 12, mtime: 200, ctime: 100, version: 3,
      sha1: undefined, parentToken: undefined, creator: undefined, modifier: 'Ann', contentType: undefined, raw: undefined,
    });
  });

  it('reads an app-space item and maps it to an Entry (ms times, version as string)', () => {
    const f = toKdFile({ file_token: 't', filename: 'a.txt', ftype: 'file', size: 5, version: 2, sha1: 'abc', ctime: 10, mtime: 20, parent_token: '' });
    const e = toEntry(f!, 'dir/a.txt');
    assert.deepStrictEqual(e, { name: 'a.txt', path: 'dir/a.txt', type: 'file', size: 5, mtime: 20_000, ctime: 10_000, id: 't', version: '2', modifiedBy: undefined });
    assert.strictEqual(toEntry(toKdFile({ file_token: 'f', filename: 'd', ftype: 'folder', size: 9 })!, 'd').size, 0);
  });

  it('marks online documents (.otl, .ksheet, .dbt, any case) read-only with kind online-doc; takes the space version', () => {
    const entry = (name: string) => toEntry(toKdFile({ file_token: 't', fname: name, ftype: 'file', fsize: 3, mtime: 9 })!, name, (f) => `v${f.mtime}`);
    for (const n of ['a.otl', 'b.KSHEET', 'c.dbt']) {
      assert.deepStrictEqual([entry(n).kind, entry(n).readonly], ['online-doc', true], n);
    }
    for (const n of ['a.docx', 'otl', 'a.otl.txt']) assert.strictEqual(entry(n).kind, undefined, n);
    assert.strictEqual(entry('a.txt').version, 'v9');
    assert.strictEqual(toEntry(toKdFile({ file_token: 'd', fname: 'x.otl', ftype: 'folder' })!, 'x.otl').kind, undefined);
  });

  it('says whether an item is in a folder, in the root (null) or where is not said (undefined)', () => {
    const parent = (raw: object) => toKdFile({ file_token: 't', ...raw })!.parentToken;
    assert.strictEqual(parent({ parent_token: 'folder1' }), 'folder1');
    assert.strictEqual(parent({ parent_id: 42 }), '42');
    for (const root of ['', '0', 0, null]) assert.strictEqual(parent({ parent_id: root }), null, String(root));
    assert.strictEqual(parent({ parent_token: '', parent_id: 'x' }), null, 'the first key the answer has decides');
    assert.strictEqual(parent({}), undefined);
  });

  it('pages on next_offset, -1 meaning the end', () => {
    assert.strictEqual(toPage({ files: [{ file_token: 'a' }], next_offset: 10 }, toKdFile).nextOffset, 10);
    assert.strictEqual(toPage({ files: [{ file_token: 'a' }], next_offset: -1 }, toKdFile).nextOffset, undefined);
    assert.strictEqual(toPage({ files: [] }, toKdFile, { offset: 0, count: 10 }).nextOffset, undefined);
  });

  it('reads task states', () => {
    assert.strictEqual(toTask({ task_id: 'x', status: 'running' })!.status, 'running');
    assert.strictEqual(toTask({ taskId: 'x', status: 'finish' })!.status, 'success');
    assert.deepStrictEqual(toTask({ task_id: 'x', status: 'failed', error: 'boom' }), { taskId: 'x', status: 'failed', progress: undefined, result: undefined, error: 'boom' });
  });

  it('task states: terminal failures of any spelling are failed (never polled until the timeout); unknown ones run', () => {
    for (const s of ['failure', 'FAILED', 'error', 'cancelled', 'canceled', 'aborted', 'timeout', 'expired']) {
      assert.strictEqual(toTask({ task_id: 'x', status: s })!.status, 'failed', s);
    }
    for (const s of ['running', 'processing', 'pending', 'queued', '']) assert.strictEqual(toTask({ task_id: 'x', status: s })!.status, 'running', s);
    assert.strictEqual(toTask({ task_id: 'x', state: 'Succeeded' })!.status, 'success');
    assert.strictEqual(toTask({ task_id: 'x', status: 'cancelled' })!.error, 'cancelled', 'the state describes a silent end');
  });

  it('builds RFC 3986 query strings and paths', () => {
    assert.strictEqual(queryString({ a: '中 文', b: ['x', 'y'], c: undefined, d: '', e: "!'()*#%" }), '?a=%E4%B8%AD%20%E6%96%87&b=x&b=y&e=%21%27%28%29%2A%23%25');
    assert.strictEqual(fillPath('/f/:file_token/v/:version', { file_token: 'a/b', version: 3 }), '/f/a%2Fb/v/3');
    assert.throws(() => fillPath('/f/:file_token', {}));
  });
});

describe('kdocs error mapping', () => {
  const err = (status: number, body: object) => kdocsError(status, parseKdError(JSON.stringify(body)), 'op "x"');

  it('maps signature, token and refresh failures to UnauthorizedError with actionable messages', () => {
    const sig = err(401, { code: 40001, msg: 'invalid signature' });
    assert.ok(sig instanceof UnauthorizedError);
    assert.match(sig.message, /app key/);
    assert.match(err(401, { code: 40002, msg: 'x' }).message, /clock/);
    const expired = err(401, { code: 40102, msg: 'access_token expired' });
    assert.ok(isTokenExpired(expired));
    assert.ok(!isTokenExpired(err(401, { code: 40101, msg: 'invalid access_token' })));
  });

  it('maps 10003, capacity, not found, exists and 429', () => {
    assert.ok(err(403, { code: 10003, msg: 'no share right' }) instanceof ForbiddenError);
    assert.ok(err(403, { code: 40303, msg: 'space capacity exceeded' }) instanceof QuotaExceededError);
    assert.ok(err(404, { code: 40401, msg: 'file not found' }) instanceof NotFoundError);
    assert.ok(err(409, { code: 40901, msg: 'name already exists' }) instanceof AlreadyExistsError);
    const rl = kdocsError(429, { code: 42901, message: 'quota' }, 'x', { get: (n) => (n === 'retry-after' ? '7' : null) });
    assert.ok(rl instanceof RateLimitedError);
    assert.strictEqual((rl as RateLimitedError).retryAfterMs, 7000);
  });

  it('treats a non-zero code on HTTP 200 as an error and survives non-JSON bodies', () => {
    assert.ok(err(200, { code: 40401, msg: 'file not found' }) instanceof NotFoundError);
    assert.deepStrictEqual(parseKdError('<html>bad gateway</html>'), { message: undefined });
  });
});
