import * as assert from 'node:assert/strict';
import { SHIMO_SEED, startShimoSandbox, type ShimoSandbox } from '../../src/sandbox';
import { call, enc, fails, ok, sign, type Json } from './shimo-helpers';

/**
 * The Shimo SDK v2 emulator over real HTTP (global fetch) with the test's own JWT signer: authentication, files, the
 * shimo-files / collab-files families, history, versions, mentions, comments, sheets, seats, preview, misbehaviour.
 * Import and export: shimo-office.test.ts.
 */

const SALES = 'sbx-sheet-sales';
const WEEKLY = 'sbx-doc-weekly';
const values = (fileId: string) => `/sdk/v2/api/files/${enc(fileId)}/sheets/values`;
const rangeQ = (range: string) => `range=${enc(range)}`;

describe('shimo sandbox: SDK v2 API', function () {
  this.timeout(20_000);
  let sb: ShimoSandbox;

  beforeEach(async () => {
    sb = await startShimoSandbox();
  });
  afterEach(async () => {
    await sb.close();
  });

  describe('signature and token', () => {
    const path = `/sdk/v2/shimo-files/${WEEKLY}/plain-text`;

    it('accepts the credentials in the query or in the headers, and logs where they came from', async () => {
      const mark = sb.control.requestCount;
      assert.match((await ok(sb, 'GET', path)).content, /本周工作/);
      assert.match((await ok(sb, 'GET', path, { auth: 'header' })).content, /本周工作/);
      // Mixed: signature in the query, token in the header.
      const r = await fetch(`${sb.host}${path}?signature=${enc(sign(sb))}`, { headers: { 'X-Shimo-Token': sb.userToken } });
      assert.equal(r.status, 200);
      const log = sb.control.requestsSince(mark);
      assert.deepEqual(log.map((e) => [e.auth, e.family, e.fileId, e.status]), [
        ['query', 'shimo-files', WEEKLY, 200], ['header', 'shimo-files', WEEKLY, 200], ['query', 'shimo-files', WEEKLY, 200],
      ]);
      assert.ok(log.every((e) => !e.path.includes('signature') && !e.path.includes(sb.userToken)));
    });

    it('answers 401 40100 without a signature', async () => {
      await fails(sb, 'GET', path, { auth: 'none' }, 401, 40100);
      const r = await fetch(`${sb.host}${path}?token=${enc(sb.userToken)}`);
      assert.equal(r.status, 401);
      assert.equal(sb.control.requests[sb.control.requests.length - 1].auth, 'none');
    });

    it('verifies HS256 over the received bytes: another key order and extra header keys pass, a wrong key does not', async () => {
      const exp = Math.floor(Date.now() / 1000) + 600;
      for (const headerJson of [
        JSON.stringify({ kid: sb.appId, typ: 'JWT', alg: 'HS256' }),
        JSON.stringify({ typ: 'JWT', alg: 'HS256', kid: sb.appId }),
        `{ "alg" : "HS256", "kid" : "${sb.appId}" }`,
      ]) {
        await ok(sb, 'GET', path, { signature: sign(sb, { headerJson, payloadJson: `{"version":"v2", "exp": ${exp}}` }) });
      }
      assert.deepEqual(await fails(sb, 'GET', path, { signature: sign(sb, { secret: 'not-the-app-secret' }) }, 401, 40101), { code: 40101, message: 'invalid signature: signature does not match' });
      // A tampered payload (exp pushed out) with the original MAC.
      const good = sign(sb).split('.');
      const forged = `${good[0]}.${Buffer.from(JSON.stringify({ exp: exp + 100 })).toString('base64url')}.${good[2]}`;
      await fails(sb, 'GET', path, { signature: forged }, 401, 40101);
      for (const bad of ['abc', 'a.b', 'a.b.c.d', `${good[0]}.${good[1]}.${good[2]}=`]) await fails(sb, 'GET', path, { signature: bad }, 401, 40101);
    });

    it('refuses alg other than HS256, an unknown or missing kid, and no exp', async () => {
      await fails(sb, 'GET', path, { signature: sign(sb, { headerJson: JSON.stringify({ alg: 'none', kid: sb.appId }) }) }, 401, 40101);
      await fails(sb, 'GET', path, { signature: sign(sb, { headerJson: JSON.stringify({ alg: 'HS512', kid: sb.appId }) }) }, 401, 40101);
      await fails(sb, 'GET', path, { signature: sign(sb, { kid: 'another-app' }) }, 401, 40103);
      await fails(sb, 'GET', path, { signature: sign(sb, { headerJson: JSON.stringify({ alg: 'HS256', typ: 'JWT' }) }) }, 401, 40103);
      await fails(sb, 'GET', path, { signature: sign(sb, { payloadJson: '{"scope":"x"}' }) }, 401, 40101);
    });

    it('refuses an expired signature and one expiring more than 7 days ahead; 24 hours and 7 days pass', async () => {
      await fails(sb, 'GET', path, { signature: sign(sb, { expIn: -5 }) }, 401, 40102);
      await fails(sb, 'GET', path, { signature: sign(sb, { expIn: 0 }) }, 401, 40102);
      await fails(sb, 'GET', path, { signature: sign(sb, { expIn: 8 * 24 * 3600 }) }, 401, 40104);
      await ok(sb, 'GET', path, { signature: sign(sb, { expIn: 24 * 3600 }) });
      await ok(sb, 'GET', path, { signature: sign(sb, { expIn: 7 * 24 * 3600 }) });
    });

    it('license calls need "scope":"license" and at most 4 minutes; they do not look at the user token', async () => {
      const app = `/sdk/v2/api/license/apps/${enc(sb.appId)}`;
      await fails(sb, 'GET', app, { signature: sign(sb, { expIn: 200 }) }, 403, 40300);
      await fails(sb, 'GET', app, { signature: sign(sb, { expIn: 3600 }) }, 403, 40300);
      await fails(sb, 'GET', app, { signature: sign(sb, { scope: 'license', expIn: 10 * 60 }) }, 401, 40104);
      await fails(sb, 'GET', app, { signature: sign(sb, { scope: 'license', expIn: -1 }) }, 401, 40102);
      await fails(sb, 'GET', app, { signature: sign(sb, { scope: 'license', secret: 'wrong' }) }, 401, 40101);
      await ok(sb, 'GET', app, { signature: sign(sb, { scope: 'license', expIn: 240 }) });
      await ok(sb, 'GET', app, { license: true, token: null });
      await ok(sb, 'GET', app, { license: true, token: 'some-other-users-token', auth: 'header' });
      // A license-scoped signature also works for the other routes.
      await ok(sb, 'GET', path, { license: true });
    });

    it('user calls need the integrator token the sandbox knows (401 40105)', async () => {
      await fails(sb, 'GET', path, { token: null }, 401, 40105);
      await fails(sb, 'GET', path, { token: 'unknown-token' }, 401, 40105);
      await fails(sb, 'GET', path, { token: null, auth: 'header' }, 401, 40105);
      // X-Weboffice-Token (newer kits) stands in for X-Shimo-Token.
      const r = await fetch(`${sb.host}${path}`, { headers: { 'X-Shimo-Signature': sign(sb), 'X-Weboffice-Token': sb.userToken } });
      assert.equal(r.status, 200);
    });

    it('answers 404 40400 for unknown routes and methods before authentication', async () => {
      for (const [method, p] of [['GET', '/sdk/v2/api/nothing'], ['PATCH', `/sdk/v2/api/files/${WEEKLY}`], ['GET', '/sdk/v2/other-files/x/plain-text'], ['GET', '/x']]) {
        await fails(sb, method, p, { auth: 'none' }, 404, 40400);
      }
    });
  });

  describe('collaborative files', () => {
    it('creates files of the five types (204), refuses a used id, a bad type and a too long id', async () => {
      for (const type of ['document', 'documentPro', 'spreadsheet', 'presentation', 'table']) {
        await ok(sb, 'POST', '/sdk/v2/api/files', { body: { type, fileId: `new-${type}` } }, 204);
        assert.deepEqual(sb.control.file(`new-${type}`), { id: `new-${type}`, type, title: '无标题', revision: 1, deleted: false });
      }
      assert.deepEqual(sb.control.sheetNames('new-spreadsheet'), ['工作表1']);
      await fails(sb, 'POST', '/sdk/v2/api/files', { body: { type: 'document', fileId: 'new-document' } }, 409, 40900);
      await fails(sb, 'POST', '/sdk/v2/api/files', { body: { type: 'document', fileId: WEEKLY } }, 409, 40900);
      await fails(sb, 'POST', '/sdk/v2/api/files', { body: { type: 'docx', fileId: 'x1' } }, 400, 40000);
      await fails(sb, 'POST', '/sdk/v2/api/files', { body: { type: 'document' } }, 400, 40000);
      await fails(sb, 'POST', '/sdk/v2/api/files', { body: { type: 'document', fileId: 'x'.repeat(65) } }, 400, 40000);
      await ok(sb, 'POST', '/sdk/v2/api/files', { body: { type: 'document', fileId: '文'.repeat(64) } }, 204);
      await fails(sb, 'POST', '/sdk/v2/api/files', { body: '{"type":' }, 400, 40000);
      assert.equal(sb.control.requests[sb.control.requests.length - 1].fileId, undefined);
      assert.equal(sb.control.requests[sb.control.requests.length - 2].fileId, '文'.repeat(64));
    });

    it('names a new spreadsheet\'s first sheet after lang / Accept-Language', async () => {
      await ok(sb, 'POST', '/sdk/v2/api/files', { query: 'lang=en', body: { type: 'spreadsheet', fileId: 's-en' } }, 204);
      await ok(sb, 'POST', '/sdk/v2/api/files', { headers: { 'Accept-Language': 'ja,en;q=0.8' }, body: { type: 'spreadsheet', fileId: 's-ja' } }, 204);
      assert.deepEqual(sb.control.sheetNames('s-en'), ['Sheet1']);
      assert.deepEqual(sb.control.sheetNames('s-ja'), ['シート1']);
      assert.equal(sb.control.file('s-en')?.title, 'Untitled');
    });

    it('copies through /shimo-files, /collab-files and /api/files (204); a repeat is 204, a foreign target 400 70016', async () => {
      await ok(sb, 'POST', `/sdk/v2/shimo-files/${WEEKLY}/copy`, { body: { fileId: 'copy-1' } }, 204);
      await ok(sb, 'POST', `/sdk/v2/collab-files/${WEEKLY}/copy`, { body: { fileId: 'copy-2' } }, 204);
      await ok(sb, 'POST', `/sdk/v2/api/files/${SALES}/copy`, { body: { fileId: 'copy-3' } }, 204);
      assert.equal(sb.control.text('copy-1'), sb.control.text(WEEKLY));
      assert.equal(sb.control.file('copy-2')?.title, `${SHIMO_SEED.files[0].title} 副本`);
      assert.deepEqual(sb.control.sheetValues('copy-3', '销售 2024'), sb.control.sheetValues(SALES, '销售 2024'));
      await ok(sb, 'POST', `/sdk/v2/shimo-files/${WEEKLY}/copy`, { body: { fileId: 'copy-1' } }, 204);
      assert.deepEqual(await fails(sb, 'POST', `/sdk/v2/shimo-files/${WEEKLY}/copy`, { body: { fileId: SALES } }, 400, 70016), {
        code: 70016, message: 'the target file id exists, but no copy task of this source created it',
      });
      await fails(sb, 'POST', `/sdk/v2/collab-files/${SALES}/copy`, { body: { fileId: 'copy-1' } }, 400, 70016);
      await fails(sb, 'POST', '/sdk/v2/shimo-files/no-such-file/copy', { body: { fileId: 'copy-4' } }, 404, 40401);
      await fails(sb, 'POST', `/sdk/v2/shimo-files/${WEEKLY}/copy`, { body: {} }, 400, 40000);
      const log = sb.control.requests.slice(-8, -5);
      assert.deepEqual(log.map((e) => e.family), ['shimo-files', 'collab-files', 'api']);
    });

    it('deletes (204); the file is gone for every API and its id stays used', async () => {
      await ok(sb, 'DELETE', `/sdk/v2/api/files/${WEEKLY}`, {}, 204);
      assert.equal(sb.control.file(WEEKLY)?.deleted, true);
      assert.ok(!sb.control.fileIds().includes(WEEKLY));
      for (const p of ['plain-text', 'revisions', 'doc-sidebar-info', 'mention-at-list']) await fails(sb, 'GET', `/sdk/v2/collab-files/${WEEKLY}/${p}`, {}, 404, 40401);
      await fails(sb, 'DELETE', `/sdk/v2/api/files/${WEEKLY}`, {}, 404, 40401);
      await fails(sb, 'POST', '/sdk/v2/api/files', { body: { type: 'document', fileId: WEEKLY } }, 409, 40900);
      await fails(sb, 'GET', '/sdk/v2/shimo-files/never-created/plain-text', {}, 404, 40401);
    });

    it('serves one path family only when told to', async () => {
      sb.control.setPathFamilies('collab-files');
      await fails(sb, 'GET', `/sdk/v2/shimo-files/${WEEKLY}/plain-text`, {}, 404, 40400);
      await ok(sb, 'GET', `/sdk/v2/collab-files/${WEEKLY}/plain-text`);
      await ok(sb, 'POST', `/sdk/v2/api/files/${WEEKLY}/copy`, { body: { fileId: 'c9' } }, 204);
      sb.control.setPathFamilies('shimo-files');
      await fails(sb, 'GET', `/sdk/v2/collab-files/${WEEKLY}/plain-text`, {}, 404, 40400);
      await ok(sb, 'GET', `/sdk/v2/shimo-files/${WEEKLY}/plain-text`);
      sb.control.setPathFamilies('both');
      await ok(sb, 'GET', `/sdk/v2/collab-files/${WEEKLY}/plain-text`);
    });

    it('answers plain text of documents, presentations and spreadsheets; not of tables', async () => {
      const doc = await ok(sb, 'GET', `/sdk/v2/shimo-files/${WEEKLY}/plain-text`);
      assert.deepEqual(Object.keys(doc), ['content']);
      assert.ok(doc.content.startsWith('本周工作 🗓️\n已完成\n接入石墨 SDK 沙箱\n修复 #42：文件名含 % 的编码问题'));
      assert.ok(doc.content.split('\n').every((l: string) => !l.startsWith('#') && !l.startsWith('- ')), 'no markdown markers');
      assert.equal((await ok(sb, 'GET', '/sdk/v2/collab-files/sbx-slides-launch/plain-text')).content.split('\n\n')[0], '发布会 🚀\n2024 春季新品');
      assert.match((await ok(sb, 'GET', `/sdk/v2/collab-files/${SALES}/plain-text`)).content, /^姓名\t年龄\t性别\n小明\t29\t男/);
      await fails(sb, 'GET', '/sdk/v2/collab-files/sbx-table-tracker/plain-text', {}, 400, 40003);
    });

    it('lists @mentions (documents, spreadsheets) and counts comments (spreadsheets)', async () => {
      const m = await ok(sb, 'GET', `/sdk/v2/shimo-files/${WEEKLY}/mention-at-list`);
      assert.deepEqual(m.mentionAtList.map((x: Json) => x.userId), ['1002', '1003', '1002']);
      assert.ok(m.mentionAtList.every((x: Json) => /^MODOC[0-9A-Za-z]{11}$/.test(x.atGuid) && Object.keys(x).join() === 'userId,atGuid'));
      assert.equal(new Set(m.mentionAtList.map((x: Json) => x.atGuid)).size, 3);
      assert.equal((await ok(sb, 'GET', `/sdk/v2/collab-files/${SALES}/mention-at-list`)).mentionAtList.length, 1);
      await fails(sb, 'GET', '/sdk/v2/collab-files/sbx-slides-launch/mention-at-list', {}, 400, 40003);
      assert.deepEqual(await ok(sb, 'GET', `/sdk/v2/shimo-files/${SALES}/comment-count`), { count: 3 });
      assert.deepEqual(await ok(sb, 'GET', '/sdk/v2/collab-files/sbx-sheet-budget/comment-count'), { count: 0 });
      sb.control.setCommentCount('sbx-sheet-budget', 7);
      assert.deepEqual(await ok(sb, 'GET', '/sdk/v2/collab-files/sbx-sheet-budget/comment-count'), { count: 7 });
      await fails(sb, 'GET', `/sdk/v2/collab-files/${WEEKLY}/comment-count`, {}, 400, 40003);
    });
  });

  describe('versions and sidebar history', () => {
    it('lists versions as {revisions: [...]} with the reference\'s fields', async () => {
      const r = await ok(sb, 'GET', `/sdk/v2/collab-files/${WEEKLY}/revisions`);
      assert.deepEqual(Object.keys(r), ['revisions']);
      assert.equal(r.revisions.length, 2);
      const [first, second] = r.revisions;
      assert.deepEqual(Object.keys(first).sort(), ['createdAt', 'docHistoryId', 'id', 'label', 'title', 'updatedAt', 'user']);
      assert.equal(typeof first.id, 'number');
      assert.ok(second.id > first.id);
      assert.equal(first.title, '初稿');
      assert.equal(second.title, '定稿 ✅');
      assert.equal(first.label, '2024/3/12 星期二 15:00');
      assert.equal(first.createdAt, '2024-03-12T07:00:00.000Z');
      assert.deepEqual(second.user, { id: '1002', name: '张三' });
      // The version's history entry is a createRevision operation.
      const h = await ok(sb, 'GET', `/sdk/v2/shimo-files/${WEEKLY}/doc-sidebar-info`, { query: 'historyType=1' });
      assert.deepEqual(h.histories.map((x: Json) => x.id), [first.docHistoryId, second.docHistoryId]);
      assert.deepEqual(h.histories.map((x: Json) => JSON.parse(x.content)), [{ action: 'createRevision' }, { action: 'createRevision' }]);
      const id = sb.control.createRevision(WEEKLY, '第三版 #3');
      const again = await ok(sb, 'GET', `/sdk/v2/shimo-files/${WEEKLY}/revisions`);
      assert.deepEqual(again.revisions.map((x: Json) => [x.id, x.title]).slice(-1), [[id, '第三版 #3']]);
    });

    it('pages the sidebar history with pageSize/count and filters by historyType', async () => {
      const p = `/sdk/v2/shimo-files/${SALES}/doc-sidebar-info`;
      const all = await ok(sb, 'GET', p);
      assert.equal(all.histories.length, 5);
      assert.equal(all.isLastPage, true);
      assert.equal(all.limit, 10);
      assert.deepEqual(Object.keys(all.histories[0]).sort(), ['content', 'createdAt', 'historyType', 'id', 'name', 'updatedAt', 'userId']);
      assert.deepEqual(all.users, { 1001: '沙箱用户 Sandbox User', 1002: '张三' });
      assert.match(all.histories[0].createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const times = all.histories.map((h: Json) => h.createdAt);
      assert.deepEqual(times, [...times].sort(), 'oldest first');
      const page1 = await ok(sb, 'GET', p, { query: 'pageSize=2&count=0' });
      const page3 = await ok(sb, 'GET', p, { query: 'pageSize=2&count=4' });
      assert.deepEqual(page1.histories.map((h: Json) => h.id), all.histories.slice(0, 2).map((h: Json) => h.id));
      assert.equal(page1.isLastPage, false);
      assert.equal(page1.limit, 2);
      assert.deepEqual(page3.histories.map((h: Json) => h.id), [all.histories[4].id]);
      assert.equal(page3.isLastPage, true);
      const ops = await ok(sb, 'GET', p, { query: 'historyType=1' });
      assert.deepEqual(ops.histories.map((h: Json) => JSON.parse(h.content).action), ['lock_sheet', 'unlock_cell', 'createRevision']);
      const edits = await ok(sb, 'GET', p, { query: 'historyType=2&pageSize=0&count=0' });
      assert.ok(edits.histories.every((h: Json) => h.historyType === 2));
      assert.equal(edits.histories.length, 2);
      await fails(sb, 'GET', p, { query: 'historyType=3' }, 400, 40000);
      await fails(sb, 'GET', p, { query: 'count=-1' }, 400, 40000);
    });
  });

  describe('sheets', () => {
    const sales = values(SALES);

    it('reads A1 ranges of sheets with Chinese names; a bare sheet name is its used range', async () => {
      assert.deepEqual(await ok(sb, 'GET', sales, { query: rangeQ('工作表1!A1:C3') }), { values: [['姓名', '年龄', '性别'], ['小明', 29, '男'], ['小强', 18, '男']] });
      assert.deepEqual(await ok(sb, 'GET', sales, { query: rangeQ('工作表1!B2') }), { values: [[29]] });
      assert.deepEqual(await ok(sb, 'GET', sales, { query: rangeQ('工作表1!c4:a3') }), { values: [['小强', 18, '男'], ['小兰', 20, '女']] });
      assert.deepEqual(await ok(sb, 'GET', sales, { query: rangeQ('工作表1!C4:D5') }), { values: [['女', null], [null, null]] });
      const whole = await ok(sb, 'GET', sales, { query: rangeQ('销售 2024') });
      assert.deepEqual(whole.values[0], ['月份', '销售额', '增长率', '日期']);
      assert.deepEqual(whole.values[3], ['3月 🌸', 15870, null, 45352]);
      assert.deepEqual(await ok(sb, 'GET', values('sbx-sheet-budget'), { query: rangeQ("'Q1!: ''预算'''!A1:B2") }), { values: [['季度', '预算'], ['Q1', 30000]] });
      // The header form of the credentials works the same.
      assert.deepEqual(await ok(sb, 'GET', sales, { query: rangeQ('工作表1!A4'), auth: 'header' }), { values: [['小兰']] });
    });

    it('refuses malformed ranges, unknown sheets, starts outside the grid and non-spreadsheets', async () => {
      for (const range of ['', 'A1:C3', '工作表1!', '工作表1!A', '工作表1!A0', 'Q1!: x!A1', "'Q1!A1", "'工作表1'x", '工作表1!A:C', '工作表1!1:3']) {
        await fails(sb, 'GET', sales, { query: rangeQ(range) }, 400, 40001);
      }
      await fails(sb, 'GET', sales, {}, 400, 40001);
      await fails(sb, 'GET', sales, { query: rangeQ('工作表9!A1') }, 404, 40402);
      await fails(sb, 'GET', sales, { query: rangeQ('工作表1!A201') }, 400, 40001);
      await fails(sb, 'GET', sales, { query: rangeQ('工作表1!AA1') }, 400, 40001);
      assert.equal((await ok(sb, 'GET', sales, { query: rangeQ('工作表1!Z199:AZ999') })).values.length, 2);
      await fails(sb, 'GET', values(WEEKLY), { query: rangeQ('工作表1!A1') }, 400, 40003);
      await fails(sb, 'GET', values('sbx-table-tracker'), { query: rangeQ('任务!A1') }, 400, 40003);
      await fails(sb, 'GET', values('nope'), { query: rangeQ('工作表1!A1') }, 404, 40401);
    });

    it('updates (POST, 204): each edit bumps the revision and records an edit history entry', async () => {
      const before = sb.control.file(SALES)!.revision;
      const histories = (await ok(sb, 'GET', `/sdk/v2/shimo-files/${SALES}/doc-sidebar-info`, { query: 'historyType=2&pageSize=100' })).histories.length;
      await ok(sb, 'POST', sales, { body: { range: '工作表1!A1:C3', resource: { values: [['第一行第一列的值', '第一行第二列的值'], ['第二行第一列的值', '']] } } }, 204);
      assert.equal(sb.control.file(SALES)!.revision, before + 1);
      assert.deepEqual(sb.control.sheetValues(SALES, '工作表1').slice(0, 3), [['第一行第一列的值', '第一行第二列的值', '性别'], ['第二行第一列的值', '', '男'], ['小强', '18', '男']]);
      await ok(sb, 'POST', sales, { body: { range: '销售 2024!E1', resource: { values: [['备注', true, 1.5, null]] } } }, 204);
      assert.deepEqual((await ok(sb, 'GET', sales, { query: rangeQ('销售 2024!E1:H1') })).values, [['备注', true, 1.5, null]]);
      const h = await ok(sb, 'GET', `/sdk/v2/shimo-files/${SALES}/doc-sidebar-info`, { query: 'historyType=2&pageSize=100' });
      assert.equal(h.histories.length, histories + 2);
      const last = h.histories[h.histories.length - 1];
      assert.equal(last.userId, sb.control.userId);
      assert.deepEqual(JSON.parse(last.content), { range: [before + 1, before + 2], changeset: 'update 销售 2024!E1:H1' });
      // Too many values for a bounded range, bad values, no resource.
      await fails(sb, 'POST', sales, { body: { range: '工作表1!A1:B1', resource: { values: [['a', 'b', 'c']] } } }, 400, 40001);
      await fails(sb, 'POST', sales, { body: { range: '工作表1!A1', resource: { values: [[{ x: 1 }]] } } }, 400, 40000);
      await fails(sb, 'POST', sales, { body: { range: '工作表1!A1', resource: { values: [] } } }, 400, 40000);
      await fails(sb, 'POST', sales, { body: { range: '工作表1!A1' } }, 400, 40000);
      await fails(sb, 'POST', sales, { body: { range: '工作表1!A999', resource: { values: [['x']] } } }, 400, 40001);
      assert.equal(sb.control.file(SALES)!.revision, before + 2, 'refused edits change nothing');
    });

    it('appends (PUT, 204) below the last row with data, inserting rows inside a range', async () => {
      await ok(sb, 'PUT', sales, { body: { range: '工作表1', resource: { values: [['小红', 25, '女']] } } }, 204);
      assert.deepEqual(sb.control.sheetValues(SALES, '工作表1').slice(3), [['小兰', '20', '女'], ['小红', '25', '女']]);
      // Rows 1-5 hold data; B7 too. Appending at A1 inserts below row 5: the B7 row moves down.
      await ok(sb, 'POST', sales, { body: { range: '工作表1!B7', resource: { values: [['下方']] } } }, 204);
      await ok(sb, 'PUT', sales, { body: { range: '工作表1!A1:C3', resource: { values: [['追加1', 1], ['追加2', 2]] } } }, 204);
      const rows = sb.control.sheetValues(SALES, '工作表1');
      assert.deepEqual(rows.slice(5), [['追加1', '1', ''], ['追加2', '2', ''], ['', '', ''], ['', '下方', '']]);
      // From C: values start at the first cell's column; new columns are added.
      await ok(sb, 'PUT', values('sbx-sheet-budget'), { body: { range: '工作表1!C2', resource: { values: [['x', 'y', 'z', 'w']] } } }, 204);
      assert.deepEqual(sb.control.sheetValues('sbx-sheet-budget', '工作表1')[3], ['', '', 'x', 'y', 'z', 'w']);
    });

    it('deletes rows (0-based index, count) and adds sheets, 204 each', async () => {
      const rows = (name: string) => `/sdk/v2/api/files/${SALES}/sheets/${enc(name)}/rows`;
      await ok(sb, 'DELETE', `${rows('工作表1')}/1`, {}, 204);
      assert.deepEqual(sb.control.sheetValues(SALES, '工作表1').map((r) => r[0]), ['姓名', '小强', '小兰']);
      await ok(sb, 'DELETE', `${rows('销售 2024')}/1`, { query: 'count=2' }, 204);
      assert.deepEqual(sb.control.sheetValues(SALES, '销售 2024').map((r) => r[0]), ['月份', '3月 🌸']);
      await fails(sb, 'DELETE', `${rows('工作表1')}/0`, { query: 'count=0' }, 400, 40000);
      await fails(sb, 'DELETE', `${rows('工作表1')}/x`, {}, 400, 40000);
      await fails(sb, 'DELETE', `${rows('工作表1')}/5000`, {}, 400, 40001);
      await fails(sb, 'DELETE', `${rows('没有')}/0`, {}, 404, 40402);
      const budgetRows = `/sdk/v2/api/files/sbx-sheet-budget/sheets/${enc("Q1!: '预算'")}/rows/0`;
      await ok(sb, 'DELETE', budgetRows, {}, 204);
      assert.deepEqual(sb.control.sheetValues('sbx-sheet-budget', "Q1!: '预算'"), [['Q1', '30000']]);

      const before = sb.control.file(SALES)!.revision;
      await ok(sb, 'POST', `/sdk/v2/api/files/${SALES}/sheets`, { body: { name: '工作表2' } }, 204);
      await ok(sb, 'POST', `/sdk/v2/api/files/${SALES}/sheets/`, { body: { name: '汇总 #1 50%' } }, 204);
      assert.deepEqual(sb.control.sheetNames(SALES), ['工作表1', '销售 2024', '工作表2', '汇总 #1 50%']);
      assert.equal(sb.control.file(SALES)!.revision, before + 2);
      assert.deepEqual(await ok(sb, 'GET', sales, { query: rangeQ('汇总 #1 50%') }), { values: [] });
      await ok(sb, 'POST', sales, { body: { range: '汇总 #1 50%!A1', resource: { values: [['ok']] } } }, 204);
      assert.deepEqual(await ok(sb, 'GET', sales, { query: rangeQ('汇总 #1 50%') }), { values: [['ok']] });
      await fails(sb, 'POST', `/sdk/v2/api/files/${SALES}/sheets`, { body: { name: '工作表2' } }, 409, 40901);
      await fails(sb, 'POST', `/sdk/v2/api/files/${SALES}/sheets`, { body: { name: '' } }, 400, 40000);
      await fails(sb, 'POST', `/sdk/v2/api/files/${WEEKLY}/sheets`, { body: { name: 'x' } }, 400, 40003);
    });

    it('shows another user\'s edits (control) through the API, with their revision and history', async () => {
      const before = sb.control.file(SALES)!.revision;
      sb.control.setSheetValues(SALES, '工作表1', [['名', '分'], ['甲', '90'], ['乙', '007']]);
      assert.equal(sb.control.file(SALES)!.revision, before + 1);
      assert.deepEqual(await ok(sb, 'GET', sales, { query: rangeQ('工作表1') }), { values: [['名', '分'], ['甲', 90], ['乙', '007']] });
      sb.control.setText(WEEKLY, '新的第一行\n第二行');
      assert.deepEqual(await ok(sb, 'GET', `/sdk/v2/collab-files/${WEEKLY}/plain-text`), { content: '新的第一行\n第二行' });
      const h = await ok(sb, 'GET', `/sdk/v2/collab-files/${WEEKLY}/doc-sidebar-info`, { query: 'pageSize=100' });
      assert.equal(h.histories[h.histories.length - 1].userId, '1002');
    });
  });

  describe('seats and the app', () => {
    const lic = { license: true };

    it('answers the app detail and updates the endpoint URL (204)', async () => {
      const app = await ok(sb, 'GET', `/sdk/v2/api/license/apps/${enc(sb.appId)}`, lic);
      assert.deepEqual(Object.keys(app), ['appName', 'availableFileTypes', 'premiumFileTypes', 'activatedUserCount', 'userCount', 'memberLimit', 'validFrom', 'validUntil', 'endpointUrl']);
      assert.deepEqual(app.availableFileTypes, ['document', 'documentPro', 'spreadsheet', 'presentation', 'table']);
      assert.equal(app.activatedUserCount, 3);
      assert.equal(app.userCount, 6);
      assert.equal(app.memberLimit, 10);
      assert.match(app.validFrom, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(app.endpointUrl, '');
      await ok(sb, 'PUT', `/sdk/v2/api/license/apps/${enc(sb.appId)}/endpoint-url`, { ...lic, body: { url: 'http://127.0.0.1:9/shimo-callback' } }, 204);
      assert.equal(sb.control.endpointUrl, 'http://127.0.0.1:9/shimo-callback');
      assert.equal((await ok(sb, 'GET', `/sdk/v2/api/license/apps/${enc(sb.appId)}`, lic)).endpointUrl, 'http://127.0.0.1:9/shimo-callback');
      await fails(sb, 'PUT', `/sdk/v2/api/license/apps/${enc(sb.appId)}/endpoint-url`, { ...lic, body: { url: 'not a url' } }, 400, 40000);
      await fails(sb, 'PUT', `/sdk/v2/api/license/apps/${enc(sb.appId)}/endpoint-url`, { body: { url: 'http://x' } }, 403, 40300);
      await fails(sb, 'GET', '/sdk/v2/api/license/apps/another-app', lic, 404, 40404);
    });

    it('lists users with their seat status in pages', async () => {
      const all = await ok(sb, 'GET', '/sdk/v2/api/license/users', { ...lic, query: 'page=1&size=30' });
      assert.deepEqual(all.map((u: Json) => [u.userId, u.status]), SHIMO_SEED.users.map((u) => [u.userId, u.status]));
      assert.deepEqual(Object.keys(all[0]), ['userId', 'createdAt', 'status']);
      assert.match(all[0].createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      assert.deepEqual(sb.control.seats(), all);
      const p2 = await ok(sb, 'GET', '/sdk/v2/api/license/users', { ...lic, query: 'page=2&size=4' });
      assert.deepEqual(p2.map((u: Json) => u.userId), ['1005', '1006']);
      assert.deepEqual(await ok(sb, 'GET', '/sdk/v2/api/license/users', { ...lic, query: 'page=3&size=4' }), []);
      await fails(sb, 'GET', '/sdk/v2/api/license/users', { ...lic, query: 'page=1' }, 400, 40000);
      await fails(sb, 'GET', '/sdk/v2/api/license/users', { ...lic, query: 'page=0&size=10' }, 400, 40000);
      await fails(sb, 'GET', '/sdk/v2/api/license/users', { query: 'page=1&size=10' }, 403, 40300);
    });

    it('activates and deactivates seats (204) within the seat limit', async () => {
      const small = await startShimoSandbox({ seatLimit: 5 });
      try {
        const status = async () => Object.fromEntries((await ok(small, 'GET', '/sdk/v2/api/license/users', { ...lic, query: 'page=1&size=100' })).map((u: Json) => [u.userId, u.status]));
        await ok(small, 'POST', '/sdk/v2/api/license/users/activate', { ...lic, body: { userIds: ['1004', '1005'] } }, 204);
        assert.deepEqual(await status(), { 1001: 1, 1002: 1, 1003: 1, 1004: 1, 1005: 1, 1006: -1 });
        // All or nothing: a sixth active user does not fit.
        await fails(small, 'POST', '/sdk/v2/api/license/users/activate', { ...lic, body: { userIds: ['1006', 'new-user'] } }, 403, 40301);
        assert.equal((await status())['1006'], -1);
        await ok(small, 'POST', '/sdk/v2/api/license/users/deactivate', { ...lic, body: { userIds: ['1003', 'unknown'] } }, 204);
        await ok(small, 'POST', '/sdk/v2/api/license/users/activate', { ...lic, body: { userIds: ['new-user', '1001'] } }, 204);
        assert.deepEqual(await status(), { 1001: 1, 1002: 1, 1003: 0, 1004: 1, 1005: 1, 1006: -1, 'new-user': 1 });
        assert.equal((await ok(small, 'GET', `/sdk/v2/api/license/apps/${enc(small.appId)}`, lic)).activatedUserCount, 5);
        await fails(small, 'POST', '/sdk/v2/api/license/users/activate', { ...lic, body: { userIds: [] } }, 400, 40000);
        await fails(small, 'POST', '/sdk/v2/api/license/users/activate', { ...lic, body: { userIds: [1] } }, 400, 40000);
      } finally {
        await small.close();
      }
    });

    it('refuses the calls of a deactivated user (403 40302) until the seat is activated again', async () => {
      const p = `/sdk/v2/shimo-files/${WEEKLY}/plain-text`;
      await ok(sb, 'POST', '/sdk/v2/api/license/users/deactivate', { ...lic, body: { userIds: [sb.control.userId] } }, 204);
      await fails(sb, 'GET', p, {}, 403, 40302);
      await fails(sb, 'POST', '/sdk/v2/api/files', { body: { type: 'document', fileId: 'x' } }, 403, 40302);
      await ok(sb, 'POST', '/sdk/v2/api/license/users/activate', { ...lic, body: { userIds: [sb.control.userId] } }, 204);
      await ok(sb, 'GET', p);
    });
  });

  describe('preview', () => {
    it('needs the integrator\'s callback server: create fails and the page says so until an endpoint URL is set', async () => {
      assert.deepEqual(Object.keys(await ok(sb, 'POST', '/sdk/v2/api/cloud-files/cloud-1/create')), ['code', 'message']);
      const failed = await ok(sb, 'POST', '/sdk/v2/api/cloud-files/cloud-1/create');
      assert.equal(failed.code, '90010');
      assert.match(failed.message, /endpointUrl/);
      const page = await call(sb, 'GET', '/sdk/v2/api/cloud-files/cloud-1/page', { query: 'lang=zh-CN' });
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(page.text, /callback server/);
      assert.match(page.text, /回调服务/);
      await ok(sb, 'PUT', `/sdk/v2/api/license/apps/${enc(sb.appId)}/endpoint-url`, { license: true, body: { url: 'http://127.0.0.1:9/cb' } }, 204);
      assert.deepEqual(await ok(sb, 'POST', '/sdk/v2/api/cloud-files/cloud-1/create'), { code: '', message: '' });
      const later = await call(sb, 'GET', '/sdk/v2/api/cloud-files/cloud-1/page', { auth: 'header' });
      assert.match(later.text, /http:\/\/127\.0\.0\.1:9\/cb/);
      assert.match(later.text, /does not call callback servers/);
      await fails(sb, 'GET', '/sdk/v2/api/cloud-files/cloud-1/page', { token: null }, 401, 40105);
    });
  });

  describe('misbehaviour and the request log', () => {
    const p = `/sdk/v2/collab-files/${WEEKLY}/plain-text`;

    it('fails, drops and malforms the next requests, then recovers', async () => {
      sb.control.failNext(1, { status: 429, retryAfterSec: 3 });
      const r = await call(sb, 'GET', p);
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '3');
      assert.deepEqual(r.json, { code: 42900, message: 'too many requests' });
      sb.control.failNext(2, { status: 503, pathIncludes: '/revisions' });
      await ok(sb, 'GET', p);
      assert.equal((await call(sb, 'GET', `/sdk/v2/collab-files/${WEEKLY}/revisions`)).status, 503);
      assert.equal((await call(sb, 'GET', `/sdk/v2/collab-files/${WEEKLY}/revisions`)).status, 503);
      await ok(sb, 'GET', `/sdk/v2/collab-files/${WEEKLY}/revisions`);
      sb.control.dropNextRequests(1);
      await assert.rejects(fetch(`${sb.host}${p}`));
      assert.equal(sb.control.requests[sb.control.requests.length - 1].status, 0);
      sb.control.malformNext(1);
      const bad = await call(sb, 'GET', p);
      assert.equal(bad.status, 200);
      assert.equal(bad.json, undefined);
      sb.control.failNext(5, { status: 500 });
      sb.control.resetMisbehaviour();
      await ok(sb, 'GET', p);
      sb.control.setLatency(150);
      const slow = Date.now();
      await ok(sb, 'GET', p);
      assert.ok(Date.now() - slow >= 140, 'latency delays the answer');
    });

    it('counts requests and lists those since a mark', async () => {
      const mark = sb.control.requestCount;
      await ok(sb, 'GET', p);
      await call(sb, 'GET', '/sdk/v2/api/nothing');
      await ok(sb, 'POST', '/sdk/v2/api/files', { body: { type: 'document', fileId: 'logged-1' } }, 204);
      const since = sb.control.requestsSince(mark);
      assert.equal(sb.control.requestCount, mark + 3);
      assert.deepEqual(since.map((e) => [e.method, e.status, e.fileId, e.family]), [
        ['GET', 200, WEEKLY, 'collab-files'], ['GET', 404, undefined, 'api'], ['POST', 204, 'logged-1', 'api'],
      ]);
      assert.ok(since.every((e) => typeof e.at === 'number' && e.at > 0));
    });
  });

  it('serves the /__sandbox/ control routes only when asked to', async () => {
    assert.equal((await fetch(`${sb.host}/__sandbox/state`)).status, 404);
    const cr = await startShimoSandbox({ controlRoutes: true });
    try {
      const post = (p: string, body: unknown) => fetch(`${cr.host}${p}`, { method: 'POST', body: JSON.stringify(body) });
      const state = await (await fetch(`${cr.host}/__sandbox/state`)).json() as Json;
      assert.equal(state.appId, cr.appId);
      assert.deepEqual(state.files.map((f: Json) => f.id), SHIMO_SEED.files.map((f) => f.id));
      assert.equal(state.seats.length, SHIMO_SEED.users.length);
      assert.equal((await post('/__sandbox/text', { fileId: WEEKLY, text: '远程修改' })).status, 200);
      assert.deepEqual(await ok(cr, 'GET', `/sdk/v2/collab-files/${WEEKLY}/plain-text`), { content: '远程修改' });
      assert.equal((await post('/__sandbox/sheet', { fileId: SALES, sheet: '新表', values: [['a', '1']] })).status, 200);
      assert.deepEqual(await ok(cr, 'GET', values(SALES), { query: rangeQ('新表') }), { values: [['a', 1]] });
      const back = await (await fetch(`${cr.host}/__sandbox/sheet?fileId=${SALES}&sheet=${enc('新表')}`)).json() as Json;
      assert.deepEqual(back, { values: [['a', '1']] });
      const bad = await post('/__sandbox/text', { fileId: 'nope', text: 'x' });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as Json).message, /no file nope/);
    } finally {
      await cr.close();
    }
  });

  it('starts empty without the seed (only the token\'s user, active)', async () => {
    const empty = await startShimoSandbox({ seed: false, appId: 'my-app', appSecret: 'my-secret', userToken: 'my-token' });
    try {
      assert.deepEqual(empty.control.fileIds(), []);
      assert.equal(empty.appId, 'my-app');
      assert.equal(empty.appSecret, 'my-secret');
      assert.equal(empty.userToken, 'my-token');
      await fails(empty, 'GET', `/sdk/v2/shimo-files/${WEEKLY}/plain-text`, {}, 404, 40401);
      const users = await ok(empty, 'GET', '/sdk/v2/api/license/users', { license: true, query: 'page=1&size=10' });
      assert.deepEqual(users.filter((u: Json) => u.status === 1).map((u: Json) => u.userId), ['1001']);
    } finally {
      await empty.close();
    }
  });

  it('seeds the files SHIMO_SEED lists, with odd titles, and mints canary-style secrets per start', async () => {
    assert.deepEqual(sb.control.fileIds(), SHIMO_SEED.files.map((f) => f.id));
    for (const f of SHIMO_SEED.files) assert.deepEqual(sb.control.file(f.id), { id: f.id, type: f.type, title: f.title, revision: sb.control.file(f.id)!.revision, deleted: false });
    assert.ok(SHIMO_SEED.files.some((f) => /[#%]/.test(f.title) && /\p{Extended_Pictographic}/u.test(f.title)));
    for (const [id, names] of Object.entries(SHIMO_SEED.sheets)) assert.deepEqual(sb.control.sheetNames(id), names);
    const other = await startShimoSandbox({ seed: false });
    try {
      assert.notEqual(other.appSecret, sb.appSecret);
      assert.notEqual(other.userToken, sb.userToken);
      if (process.env.DOC_WORKSPACES_SANDBOX_CANARY === '1') assert.ok(sb.appSecret.startsWith('CaNaRy') && sb.userToken.startsWith('CaNaRy'));
      // A signature of one sandbox does not open the other.
      await fails(other, 'GET', '/sdk/v2/api/license/users', { license: true, query: 'page=1&size=1', signature: sign(sb, { scope: 'license' }) }, 401, 40101);
    } finally {
      await other.close();
    }
  });
});
