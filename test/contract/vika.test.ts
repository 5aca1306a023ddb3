/**
 * The Vika client (every endpoint of endpoints.tsv), its pacing, its failures, and datasheets as documents (the Vika
 * store over core TableFiles) against the Vika sandbox over real HTTP.
 */
import * as assert from 'assert';
import { BadResponseError, ConflictError, DocError, InvalidInputError, NotFoundError, UnauthorizedError } from '../../src/core/errors';
import { parseCsv, toCsv } from '../../src/core/tablecodec';
import { startVikaSandbox, type VikaSandbox } from '../../src/sandbox';
import { VikaClient, VikaRemoteFs, vikaCapabilities } from '../../src/vendors/vika';
import { memoryLogger } from '../unit/support';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('Vika client against the sandbox', function () {
  this.timeout(120_000);
  let sb: VikaSandbox;
  let client: VikaClient;
  let fs: VikaRemoteFs;
  const logger = memoryLogger();
  let space: { id: string; name: string };
  let tasks: string;

  before(async () => {
    sb = await startVikaSandbox({ bigSheetRows: 5_000 });
    client = new VikaClient({ host: sb.host, token: sb.token }, { logger, retry: { baseMs: 5, maxDelayMs: 50 } });
    fs = new VikaRemoteFs(client);
    space = sb.control.spaces()[0];
    tasks = sb.control.datasheetId('项目任务 🚀') as string;
    assert.ok(tasks, 'the seed has the datasheet 项目任务 🚀');
  });
  after(() => sb.close());
  afterEach(() => sb.control.resetMisbehaviour());

  /** Requests since `mark` (method and path only). */
  const since = (mark: number) => sb.control.requestsSince(mark);

  describe('endpoints', () => {
    it('lists spaces, the nodes of a space and a folder with its children', async () => {
      const spaces = await client.listSpaces();
      assert.deepStrictEqual(spaces.map((s) => s.id), sb.control.spaces().map((s) => s.id));
      const nodes = await client.listNodes(space.id);
      assert.ok(nodes.some((n) => n.type === 'Datasheet' || n.type === 'Folder'));
      const folder = nodes.find((n) => n.type === 'Folder');
      assert.ok(folder, 'the seed has a folder at the root of the first space');
      const detail = await client.getNode(space.id, folder.id);
      assert.strictEqual(detail.id, folder.id);
      assert.ok(Array.isArray(detail.children));
    });

    it('reads fields and views; a view gives its order and leaves its hidden fields out', async () => {
      const fields = await client.listFields(tasks);
      assert.deepStrictEqual(fields.map((f) => f.name), sb.control.fields(tasks).map((f) => f.name));
      const views = await client.listViews(tasks);
      assert.ok(views.length >= 2);
      const narrow = await Promise.all(views.map((v) => client.listFields(tasks, v.id)));
      assert.ok(narrow.some((f) => f.length < fields.length), 'a seeded view hides a field');
    });

    it('pages records with the bracket query forms: recordIds, fields, sort, filterByFormula, maxRecords', async () => {
      const all = sb.control.records(tasks);
      const page = await client.listRecords(tasks, { pageSize: 7, pageNum: 2 });
      assert.strictEqual(page.total, all.length);
      assert.deepStrictEqual(page.records.map((r) => r.recordId), all.slice(7, 14).map((r) => r.recordId));
      const primary = sb.control.fields(tasks).find((f) => f.isPrimary)!;
      const picked = await client.listRecords(tasks, { recordIds: [all[3].recordId, all[1].recordId], fields: [primary.name] });
      assert.deepStrictEqual(picked.records.map((r) => Object.keys(r.fields)), picked.records.map(() => [primary.name]));
      const sorted = await client.listRecords(tasks, { sort: [{ field: primary.name, order: 'desc' }], maxRecords: 5 });
      assert.strictEqual(sorted.records.length, 5);
      const names = sorted.records.map((r) => String(r.fields[primary.name]));
      assert.deepStrictEqual(names, [...names].sort().reverse());
      const one = String(all[0].fields[primary.name]);
      const filtered = await client.listRecords(tasks, { filterByFormula: `{${primary.name}} = ${JSON.stringify(one)}` });
      assert.ok(filtered.records.every((r) => r.fields[primary.name] === one) && filtered.records.length >= 1);
      const byId = await client.listRecords(tasks, { fieldKey: 'id', recordIds: [all[0].recordId] });
      assert.ok(Object.keys(byId.records[0].fields).includes(primary.id));
    });

    it('reads a big datasheet in pages of 1000 with no extra empty page', async () => {
      const big = sb.control.datasheetId('大表 50k') as string;
      const mark = sb.control.requestCount;
      let n = 0;
      for await (const page of client.queryAll(big)) n += page.records.length;
      assert.strictEqual(n, 5_000);
      assert.strictEqual(since(mark).length, 5, 'total 5000 = 5 full pages: no sixth, empty one');
    });

    it('creates (201), updates and deletes records, at most 10 per request: 11 are refused before sending', async () => {
      const primary = sb.control.fields(tasks).find((f) => f.isPrimary)!;
      const made = await client.createRecords(tasks, [{ fields: { [primary.id]: '新 #1 %' } }, { fields: { [primary.id]: 'emoji 😀' } }]);
      assert.strictEqual(made.length, 2);
      assert.strictEqual(sb.control.record(tasks, made[0].recordId)?.fields[primary.name], '新 #1 %');
      await client.updateRecords(tasks, [{ recordId: made[1].recordId, fields: { [primary.id]: 'changed' } }]);
      assert.strictEqual(sb.control.record(tasks, made[1].recordId)?.fields[primary.name], 'changed');
      await client.deleteRecords(tasks, made.map((r) => r.recordId));
      assert.strictEqual(sb.control.record(tasks, made[0].recordId), undefined);
      const mark = sb.control.requestCount;
      await assert.rejects(client.createRecords(tasks, Array.from({ length: 11 }, () => ({ fields: {} }))), InvalidInputError);
      assert.strictEqual(since(mark).length, 0);
    });

    it('creates a datasheet in a folder, adds and deletes a field, uploads an attachment whose URL serves the bytes', async () => {
      const folder = (await client.listNodes(space.id)).find((n) => n.type === 'Folder')!;
      const ds = await client.createDatasheet(space.id, { name: '新表 #%', folderId: folder.id });
      assert.ok((await client.getNode(space.id, folder.id)).children?.some((c) => c.id === ds.id));
      const f = await client.createField(space.id, ds.id, { type: 'SingleText', name: '备注' });
      assert.ok((await client.listFields(ds.id)).some((x) => x.id === f.id));
      await client.deleteField(space.id, ds.id, f.id);
      assert.ok(!(await client.listFields(ds.id)).some((x) => x.id === f.id));
      const up = await client.uploadAttachment(ds.id, { name: '报告 1.txt', data: Buffer.from('attached bytes') });
      assert.strictEqual(up.name, '报告 1.txt');
      assert.strictEqual(sb.control.attachment(up.token)?.toString(), 'attached bytes');
    });
  });

  describe('failures', () => {
    it('a wrong token is UnauthorizedError; an unknown datasheet is NotFoundError', async () => {
      const bad = new VikaClient({ host: sb.host, token: 'not-the-token' }, { logger });
      await assert.rejects(bad.listSpaces(), UnauthorizedError);
      await assert.rejects(client.listFields('dstNoSuchSheet'), NotFoundError);
    });

    it('5xx, a 429 and a dropped connection on a read are retried; a malformed answer is BadResponseError', async () => {
      sb.control.failNext(1, { status: 500 });
      sb.control.failNext(1, { status: 429 });
      sb.control.dropNextRequests(1);
      assert.ok((await client.listViews(tasks)).length >= 1);
      sb.control.malformNext(1);
      await assert.rejects(client.listViews(tasks), BadResponseError);
    });

    it('paces requests per datasheet: a burst of 12 reads never meets a 429 and never has 6 in one second', async () => {
      const before = sb.control.rateLimited;
      const mark = sb.control.requestCount;
      await Promise.all(Array.from({ length: 12 }, () => client.listRecords(tasks, { pageSize: 1 })));
      assert.strictEqual(sb.control.rateLimited, before);
      const at = since(mark).map((r) => r.at);
      for (let i = 5; i < at.length; i++) assert.ok(at[i] - at[i - 5] >= 1000, `request ${i} came ${at[i] - at[i - 5]} ms after request ${i - 5}`);
    });
  });

  describe('datasheets as documents', () => {
    /** A small datasheet of n rows: Name (primary), Count, Done, and an auto number. */
    function sheet(name: string, n: number): string {
      return sb.control.createDatasheet(space.id, name, [
        { name: 'Name', type: 'SingleText' }, { name: 'Count', type: 'Number' }, { name: 'Done', type: 'Checkbox' }, { name: 'No', type: 'AutoNumber' },
      ], Array.from({ length: n }, (_, i) => ({ Name: `row ${i + 1}`, Count: i + 1 })));
    }
    const edit = (csv: string, fn: (rows: string[][]) => void) => {
      const d = parseCsv(csv);
      fn(d.rows);
      return Buffer.from(toCsv(d.header.slice(1).map((name) => ({ id: name, name, type: '', kind: 'text', readOnly: false })), d.rows.map((r) => ({ id: r[0], cells: r.slice(1) }))));
    };

    it('lists spaces, folders and datasheets as <name>.csv; opens the seeded datasheet by its odd name', async () => {
      const root = await fs.listAll('');
      assert.deepStrictEqual(root.map((e) => e.name), sb.control.spaces().map((s) => s.name));
      const items = await fs.listAll(space.name);
      assert.ok(items.some((e) => e.name === '大表 50k.csv' && e.type === 'file'), items.map((e) => e.name).join(' | '));
      const folder = items.find((e) => e.name === '项目资料 📁' && e.type === 'folder');
      assert.ok(folder, 'a folder with an emoji in its name');
      const inside = await fs.listAll(folder.path);
      assert.ok(inside.some((e) => e.name === '项目任务 🚀.csv'), inside.map((e) => e.name).join(' | '));
      const { data } = await fs.read(`${folder.path}/项目任务 🚀.csv`);
      const doc = parseCsv(text(data));
      assert.strictEqual(doc.header[0], '_recordId');
      assert.strictEqual(doc.rows.length, sb.control.records(tasks).length);
    });

    it('saves three cells, a new row and a deleted row as exactly those changes: 4 requests', async () => {
      const id = sheet('保存 test #1', 25);
      const path = `${space.name}/保存 test #1.csv`;
      const { data, entry } = await fs.read(path);
      const before = sb.control.records(id);
      const next = edit(text(data), (rows) => {
        rows[0][2] = '100';
        rows[1][1] = 'renamed, "quoted"';
        rows[2][3] = 'true';
        rows.splice(4, 1);
        rows.push(['', 'added 😀', '7', '', '']);
      });
      const mark = sb.control.requestCount;
      await vikaCapabilities(fs).write!.write(path, next, { create: false, overwrite: true, expectedVersion: entry.version });
      const reqs = since(mark);
      assert.deepStrictEqual(reqs.map((r) => `${r.method} ${r.records ?? ''}`), ['GET ', 'PATCH 3', 'POST 1', 'DELETE 1']);
      const after = sb.control.records(id);
      assert.strictEqual(after.length, 25);
      assert.strictEqual(after.find((r) => r.recordId === before[0].recordId)?.fields.Count, 100);
      assert.strictEqual(after.find((r) => r.recordId === before[1].recordId)?.fields.Name, 'renamed, "quoted"');
      assert.strictEqual(after.find((r) => r.recordId === before[2].recordId)?.fields.Done, true);
      assert.ok(!after.some((r) => r.recordId === before[4].recordId));
      assert.ok(after.some((r) => r.fields.Name === 'added 😀' && r.fields.Count === 7));
    });

    it('a save whose datasheet is gone makes no new one; a new empty <name>.csv makes a datasheet; rows with it are refused', async () => {
      const before = sb.control.requestCount;
      await assert.rejects(fs.writer.write(`${space.name}/不存在 #9.csv`, Buffer.from('_recordId,Name\n,x\n'), { create: true, overwrite: true, expectedVersion: 'c123' }), NotFoundError);
      await assert.rejects(fs.writer.write(`${space.name}/不存在 #9.csv`, Buffer.from('_recordId,Name\n,x\n'), { create: true, overwrite: false }), InvalidInputError);
      assert.ok(!sb.control.requestsSince(before).some((r) => r.method === 'POST'), 'nothing created');
      assert.strictEqual(sb.control.datasheetId('不存在 #9'), undefined);
      const e = await fs.writer.write(`${space.name}/新建 #9.csv`, new Uint8Array(), { create: true, overwrite: false });
      assert.strictEqual(e.name, '新建 #9.csv');
      assert.ok(sb.control.datasheetId('新建 #9'));
    });

    it('a read-only field edited: a message naming row and field, and nothing is sent', async () => {
      sheet('只读 test', 3);
      const path = `${space.name}/只读 test.csv`;
      const { data, entry } = await fs.read(path);
      const mark = sb.control.requestCount;
      const err = await fs.writer.write(path, edit(text(data), (rows) => { rows[1][4] = '99'; }), { create: false, overwrite: true, expectedVersion: entry.version }).catch((e: unknown) => e);
      assert.ok(err instanceof DocError && err.kind === 'InvalidInput', String(err));
      assert.match((err as Error).message, /row 2 \(rec\w+\), field "No" is read-only/);
      assert.strictEqual(since(mark).length, 0);
    });

    it('a record changed on the server since it was read is a conflict, and the server keeps its value', async () => {
      const id = sheet('冲突 test', 3);
      const path = `${space.name}/冲突 test.csv`;
      const { data, entry } = await fs.read(path);
      const rec = sb.control.records(id)[0];
      sb.control.updateRecord(id, rec.recordId, { Count: 41 });
      await assert.rejects(fs.writer.write(path, edit(text(data), (rows) => { rows[0][2] = '5'; }), { create: false, overwrite: true, expectedVersion: entry.version }), ConflictError);
      assert.strictEqual(sb.control.record(id, rec.recordId)?.fields.Count, 41);
    });

    it('50 changed records, a failure in the middle: told what was applied; a second save finishes without duplicates', async () => {
      const id = sheet('中断 test', 30);
      const path = `${space.name}/中断 test.csv`;
      const { data, entry } = await fs.read(path);
      const next = edit(text(data), (rows) => {
        for (let i = 0; i < 30; i++) rows[i][2] = String(1000 + i);
        for (let i = 0; i < 20; i++) rows.push(['', `new ${i}`, String(i), '', '']);
      });
      sb.control.failWritesAfter(3, 1, { status: 500 });
      const limited = sb.control.rateLimited;
      const err = await fs.writer.write(path, next, { create: false, overwrite: true, expectedVersion: entry.version }).catch((e: unknown) => e) as Error;
      assert.match(err.message, /Part of "中断 test" was saved \(30 updated, 0 created, 0 deleted\); 2 of 5 requests were not sent/);
      const mark = sb.control.requestCount;
      await fs.writer.write(path, next, { create: false, overwrite: true, expectedVersion: entry.version });
      assert.deepStrictEqual(since(mark).map((r) => `${r.method} ${r.records ?? ''}`), ['POST 10', 'POST 10']);
      const after = sb.control.records(id);
      assert.strictEqual(after.length, 50);
      assert.strictEqual(new Set(after.map((r) => r.fields.Name)).size, 50, 'no row twice');
      assert.strictEqual(sb.control.rateLimited, limited, 'no 429');
    });
  });
});
