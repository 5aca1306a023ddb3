import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Vika, type IHttpResponse } from '@vikadata/vika';
import { startVikaSandbox, VIKA_SEED, type VikaSandbox } from '../../src/sandbox';
import type { Json } from './vika-helpers';

/**
 * The official JS SDK (@vikadata/vika 1.4.5, a devDependency used only here) against the Vika sandbox: a client no
 * one in this repository wrote. It builds its axios host from `host` up to '/fusion' and prefixes '/fusion/v1'; it
 * sends fieldKey on every request (and in write bodies), arrays through qs as percent-encoded brackets
 * (`recordIds%5B%5D=`, `fields%5B%5D=`, `sort%5B%5D%5Bfield%5D=`), and answers non-2xx as `{success: false, code,
 * message}` instead of throwing. Its own throttle (5 per calendar second per datasheet, process-wide, no option to
 * turn it off) is not the server's sliding window (vendor-facts), so most tests here turn the sandbox's limit off and
 * one shows a 429 reaching the SDK's caller.
 *
 * Where the SDK and the reference disagree the sandbox follows the SDK's wire form (it is what the real service
 * serves): its .d.ts declares node `type` as a numeric enum, the reference and the sandbox send strings ('Folder');
 * it documents recordIds reads as unpaged and in the given order, which the sandbox does.
 */

describe('vika sandbox: the official JS SDK @vikadata/vika', function () {
  this.timeout(60_000);
  let sb: VikaSandbox;
  let vika: Vika;
  let tasks: string;
  let spaceId: string;

  before(async () => {
    sb = await startVikaSandbox({ bigSheetRows: 3000 });
    vika = new Vika({ token: sb.token, host: `${sb.host}/fusion/v1`, requestTimeout: 20_000 });
    tasks = sb.control.datasheetId(VIKA_SEED.tasks)!;
    spaceId = sb.control.spaces()[0].id;
  });
  beforeEach(() => sb.control.setRateLimit(0));
  after(async () => {
    await sb.close();
  });

  /** The SDK console.error()s every unsuccessful answer; expected ones stay out of the test output. */
  const quietly = async <T>(fn: () => Promise<T>): Promise<T> => {
    const original = console.error;
    console.error = () => {};
    try {
      return await fn();
    } finally {
      console.error = original;
    }
  };

  const must = <T>(r: IHttpResponse<T>): T => {
    if (!r.success) throw new Error(`SDK call failed: ${r.code} ${r.message}`);
    return r.data;
  };

  it('lists spaces, root nodes and a folder with its children', async () => {
    const spaces = must(await vika.spaces.list());
    assert.deepEqual(spaces.spaces.map((s) => s.name), [VIKA_SEED.space, VIKA_SEED.secondSpace]);
    const nodes = must(await vika.nodes.list({ spaceId }));
    const folder = nodes.nodes.find((n) => n.name === VIKA_SEED.folder)!;
    assert.equal(folder.type as unknown, 'Folder');
    const detail = must(await vika.nodes.get({ spaceId, nodeId: folder.id }));
    assert.deepEqual(detail.children!.map((n) => n.name), [VIKA_SEED.tasks, VIKA_SEED.projects, VIKA_SEED.nestedFolder]);
  });

  it('queries records with viewId, fields, sort, filterByFormula, pageSize and pageNum', async () => {
    const views = must(await vika.datasheet(tasks).views.list()).views;
    const active = views.find((v) => v.name === VIKA_SEED.views.kanban)!;
    const mark = sb.control.requestCount;
    const page = must(await vika.datasheet(tasks).records.query({
      viewId: active.id, fields: ['任务', '优先级', '编号'], sort: [{ field: '优先级', order: 'desc' }, { field: '编号', order: 'asc' }],
      filterByFormula: 'AND({优先级} >= 4, {状态} != "已取消")', pageSize: 7, pageNum: 2,
    }));
    const expected = sb.control.records(tasks).filter((r) => (r.fields.优先级 as number) >= 4 && r.fields.状态 !== '已取消')
      .sort((x, y) => (y.fields.优先级 as number) - (x.fields.优先级 as number) || (x.fields.编号 as number) - (y.fields.编号 as number));
    assert.equal(page.total, expected.length);
    assert.deepEqual([page.pageSize, page.pageNum], [7, 2]);
    assert.deepEqual(page.records.map((r) => r.recordId), expected.slice(7, 14).map((r) => r.recordId));
    assert.deepEqual(Object.keys(page.records[0].fields), ['任务', '优先级', '编号']);
    // What went over the wire: one GET on the datasheet.
    assert.deepEqual(sb.control.requestsSince(mark).map((e) => [e.method, e.datasheetId, e.status]), [['GET', tasks, 200]]);

    const byIds = must(await vika.datasheet(tasks).records.get([expected[3].recordId, expected[0].recordId]));
    assert.deepEqual(byIds.records.map((r) => r.recordId), [expected[3].recordId, expected[0].recordId]);
    const text = must(await vika.datasheet(tasks).records.query({ cellFormat: 'string', maxRecords: 1 }));
    assert.equal(text.records[0].fields.预算, '¥1,000.00');
  });

  it('queryAll walks every page, including the extra empty one when the total is a multiple of 1000', async () => {
    const big = sb.control.datasheetId(VIKA_SEED.big)!;
    const mark = sb.control.requestCount;
    let count = 0;
    const ids = new Set<string>();
    for await (const records of vika.datasheet(big).records.queryAll({ fields: ['标题'] })) {
      count += records.length;
      for (const r of records) ids.add(r.recordId);
    }
    assert.equal(count, 3000);
    assert.equal(ids.size, 3000);
    assert.equal(sb.control.requestsSince(mark).length, 4, 'three full pages and one empty');
  });

  it('creates, updates and deletes records (name keys and id keys)', async () => {
    const ds = vika.datasheet(tasks);
    const created = must(await ds.records.create([
      { fields: { 任务: 'SDK 创建, "一"', 工时: 3, 标签: ['后端'], 截止日期: '2024-02-29T00:00:00.000Z' } },
      { fields: { 任务: 'SDK 创建 二', 完成: true } },
    ]));
    assert.equal(sb.control.requests[sb.control.requests.length - 1].status, 201);
    const [a, b] = created.records;
    assert.equal(a.fields.截止日期, Date.UTC(2024, 1, 29));
    assert.equal(a.fields.总成本, 600);
    const updated = must(await ds.records.update([{ recordId: a.recordId, fields: { 工时: null, 标签: ['前端', '测试'] } }]));
    assert.equal(updated.records[0].fields.工时, undefined);
    assert.deepEqual(sb.control.record(tasks, a.recordId)!.fields.标签, ['前端', '测试']);

    const byId = new Vika({ token: sb.token, host: `${sb.host}/fusion/v1`, fieldKey: 'id' });
    const fld = (name: string) => sb.control.fields(tasks).find((f) => f.name === name)!.id;
    const viaId = must(await byId.datasheet(tasks).records.update([{ recordId: b.recordId, fields: { [fld('工时')]: 9 } }]));
    assert.equal(viaId.records[0].fields[fld('工时')], 9);
    assert.equal(sb.control.record(tasks, b.recordId)!.fields.工时, 9);

    const deleted = await ds.records.delete([a.recordId, b.recordId]);
    assert.equal(deleted.success, true);
    assert.equal(deleted.data, true);
    assert.equal(sb.control.record(tasks, a.recordId), undefined);

    // The SDK does not split writes: eleven records come back as the server's 400.
    const eleven = await quietly(() => ds.records.create(Array.from({ length: 11 }, (_, i) => ({ fields: { 任务: `n${i}` } }))));
    assert.deepEqual([eleven.success, eleven.code], [false, 400]);
    const readOnly = await quietly(() => ds.records.create([{ fields: { 编号: 1 } }]));
    assert.equal(readOnly.success, false);
    assert.match(readOnly.message, /编号/);
  });

  it('lists, creates and deletes fields; lists views', async () => {
    const fields = must(await vika.datasheet(tasks).fields.list()).fields;
    assert.deepEqual(fields.map((f) => f.name), sb.control.fields(tasks).map((f) => f.name));
    assert.equal(fields[0].isPrimary, true);
    const inSpace = vika.space(spaceId).datasheet(tasks);
    const made = must(await inSpace.fields.create({ type: 'SingleText', name: 'SDK 字段', property: { defaultValue: '默认' } }));
    assert.equal(sb.control.requests[sb.control.requests.length - 1].status, 201);
    assert.equal(made.name, 'SDK 字段');
    const rec = must(await vika.datasheet(tasks).records.create([{ fields: { 任务: 'has default' } }])).records[0];
    assert.equal(rec.fields['SDK 字段'], '默认');
    const gone = await inSpace.fields.delete(made.id);
    assert.equal(gone.success, true);
    assert.deepEqual(gone.data, {});
    const views = must(await vika.datasheet(tasks).views.list()).views;
    assert.deepEqual(views.map((v) => v.name), [VIKA_SEED.views.all, VIKA_SEED.views.active, VIKA_SEED.views.kanban]);
  });

  it('creates a datasheet in a folder', async () => {
    const folder = must(await vika.nodes.list({ spaceId })).nodes.find((n) => n.name === VIKA_SEED.emptyFolder)!;
    const made = must(await vika.space(spaceId).datasheets.create({
      name: 'SDK 表格 #1', description: 'via SDK', folderId: folder.id,
      fields: [{ name: '标题', type: 'SingleText' }, { name: '评分', type: 'Rating', property: { max: 3, icon: 'star' } }],
    }));
    assert.match(made.id, /^dst/);
    assert.deepEqual(made.fields?.map((f) => f.name), ['标题', '评分']);
    const children = must(await vika.nodes.get({ spaceId, nodeId: folder.id })).children!;
    assert.deepEqual(children.map((n) => n.id), [made.id]);
    const wrote = await quietly(() => vika.datasheet(made.id).records.create([{ fields: { 标题: 'x', 评分: 4 } }]));
    assert.deepEqual([wrote.success, wrote.code], [false, 400], 'rating above max');
  });

  it('uploads attachments from a Buffer and from a file stream, and puts them into a record', async () => {
    const ds = vika.datasheet(tasks);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000050000000708020000000000000000', 'hex');
    const fromBuffer = must(await ds.upload(png, { filename: '图 😀.png', contentType: 'image/png' }));
    assert.deepEqual([fromBuffer.name, fromBuffer.size, fromBuffer.mimeType, fromBuffer.width, fromBuffer.height], ['图 😀.png', png.length, 'image/png', 5, 7]);
    assert.equal(sb.control.requests[sb.control.requests.length - 1].status, 201);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vika-sdk-'));
    try {
      const file = path.join(dir, 'notes #1 100%.txt');
      fs.writeFileSync(file, '附件内容, with "quotes"\n');
      const fromFile = must(await ds.upload(fs.createReadStream(file)));
      assert.equal(fromFile.name, 'notes #1 100%.txt');
      assert.equal(fromFile.mimeType, 'text/plain');
      assert.equal(await (await fetch(fromFile.url!)).text(), '附件内容, with "quotes"\n');
      const rec = sb.control.records(tasks)[20];
      const u = must(await ds.records.update([{ recordId: rec.recordId, fields: { 附件: [fromBuffer, fromFile] } }]));
      assert.deepEqual((u.records[0].fields.附件 as Json[]).map((x) => x.token), [fromBuffer.token, fromFile.token]);
      assert.deepEqual(sb.control.attachment(fromBuffer.token), png);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands a 429 to the caller as {success: false, code: 429} (the SDK neither splits its throttle by window nor retries)', async () => {
    sb.control.setRateLimit(1);
    const projects = sb.control.datasheetId(VIKA_SEED.projects)!;
    const before = sb.control.rateLimited;
    // The SDK lets 5 through in one calendar second; the server takes 1 per second here.
    const results = await quietly(() => Promise.all(Array.from({ length: 5 }, () => vika.datasheet(projects).views.list())));
    const limited = results.filter((r) => !r.success);
    assert.ok(limited.length >= 1, 'at least one 429');
    for (const r of limited) assert.deepEqual([r.code, r.message], [429, '操作太频繁']);
    assert.equal(sb.control.rateLimited - before, limited.length);
  });
});
