import * as assert from 'node:assert/strict';
import { startGokuaiSandbox, type GokuaiSandbox } from '../../src/sandbox';
import { call, ok, request, rfc3986, sha1, signedBody, testSign } from './helpers';

describe('gokuai sandbox: library API over HTTP', () => {
  let sb: GokuaiSandbox;
  beforeEach(async () => {
    sb = await startGokuaiSandbox();
  });
  afterEach(async () => {
    await sb.close();
  });

  describe('authentication', () => {
    it('answers a correctly signed call with a Chinese path', async () => {
      const info = await ok(sb, 'info', { fullpath: '项目资料/2024 计划/路线图.md' });
      assert.equal(info.filename, '路线图.md');
      assert.equal(info.dir, 0);
      assert.match(info.filehash, /^[0-9a-f]{40}$/);
    });

    it('rejects a wrong sign with 401 / 401041', async () => {
      const r = await call(sb, 'stat', {}, { secret: 'not-the-secret' });
      assert.equal(r.status, 401);
      assert.deepEqual(r.json(), { error_code: 401041, error_msg: 'sign error' });
    });

    it('rejects a stale dateline with 401042 and honours setDatelineWindow', async () => {
      const old = Math.floor(Date.now() / 1000) - 301;
      const r = await call(sb, 'stat', {}, { dateline: old });
      assert.equal(r.status, 401);
      assert.equal(r.json().error_code, 401042);
      sb.control.setDatelineWindow(3600);
      assert.equal((await call(sb, 'stat', {}, { dateline: old })).status, 200);
    });

    it('rejects an unknown org_client_id', async () => {
      const body = signedBody(sb, {}).replace(rfc3986(sb.credentials.orgClientId), 'someone-else');
      const r = await request(`${sb.host}/m-open/1/file/stat`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
      assert.equal(r.status, 401);
    });

    it('decodes + as a space in a form body (browser style)', async () => {
      const params: Record<string, string> = {
        fullpath: '数据/销售 2024.csv', org_client_id: sb.credentials.orgClientId, dateline: String(Math.floor(Date.now() / 1000)),
      };
      params.sign = testSign(params, sb.credentials.orgClientSecret);
      const body = Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%20/g, '+')}`).join('&');
      assert.match(body, /\+2024/);
      const r = await request(`${sb.host}/m-open/1/file/info`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
      assert.equal(r.status, 200);
      assert.equal(r.json().fullpath, '数据/销售 2024.csv');
    });
  });

  it('stat reports the library', async () => {
    const s = await ok(sb, 'stat');
    assert.equal(s.org_name, sb.libraryName);
    assert.equal(s.count_file, 169);
    assert.ok(s.size_recycle > 0);
    assert.ok(s.capacity > s.size);
  });

  it('ls pages with start/size and reports the total in count', async () => {
    const first = await ok(sb, 'ls', { fullpath: '批量', start: 0, size: 100 });
    const second = await ok(sb, 'ls', { fullpath: '批量', start: 100, size: 100 });
    assert.equal(first.count, 160);
    assert.equal(first.list.length, 100);
    assert.equal(second.list.length, 60);
    const names = [...first.list, ...second.list].map((f: { filename: string }) => f.filename);
    assert.equal(new Set(names).size, 160);
    assert.equal(names[0], '文件-001.txt');
  });

  it('ls of the root has folders first and the special names intact', async () => {
    const root = await ok(sb, 'ls', {});
    const names: string[] = root.list.map((f: { filename: string }) => f.filename);
    assert.ok(names.includes('📁 Emoji 文件夹'));
    assert.ok(names.includes('name with #hash and %percent.txt'));
    const firstFile = root.list.findIndex((f: { dir: number }) => f.dir === 0);
    assert.ok(root.list.slice(firstFile).every((f: { dir: number }) => f.dir === 0));
  });

  it('ls with tag finds tagged files at all levels; add_tag/del_tag change it', async () => {
    assert.deepEqual((await ok(sb, 'ls', { tag: '财务' })).list.map((f: { fullpath: string }) => f.fullpath), ['数据/销售 2024.csv']);
    await ok(sb, 'add_tag', { fullpath: 'README.md', tag: '财务;docs' });
    assert.equal((await ok(sb, 'ls', { tag: '财务' })).count, 2);
    await ok(sb, 'del_tag', { fullpath: 'README.md', tag: '财务' });
    const readme = await ok(sb, 'info', { fullpath: 'README.md' });
    assert.equal(readme.property.tag, 'docs');
  });

  it('refuses "." and ".." path segments (400 / 40001) instead of storing them literally', async () => {
    for (const [endpoint, params] of [
      ['create_folder', { fullpath: '上级/../逃逸' }],
      ['create_folder', { fullpath: './当前' }],
      ['create_file', { fullpath: '..', filehash: sha1('x'), filesize: 1 }],
      ['create_file', { fullpath: '项目资料/./新.txt', filehash: sha1('x'), filesize: 1 }],
      ['info', { fullpath: '项目资料/../README.md' }],
      ['move', { fullpath: 'README.md', dest_fullpath: '项目资料/../../README.md' }],
      ['copy', { from_fullpath: 'README.md', fullpath: '数据/..' }],
    ] as const) {
      const r = await call(sb, endpoint, params);
      assert.equal(r.status, 400, `${endpoint} ${JSON.stringify(params)}: ${r.body.toString()}`);
      assert.equal(r.json().error_code, 40001);
    }
    const root = (await ok(sb, 'ls', {})).list.map((f: { filename: string }) => f.filename);
    assert.ok(!root.some((n: string) => n === '.' || n === '..' || n === '当前' || n === '逃逸'), root.join(', '));
    assert.ok(sb.control.exists('README.md'));
  });

  it('takes POST on every endpoint and GET only on the reads Gokuai\'s SDK sends as GET (405 / 40001 otherwise)', async () => {
    const get = (endpoint: string, params: Record<string, string | number>) => request(`${sb.host}/m-open/1/file/${endpoint}?${signedBody(sb, params)}`);
    const mkdir = await get('create_folder', { fullpath: 'GET 建的' });
    assert.equal(mkdir.status, 405);
    assert.deepEqual(mkdir.json(), { error_code: 40001, error_msg: 'method not allowed' });
    assert.equal(sb.control.exists('GET 建的'), false);
    for (const [endpoint, params] of [['del', { fullpath: 'README.md' }], ['stat', {}], ['history', { fullpath: 'README.md' }], ['create_file', { fullpath: 'g.txt', filehash: sha1('g'), filesize: 1 }]] as const) {
      assert.equal((await get(endpoint, params)).status, 405, endpoint);
    }
    assert.ok(sb.control.exists('README.md'), 'the GET del deleted nothing');
    const put = await request(`${sb.host}/m-open/1/file/stat`, { method: 'PUT', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: signedBody(sb, {}) });
    assert.equal(put.status, 405);
    // The reads of the SDK (gokuai/yunku-sdk-java) keep working as GET
    assert.equal((await get('info', { fullpath: 'README.md' })).json().fullpath, 'README.md');
    assert.ok((await get('ls', { fullpath: '批量', size: 5 })).json().list.length === 5);
    assert.match((await get('download_url', { fullpath: 'README.md' })).json().urls[0], /\/dl\//);
  });

  it('unknown paths are 404 in the vendor envelope', async () => {
    const r = await call(sb, 'info', { fullpath: 'nope/missing.txt' });
    assert.equal(r.status, 404);
    assert.equal(r.json().error_code, 40401);
  });

  describe('download URLs', () => {
    it('serves the bytes, Range requests and older versions', async () => {
      const { urls } = await ok(sb, 'download_url', { fullpath: 'README.md' });
      assert.match(urls[0], new RegExp(`^${sb.host}/dl/[0-9a-f]+\\?e=\\d+&s=[0-9A-Za-z]+$`));
      const full = await request(urls[0]);
      assert.equal(full.status, 200);
      assert.deepEqual(full.body, sb.control.readFile('README.md'));
      const part = await request(urls[0], { headers: { Range: 'bytes=2-5' } });
      assert.equal(part.status, 206);
      assert.equal(part.headers['content-range'], `bytes 2-5/${full.body.length}`);
      assert.deepEqual(part.body, full.body.subarray(2, 6));

      const history = await ok(sb, 'history', { fullpath: '项目资料/2024 计划/路线图.md' });
      assert.equal(history.count, 3);
      const oldest = history.list[2];
      const old = await ok(sb, 'download_url', { fullpath: '项目资料/2024 计划/路线图.md', filehash: oldest.filehash });
      const body = (await request(old.urls[0])).body;
      assert.equal(sha1(body), oldest.filehash);
      assert.equal(body.toString(), '# 2024 路线图\n\n- Q1: 调研\n');
    });

    it('streams a Range out of the 20 MB generated file', async () => {
      const { urls } = await ok(sb, 'download_url', { fullpath: '大文件/sample-20MB.bin' });
      const r = await request(urls[0], { headers: { Range: 'bytes=-1000' } });
      assert.equal(r.status, 206);
      assert.equal(r.body.length, 1000);
      assert.deepEqual(r.body, sb.control.readFile('大文件/sample-20MB.bin')!.subarray(20 * 1024 * 1024 - 1000));
    });

    it('expires after the TTL with 403, and rejects a tampered expiry', async () => {
      sb.control.setDownloadUrlTtl(-1);
      const { urls } = await ok(sb, 'download_url', { fullpath: 'README.md' });
      const expired = await request(urls[0]);
      assert.equal(expired.status, 403);
      assert.equal(expired.json().error_code, 40303);
      const tampered = urls[0].replace(/e=(\d+)/, (_m: string, e: string) => `e=${Number(e) + 3_600_000}`);
      assert.equal((await request(tampered)).status, 403);
    });

    it('expireDownloadUrls: every URL handed out so far answers 403 at once, later ones work', async () => {
      const { urls } = await ok(sb, 'download_url', { fullpath: 'README.md' });
      const info = await ok(sb, 'info', { fullpath: 'README.md', attribute: 1 });
      const preview = (await ok(sb, 'preview_url', { fullpath: 'README.md' })).url;
      assert.equal((await request(urls[0])).status, 200);

      sb.control.expireDownloadUrls();
      for (const url of [urls[0], info.uri, preview]) {
        const r = await request(url);
        assert.equal(r.status, 403, url.split('?')[0]);
        assert.equal(r.json().error_code, 40303);
      }
      const fresh = await ok(sb, 'download_url', { fullpath: 'README.md' });
      const again = await request(fresh.urls[0]);
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, sb.control.readFile('README.md'));
    });
  });

  it('del moves a folder to the recycle bin and recover restores it with its children', async () => {
    await ok(sb, 'del', { fullpath: '配置' });
    assert.equal(sb.control.exists('配置/settings.json'), false);
    assert.equal(sb.control.isInRecycleBin('配置/settings.json'), true);
    const bin = await ok(sb, 'recycle', {});
    assert.deepEqual(bin.list.map((f: { fullpath: string }) => f.fullpath), ['配置', '旧草稿.txt']);
    await ok(sb, 'recover', { fullpaths: '配置|旧草稿.txt' });
    assert.equal(sb.control.exists('配置/settings.json'), true);
    assert.equal(sb.control.exists('旧草稿.txt'), true);
    assert.equal((await ok(sb, 'recycle', {})).count, 0);
    await ok(sb, 'del', { fullpath: 'README.md', destroy: 1 });
    assert.equal(sb.control.isInRecycleBin('README.md'), false);
    assert.equal(sb.control.exists('README.md'), false);
  });

  it('a locked file rejects writes, moves and deletes with 423', async () => {
    const locked = '合同/已锁定合同.txt';
    const info = await ok(sb, 'info', { fullpath: locked });
    assert.equal(info.lock, 1);
    for (const [endpoint, params] of [
      ['del', { fullpath: locked }],
      ['move', { fullpath: locked, dest_fullpath: '合同/x.txt' }],
      ['create_file', { fullpath: locked, filehash: sha1('x'), filesize: 1, overwrite: 1 }],
    ] as const) {
      const r = await call(sb, endpoint, params);
      assert.equal(r.status, 423, endpoint);
      assert.equal(r.json().error_code, 40902);
    }
    sb.control.unlockFile(locked);
    await ok(sb, 'move', { fullpath: locked, dest_fullpath: '合同/x.txt' });
    assert.equal(sb.control.exists('合同/x.txt'), true);
  });

  it('move keeps the hash; moving onto an existing name is 409', async () => {
    const before = await ok(sb, 'info', { fullpath: 'README.md' });
    await ok(sb, 'move', { fullpath: 'README.md', dest_fullpath: '项目资料/README 副本.md' });
    const after = await ok(sb, 'info', { fullpath: '项目资料/README 副本.md' });
    assert.equal(after.hash, before.hash);
    const r = await call(sb, 'move', { fullpath: '数据/销售 2024.csv', dest_fullpath: '项目资料/README 副本.md' });
    assert.equal(r.status, 409);
  });

  it('copying a file with overwrite=0 onto an existing name auto-renames it', async () => {
    const r = await ok(sb, 'copy', { from_fullpath: 'README.md', fullpath: '配置/settings.json' });
    assert.equal(r.fullpath, '配置/settings (1).json');
    assert.equal(r.queue_id, undefined);
    assert.deepEqual(sb.control.readFile('配置/settings (1).json'), sb.control.readFile('README.md'));
  });

  it('copying a folder returns a queue_id whose status advances 0 -> 1 -> 2 on successive polls', async () => {
    const r = await ok(sb, 'copy', { from_fullpath: '项目资料', fullpath: '项目资料 备份' });
    assert.ok(r.queue_id);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await ok(sb, 'queue_status', { queue_id: r.queue_id })).status);
    assert.deepEqual(statuses, [0, 1, 2, 2]);
    assert.equal(sb.control.exists('项目资料 备份/2024 计划/路线图.md'), true);
    assert.equal((await ok(sb, 'info', { fullpath: '项目资料 备份' })).hash, r.hash);
  });

  it('mcopy copies several sources into several folders', async () => {
    const r = await ok(sb, 'mcopy', { from_fullpaths: 'README.md|配置/settings.json', paths: '数据|空文件夹 Empty' });
    assert.deepEqual(r.map((x: { fullpath: string }) => x.fullpath), [
      '数据/README.md', '数据/settings.json', '空文件夹 Empty/README.md', '空文件夹 Empty/settings.json',
    ]);
    assert.deepEqual(sb.control.readFile('空文件夹 Empty/settings.json'), sb.control.readFile('配置/settings.json'));
  });

  it('del by tag, del_completely from the bin, metadata in info', async () => {
    await ok(sb, 'del', { tag: '财务' });
    assert.equal(sb.control.isInRecycleBin('数据/销售 2024.csv'), true);
    await ok(sb, 'del_completely', { fullpaths: '数据/销售 2024.csv|旧草稿.txt' });
    assert.equal((await ok(sb, 'recycle', {})).count, 0);
    assert.equal((await ok(sb, 'stat')).size_recycle, 0);

    await ok(sb, 'set_metadata', { fullpath: 'README.md', key: 'tpl1', metadata: JSON.stringify({ status: '已归档' }) });
    assert.deepEqual((await ok(sb, 'info', { fullpath: 'README.md' })).metadata, { tpl1: { status: '已归档' } });
    await ok(sb, 'del_metadata', { fullpath: 'README.md', key: 'tpl1' });
    assert.deepEqual((await ok(sb, 'info', { fullpath: 'README.md' })).metadata, {});
  });

  it('updates (default mode) lists the most recent operations first, without deleted files', async () => {
    sb.control.writeFile('README.md', 'newest');
    await ok(sb, 'del', { fullpath: '配置/settings.json' });
    const r = await ok(sb, 'updates', { fetch_dateline: 0 });
    assert.equal(r.list[0].fullpath, 'README.md');
    assert.ok(r.list.every((f: { fullpath: string }) => f.fullpath !== '配置/settings.json'));
    const older = await ok(sb, 'updates', { fetch_dateline: r.fetch_dateline });
    assert.ok(older.list.length > 0);
    assert.ok(older.list.every((f: { fullpath: string }) => !r.list.some((g: { fullpath: string }) => g.fullpath === f.fullpath)));
  });

  it('search by filename, tag and content', async () => {
    const byName = await ok(sb, 'search', { keywords: '笑脸' });
    assert.deepEqual(byName.list.map((f: { fullpath: string }) => f.fullpath), ['📁 Emoji 文件夹/笑脸 😀.txt']);
    const byTag = await ok(sb, 'search', { keywords: '财务', scope: '["tag"]' });
    assert.equal(byTag.count, 1);
    const byContent = await ok(sb, 'search', { keywords: 'Q3: 发布', scope: '["content"]', path: '项目资料' });
    assert.deepEqual(byContent.list.map((f: { fullpath: string }) => f.fullpath), ['项目资料/2024 计划/路线图.md']);
  });

  it('updates (compare mode) reports changes and deletions after a fetch_dateline', async () => {
    // Page through the whole history first (at most 100 per call): the cursor only moves forward.
    let since = 0;
    let pages = 0;
    for (;;) {
      const r = await ok(sb, 'updates', { mode: 'compare', fetch_dateline: since });
      if (r.list.length === 0) break;
      assert.ok(r.list.length <= 100);
      since = r.fetch_dateline;
      pages++;
    }
    assert.ok(pages >= 2);
    sb.control.writeFile('README.md', 'changed by a colleague');
    await ok(sb, 'del', { fullpath: '数据/销售 2024.csv' });
    const r = await ok(sb, 'updates', { mode: 'compare', fetch_dateline: since });
    const byPath = Object.fromEntries(r.list.map((f: { fullpath: string; cmd: number }) => [f.fullpath, f.cmd]));
    assert.deepEqual(byPath, { 'README.md': 1, '数据/销售 2024.csv': 0 });
    assert.ok(r.fetch_dateline > since);
    const count = await ok(sb, 'updates_count', { begin_dateline: since + 1, end_dateline: Date.now() + 10_000, showdel: 1 });
    assert.equal(count.count, 2);
  });

  it('link refuses a dir flag that does not match the target (file needs 0, folder 1)', async () => {
    const fileAsFolder = await call(sb, 'link', { fullpath: 'README.md', dir: 1 });
    assert.equal(fileAsFolder.status, 400);
    assert.equal(fileAsFolder.json().error_code, 40001);
    for (const dir of [undefined, 0]) {
      const folderAsFile = await call(sb, 'link', { fullpath: '项目资料', ...(dir === undefined ? {} : { dir }) });
      assert.equal(folderAsFile.status, 400, `folder with dir=${dir}`);
      assert.equal(folderAsFile.json().error_code, 40001);
    }
    assert.equal((await call(sb, 'link', { fullpath: 'README.md', dir: 2 })).status, 400);
    assert.equal((await ok(sb, 'links', {})).length, 0, 'no link was created by the refused calls');

    const folder = await ok(sb, 'link', { fullpath: '项目资料', dir: 1 });
    assert.equal((await request(folder.link)).status, 200);
    assert.ok(await ok(sb, 'link', { fullpath: 'README.md', dir: 0 }));
    assert.equal((await ok(sb, 'links', {})).length, 2);
  });

  it('links: link, links, link page, link_close', async () => {
    const l = await ok(sb, 'link', { fullpath: 'README.md', auth: 'download' });
    assert.ok(l.link.startsWith(`${sb.host}/link/`));
    const page = await request(l.link);
    assert.equal(page.status, 200);
    assert.match(page.body.toString(), /README\.md/);
    assert.equal((await ok(sb, 'links', {})).length, 1);
    await ok(sb, 'link_close', { code: l.code });
    assert.equal((await ok(sb, 'links', {})).length, 0);
    assert.equal((await request(l.link)).status, 404);
  });

  it('link page enforces password, startline, deadline and access_limit', async () => {
    const now = Math.floor(Date.now() / 1000);
    const locked = await ok(sb, 'link', { fullpath: 'README.md', password: 'p@ss 1' });
    const noPassword = await request(locked.link);
    assert.equal(noPassword.status, 403);
    assert.match(noPassword.body.toString(), /name="password"/);
    assert.doesNotMatch(noPassword.body.toString(), /README/);
    assert.equal((await request(`${locked.link}?password=wrong`)).status, 403);
    const opened = await request(`${locked.link}?password=${encodeURIComponent('p@ss 1')}`);
    assert.equal(opened.status, 200);
    assert.match(opened.body.toString(), /README\.md/);

    const expired = await ok(sb, 'link', { fullpath: 'README.md', deadline: now - 10 });
    assert.equal((await request(expired.link)).json().error_code, 40303);
    const future = await ok(sb, 'link', { fullpath: 'README.md', startline: now + 3600 });
    assert.equal((await request(future.link)).status, 403);
    const once = await ok(sb, 'link', { fullpath: 'README.md', access_limit: 1 });
    assert.equal((await request(once.link)).status, 200);
    assert.equal((await request(once.link)).status, 403);
  });

  it('permissions: file_permission, get_permission with and without a member, reset_permission', async () => {
    await ok(sb, 'file_permission', { fullpath: '数据', permissions: JSON.stringify({ 7: ['file_preview', 'file_read'] }) });
    assert.deepEqual(await ok(sb, 'get_permission', { fullpath: '数据/销售 2024.csv', member_id: 7 }), ['file_preview', 'file_read']);
    assert.deepEqual((await ok(sb, 'get_all_permission', { fullpath: '数据' })).members, { 7: ['file_preview', 'file_read'] });
    const denied = await call(sb, 'del', { fullpath: '数据/销售 2024.csv', op_id: 7 });
    assert.equal(denied.status, 403);
    await ok(sb, 'reset_permission', { fullpath: '数据', members: '7' });
    assert.equal((await ok(sb, 'get_permission', { fullpath: '数据/销售 2024.csv', member_id: 7 })).length, 6);
  });

  it('preview_url and cedit_url return working pages on the sandbox host', async () => {
    const p = await ok(sb, 'preview_url', { fullpath: 'README.md' });
    const page = await request(p.url);
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    const c = await ok(sb, 'cedit_url', { fullpath: '项目资料/会议纪要.docx', op_id: 1 });
    assert.equal((await request(c.url)).status, 200);
    assert.equal((await call(sb, 'cedit_url', { fullpath: 'README.md', op_id: 1 })).status, 400);
  });

  it('misbehaviour: failNext 429 with Retry-After, malformNext, dropNextRequests', async () => {
    sb.control.failNext(1, { status: 429, retryAfterSec: 7, pathIncludes: '/stat' });
    const limited = await call(sb, 'stat');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '7');
    assert.equal(limited.json().error_code, 42900);
    assert.equal((await call(sb, 'stat')).status, 200);

    sb.control.malformNext(1);
    const bad = await call(sb, 'stat');
    assert.throws(() => bad.json());

    sb.control.dropNextRequests(1, '/stat');
    await assert.rejects(call(sb, 'stat'));
    assert.equal((await call(sb, 'stat')).status, 200);
    assert.ok(sb.control.requests.some((r) => r.path === '/m-open/1/file/stat' && r.status === 429));
    assert.ok(sb.control.requests.every((r) => !r.path.includes('?')));
  });

  it('seeds a valid docx (zip with the OOXML parts)', () => {
    const docx = sb.control.readFile('项目资料/会议纪要.docx')!;
    assert.equal(docx.readUInt32LE(0), 0x04034b50);
    const text = docx.toString('latin1');
    for (const part of ['[Content_Types].xml', '_rels/.rels', 'word/document.xml']) assert.ok(text.includes(part), part);
    assert.equal(docx.readUInt32LE(docx.length - 22), 0x06054b50);
  });
});
