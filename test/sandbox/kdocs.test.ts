import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { startKdocsSandbox, type KdocsSandbox } from '../../src/sandbox';
import { verifyWps2, wps2Signature } from '../../src/sandbox/kdocs/wps2';
import { request } from './helpers';
import { API, app, appOk, wps2Auth } from './kdocs-helpers';

const sha1 = (b: Buffer | string) => crypto.createHash('sha1').update(b).digest('hex');

describe('kdocs sandbox: WPS-2 verification', () => {
  const vector = { appKey: 'wJalrXUtnFEYEXAMPLEKES', md5: 'd41d8cd98f00b204e9800998ecf8427e', type: 'application/json', date: 'Wed, 23 Jan 2013 06:43:08 GMT' };

  it('reproduces the vendor test vector', () => {
    assert.equal(wps2Signature(vector.appKey, vector.md5, vector.type, vector.date), '083500176fa3aab58ca2dc962978013b3ca2b6df');
  });

  it('accepts the vector as a request at its own time and rejects it a day later or with another key', () => {
    const req = {
      method: 'POST', uri: '/api/v1/openapi/appspace/files', body: Buffer.alloc(0),
      headers: { authorization: 'WPS-2:AK1:083500176fa3aab58ca2dc962978013b3ca2b6df', date: vector.date, 'content-md5': vector.md5, 'content-type': vector.type },
    };
    const at = Date.parse(vector.date);
    assert.equal(verifyWps2(req, 'AK1', vector.appKey, at, 300), 'ok');
    assert.equal(verifyWps2(req, 'AK1', vector.appKey, at + 86_400_000, 300), 'bad-date');
    assert.equal(verifyWps2(req, 'AK1', 'another-key', at, 300), 'bad-auth');
    assert.equal(verifyWps2(req, 'AK2', vector.appKey, at, 300), 'bad-auth');
  });

  it('takes a one-digit day (RFC 1123 allows it; Java\'s RFC_1123_DATE_TIME writes it), not another format', () => {
    const at = Date.parse('Thu, 03 Jan 2013 06:43:08 GMT');
    const signed = (date: string) => ({
      method: 'POST', uri: '/api/v1/openapi/appspace/files', body: Buffer.alloc(0),
      headers: { authorization: `WPS-2:AK1:${wps2Signature(vector.appKey, vector.md5, vector.type, date)}`, date, 'content-md5': vector.md5, 'content-type': vector.type },
    });
    assert.equal(verifyWps2(signed('Thu, 3 Jan 2013 06:43:08 GMT'), 'AK1', vector.appKey, at, 300), 'ok');
    assert.equal(verifyWps2(signed('Thu, 03 Jan 2013 06:43:08 GMT'), 'AK1', vector.appKey, at, 300), 'ok');
    assert.equal(verifyWps2(signed('2013-01-03T06:43:08Z'), 'AK1', vector.appKey, at, 300), 'bad-date');
    assert.equal(verifyWps2(signed('Thursday, 03-Jan-13 06:43:08 GMT'), 'AK1', vector.appKey, at, 300), 'bad-date', 'RFC 850');
  });
});

describe('kdocs sandbox: app space over HTTP', () => {
  let sb: KdocsSandbox;
  beforeEach(async () => {
    sb = await startKdocsSandbox();
  });
  afterEach(async () => {
    await sb.close();
  });

  it('rejects a stale Date (40002) unless the skew window allows it', async () => {
    const old = new Date(Date.now() - 10 * 60 * 1000);
    const r = await app(sb, 'GET', '/appspace/files', { date: old });
    assert.equal(r.status, 401);
    assert.equal(r.json().code, 40002);
    sb.control.setDateSkewWindow(3600);
    assert.equal((await app(sb, 'GET', '/appspace/files', { date: old })).status, 200);
  });

  it('rejects a correctly signed, current Date that is not RFC 1123 GMT (40002)', async () => {
    const now = new Date();
    const iso = now.toISOString();
    const day = now.toUTCString().slice(0, 3);
    for (const date of [
      iso, // 2024-01-23T06:43:08.000Z
      iso.replace(/\.\d{3}Z$/, '+00:00'),
      now.toString(), // Wed Jan 23 2013 14:43:08 GMT+0800 (…)
      now.toUTCString().replace('GMT', '+0000'),
      now.toUTCString().replace('GMT', 'UTC'),
      now.toUTCString().slice(5), // without the day name
      `${day} ${now.toUTCString().slice(8, 11)} ${now.toUTCString().slice(5, 7)} ${now.toUTCString().slice(17, 25)} ${now.getUTCFullYear()}`, // asctime
      String(Math.floor(now.getTime() / 1000)),
    ]) {
      const r = await app(sb, 'GET', '/appspace/files', { dateHeader: date });
      assert.equal(r.status, 401, date);
      assert.deepEqual(r.json(), { code: 40002, msg: 'Date is missing or outside the accepted window' }, date);
    }
    assert.equal((await app(sb, 'GET', '/appspace/files', { dateHeader: now.toUTCString() })).status, 200);
  });

  it('rejects a Content-Md5 that does not match the body (40003) and a wrong key (40001)', async () => {
    const badMd5 = await app(sb, 'POST', '/appspace/folders', { json: { name: 'x' }, md5: crypto.createHash('md5').update('other').digest('hex') });
    assert.equal(badMd5.status, 401);
    assert.equal(badMd5.json().code, 40003);
    const badKey = await app(sb, 'GET', '/appspace/files', { appKey: 'wrong' });
    assert.equal(badKey.json().code, 40001);
    assert.equal((await request(`${sb.host}${API}/appspace/files`)).json().code, 40001);
    // GET signs the md5 of the URI: a signature made for another query fails.
    const uri = `${API}/appspace/files?count=2`;
    const date = new Date().toUTCString();
    const md5 = crypto.createHash('md5').update(`${API}/appspace/files?count=3`).digest('hex');
    const other = await request(`${sb.host}${uri}`, { headers: { 'Content-Type': 'application/json', 'Content-Md5': md5, Date: date, Authorization: wps2Auth(sb.credentials.appId, sb.credentials.appKey, md5, 'application/json', date) } });
    assert.equal(other.json().code, 40003);
  });

  it('lists with offset/count and next_offset (-1 at the end)', async () => {
    const root = await appOk(sb, 'GET', '/appspace/files');
    const batch = root.files.find((f: { filename: string }) => f.filename === '批量');
    const seen: string[] = [];
    let offset = 0;
    const offsets: number[] = [];
    while (offset !== -1) {
      const pageData = await appOk(sb, 'GET', `/appspace/files?parent_token=${batch.file_token}&offset=${offset}&count=10`);
      seen.push(...pageData.files.map((f: { filename: string }) => f.filename));
      offset = pageData.next_offset;
      offsets.push(offset);
    }
    assert.deepEqual(offsets, [10, 20, -1]);
    assert.equal(new Set(seen).size, 25);
  });

  it('upload, content update with versions, version download, revert, rename, copy', async () => {
    const up = await appOk(sb, 'POST', '/appspace/files/upload', { multipart: { fields: { parent_path: '["新 目录","子目录"]', creator: 'u1' }, file: { name: '说明 v1.txt', data: Buffer.from('第一版') } } });
    assert.equal(sb.control.readFile('appspace', '新 目录/子目录/说明 v1.txt')!.toString(), '第一版');
    const token = up.file_token;
    await appOk(sb, 'PUT', `/appspace/files/${token}/content`, { multipart: { fields: { modifier: 'u2' }, file: { name: 'x', data: Buffer.from('第二版') } } });
    const versions = await appOk(sb, 'GET', `/appspace/files/${token}/versions?offset=0&count=10`);
    assert.deepEqual(versions.versions.map((v: { version: number }) => v.version), [2, 1]);
    const v1 = await appOk(sb, 'GET', `/appspace/files/${token}/versions/1/download`);
    assert.equal((await request(v1.url)).body.toString(), '第一版');
    await appOk(sb, 'POST', `/appspace/files/${token}/versions/1/revert`);
    assert.equal(sb.control.versionCount('appspace', '新 目录/子目录/说明 v1.txt'), 3);
    assert.equal(sb.control.readFile('appspace', '新 目录/子目录/说明 v1.txt')!.toString(), '第一版');

    await appOk(sb, 'PUT', `/appspace/files/${token}/name`, { json: { filename: '说明.txt' } });
    const clash = await app(sb, 'PUT', `/appspace/files/${sb.control.tokenOf('appspace', 'README.txt')}/name`, { json: { filename: '过期草稿.md' } });
    assert.equal(clash.status, 200, 'a trashed sibling does not block the name');
    const copy = await appOk(sb, 'POST', `/appspace/files/${token}/copy`, { json: { parent_path: ['新 目录', '子目录'] } });
    const info = await appOk(sb, 'GET', `/appspace/files/${copy.file_token}`);
    assert.equal(info.filename, '说明 (1).txt');
    assert.equal(info.sha1, sha1('第一版'));
  });

  it('trash, put_back, destroy and volume usage', async () => {
    const token = sb.control.tokenOf('appspace', 'README.txt')!;
    await appOk(sb, 'DELETE', `/appspace/files/${token}`);
    assert.equal(sb.control.isInTrash('appspace', 'README.txt'), true);
    assert.equal((await app(sb, 'GET', `/appspace/files/${token}`)).json().code, 40401);
    const trash = await appOk(sb, 'GET', '/appspace/trash');
    assert.deepEqual(trash.files.map((f: { filename: string }) => f.filename).sort(), ['README.txt', '过期草稿.md']);
    await appOk(sb, 'PUT', `/appspace/trash/${token}/put_back`);
    assert.equal(sb.control.exists('appspace', 'README.txt'), true);
    const draft = trash.files.find((f: { filename: string }) => f.filename === '过期草稿.md').file_token;
    await appOk(sb, 'POST', '/appspace/trash/destroy', { json: { file_tokens: [draft] } });
    assert.equal((await appOk(sb, 'GET', '/appspace/trash')).files.length, 0);
    const usage = await appOk(sb, 'GET', '/appspace/volume/usage');
    assert.ok(usage.used > 0 && usage.total > usage.used);
  });

  it('async upload and batch tasks complete after the configured number of polls', async () => {
    const readme = sb.control.tokenOf('appspace', 'README.txt')!;
    const dl = await appOk(sb, 'GET', `/appspace/files/${readme}/download`);
    const { task_id } = await appOk(sb, 'POST', '/appspace/file/async/upload', { json: { url: dl.url, filename: '导入.txt', parent_path: ['导入'] } });
    assert.equal((await appOk(sb, 'GET', `/appspace/file/async/upload/${task_id}`)).status, 'running');
    assert.equal(sb.control.exists('appspace', '导入/导入.txt'), false);
    assert.equal((await appOk(sb, 'GET', `/appspace/file/async/upload/${task_id}`)).status, 'running');
    const done = await appOk(sb, 'GET', `/appspace/file/async/upload/${task_id}`);
    assert.equal(done.status, 'success');
    assert.equal(done.result.file_token, sb.control.tokenOf('appspace', '导入/导入.txt'));

    sb.control.setTaskSteps(1);
    const bad = await appOk(sb, 'POST', '/appspace/file/async/upload', { json: { url: 'https://example.com/a.txt', filename: 'a.txt' } });
    const failed = await appOk(sb, 'GET', `/appspace/file/async/upload/${bad.task_id}`);
    assert.equal(failed.status, 'failed');
    assert.ok(failed.error);

    const move = await appOk(sb, 'POST', '/appspace/tasks/files/move', { json: { file_tokens: [readme], parent_path: ['归档'] } });
    assert.equal((await appOk(sb, 'GET', `/appspace/tasks/${move.task_id}`)).status, 'success');
    assert.equal(sb.control.exists('appspace', '归档/README.txt'), true);
  });

  it('a batch task processes every file: real and injected (failTaskItem) failures are reported per file', async () => {
    sb.control.setTaskSteps(1);
    for (const n of ['x', 'y']) sb.control.writeFile('appspace', `批/${n}.txt`, n);
    sb.control.writeFile('appspace', '批/盒/里.txt', 'in');
    const [x, y, box] = ['批/x.txt', '批/y.txt', '批/盒'].map((p) => sb.control.tokenOf('appspace', p)!);
    sb.control.failTaskItem('appspace', '批/y.txt', 'y is busy');
    const move = await appOk(sb, 'POST', '/appspace/tasks/files/move', { json: { file_tokens: [y, box, x], parent_token: box } });
    const done = await appOk(sb, 'GET', `/appspace/tasks/${move.task_id}`);
    assert.equal(done.status, 'failed');
    assert.equal(done.error, '2 of 3 files failed: y is busy');
    assert.deepEqual(done.result.results, [
      { file_token: y, status: 'failure', code: 50000, msg: 'y is busy' },
      { file_token: box, status: 'failure', code: 40901, msg: 'cannot move a folder into itself' },
      { file_token: x, status: 'success', msg: '' },
    ]);
    assert.deepEqual(done.result.files.map((f: { file_token: string }) => f.file_token), [x]);
    assert.equal(sb.control.exists('appspace', '批/盒/x.txt'), true, 'the file after the failures was moved');
    assert.equal(sb.control.exists('appspace', '批/y.txt'), true);

    sb.control.failTaskItem('appspace', '批/y.txt');
    sb.control.resetMisbehaviour();
    const copy = await appOk(sb, 'POST', '/appspace/tasks/files/copy', { json: { file_tokens: [y], parent_token: box } });
    const copied = await appOk(sb, 'GET', `/appspace/tasks/${copy.task_id}`);
    assert.equal(copied.status, 'success', 'resetMisbehaviour forgets pending marks');
    assert.deepEqual(copied.result.results, [{ file_token: y, status: 'success', msg: '' }]);
    assert.throws(() => sb.control.failTaskItem('appspace', '批/nothing.txt'), /no appspace file/);
    assert.throws(() => sb.control.failTaskItem('personal', '批/x.txt'), /no personal file/, 'paths are per space');
  });

  it('omitTaskFileResults: a finished batch task lists only `files`, no per-file `results`, until resetMisbehaviour', async () => {
    sb.control.setTaskSteps(1);
    for (const n of ['a', 'b']) sb.control.writeFile('appspace', `省略/${n}.txt`, n);
    sb.control.writeFile('appspace', '省略/盒/里.txt', 'in');
    const [a, b, box] = ['省略/a.txt', '省略/b.txt', '省略/盒'].map((p) => sb.control.tokenOf('appspace', p)!);
    sb.control.omitTaskFileResults();
    const move = await appOk(sb, 'POST', '/appspace/tasks/files/move', { json: { file_tokens: [a, box, b], parent_token: box } });
    const done = await appOk(sb, 'GET', `/appspace/tasks/${move.task_id}`);
    assert.equal(done.status, 'failed');
    assert.equal(done.error, '1 of 3 files failed: cannot move a folder into itself');
    assert.deepEqual(Object.keys(done.result), ['files']);
    assert.deepEqual(done.result.files.map((f: { file_token: string }) => f.file_token), [a, b]);
    sb.control.resetMisbehaviour();
    const again = await appOk(sb, 'POST', '/appspace/tasks/files/copy', { json: { file_tokens: [a], parent_token: box } });
    assert.deepEqual((await appOk(sb, 'GET', `/appspace/tasks/${again.task_id}`)).result.results, [{ file_token: a, status: 'success', msg: '' }]);
  });

  it('download URLs serve ranges and expire', async () => {
    const token = sb.control.tokenOf('appspace', '报告/季度报告 Q1.md')!;
    const dl = await appOk(sb, 'GET', `/appspace/files/${token}/download`);
    const full = await request(dl.url);
    assert.equal(full.status, 200);
    assert.equal(sha1(full.body), dl.sha1);
    const part = await request(dl.url, { headers: { Range: 'bytes=0-1' } });
    assert.equal(part.status, 206);
    assert.deepEqual(part.body, full.body.subarray(0, 2));
    sb.control.setDownloadUrlTtl(-1);
    const expired = await appOk(sb, 'GET', `/appspace/files/${token}/download`);
    const r = await request(expired.url);
    assert.equal(r.status, 403);
    assert.equal(r.json().code, 40302);
  });

  it('expireDownloadUrls: URLs handed out so far answer 403 / 40302 at once, later ones work', async () => {
    const token = sb.control.tokenOf('appspace', '报告/季度报告 Q1.md')!;
    const before = await appOk(sb, 'GET', `/appspace/files/${token}/download`);
    assert.equal((await request(before.url)).status, 200);
    sb.control.expireDownloadUrls();
    const r = await request(before.url);
    assert.equal(r.status, 403);
    assert.equal(r.json().code, 40302);
    const after = await appOk(sb, 'GET', `/appspace/files/${token}/download`);
    const fresh = await request(after.url);
    assert.equal(fresh.status, 200);
    assert.deepEqual(fresh.body, sb.control.readFile('appspace', '报告/季度报告 Q1.md'));
  });

  it('misbehaves on request: failNext with Retry-After, malformNext, dropNextRequests', async () => {
    sb.control.failNext(1, { status: 429, retryAfterSec: 7 });
    const limited = await app(sb, 'GET', '/appspace/files');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '7');
    assert.equal(limited.json().code, 42900);
    sb.control.malformNext(1);
    const malformed = await app(sb, 'GET', '/appspace/files');
    assert.throws(() => malformed.json());
    sb.control.dropNextRequests(1, '/appspace/');
    await assert.rejects(app(sb, 'GET', '/appspace/files'));
    assert.equal((await app(sb, 'GET', '/appspace/files')).status, 200);
  });
});
