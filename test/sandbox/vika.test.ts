import * as assert from 'node:assert/strict';
import { startVikaSandbox, VIKA_SEED, type VikaSandbox } from '../../src/sandbox';
import { data, enc, failure, vika, type Json } from './vika-helpers';

/** The Vika fusion API v1 emulator over real HTTP (global fetch), against the vendor reference. */

const byNumber = (recs: Json[]) => recs.map((r) => r.fields.编号 as number);

describe('vika sandbox: HTTP API', function () {
  this.timeout(20_000);
  let sb: VikaSandbox;
  let tasks: string;
  let space: string;

  beforeEach(async () => {
    sb = await startVikaSandbox({ extraTokens: ['uskSecondToken'] });
    // Most tests make many quick requests to one datasheet; the limiter has its own tests below.
    sb.control.setRateLimit(0);
    tasks = sb.control.datasheetId(VIKA_SEED.tasks)!;
    space = sb.control.spaces().find((s) => s.name === VIKA_SEED.space)!.id;
  });
  afterEach(async () => {
    await sb.close();
  });

  describe('authentication, envelope, routes', () => {
    it('answers 401 身份认证失败 without a token or with a wrong one', async () => {
      for (const token of [null, 'uskNotAToken', '']) {
        const r = await vika(sb, 'GET', `/datasheets/${tasks}/records`, { token });
        assert.equal(r.status, 401);
        assert.deepEqual(r.json, { success: false, code: 401, message: '身份认证失败' });
      }
      const basic = await fetch(`${sb.host}/fusion/v1/spaces`, { headers: { Authorization: `Basic ${sb.token}` } });
      assert.equal(basic.status, 401);
    });

    it('wraps data in {success, code, message, data}', async () => {
      const r = await vika(sb, 'GET', '/spaces');
      assert.equal(r.status, 200);
      assert.deepEqual(Object.keys(r.json), ['success', 'code', 'message', 'data']);
      assert.equal(r.json.success, true);
      assert.equal(r.json.code, 200);
      assert.equal(r.json.message, 'SUCCESS');
      assert.deepEqual(r.json.data.spaces.map((s: Json) => s.name), [VIKA_SEED.space, VIKA_SEED.secondSpace]);
      assert.equal(r.json.data.spaces[0].isAdmin, true);
      assert.match(r.json.data.spaces[0].id, /^spc[0-9A-Za-z]{10}$/);
    });

    it('answers 404 接口不存在 for unknown paths and methods, HTTP 200 / code 301 for an unknown datasheet', async () => {
      for (const [method, path] of [['GET', '/nothing'], ['GET', `/datasheets/${tasks}`], ['PUT', `/datasheets/${tasks}/records`], ['POST', '/spaces']]) {
        assert.equal(await failure(sb, method, path, {}, 404, 404), '接口不存在');
      }
      assert.equal((await fetch(`${sb.host}/v1/spaces`)).status, 404);
      assert.equal(await failure(sb, 'GET', '/datasheets/dstNoSuchSheet0000/records', {}, 200, 301), '找不到指定的维格表');
      await failure(sb, 'GET', '/datasheets/dstNoSuchSheet0000/fields', {}, 200, 301);
      await failure(sb, 'POST', '/datasheets/dstNoSuchSheet0000/records', { body: { records: [{ fields: {} }] } }, 200, 301);
      // A datasheet of another space under /spaces/{spaceId}/...
      const other = sb.control.spaces().find((s) => s.name === VIKA_SEED.secondSpace)!.id;
      await failure(sb, 'POST', `/spaces/${other}/datasheets/${tasks}/fields`, { body: { name: 'x', type: 'Text' } }, 200, 301);
    });
  });

  describe('GET records: pages', () => {
    it('pages with pageSize / pageNum (default 100 / 1) and reports the total', async () => {
      const first = await data(sb, 'GET', `/datasheets/${tasks}/records`);
      assert.deepEqual([first.total, first.pageSize, first.pageNum, first.records.length], [300, 100, 1, 100]);
      assert.deepEqual(Object.keys(first.records[0]), ['recordId', 'fields', 'createdAt', 'updatedAt']);
      assert.match(first.records[0].recordId, /^rec[0-9A-Za-z]{10}$/);
      const p3 = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: 'pageSize=7&pageNum=3' });
      assert.deepEqual([p3.total, p3.pageSize, p3.pageNum], [300, 7, 3]);
      assert.deepEqual(byNumber(p3.records), [15, 16, 17, 18, 19, 20, 21]);
      const last = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: 'pageSize=1000' });
      assert.equal(last.records.length, 300);
      const past = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: 'pageSize=100&pageNum=4' });
      assert.deepEqual([past.total, past.records.length, past.pageNum], [300, 0, 4]);
    });

    it('refuses pageSize outside 1..1000 and a bad pageNum with code 400 naming the parameter', async () => {
      for (const q of ['pageSize=0', 'pageSize=1001', 'pageSize=abc', 'pageSize=-1', 'pageSize=2.5']) {
        assert.match(await failure(sb, 'GET', `/datasheets/${tasks}/records`, { query: q }, 200, 400), /pageSize/);
      }
      assert.match(await failure(sb, 'GET', `/datasheets/${tasks}/records`, { query: 'pageNum=0' }, 200, 400), /pageNum/);
      assert.match(await failure(sb, 'GET', `/datasheets/${tasks}/records`, { query: 'maxRecords=0' }, 200, 400), /maxRecords/);
    });

    it('caps the total with maxRecords', async () => {
      const all = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: 'maxRecords=10' });
      assert.deepEqual([all.total, all.records.length], [10, 10]);
      const p4 = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: 'maxRecords=10&pageSize=3&pageNum=4' });
      assert.deepEqual([p4.total, ...byNumber(p4.records)], [10, 10]);
      const p5 = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: 'maxRecords=10&pageSize=3&pageNum=5' });
      assert.deepEqual([p5.total, p5.records.length], [10, 0]);
    });

    it('pages the generated 50 000-row sheet with pageSize=1000; page 51 is empty', async () => {
      const big = sb.control.datasheetId(VIKA_SEED.big)!;
      const seen = new Set<string>();
      for (let page = 1; page <= 51; page++) {
        const d = await data(sb, 'GET', `/datasheets/${big}/records`, { query: `pageSize=1000&pageNum=${page}` });
        assert.equal(d.total, 50_000);
        assert.equal(d.records.length, page <= 50 ? 1000 : 0, `page ${page}`);
        for (const r of d.records) seen.add(r.recordId);
        if (page === 50) assert.equal(d.records[999].fields.序号, 50_000);
      }
      assert.equal(seen.size, 50_000);
      const fields = await data(sb, 'GET', `/datasheets/${big}/fields`);
      assert.deepEqual(fields.fields.map((f: Json) => f.name), ['标题', '序号', '分组', '完成']);
    }).timeout(60_000);
  });

  describe('GET records: query forms', () => {
    it('takes recordIds as brackets, encoded brackets, indices, repeats, commas and JSON, in the order given', async () => {
      const recs = sb.control.records(tasks);
      const [a, b, c] = [recs[5].recordId, recs[1].recordId, recs[42].recordId];
      const forms = [
        `recordIds[]=${a}&recordIds[]=${b}&recordIds[]=${c}`,
        `recordIds%5B%5D=${a}&recordIds%5B%5D=${b}&recordIds%5B%5D=${c}`,
        `recordIds[2]=${c}&recordIds[0]=${a}&recordIds[1]=${b}`,
        `recordIds%5B0%5D=${a}&recordIds%5B1%5D=${b}&recordIds%5B2%5D=${c}`,
        `recordIds=${a}&recordIds=${b}&recordIds=${c}`,
        `recordIds=${a},${b},${c}`,
        `recordIds=${enc(JSON.stringify([a, b, c]))}`,
      ];
      for (const q of forms) {
        const d = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: q });
        assert.deepEqual(d.records.map((r: Json) => r.recordId), [a, b, c], q);
        assert.equal(d.total, 3);
      }
      const unknown = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: `recordIds[]=${a}&recordIds[]=recNoSuchRec00` });
      assert.deepEqual(unknown.records.map((r: Json) => r.recordId), [a]);
    });

    it('takes fields in every array form and answers only those fields', async () => {
      const forms = [
        `fields[]=${enc('任务')}&fields[]=${enc('状态')}`,
        `fields%5B%5D=${enc('任务')}&fields%5B%5D=${enc('状态')}`,
        `fields[1]=${enc('状态')}&fields[0]=${enc('任务')}`,
        `fields=${enc('任务')}&fields=${enc('状态')}`,
        `fields=${enc('任务,状态')}`,
      ];
      for (const q of forms) {
        const d = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: `${q}&pageSize=3` });
        assert.deepEqual(Object.keys(d.records[0].fields), ['任务', '状态'], q);
      }
      // A name with a comma goes in a bracket form.
      const tagged = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: `fields[]=${enc('标签')}&maxRecords=1` });
      assert.deepEqual(Object.keys(tagged.records[0].fields), ['标签']);
      assert.match(await failure(sb, 'GET', `/datasheets/${tasks}/records`, { query: `fields[]=${enc('没有这列')}` }, 200, 400), /没有这列/);
    });

    it('sorts with sort[][field]/[order], indexed sort[0][field], sort[field], and JSON items', async () => {
      const expected = sb.control.records(tasks)
        .map((r) => [r.fields.优先级 as number, r.fields.编号 as number])
        .sort((x, y) => y[0] - x[0] || x[1] - y[1])
        .map((x) => x[1]);
      const f1 = enc('优先级');
      const f2 = enc('编号');
      const forms = [
        `sort[][field]=${f1}&sort[][order]=desc&sort[][field]=${f2}&sort[][order]=asc`,
        `sort%5B%5D%5Bfield%5D=${f1}&sort%5B%5D%5Border%5D=desc&sort%5B%5D%5Bfield%5D=${f2}&sort%5B%5D%5Border%5D=asc`,
        `sort[0][field]=${f1}&sort[0][order]=desc&sort[1][field]=${f2}&sort[1][order]=asc`,
        `sort[1][field]=${f2}&sort[0][order]=DESC&sort[0][field]=${f1}`,
        `sort[]=${enc(JSON.stringify({ field: '优先级', order: 'desc' }))}&sort[]=${enc(JSON.stringify({ field: '编号', order: 'asc' }))}`,
        `sort=${enc(JSON.stringify([{ field: '优先级', order: 'desc' }, { field: '编号' }]))}`,
        `sort=${enc(JSON.stringify({ field: '优先级', order: 'desc' }))}&sort=${enc(JSON.stringify({ field: '编号', order: 'asc' }))}`,
      ];
      for (const q of forms) {
        const d = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: `${q}&pageSize=1000` });
        assert.deepEqual(byNumber(d.records), expected, q);
      }
      const single = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: `sort[field]=${f2}&sort[order]=desc&pageSize=2` });
      assert.deepEqual(byNumber(single.records), [300, 299]);
      assert.match(await failure(sb, 'GET', `/datasheets/${tasks}/records`, { query: `sort[][field]=${f1}&sort[][order]=up` }, 200, 400), /order/);
      assert.match(await failure(sb, 'GET', `/datasheets/${tasks}/records`, { query: `sort[][field]=${enc('无此字段')}` }, 200, 400), /无此字段/);
    });

    it('keys fields by id with fieldKey=id (response, fields, sort) and refuses names then', async () => {
      const fields = sb.control.fields(tasks);
      const id = (name: string) => fields.find((f) => f.name === name)!.id;
      const d = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: `fieldKey=id&fields[]=${id('任务')}&fields[]=${id('编号')}&sort[0][field]=${id('编号')}&sort[0][order]=desc&pageSize=2` });
      assert.deepEqual(Object.keys(d.records[0].fields), [id('任务'), id('编号')]);
      assert.equal(d.records[0].fields[id('编号')], 300);
      const msg = await failure(sb, 'GET', `/datasheets/${tasks}/records`, { query: `fieldKey=id&fields[]=${enc('任务')}` }, 200, 400);
      assert.match(msg, /任务/);
      assert.match(await failure(sb, 'GET', `/datasheets/${tasks}/records`, { query: 'fieldKey=title' }, 200, 400), /fieldKey/);
    });

    it('renders every value as text with cellFormat=string', async () => {
      const d = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: 'cellFormat=string&pageSize=3' });
      const [r1, r2, r3] = d.records.map((r: Json) => r.fields);
      for (const r of [r1, r2, r3]) for (const v of Object.values(r)) assert.equal(typeof v, 'string');
      assert.equal(r1.任务, 'T001 设计登录页');
      assert.equal(r1.预算, '¥1,000.00');
      assert.equal(r1.工时, '0.5小时');
      assert.equal(r1.截止日期, '2024/01/01');
      assert.equal(r1.标签, '前端, 设计');
      assert.equal(r1.负责人, '张三 Zhang San, 李四 Li Si');
      assert.equal(r1.所属项目, '官网改版 Website');
      assert.equal(r1.项目客户, 'ACME 公司');
      assert.equal(r1.编号, '1');
      assert.equal(r2.进度, '13%');
      assert.equal(r3.完成, '✅');
      assert.equal(r3.截止日期, '2024/01/03');
      assert.match(r1.附件, /^截图 📷\.png \(http:\/\/127\.0\.0\.1:\d+\/space\/.+\)$/);
      assert.match(r1.创建时间, /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/);
      assert.equal(r1.完成, undefined, 'an unchecked box is an empty cell');
    });

    it('follows a view: its filter and order, without its hidden fields; fields GET follows it too', async () => {
      const views = (await data(sb, 'GET', `/datasheets/${tasks}/views`)).views;
      assert.deepEqual(views.map((v: Json) => [v.name, v.type]), [[VIKA_SEED.views.all, 'Grid'], [VIKA_SEED.views.active, 'Grid'], [VIKA_SEED.views.kanban, 'Kanban']]);
      for (const v of views) assert.match(v.id, /^viw[0-9A-Za-z]{10}$/);
      const active = views[1].id;
      const expected = sb.control.records(tasks).filter((r) => r.fields.状态 === '进行中')
        .sort((x, y) => (y.fields.优先级 as number) - (x.fields.优先级 as number) || (x.fields.编号 as number) - (y.fields.编号 as number))
        .map((r) => r.fields.编号);
      const d = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: `viewId=${active}&pageSize=1000` });
      assert.equal(d.total, expected.length);
      assert.ok(expected.length > 10 && expected.length < 300);
      assert.deepEqual(byNumber(d.records), expected);
      for (const r of d.records) {
        assert.equal(r.fields.状态, '进行中');
        assert.equal('描述' in r.fields || '电话' in r.fields, false);
      }
      assert.deepEqual(Object.keys(d.records[0].fields).slice(0, 4), ['任务', '优先级', '状态', '负责人']);
      const viewFields = (await data(sb, 'GET', `/datasheets/${tasks}/fields`, { query: `viewId=${active}` })).fields.map((f: Json) => f.name);
      assert.deepEqual(viewFields.slice(0, 4), ['任务', '优先级', '状态', '负责人']);
      assert.equal(viewFields.includes('描述') || viewFields.includes('电话'), false);
      assert.equal(viewFields.length, sb.control.fields(tasks).length - 2);
      // An explicit sort replaces the view's; filterByFormula narrows it.
      const sorted = await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: `viewId=${active}&sort[0][field]=${enc('编号')}&sort[0][order]=asc&filterByFormula=${enc('{优先级} = 5')}&pageSize=1000` });
      assert.deepEqual(byNumber(sorted.records), sb.control.records(tasks).filter((r) => r.fields.状态 === '进行中' && r.fields.优先级 === 5).map((r) => r.fields.编号));
      assert.match(await failure(sb, 'GET', `/datasheets/${tasks}/records`, { query: 'viewId=viwNoSuchView0' }, 200, 400), /viwNoSuchView0/);
    });

    it('filters with the documented filterByFormula subset', async () => {
      const recs = sb.control.records(tasks);
      const count = async (formula: string) => (await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: `filterByFormula=${enc(formula)}&pageSize=1` })).total as number;
      const n = (pred: (f: Record<string, Json>) => boolean) => recs.filter((r) => pred(r.fields)).length;
      assert.equal(await count('{状态} = "已完成"'), n((f) => f.状态 === '已完成'));
      assert.equal(await count('{状态} != \'已完成\''), n((f) => f.状态 !== '已完成'));
      assert.equal(await count('{工时} > 10'), n((f) => f.工时 > 10));
      assert.equal(await count('{工时} <= 3.5'), n((f) => f.工时 !== undefined && f.工时 <= 3.5));
      assert.equal(await count('AND({优先级} >= 4, NOT({完成}))'), n((f) => f.优先级 >= 4 && !f.完成));
      assert.equal(await count('OR(FIND("🚀", {任务}) > 0, {工时} < 1)'), n((f) => (f.任务 as string).includes('🚀') || (f.工时 !== undefined && f.工时 < 1)));
      assert.equal(await count('{描述} = BLANK()'), n((f) => f.描述 === undefined));
      assert.equal(await count('{描述} = ""'), n((f) => f.描述 === undefined));
      assert.equal(await count('FIND(",", {任务})'), n((f) => (f.任务 as string).includes(',')));
      assert.equal(await count('{完成} = TRUE()'), n((f) => f.完成 === true));
      assert.equal(await count('{截止日期} >= "2024-06-01"'), n((f) => f.截止日期 !== undefined && f.截止日期 >= Date.UTC(2024, 5, 1)));
      assert.equal(await count('{预算} + {工时} * 200 = {总成本}'), 300);
      for (const [formula, needle] of [['DATETIME_DIFF({截止日期}, TODAY(), "days") > 1', 'DATETIME_DIFF'], ['{不存在} = 1', '不存在'], ['{状态} = ', 'filterByFormula'], ['REGEX_MATCH({任务}, "x")', 'REGEX_MATCH']]) {
        assert.ok((await failure(sb, 'GET', `/datasheets/${tasks}/records`, { query: `filterByFormula=${enc(formula)}` }, 200, 400)).includes(needle), formula);
      }
    });
  });

  describe('writes', () => {
    it('creates records: 201 with the stored fields (computed ones too), ISO dates taken as ms', async () => {
      const before = sb.control.records(tasks).length;
      const project = sb.control.records(sb.control.datasheetId(VIKA_SEED.projects)!)[1];
      const r = await vika(sb, 'POST', `/datasheets/${tasks}/records`, {
        body: {
          records: [
            { fields: { 任务: '新任务, "引号" 🚀', 截止日期: '2019-10-30T00:00:00.000Z', 状态: '进行中', 标签: ['前端', 'P0, 紧急'], 工时: 2, 完成: true, 优先级: 3, 所属项目: [project.recordId] } },
            { fields: { 任务: '第二条', 描述: '多行\n文本' } },
          ],
          fieldKey: 'name',
        },
      });
      assert.equal(r.status, 201);
      assert.equal(r.json.code, 200);
      const [a, b] = r.json.data.records;
      assert.equal(a.fields.截止日期, Date.parse('2019-10-30T00:00:00.000Z'));
      assert.deepEqual(a.fields.标签, ['前端', 'P0, 紧急']);
      assert.equal(a.fields.完成, true);
      assert.equal(a.fields.编号, 301);
      assert.equal(a.fields.总成本, 400);
      assert.deepEqual(a.fields.项目客户, [project.fields.客户]);
      assert.equal(a.fields.创建人.name, '沙箱用户 Sandbox User');
      assert.equal(a.fields.创建时间, a.createdAt);
      assert.equal(b.fields.编号, 302);
      assert.equal(b.fields.完成, undefined);
      assert.equal(sb.control.records(tasks).length, before + 2);
      assert.deepEqual(sb.control.record(tasks, a.recordId)!.fields.任务, '新任务, "引号" 🚀');
      // The brother field of the linked project now lists the new task.
      const projects = sb.control.datasheetId(VIKA_SEED.projects)!;
      assert.ok((sb.control.record(projects, project.recordId)!.fields.任务列表 as string[]).includes(a.recordId));
    });

    it('writes with fieldKey=id in the body, and answers keyed by id', async () => {
      const fields = sb.control.fields(tasks);
      const id = (name: string) => fields.find((f) => f.name === name)!.id;
      const created = await data(sb, 'POST', `/datasheets/${tasks}/records`, { query: 'fieldKey=id', body: { records: [{ fields: { [id('任务')]: 'by id', [id('工时')]: 1.5 } }], fieldKey: 'id' } }, 201);
      assert.equal(created.records[0].fields[id('任务')], 'by id');
      assert.equal(created.records[0].fields.任务, undefined);
      assert.match(await failure(sb, 'POST', `/datasheets/${tasks}/records`, { body: { records: [{ fields: { 任务: 'x' } }], fieldKey: 'id' } }, 200, 400), /任务/);
      assert.match(await failure(sb, 'POST', `/datasheets/${tasks}/records`, { body: { records: [{ fields: { [id('任务')]: 'x' } }] } }, 200, 400), new RegExp(id('任务')));
    });

    it('refuses more than 10 records, unknown and read-only fields, wrong value types, and writes nothing then', async () => {
      const before = sb.control.records(tasks).length;
      const many = Array.from({ length: 11 }, (_, i) => ({ fields: { 任务: `x${i}` } }));
      assert.match(await failure(sb, 'POST', `/datasheets/${tasks}/records`, { body: { records: many } }, 200, 400), /10/);
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ 无此字段: 1 }, '无此字段'],
        [{ 编号: 5 }, '编号'], [{ 总成本: 5 }, '总成本'], [{ 创建时间: 1 }, '创建时间'], [{ 修改人: null }, '修改人'], [{ 项目客户: ['x'] }, '项目客户'],
        [{ 工时: 'abc' }, '工时'], [{ 任务: 5 }, '任务'], [{ 完成: 'yes' }, '完成'], [{ 优先级: 6 }, '优先级'], [{ 优先级: 2.5 }, '优先级'],
        [{ 状态: '不存在的选项' }, '不存在的选项'], [{ 标签: '前端' }, '标签'], [{ 截止日期: '30/10/2019' }, '截止日期'],
        [{ 负责人: ['123'] }, '123'], [{ 所属项目: ['recNoSuchRec00'] }, 'recNoSuchRec00'], [{ 附件: [{ token: 'space/none' }] }, 'space/none'],
        [{ 链接: 42 }, '链接'],
      ];
      for (const [fields, needle] of bad) {
        const msg = await failure(sb, 'POST', `/datasheets/${tasks}/records`, { body: { records: [{ fields: { 任务: 'ok' } }, { fields }] } }, 200, 400);
        assert.ok(msg.includes(needle), `${JSON.stringify(fields)} -> ${msg}`);
      }
      assert.equal(sb.control.records(tasks).length, before);
      await failure(sb, 'POST', `/datasheets/${tasks}/records`, { body: '{"records": [' }, 200, 400);
      await failure(sb, 'POST', `/datasheets/${tasks}/records`, { body: { records: [] } }, 200, 400);
    });

    it('PATCH updates only the given fields, null clears, updatedAt and the LastModified fields move', async () => {
      const target = sb.control.records(tasks)[0];
      const r = await data(sb, 'PATCH', `/datasheets/${tasks}/records`, { body: { records: [{ recordId: target.recordId, fields: { 描述: null, 工时: 7, 标签: [] } }] } });
      const after = r.records[0];
      assert.equal(after.fields.描述, undefined);
      assert.equal(after.fields.标签, undefined);
      assert.equal(after.fields.工时, 7);
      assert.equal(after.fields.任务, target.fields.任务);
      assert.deepEqual(after.fields.负责人, target.fields.负责人);
      assert.ok(after.updatedAt > target.updatedAt);
      assert.equal(after.fields.修改时间, after.updatedAt);
      assert.equal(after.fields.修改人.name, '沙箱用户 Sandbox User');
      assert.equal(after.createdAt, target.createdAt);
      assert.equal(sb.control.record(tasks, target.recordId)!.fields.工时, 7);
      assert.match(await failure(sb, 'PATCH', `/datasheets/${tasks}/records`, { body: { records: [{ recordId: 'recNoSuchRec00', fields: { 工时: 1 } }] } }, 200, 400), /recNoSuchRec00/);
      const eleven = Array.from({ length: 11 }, () => ({ recordId: target.recordId, fields: {} }));
      await failure(sb, 'PATCH', `/datasheets/${tasks}/records`, { body: { records: eleven } }, 200, 400);
    });

    it('moves a MagicLink and its brother field together', async () => {
      const projects = sb.control.datasheetId(VIKA_SEED.projects)!;
      const [p0, p1] = sb.control.records(projects);
      const task = sb.control.records(tasks)[0];
      assert.deepEqual(task.fields.所属项目, [p0.recordId]);
      await data(sb, 'PATCH', `/datasheets/${tasks}/records`, { body: { records: [{ recordId: task.recordId, fields: { 所属项目: [p1.recordId] } }] } });
      assert.equal((sb.control.record(projects, p0.recordId)!.fields.任务列表 as string[]).includes(task.recordId), false);
      assert.ok((sb.control.record(projects, p1.recordId)!.fields.任务列表 as string[]).includes(task.recordId));
      assert.match(await failure(sb, 'PATCH', `/datasheets/${tasks}/records`, { body: { records: [{ recordId: task.recordId, fields: { 所属项目: [p0.recordId, p1.recordId] } }] } }, 200, 400), /所属项目/);
    });

    it('deletes with recordIds in every array form; more than 10 or none is a 400', async () => {
      const ids = sb.control.records(tasks).slice(0, 12).map((r) => r.recordId);
      const forms = [
        `recordIds[]=${ids[0]}&recordIds[]=${ids[1]}`,
        `recordIds%5B%5D=${ids[2]}&recordIds%5B%5D=${ids[3]}`,
        `recordIds[0]=${ids[4]}&recordIds[1]=${ids[5]}`,
        `recordIds=${ids[6]}&recordIds=${ids[7]}`,
        `recordIds=${ids[8]},${ids[9]}`,
        `recordIds=${ids[10]}`,
      ];
      for (const q of forms) {
        const r = await vika(sb, 'DELETE', `/datasheets/${tasks}/records`, { query: q });
        assert.equal(r.status, 200, q);
        assert.deepEqual(r.json, { success: true, code: 200, message: 'SUCCESS', data: true });
      }
      assert.equal(sb.control.records(tasks).length, 289);
      for (const id of ids.slice(0, 11)) assert.equal(sb.control.record(tasks, id), undefined);
      const rest = sb.control.records(tasks).slice(0, 11).map((r) => `recordIds[]=${r.recordId}`).join('&');
      assert.match(await failure(sb, 'DELETE', `/datasheets/${tasks}/records`, { query: rest }, 200, 400), /10/);
      await failure(sb, 'DELETE', `/datasheets/${tasks}/records`, {}, 200, 400);
      assert.match(await failure(sb, 'DELETE', `/datasheets/${tasks}/records`, { query: `recordIds[]=${ids[11]}&recordIds[]=recNoSuchRec00` }, 200, 400), /recNoSuchRec00/);
      assert.ok(sb.control.record(tasks, ids[11]), 'nothing deleted on a 400');
    });

    it('failWritesAfter lets `skip` record writes through, then fails `count` of them (reads do not count)', async () => {
      sb.control.failWritesAfter(2, 1, { status: 500 });
      const write = () => vika(sb, 'POST', `/datasheets/${tasks}/records`, { body: { records: [{ fields: { 任务: 'w' } }] } });
      assert.equal((await write()).status, 201);
      assert.equal((await vika(sb, 'GET', `/datasheets/${tasks}/records`, { query: 'pageSize=1' })).status, 200);
      assert.equal((await write()).status, 201);
      const failed = await write();
      assert.equal(failed.status, 500);
      assert.deepEqual(failed.json, { success: false, code: 500, message: 'SERVER_ERROR' });
      assert.equal((await write()).status, 201);
      assert.equal(sb.control.records(tasks).length, 303);
    });
  });

  describe('rate limit', () => {
    it('answers a burst over 5/s per (token, datasheet) with 429 操作太频繁 and no Retry-After', async () => {
      sb.control.setRateLimit(5);
      const mark = sb.control.requestCount;
      const burst = await Promise.all(Array.from({ length: 12 }, () => vika(sb, 'GET', `/datasheets/${tasks}/views`)));
      const limited = burst.filter((r) => r.status === 429);
      assert.ok(limited.length >= 1 && limited.length <= 7, `429s: ${limited.length}`);
      assert.equal(burst.filter((r) => r.status === 200).length, 12 - limited.length);
      for (const r of limited) {
        assert.deepEqual(r.json, { success: false, code: 429, message: '操作太频繁' });
        assert.equal(r.headers.get('retry-after'), null);
      }
      assert.equal(sb.control.rateLimited, limited.length);
      assert.equal(sb.control.requestsSince(mark).filter((e) => e.status === 429).length, limited.length);
      // Another datasheet, and the same datasheet with another token, have their own budgets.
      const projects = sb.control.datasheetId(VIKA_SEED.projects)!;
      assert.equal((await vika(sb, 'GET', `/datasheets/${projects}/views`)).status, 200);
      assert.equal((await vika(sb, 'GET', `/datasheets/${tasks}/views`, { token: 'uskSecondToken' })).status, 200);
    });

    it('limits space routes per (token, space); setRateLimit(0) turns it off', async () => {
      sb.control.setRateLimit(2);
      const burst = await Promise.all(Array.from({ length: 6 }, () => vika(sb, 'GET', `/spaces/${space}/nodes`)));
      assert.ok(burst.some((r) => r.status === 429));
      sb.control.setRateLimit(0);
      const free = await Promise.all(Array.from({ length: 20 }, () => vika(sb, 'GET', `/spaces/${space}/nodes`)));
      assert.ok(free.every((r) => r.status === 200));
    });

    it('failNext(429) may send Retry-After when asked; it counts as a 429 answer', async () => {
      sb.control.failNext(1, { status: 429, retryAfterSec: 2 });
      const r = await vika(sb, 'GET', '/spaces');
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '2');
      assert.equal(sb.control.rateLimited, 1);
    });
  });

  describe('attachments', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000003000000020802000000128a7a0b0000001349444154789c63f8cfc0f09f81e13f03c37f0600297c05fb6c2a9b5c0000000049454e44ae426082', 'hex');

    it('uploads one file: 201 with token, size, mimeType, width/height and a URL that serves the bytes', async () => {
      const form = new FormData();
      form.append('file', new Blob([png], { type: 'image/png' }), '图 #1 100%.png');
      const r = await vika(sb, 'POST', `/datasheets/${tasks}/attachments`, { form });
      assert.equal(r.status, 201);
      const a = r.json.data;
      assert.equal(a.name, '图 #1 100%.png');
      assert.equal(a.size, png.length);
      assert.equal(a.mimeType, 'image/png');
      assert.deepEqual([a.width, a.height], [3, 2]);
      assert.match(a.token, /^space\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{32}$/);
      const got = await fetch(a.url);
      assert.equal(got.status, 200);
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), png);
      assert.deepEqual(sb.control.attachment(a.token), png);
      // Into an Attachment field by update; read back with its URL.
      const rec = sb.control.records(tasks)[10];
      const u = await data(sb, 'PATCH', `/datasheets/${tasks}/records`, { body: { records: [{ recordId: rec.recordId, fields: { 附件: [{ token: a.token, name: a.name }] } }] } });
      assert.deepEqual(u.records[0].fields.附件, [{ token: a.token, name: a.name, size: png.length, mimeType: 'image/png', url: a.url, width: 3, height: 2 }]);
      const text = new FormData();
      text.append('file', new Blob(['hello, 世界']), 'notes.txt');
      const t = await data(sb, 'POST', `/datasheets/${tasks}/attachments`, { form: text }, 201);
      assert.equal(t.mimeType, 'text/plain');
      assert.equal(t.width, undefined);
    });

    it('answers code 428 for two files and 400 without a file part', async () => {
      const two = new FormData();
      two.append('file', new Blob(['a']), 'a.txt');
      two.append('file', new Blob(['b']), 'b.txt');
      assert.equal(await failure(sb, 'POST', `/datasheets/${tasks}/attachments`, { form: two }, 200, 428), '上传附件个数超出限制');
      const none = new FormData();
      none.append('name', 'x');
      await failure(sb, 'POST', `/datasheets/${tasks}/attachments`, { form: none }, 200, 400);
      await failure(sb, 'POST', `/datasheets/${tasks}/attachments`, { body: { file: 'x' } }, 200, 400);
    });

    it('serves the seeded attachments of the first records', async () => {
      const first = (await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: 'maxRecords=3' })).records;
      assert.deepEqual(first.map((r: Json) => r.fields.附件.map((a: Json) => a.name)), [[VIKA_SEED.attachments.png], [VIKA_SEED.attachments.txt], [VIKA_SEED.attachments.png, VIKA_SEED.attachments.txt]]);
      const txt = first[1].fields.附件[0];
      const body = await (await fetch(txt.url)).text();
      assert.match(body, /commas, "quotes"/);
    });
  });

  describe('datasheets, fields, nodes', () => {
    it('creates a datasheet: 201 {id, createdAt, fields}, three default fields without `fields`, placed by folderId / preNodeId', async () => {
      const plain = await data(sb, 'POST', `/spaces/${space}/datasheets`, { body: { name: '新表 #1 100%' } }, 201);
      assert.match(plain.id, /^dst[0-9A-Za-z]{15}$/);
      assert.equal(typeof plain.createdAt, 'number');
      assert.equal(plain.fields.length, 3);
      for (const f of plain.fields) assert.match(f.id, /^fld[0-9A-Za-z]{10}$/);
      const root = (await data(sb, 'GET', `/spaces/${space}/nodes`)).nodes;
      assert.equal(root[0].id, plain.id, 'no preNodeId: first');
      assert.equal(root[0].type, 'Datasheet');

      const folder = root.find((n: Json) => n.name === VIKA_SEED.folder);
      const before = (await data(sb, 'GET', `/spaces/${space}/nodes/${folder.id}`)).children;
      const created = await data(sb, 'POST', `/spaces/${space}/datasheets`, {
        body: { name: '我的表格', description: '这是一段描述', folderId: folder.id, preNodeId: before[0].id, fields: [{ type: 'Text', name: '标题' }, { type: 'Number', name: '数量', property: { precision: 2 } }] },
      }, 201);
      assert.deepEqual(created.fields.map((f: Json) => f.name), ['标题', '数量']);
      const after = (await data(sb, 'GET', `/spaces/${space}/nodes/${folder.id}`)).children;
      assert.deepEqual(after.map((n: Json) => n.id), [before[0].id, created.id, ...before.slice(1).map((n: Json) => n.id)]);
      const fields = (await data(sb, 'GET', `/datasheets/${created.id}/fields`)).fields;
      assert.deepEqual(fields.map((f: Json) => [f.name, f.type, f.isPrimary ?? false]), [['标题', 'Text', true], ['数量', 'Number', false]]);
      await data(sb, 'POST', `/datasheets/${created.id}/records`, { body: { records: [{ fields: { 标题: 'a', 数量: 1.25 } }] } }, 201);

      assert.match(await failure(sb, 'POST', `/spaces/${space}/datasheets`, { body: { name: 'x'.repeat(101) } }, 200, 400), /100/);
      assert.match(await failure(sb, 'POST', `/spaces/${space}/datasheets`, { body: { name: 'ok', description: 'd'.repeat(501) } }, 200, 400), /500/);
      await failure(sb, 'POST', `/spaces/${space}/datasheets`, { body: {} }, 200, 400);
      await failure(sb, 'POST', `/spaces/${space}/datasheets`, { body: { name: 'x', folderId: 'fodNoSuchFold' } }, 200, 400);
      await failure(sb, 'POST', `/spaces/${space}/datasheets`, { body: { name: 'x', fields: [{ type: 'Nope', name: 'a' }] } }, 200, 400);
    });

    it('creates (201 {id, name}) and deletes (data {}) fields, with the reference\'s limits', async () => {
      const base = `/spaces/${space}/datasheets/${tasks}/fields`;
      const f = await data(sb, 'POST', base, { body: { type: 'SingleSelect', name: '阶段', property: { options: [{ name: '一' }, { name: '二', color: 'red_4' }] } } }, 201);
      assert.deepEqual(Object.keys(f), ['id', 'name']);
      assert.equal(f.name, '阶段');
      const listed = (await data(sb, 'GET', `/datasheets/${tasks}/fields`)).fields.find((x: Json) => x.id === f.id);
      assert.deepEqual(listed.property.options.map((o: Json) => [o.name, o.color.name]), [['一', 'indigo_4'], ['二', 'red_4']]);
      for (const o of listed.property.options) assert.match(o.id, /^opt[0-9A-Za-z]{10}$/);
      const rec = sb.control.records(tasks)[0];
      await data(sb, 'PATCH', `/datasheets/${tasks}/records`, { body: { records: [{ recordId: rec.recordId, fields: { 阶段: '二' } }] } });

      assert.match(await failure(sb, 'POST', base, { body: { type: 'Text', name: '阶段' } }, 200, 400), /阶段/);
      assert.match(await failure(sb, 'POST', base, { body: { type: 'Text', name: 'n'.repeat(101) } }, 200, 400), /100/);
      assert.match(await failure(sb, 'POST', base, { body: { type: 'Spreadsheet', name: 'x' } }, 200, 400), /Spreadsheet/);
      await failure(sb, 'POST', base, { body: { type: 'Rating', name: 'r', property: { max: 11 } } }, 200, 400);

      const del = await vika(sb, 'DELETE', `${base}/${f.id}`);
      assert.deepEqual(del.json, { success: true, code: 200, message: 'SUCCESS', data: {} });
      assert.equal(sb.control.fields(tasks).some((x) => x.id === f.id), false);
      assert.equal('阶段' in sb.control.record(tasks, rec.recordId)!.fields, false);
      await failure(sb, 'DELETE', `${base}/${f.id}`, {}, 200, 400);
      await failure(sb, 'DELETE', `${base}/${sb.control.fields(tasks)[0].id}`, {}, 200, 400);
    });

    it('allows 200 fields per datasheet', async () => {
      const ds = (await data(sb, 'POST', `/spaces/${space}/datasheets`, { body: { name: 'wide', fields: Array.from({ length: 199 }, (_, i) => ({ type: 'Text', name: `c${i}` })) } }, 201)).id;
      await data(sb, 'POST', `/spaces/${space}/datasheets/${ds}/fields`, { body: { type: 'Text', name: 'c199' } }, 201);
      assert.match(await failure(sb, 'POST', `/spaces/${space}/datasheets/${ds}/fields`, { body: { type: 'Text', name: 'c200' } }, 200, 400), /200/);
    });

    it('lists the root nodes and a folder\'s children (one level), with the seed\'s odd names', async () => {
      const root = (await data(sb, 'GET', `/spaces/${space}/nodes`)).nodes;
      assert.deepEqual(root.map((n: Json) => [n.name, n.type]), [
        [VIKA_SEED.folder, 'Folder'], [VIKA_SEED.emptyFolder, 'Folder'], [VIKA_SEED.big, 'Datasheet'], [VIKA_SEED.form, 'Form'], [VIKA_SEED.dashboard, 'Dashboard'],
      ]);
      for (const n of root) assert.equal('children' in n, false);
      const folder = await data(sb, 'GET', `/spaces/${space}/nodes/${root[0].id}`);
      assert.equal(folder.isFav, true);
      assert.deepEqual(folder.children.map((n: Json) => [n.name, n.type]), [[VIKA_SEED.tasks, 'Datasheet'], [VIKA_SEED.projects, 'Datasheet'], [VIKA_SEED.nestedFolder, 'Folder']]);
      for (const n of folder.children) assert.equal('children' in n, false);
      const nested = await data(sb, 'GET', `/spaces/${space}/nodes/${folder.children[2].id}`);
      assert.deepEqual(nested.children.map((n: Json) => n.name), [VIKA_SEED.budget]);
      assert.deepEqual((await data(sb, 'GET', `/spaces/${space}/nodes/${root[1].id}`)).children, []);
      const sheet = await data(sb, 'GET', `/spaces/${space}/nodes/${tasks}`);
      assert.equal(sheet.name, VIKA_SEED.tasks);
      assert.equal('children' in sheet, false);
      const budget = await data(sb, 'GET', `/datasheets/${nested.children[0].id}/records`, { query: 'cellFormat=string' });
      assert.deepEqual(budget.records.map((r: Json) => r.fields.金额), ['¥12,345.60', '¥99,999.99', '¥0.50']);
      await failure(sb, 'GET', `/spaces/${space}/nodes/fodNoSuchFold`, {}, 200, 400);
      await failure(sb, 'GET', '/spaces/spcNoSuchSpac/nodes', {}, 200, 400);
      const second = sb.control.spaces().find((s) => s.name === VIKA_SEED.secondSpace)!.id;
      assert.deepEqual((await data(sb, 'GET', `/spaces/${second}/nodes`)).nodes.map((n: Json) => n.name), [VIKA_SEED.customers, VIKA_SEED.archiveFolder]);
    });
  });

  describe('control and misbehaviour', () => {
    it('logs method, path, status, datasheet, record count and a token tag (never the token)', async () => {
      const mark = sb.control.requestCount;
      const ids = sb.control.records(tasks).slice(0, 3).map((r) => r.recordId);
      await vika(sb, 'DELETE', `/datasheets/${tasks}/records`, { query: ids.map((id) => `recordIds[]=${id}`).join('&') });
      await vika(sb, 'GET', '/spaces', { token: null });
      const [del, anon] = sb.control.requestsSince(mark);
      assert.deepEqual({ ...del, at: 0 }, { method: 'DELETE', path: `/fusion/v1/datasheets/${tasks}/records`, status: 200, at: 0, token: del.token, datasheetId: tasks, records: 3 });
      assert.match(del.token, /^[0-9a-f]{12}$/);
      assert.equal(JSON.stringify(sb.control.requests).includes(sb.token), false);
      assert.equal(anon.token, '');
      assert.equal(anon.status, 401);
      assert.ok(Math.abs(del.at - Date.now()) < 60_000);
    });

    it('edits as another member through control: updatedAt moves, 修改人 is the colleague', async () => {
      const rec = sb.control.records(tasks)[3];
      sb.control.updateRecord(tasks, rec.recordId, { 工时: 42 });
      const after = (await data(sb, 'GET', `/datasheets/${tasks}/records`, { query: `recordIds[]=${rec.recordId}` })).records[0];
      assert.equal(after.fields.工时, 42);
      assert.equal(after.fields.修改人.name, '同事 Colleague');
      assert.ok(after.updatedAt > rec.updatedAt);
      const id = sb.control.createRecord(tasks, { 任务: '来自同事' });
      assert.equal(sb.control.record(tasks, id)!.fields.创建人 && (sb.control.record(tasks, id)!.fields.创建人 as Json).name, '同事 Colleague');
      sb.control.deleteRecord(tasks, id);
      assert.equal(sb.control.record(tasks, id), undefined);
      assert.throws(() => sb.control.updateRecord(tasks, rec.recordId, { 编号: 1 }), /编号/);
      const ds = sb.control.createDatasheet(space, 'fixture', [{ name: '名称', type: 'SingleText' }, { name: '数', type: 'Number' }], [{ 名称: 'a', 数: 1 }, { 名称: 'b' }]);
      assert.deepEqual((await data(sb, 'GET', `/datasheets/${ds}/records`)).records.map((r: Json) => r.fields), [{ 名称: 'a', 数: 1 }, { 名称: 'b' }]);
    });

    it('drops and malforms answers on request', async () => {
      sb.control.malformNext(1);
      const bad = await vika(sb, 'GET', '/spaces');
      assert.equal(bad.status, 200);
      assert.equal(bad.json, undefined);
      sb.control.dropNextRequests(1, '/records');
      await assert.rejects(fetch(`${sb.host}/fusion/v1/datasheets/${tasks}/records`, { headers: { Authorization: `Bearer ${sb.token}` } }));
      assert.equal(sb.control.requests[sb.control.requests.length - 1].status, 0);
      assert.equal((await vika(sb, 'GET', '/spaces')).status, 200);
    });

    it('serves the /__sandbox/ routes only when asked', async () => {
      assert.equal((await fetch(`${sb.host}/__sandbox/state`)).status, 404);
      const on = await startVikaSandbox({ controlRoutes: true, seed: true });
      try {
        const state = (await (await fetch(`${on.host}/__sandbox/state`)).json()) as Json;
        assert.ok(state.datasheets.some((d: Json) => d.name === VIKA_SEED.big && d.records === 50_000));
        const dst = on.control.datasheetId(VIKA_SEED.tasks)!;
        const created = (await (await fetch(`${on.host}/__sandbox/records?datasheetId=${dst}`, { method: 'POST', body: JSON.stringify({ fields: { 任务: 'outside' } }) })).json()) as Json;
        assert.equal(on.control.record(dst, created.recordId)!.fields.任务, 'outside');
      } finally {
        await on.close();
      }
    });

    it('starts empty without the seed', async () => {
      const empty = await startVikaSandbox({ seed: false, token: 'uskFixedForTest' });
      try {
        assert.equal(empty.token, 'uskFixedForTest');
        assert.deepEqual(empty.control.spaces(), []);
        assert.deepEqual((await data(empty, 'GET', '/spaces')).spaces, []);
      } finally {
        await empty.close();
      }
    });
  });
});
