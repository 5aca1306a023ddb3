import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { buf as crc32 } from 'crc-32';
import { startKdocsSandbox, type KdocsSandbox } from '../../src/sandbox';
import { request } from './helpers';
import { app, data, login, personal, personalOk } from './kdocs-helpers';

describe('kdocs sandbox: OAuth and personal documents', () => {
  let sb: KdocsSandbox;
  let token: string;
  beforeEach(async () => {
    sb = await startKdocsSandbox();
    token = (await login(sb)).access_token;
  });
  afterEach(async () => {
    await sb.close();
  });

  it('OAuth: authorize redirects with code and state; a code works once; tokens expire and refresh', async () => {
    const q = new URLSearchParams({ app_id: sb.credentials.appId, redirect_uri: 'http://127.0.0.1:1/cb?x=1', state: '状态 1', scope: 'user_basic' });
    const auth = await request(`${sb.host}/h5/auth?${q}`);
    assert.equal(auth.status, 302);
    const location = new URL(String(auth.headers.location));
    assert.equal(location.searchParams.get('state'), '状态 1');
    assert.equal(location.searchParams.get('x'), '1');
    const code = location.searchParams.get('code')!;
    const exchange = () => request(`${sb.host}/api/v1/oauth2/access_token?${new URLSearchParams({ code, app_id: sb.credentials.appId, app_key: sb.credentials.appKey })}`);
    const tokens = data(await exchange(), 'exchange');
    assert.equal(tokens.app_id, sb.credentials.appId);
    assert.ok(tokens.expires_in > 0);
    const twice = await exchange();
    assert.equal(twice.status, 400);
    assert.deepEqual(twice.json(), { code: 20001, msg: 'invalid or expired code' }, 'a code works once');

    // A code not used within its 5 minutes is refused the same way; codes handed out later work.
    const newCode = async () => new URL(String((await request(`${sb.host}/h5/auth?${q}`)).headers.location)).searchParams.get('code')!;
    const exchangeOf = (c: string) => request(`${sb.host}/api/v1/oauth2/access_token?${new URLSearchParams({ code: c, app_id: sb.credentials.appId, app_key: sb.credentials.appKey })}`);
    const stale = await newCode();
    sb.control.expireAuthorizationCodes();
    const fresh = await newCode();
    const expiredCode = await exchangeOf(stale);
    assert.equal(expiredCode.status, 400);
    assert.deepEqual(expiredCode.json(), { code: 20001, msg: 'invalid or expired code' });
    assert.equal((await exchangeOf(fresh)).json().code, 0);

    const user = await personalOk(sb, tokens.access_token, 'GET', '/user/basic');
    assert.equal(user.nickname, '沙箱用户 Sandbox User');
    const noScope = await personal(sb, tokens.access_token, 'GET', '/personal/files');
    assert.equal(noScope.status, 403);
    assert.equal(noScope.json().code, 40301);

    sb.control.expireAccessTokens();
    const expired = await personal(sb, tokens.access_token, 'GET', '/user/basic');
    assert.equal(expired.status, 401);
    assert.equal(expired.json().code, 40102);
    assert.equal((await personal(sb, 'made-up', 'GET', '/user/basic')).json().code, 40101);

    const refresh = (rt: string) => request(`${sb.host}/api/v1/oauth2/refresh_token?app_id=${sb.credentials.appId}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ app_key: sb.credentials.appKey, refresh_token: rt }),
    });
    const renewed = data(await refresh(tokens.refresh_token), 'refresh');
    assert.notEqual(renewed.access_token, tokens.access_token);
    assert.equal((await personalOk(sb, renewed.access_token, 'GET', '/user/basic')).id, user.id);
    assert.equal((await refresh(tokens.refresh_token)).json().code, 40103, 'refresh tokens rotate');
  });

  it('the avatar URL of user/basic serves a valid 32x32 PNG without auth, cacheable', async () => {
    const user = await personalOk(sb, token, 'GET', '/user/basic');
    assert.equal(new URL(user.avatar).pathname, '/avatar.png');
    const r = await request(user.avatar);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'image/png');
    assert.match(String(r.headers['cache-control']), /max-age=\d+/);
    const png = r.body;
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    // Walk the chunks: each CRC (over type + data) must hold; IHDR first, IEND last.
    const chunks: { type: string; data: Buffer }[] = [];
    for (let off = 8; off < png.length;) {
      const len = png.readUInt32BE(off);
      const type = png.toString('latin1', off + 4, off + 8);
      const data = png.subarray(off + 8, off + 8 + len);
      assert.equal(png.readUInt32BE(off + 8 + len), crc32(png.subarray(off + 4, off + 8 + len)) >>> 0, `${type} CRC`);
      chunks.push({ type, data });
      off += 12 + len;
    }
    assert.deepEqual(chunks.map((c) => c.type), ['IHDR', 'IDAT', 'IEND']);
    const ihdr = chunks[0].data;
    assert.equal(ihdr.length, 13);
    assert.deepEqual([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]], [32, 32, 8, 2], 'width, height, depth, RGB');
    assert.equal(zlib.inflateSync(chunks[1].data).length, 32 * (1 + 3 * 32), 'pixel data of 32 rows');
    assert.equal((await request(user.avatar, { method: 'HEAD' })).status, 200);
  });

  it('lists folders page by page with next_offset', async () => {
    const root = await personalOk(sb, token, 'GET', '/personal/files?order_by=fname&order=asc&count=100');
    const batch = root.files.find((f: { fname: string }) => f.fname === '批量');
    assert.equal(batch.ftype, 'folder');
    assert.ok(!root.files.some((f: { fname: string }) => f.fname === '旧文件.txt'), 'trashed files are not listed');
    const names: string[] = [];
    const offsets: number[] = [];
    let offset = 0;
    while (offset !== -1) {
      const p = await personalOk(sb, token, 'GET', `/personal/files?parent_id=${batch.id.open_id}&offset=${offset}&count=50&order_by=fname&order=asc`);
      names.push(...p.files.map((f: { fname: string }) => f.fname));
      offset = p.next_offset;
      offsets.push(offset);
    }
    assert.deepEqual(offsets, [50, 100, -1]);
    assert.equal(names.length, 120);
    assert.equal(names[0], '文档-001.txt');
    assert.equal(names[119], '文档-120.txt');
    const flat = await personalOk(sb, token, 'GET', '/personal/files/flat?exts=md&count=500');
    assert.ok(flat.files.length >= 2 && flat.files.every((f: { fname: string }) => f.fname.endsWith('.md')));
  });

  it('upload, download with checksum, create blank, folder, rename, delete, recycle, recover, destroy', async () => {
    const up = await personalOk(sb, token, 'POST', '/personal/files/upload', { multipart: { fields: { parent_path: '["上传 目录"]', path_from_root: 'true' }, file: { name: '你好 #1.txt', data: Buffer.from('你好, kdocs') } } });
    assert.equal(up.fname, '你好 #1.txt');
    const id = up.id.open_id;
    const dl = await personalOk(sb, token, 'GET', `/personal/files/${id}/download`);
    assert.equal(dl.fsize, Buffer.byteLength('你好, kdocs'));
    const body = await request(dl.url);
    assert.equal(body.body.toString(), '你好, kdocs');
    assert.ok(/^[0-9a-f]{40}$/.test(dl.checksums.sha1));

    const blank = await personalOk(sb, token, 'POST', '/personal/files', { json: { filename: '新建表格.xlsx', parent_id: up.parent_id } });
    assert.equal(blank.ftype, 'file');
    assert.equal((await personal(sb, token, 'POST', '/personal/files', { json: { filename: 'a.exe' } })).json().code, 40000);
    const folder = await personalOk(sb, token, 'POST', '/personal/files/folder', { json: { name: '子文件夹', parent_id: up.parent_id } });
    assert.equal(folder.ftype, 'folder');

    await personalOk(sb, token, 'PUT', `/personal/files/${id}/name`, { json: { new_name: '改名.txt' } });
    assert.equal(sb.control.exists('personal', '上传 目录/改名.txt'), true);
    await personalOk(sb, token, 'DELETE', `/personal/files/${id}`);
    assert.equal(sb.control.isInTrash('personal', '上传 目录/改名.txt'), true);
    assert.equal((await personal(sb, token, 'GET', `/personal/files/${id}/simple`)).json().code, 40401);
    const bin = await personalOk(sb, token, 'GET', '/personal/recycles');
    assert.deepEqual(bin.files.map((f: { fname: string }) => f.fname).sort(), ['改名.txt', '旧文件.txt']);
    await personalOk(sb, token, 'POST', '/personal/recycles/recover', { json: { file_ids: [id] } });
    assert.equal((await personalOk(sb, token, 'GET', `/personal/files/${id}/simple`)).fname, '改名.txt');
    const old = bin.files.find((f: { fname: string }) => f.fname === '旧文件.txt').id.open_id;
    await personalOk(sb, token, 'POST', '/personal/recycles/destroy', { json: { file_ids: [old] } });
    assert.equal((await personalOk(sb, token, 'GET', '/personal/recycles')).files.length, 0);
  });

  it('batch tasks take the configured number of polls', async () => {
    sb.control.setTaskSteps(2);
    const notes = sb.control.tokenOf('personal', '我的应用/Doc Workspaces 沙箱/笔记 notes.md')!;
    const { task_id } = await personalOk(sb, token, 'POST', '/personal/tasks/files/move', { json: { file_ids: [notes], parent_path: ['归档'], path_from_root: true } });
    const first = await personalOk(sb, token, 'GET', `/personal/tasks/${task_id}`);
    assert.equal(first.status, 'running');
    assert.equal(sb.control.exists('personal', '归档/笔记 notes.md'), false);
    assert.equal((await personalOk(sb, token, 'GET', `/personal/tasks/${task_id}`)).status, 'success');
    assert.equal(sb.control.exists('personal', '归档/笔记 notes.md'), true);
    assert.equal((await personalOk(sb, token, 'GET', `/personal/tasks/${task_id}`)).status, 'success', 'a finished task stays finished');
  });

  it('failTaskItem: the marked file fails alone, the others are copied / deleted, results per file; the mark is one-shot', async () => {
    sb.control.setTaskSteps(1);
    for (const n of ['a', 'b', 'c']) sb.control.writeFile('personal', `批量/${n}.txt`, n);
    const [a, b, c] = ['a', 'b', 'c'].map((n) => sb.control.tokenOf('personal', `批量/${n}.txt`)!);
    sb.control.failTaskItem('personal', '批量/b.txt', 'file is being converted');
    const copy = await personalOk(sb, token, 'POST', '/personal/tasks/files/copy', { json: { file_tokens: [a, b, c], parent_path: ['副本'], path_from_root: true } });
    const done = await personalOk(sb, token, 'GET', `/personal/tasks/${copy.task_id}`);
    assert.equal(done.status, 'failed');
    assert.equal(done.error, '1 of 3 files failed: file is being converted');
    assert.deepEqual(done.result.results, [
      { file_token: a, status: 'success', msg: '' },
      { file_token: b, status: 'failure', code: 50000, msg: 'file is being converted' },
      { file_token: c, status: 'success', msg: '' },
    ]);
    assert.deepEqual(done.result.files.map((f: { fname: string }) => f.fname), ['a.txt', 'c.txt']);
    assert.deepEqual(['a', 'b', 'c'].map((n) => sb.control.exists('personal', `副本/${n}.txt`)), [true, false, true]);

    const again = await personalOk(sb, token, 'POST', '/personal/tasks/files/copy', { json: { file_tokens: [b], parent_path: ['副本'], path_from_root: true } });
    assert.equal((await personalOk(sb, token, 'GET', `/personal/tasks/${again.task_id}`)).status, 'success', 'the mark was used up');

    sb.control.failTaskItem('personal', '批量/c.txt');
    const del = await personalOk(sb, token, 'POST', '/personal/tasks/files/delete', { json: { file_tokens: [a, b, c] } });
    const deleted = await personalOk(sb, token, 'GET', `/personal/tasks/${del.task_id}`);
    assert.equal(deleted.status, 'failed');
    assert.deepEqual(deleted.result.results.map((r: { status: string }) => r.status), ['success', 'success', 'failure']);
    assert.match(deleted.result.results[2].msg, /locked/, 'default message');
    assert.deepEqual(deleted.result.files, [a, b]);
    assert.equal(sb.control.isInTrash('personal', '批量/a.txt') && sb.control.isInTrash('personal', '批量/b.txt'), true);
    assert.equal(sb.control.exists('personal', '批量/c.txt'), true);
  });

  it('daily quotas per endpoint answer 429 / 42901 with Retry-After', async () => {
    sb.control.setQuota('GET /api/v1/openapi/personal/files', 2);
    assert.equal((await personal(sb, token, 'GET', '/personal/files')).status, 200);
    assert.equal((await personal(sb, token, 'GET', '/personal/files')).status, 200);
    const over = await personal(sb, token, 'GET', '/personal/files');
    assert.equal(over.status, 429);
    assert.equal(over.json().code, 42901);
    const retry = Number(over.headers['retry-after']);
    assert.ok(retry > 0 && retry <= 86400);
    assert.equal((await personal(sb, token, 'GET', '/personal/files/recent')).status, 200, 'other endpoints have their own count');
    sb.control.setQuota('all', 0);
    assert.equal((await app(sb, 'GET', '/appspace/files')).status, 429);
    sb.control.resetQuotas();
    assert.equal((await personal(sb, token, 'GET', '/personal/files')).status, 200);
  });

  it('sharing: own files get a link page; a colleague\'s shared file answers 10003', async () => {
    const weekly = sb.control.tokenOf('personal', '工作周报.docx')!;
    const link = await personalOk(sb, token, 'POST', `/personal/files/${weekly}/links`, { json: { range: 'anyone', permission: 'write', status: 'open', period: 7 } });
    assert.equal(link.link_permission, 'write');
    assert.equal((await request(link.link_url)).status, 200);
    await personalOk(sb, token, 'POST', `/personal/files/${weekly}/links/members`, { json: { user_ids: ['u-2'], permission: 'read' } });
    await personalOk(sb, token, 'PUT', `/personal/files/${weekly}/links/members/u-2`, { json: { permission: 'write' } });
    assert.deepEqual((await personalOk(sb, token, 'GET', `/personal/files/${weekly}/links`)).members, [{ user_id: 'u-2', permission: 'write' }]);
    await personalOk(sb, token, 'DELETE', `/personal/files/${weekly}/links`);
    assert.equal((await request(link.link_url)).status, 404);

    const recent = await personalOk(sb, token, 'GET', '/personal/files/recent?count=500');
    const shared = recent.files.find((f: { fname: string }) => f.fname === '部门通讯录.txt');
    const denied = await personal(sb, token, 'POST', `/personal/files/${shared.id.open_id}/links`, { json: { permission: 'read' } });
    assert.equal(denied.status, 403);
    assert.equal(denied.json().code, 10003);
  });

  it('edit URLs carry an edit token that can be cancelled', async () => {
    const { token: editToken } = await personalOk(sb, token, 'POST', '/user/edit_token');
    const notes = sb.control.tokenOf('personal', '我的应用/Doc Workspaces 沙箱/笔记 notes.md')!;
    const { url } = await personalOk(sb, token, 'GET', `/personal/files/${notes}/url/with_edit_token?edit_token=${editToken}`);
    const pageHtml = await request(url);
    assert.equal(pageHtml.status, 200);
    assert.match(pageHtml.body.toString(), /笔记/);
    await personalOk(sb, token, 'DELETE', `/user/edit_token/${editToken}`);
    assert.equal((await request(url)).status, 403);
  });

  it('search by name and content stays inside the app folder; cloud create copies a sandbox URL', async () => {
    const byName = await personalOk(sb, token, 'GET', `/personal/files/search/name?keyword=${encodeURIComponent('笔记')}`);
    assert.deepEqual(byName.files.map((f: { fname: string }) => f.fname), ['笔记 notes.md']);
    const outside = await personalOk(sb, token, 'GET', `/personal/files/search/name?keyword=${encodeURIComponent('周报')}`);
    assert.equal(outside.files.length, 0);
    const byContent = await personalOk(sb, token, 'GET', `/personal/files/search/content?keyword=${encodeURIComponent('销售额')}`);
    assert.deepEqual(byContent.files.map((f: { fname: string }) => f.fname), ['销售 2024.csv']);

    const src = sb.control.tokenOf('personal', '个人/旅行计划 ✈️.md')!;
    const dl = await personalOk(sb, token, 'GET', `/personal/files/${src}/download`);
    const created = await personalOk(sb, token, 'POST', '/personal/files/cloud', { json: { url: dl.url, filename: '旅行副本.md', parent_path: ['副本'] } });
    assert.equal(created.fname, '旅行副本.md');
    assert.deepEqual(sb.control.readFile('personal', '我的应用/Doc Workspaces 沙箱/副本/旅行副本.md'), sb.control.readFile('personal', '个人/旅行计划 ✈️.md'));
  });
});
