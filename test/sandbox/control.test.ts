import * as assert from 'node:assert/strict';
import { startGokuaiSandbox, startKdocsSandbox, type GokuaiSandbox, type KdocsSandbox } from '../../src/sandbox';
import { ok, request, rfc3986 } from './helpers';

/** The HTTP control routes (`/__sandbox/...`, off unless asked for) and the bounded request log of both emulators. */

/** Over 1000 sequential requests take ~0.6 s idle but near mocha's default 2 s on a loaded 2-core machine. */
const LOG_CAP_TIMEOUT_MS = 15_000;

describe('gokuai sandbox: HTTP control routes and request log', () => {
  let sb: GokuaiSandbox | undefined;
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
  });

  it('are off by default: 404 and nothing written, read or deleted', async () => {
    sb = await startGokuaiSandbox();
    const put = await request(`${sb.host}/__sandbox/file?fullpath=${rfc3986('外部.txt')}`, { method: 'PUT', body: 'from outside' });
    assert.equal(put.status, 404);
    assert.equal(sb.control.exists('外部.txt'), false);
    const del = await request(`${sb.host}/__sandbox/file?fullpath=README.md`, { method: 'DELETE' });
    assert.equal(del.status, 404);
    assert.equal(sb.control.exists('README.md'), true);
    assert.equal((await request(`${sb.host}/__sandbox/file?fullpath=README.md`)).status, 404);
    assert.equal((await request(`${sb.host}/__sandbox/state`)).status, 404);
    assert.equal((await request(`${sb.host}/__sandbox/lock?fullpath=README.md`, { method: 'POST' })).status, 404);
    assert.equal((await ok(sb, 'info', { fullpath: 'README.md' })).lock, 0);
  });

  it('with controlRoutes: true read and write files as another member', async () => {
    sb = await startGokuaiSandbox({ controlRoutes: true });
    const put = await request(`${sb.host}/__sandbox/file?fullpath=${rfc3986('新/远程 文件.txt')}`, { method: 'PUT', body: 'from outside' });
    assert.equal(put.status, 200);
    const got = await request(`${sb.host}/__sandbox/file?fullpath=${rfc3986('新/远程 文件.txt')}`);
    assert.equal(got.body.toString(), 'from outside');
    const info = await ok(sb, 'info', { fullpath: '新/远程 文件.txt' });
    assert.equal(info.last_member_name, '同事 Colleague');
    assert.equal((await request(`${sb.host}/__sandbox/file?fullpath=missing`)).status, 404);
    const state = (await request(`${sb.host}/__sandbox/state`)).json();
    assert.equal(state.libraryName, sb.libraryName);
    assert.deepEqual(state.recycleBin, ['旧草稿.txt']);
  });

  it('keeps only the newest 1000 requests in control.requests; requestCount and requestsSince count all', async () => {
    sb = await startGokuaiSandbox({ controlRoutes: true });
    await sendMany(sb.host, 1005, (i) => `/nothing-${i}`);
    const log = sb.control.requests;
    assert.equal(log.length, 1000);
    assert.equal(log[0].path, '/nothing-5');
    assert.deepEqual(log[999], { method: 'GET', path: '/nothing-1004', status: 404 });
    assert.equal(sb.control.requestCount, 1005);
    assert.deepEqual(sb.control.requestsSince(1003).map((r) => r.path), ['/nothing-1003', '/nothing-1004']);
    assert.deepEqual(sb.control.requestsSince(1005), []);
    assert.equal(sb.control.requestsSince(0).length, 1000, 'only what is kept');
    const state = (await request(`${sb.host}/__sandbox/state`)).json();
    assert.equal(state.requestCount, 1005);
    assert.deepEqual(sb.control.requestsSince(1005), [{ method: 'GET', path: '/__sandbox/state', status: 200 }]);
  }).timeout(LOG_CAP_TIMEOUT_MS);
});

describe('kdocs sandbox: HTTP control routes and request log', () => {
  let sb: KdocsSandbox | undefined;
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
  });
  const fileRoute = (s: KdocsSandbox) => `${s.host}/__sandbox/file?space=appspace&path=${encodeURIComponent('外部/新.txt')}`;

  it('are off by default: 404 and nothing written', async () => {
    sb = await startKdocsSandbox();
    assert.equal((await request(fileRoute(sb), { method: 'PUT', body: '外部写入' })).status, 404);
    assert.equal(sb.control.exists('appspace', '外部/新.txt'), false);
    assert.equal((await request(`${sb.host}/__sandbox/state`)).status, 404);
  });

  it('with controlRoutes: true read and write files over HTTP', async () => {
    sb = await startKdocsSandbox({ controlRoutes: true });
    assert.equal((await request(fileRoute(sb), { method: 'PUT', body: '外部写入' })).status, 200);
    assert.equal((await request(fileRoute(sb))).body.toString(), '外部写入');
    assert.equal(sb.control.readFile('appspace', '外部/新.txt')?.toString(), '外部写入');
    const state = (await request(`${sb.host}/__sandbox/state`)).json();
    assert.equal(state.endpoints, 82);
  });

  it('keeps only the newest 1000 requests in control.requests; requestCount and requestsSince count all', async () => {
    sb = await startKdocsSandbox();
    await sendMany(sb.host, 1003, (i) => `/nothing-${i}`);
    const log = sb.control.requests;
    assert.equal(log.length, 1000);
    assert.equal(log[0].path, '/nothing-3');
    assert.equal(log[999].path, '/nothing-1002');
    assert.equal(sb.control.requestCount, 1003);
    assert.deepEqual(sb.control.requestsSince(1002).map((r) => r.path), ['/nothing-1002']);
  }).timeout(LOG_CAP_TIMEOUT_MS);
});

/** GETs `count` paths one after the other, so the log holds them in this order. */
async function sendMany(host: string, count: number, pathOf: (i: number) => string): Promise<void> {
  for (let i = 0; i < count; i++) await request(`${host}${pathOf(i)}`);
}
