/**
 * The Shimo client (every endpoint of endpoints.tsv, its signatures and the rejections of bad ones), and the Shimo
 * store over its manifest (documents, sheets saved as range writes), against the Shimo sandbox over real HTTP.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BadResponseError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError, UnauthorizedError } from '../../src/core/errors';
import { docxPackage } from '../../src/sandbox/common/ooxml';
import { SHIMO_SEED, startShimoSandbox, type ShimoSandbox } from '../../src/sandbox';
import { ShimoClient, ShimoRemoteFs, shimoCapabilities, type ShimoFileRecord, type ShimoManifest } from '../../src/vendors/shimo';
import { signShimo } from '../../src/vendors/shimo/signer';
import { memoryLogger } from '../unit/support';

class MemoryManifest implements ShimoManifest {
  files: ShimoFileRecord[] = [];
  list() { return this.files; }
  async add(r: ShimoFileRecord) { this.files = [...this.files.filter((f) => f.id !== r.id), r]; }
  async update(id: string, patch: Partial<ShimoFileRecord>) { this.files = this.files.map((f) => (f.id === id ? { ...f, ...patch } : f)); }
  async remove(id: string) { this.files = this.files.filter((f) => f.id !== id); }
}

const SALES = 'sbx-sheet-sales';
const WEEKLY = 'sbx-doc-weekly';
let n = 0;
const freshId = () => `ct-${Date.now().toString(36)}-${++n}`;

function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('Shimo client against the sandbox', function () {
  this.timeout(60_000);
  let sb: ShimoSandbox;
  let client: ShimoClient;
  const logger = memoryLogger();
  const make = (o: Partial<{ appSecret: string; userToken: string; appId: string; family: 'auto' | 'shimo-files' | 'collab-files'; now: () => number }> = {}) => new ShimoClient(
    { host: sb.host, appId: o.appId ?? sb.appId, appSecret: o.appSecret ?? sb.appSecret, userToken: o.userToken ?? sb.userToken, family: o.family },
    { logger, now: o.now, retry: { baseMs: 5, maxDelayMs: 20 }, poll: { intervalMs: 5, maxIntervalMs: 20 } },
  );

  before(async () => {
    sb = await startShimoSandbox();
    client = make();
  });
  after(() => sb.close());
  afterEach(() => {
    sb.control.resetMisbehaviour();
    sb.control.setPathFamilies('both');
  });

  describe('signatures and rejections', () => {
    it('reads the app detail with a license-scoped signature sent as headers (never in the URL)', async () => {
      const mark = sb.control.requestCount;
      const app = await client.getApp();
      assert.strictEqual(typeof app.appName, 'string');
      assert.strictEqual(app.memberLimit, SHIMO_SEED.seatLimit);
      assert.deepStrictEqual(sb.control.requestsSince(mark).map((r) => r.auth), ['header']);
    });

    it('a wrong AppSecret, an unknown AppId (kid) or a wrong user token are UnauthorizedError', async () => {
      await assert.rejects(make({ appSecret: 'not-the-secret' }).getApp(), (e: UnauthorizedError) => e instanceof UnauthorizedError && e.vendorCode === 40101);
      await assert.rejects(make({ appId: 'someone-else' }).plainText(WEEKLY), (e: UnauthorizedError) => e instanceof UnauthorizedError && e.vendorCode === 40103);
      await assert.rejects(make({ userToken: 'not-a-user' }).plainText(WEEKLY), (e: UnauthorizedError) => e instanceof UnauthorizedError && e.vendorCode === 40105);
    });

    it('an expired signature is refused; a license call signed without the license scope is refused', async () => {
      // a clock a day behind: the 24 h signature of a normal call is still valid, the 4-minute license one is not
      const late = make({ now: () => Date.now() - 25 * 3600_000 });
      await assert.rejects(late.plainText(WEEKLY), (e: UnauthorizedError) => e instanceof UnauthorizedError && e.vendorCode === 40102);
      const sig = await signShimo(sb.appId, sb.appSecret, { nowMs: Date.now() });
      const res = await fetch(`${sb.host}/sdk/v2/api/license/users?appId=${sb.appId}&page=1&size=5`, { headers: { 'X-Shimo-Signature': sig, 'X-Shimo-Token': sb.userToken } });
      assert.strictEqual(res.status, 403);
      assert.strictEqual(((await res.json()) as { code: number }).code, 40300);
    });
  });

  describe('files', () => {
    it('creates, copies and deletes a file (204s); a taken id is refused', async () => {
      const id = freshId();
      await client.createFile('document', id);
      assert.strictEqual(sb.control.file(id)?.type, 'document');
      await assert.rejects(client.createFile('document', id));
      const copy = freshId();
      await client.copyFile(id, copy);
      assert.strictEqual(sb.control.file(copy)?.deleted, false);
      await client.deleteFile(id);
      assert.strictEqual(sb.control.file(id)?.deleted, true);
      await assert.rejects(client.plainText(id), NotFoundError);
    });

    it('history, revisions, plain text, mentions and comment count of the seeded files', async () => {
      assert.match(await client.plainText(WEEKLY), /本周工作/);
      const revisions = await client.revisions(WEEKLY);
      assert.ok(revisions.length >= 2 && revisions.every((r) => typeof r.id === 'string' || typeof r.id === 'number'));
      const history = await client.sidebarHistory(WEEKLY, { pageSize: 2 });
      assert.ok(history.histories.length >= 1 && history.histories.length <= 2);
      const mentions = await client.mentions(WEEKLY);
      assert.ok(mentions.length >= 2 && mentions.every((m) => m.userId && m.atGuid));
      assert.strictEqual(typeof await client.commentCount(SALES), 'number');
    });

    it('the path family: auto falls back to collab-files when shimo-files is gone and stays there', async () => {
      sb.control.setPathFamilies('collab-files');
      const auto = make();
      const mark = sb.control.requestCount;
      assert.match(await auto.plainText(WEEKLY), /本周工作/);
      assert.strictEqual(auto.pathFamily, 'collab-files');
      await auto.plainText(WEEKLY);
      assert.deepStrictEqual(sb.control.requestsSince(mark).map((r) => `${r.family} ${r.status}`), ['shimo-files 404', 'collab-files 200', 'collab-files 200']);
      await assert.rejects(make({ family: 'shimo-files' }).plainText(WEEKLY), NotFoundError);
    });

    it('creates a preview; without a callback URL it says it needs the integrator\'s callback server', async () => {
      const made = await client.createPreview(WEEKLY);
      assert.strictEqual(made.code, sb.control.endpointUrl ? '' : '90010');
      const html = await client.previewPage(WEEKLY);
      assert.match(html, /<html/i);
      const url = await client.previewPageUrl(WEEKLY);
      assert.ok(url.startsWith(`${sb.host}/sdk/v2/api/cloud-files/${WEEKLY}/page?`));
    });
  });

  describe('import and export', () => {
    it('imports a Markdown file (task polled to 100) and exports it to PDF, docx and md that real tools read', async () => {
      const id = freshId();
      await client.importAndWait({ fileId: id, type: 'document', file: { name: '导入 #1 50%.md', data: Buffer.from('# 标题 Title\n\n正文 body 😀\n') } });
      assert.match(sb.control.text(id) ?? '', /正文 body/);
      const pdf = await client.exportBytes(id, 'pdf');
      assert.strictEqual(Buffer.from(pdf).subarray(0, 4).toString(), '%PDF');
      if (hasPdftotext()) {
        const tmp = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'shimo-')), 'x.pdf');
        await fsp.writeFile(tmp, pdf);
        assert.match(execFileSync('pdftotext', ['-enc', 'UTF-8', tmp, '-'], { encoding: 'utf8' }), /正文 body/);
      }
      const docx = Buffer.from(await client.exportBytes(id, 'docx'));
      assert.strictEqual(docx.subarray(0, 2).toString(), 'PK');
      assert.match(Buffer.from(await client.exportBytes(id, 'md')).toString('utf8'), /正文 body/);
    });

    it('imports a docx into a traditional document; refuses a format the type does not take before sending', async () => {
      const id = freshId();
      await client.importAndWait({ fileId: id, type: 'documentPro', file: { name: 'c.docx', data: docxPackage([{ text: '合同正文 contract' }]) } });
      assert.match(sb.control.text(id) ?? '', /合同正文/);
      const mark = sb.control.requestCount;
      await assert.rejects(client.importFile({ fileId: freshId(), type: 'spreadsheet', file: { name: 'a.md', data: Buffer.from('x') } }), InvalidInputError);
      assert.strictEqual(sb.control.requestCount, mark);
    });

    it('an expired download URL: the export runs again, once', async () => {
      sb.control.setDownloadUrlTtl(0);
      try {
        await assert.rejects(client.exportBytes(WEEKLY, 'md'), (e: Error) => /40303|expired|permission|forbidden/i.test(e.message) || e instanceof ForbiddenError);
      } finally {
        sb.control.setDownloadUrlTtl(5 * 60_000);
      }
      const md = await client.exportBytes(WEEKLY, 'md');
      assert.match(Buffer.from(md).toString('utf8'), /本周工作/);
    });

    it('exports an application table to xlsx', async () => {
      const xlsx = Buffer.from(await client.exportBytes('sbx-table-tracker', 'xlsx-table'));
      assert.strictEqual(xlsx.subarray(0, 2).toString(), 'PK');
    });
  });

  describe('sheets', () => {
    it('reads, updates, appends, deletes rows and adds a sheet, with a Chinese sheet name', async () => {
      const id = freshId();
      await client.createFile('spreadsheet', id);
      const sheet = sb.control.sheetNames(id)[0];
      sb.control.setSheetValues(id, sheet, [['姓名', '年龄'], ['小明', '29'], ['小强', '18']]);
      assert.deepStrictEqual(await client.readSheet(id, `${sheet}!A1:B2`), [['姓名', '年龄'], ['小明', 29]]);
      await client.updateSheet(id, `${sheet}!B2`, [[30]]);
      await client.appendSheet(id, sheet, [['小兰', 20]]);
      await client.deleteRows(id, sheet, 2, 1);
      await client.addSheet(id, '销售 2024');
      assert.deepStrictEqual(sb.control.sheetValues(id, sheet), [['姓名', '年龄'], ['小明', '30'], ['小兰', '20']]);
      assert.ok(sb.control.sheetNames(id).includes('销售 2024'));
      await assert.rejects(client.readSheet(id, '没有这个表!A1'), NotFoundError);
    });
  });

  describe('seats', () => {
    it('lists seats, activates and deactivates them, and refuses beyond the limit', async () => {
      const seats = await client.listSeats(1, 50);
      assert.deepStrictEqual(seats.map((s) => s.userId), sb.control.seats().map((s) => s.userId));
      const off = seats.find((s) => s.status !== 1)!;
      await client.activateSeats([off.userId]);
      assert.strictEqual(Number(sb.control.seats().find((s) => s.userId === off.userId)?.status), 1);
      await client.deactivateSeats([off.userId]);
      assert.strictEqual(Number(sb.control.seats().find((s) => s.userId === off.userId)?.status), 0);
      const many = Array.from({ length: SHIMO_SEED.seatLimit + 1 }, (_, i) => `u-${i}`);
      await assert.rejects(client.activateSeats(many), ForbiddenError);
    });

    it('updates the callback URL (204) and the app detail shows it', async () => {
      await client.updateEndpointUrl('http://127.0.0.1:9/callback');
      assert.strictEqual((await client.getApp()).endpointUrl, 'http://127.0.0.1:9/callback');
      assert.strictEqual(sb.control.endpointUrl, 'http://127.0.0.1:9/callback');
    });

    it('5xx on a read is retried; a malformed answer is BadResponseError', async () => {
      sb.control.failNext(1, { status: 500 });
      assert.strictEqual(typeof await client.commentCount(SALES), 'number');
      sb.control.malformNext(1);
      await assert.rejects(client.commentCount(SALES), BadResponseError);
    });
  });

  describe('the store: the manifest, documents and sheets', () => {
    let fs: ShimoRemoteFs;
    let manifest: MemoryManifest;
    before(() => {
      manifest = new MemoryManifest();
      manifest.files = SHIMO_SEED.files.map((f) => ({ id: f.id, type: f.type, title: f.title, origin: 'sandbox', created: 0, sheets: SHIMO_SEED.sheets[f.id] ? [...SHIMO_SEED.sheets[f.id]] : undefined }));
      fs = new ShimoRemoteFs(client, manifest);
    });

    it('lists the files of the manifest by type; a document opens as its Markdown export', async () => {
      assert.deepStrictEqual((await fs.listAll('')).map((e) => e.name), ['documents', 'spreadsheets', 'presentations', 'tables']);
      const docs = await fs.listAll('documents');
      const weekly = docs.find((e) => e.id === WEEKLY)!;
      assert.ok(weekly.name.endsWith('.md') && weekly.readonly);
      const { data } = await fs.read(weekly.path);
      assert.match(Buffer.from(data).toString('utf8'), /本周工作/);
      assert.deepStrictEqual((await fs.listAll(fs.pathOf(SALES)!)).map((e) => e.name), SHIMO_SEED.sheets[SALES].map((s) => `${s}.csv`));
    });

    it('a sheet saves only its changed range: one read to check, one update', async () => {
      const sheetPath = `${fs.pathOf(SALES)}/${SHIMO_SEED.sheets[SALES][0]}.csv`;
      const { data, entry } = await fs.read(sheetPath);
      const lines = Buffer.from(data).toString('utf8').trimEnd().split('\n');
      const cells = lines[1].split(',');
      cells[1] = '12345';
      lines[1] = cells.join(',');
      const mark = sb.control.requestCount;
      await fs.writer.write(sheetPath, Buffer.from(lines.join('\n') + '\n'), { create: false, overwrite: true, expectedVersion: entry.version });
      const reqs = sb.control.requestsSince(mark).map((r) => `${r.method} ${r.path.split('/').slice(-2).join('/')}`);
      assert.deepStrictEqual(reqs, ['GET sheets/values', 'POST sheets/values']);
      assert.strictEqual(sb.control.sheetValues(SALES, SHIMO_SEED.sheets[SALES][0])[1][1], '12345');
    });

    it('a new <sheet>.csv in a spreadsheet adds the sheet and writes its rows: add, check, append', async () => {
      const p = `${fs.pathOf(SALES)}/新表 #2.csv`;
      const mark = sb.control.requestCount;
      await fs.writer.write(p, Buffer.from('名称,数量\n苹果,3\n'), { create: true, overwrite: false });
      assert.deepStrictEqual(sb.control.requestsSince(mark).map((r) => `${r.method} ${r.status}`), ['POST 204', 'GET 200', 'PUT 204']);
      assert.deepStrictEqual(sb.control.sheetValues(SALES, '新表 #2'), [['名称', '数量'], ['苹果', '3']]);
      assert.ok(manifest.files.find((f) => f.id === SALES)!.sheets!.includes('新表 #2'));
    });

    it('saving twice without reading again is no conflict (a read pads short rows; a save does not)', async () => {
      const sheet = SHIMO_SEED.sheets[SALES][1];
      sb.control.setSheetValues(SALES, sheet, [['a', 'b', 'c'], ['d', '', ''], ['e']]);
      const p = `${fs.pathOf(SALES)}/${sheet}.csv`;
      const { entry } = await fs.read(p);
      const first = await fs.writer.write(p, Buffer.from('a,b,c\nd,x\ne\n'), { create: false, overwrite: true, expectedVersion: entry.version });
      await fs.writer.write(p, Buffer.from('a,b,c\nd,y\ne\n'), { create: false, overwrite: true, expectedVersion: first.version });
      assert.deepStrictEqual(sb.control.sheetValues(SALES, sheet).slice(0, 2), [['a', 'b', 'c'], ['d', 'y', '']]);
    });

    it('cells an update rewrites without a change keep their numbers; changed numbers go as numbers', async () => {
      const sheet = SHIMO_SEED.sheets[SALES][1];
      sb.control.setSheetValues(SALES, sheet, [['x', '29', '5'], ['y', '18', '6']]);
      const p = `${fs.pathOf(SALES)}/${sheet}.csv`;
      const { entry } = await fs.read(p);
      await fs.writer.write(p, Buffer.from('X,29,5\ny,18,7\n'), { create: false, overwrite: true, expectedVersion: entry.version });
      assert.deepStrictEqual(await client.readSheet(SALES, `${sheet}!A1:C2`), [['X', 29, 5], ['y', 18, 7]]);
    });

    it('a sheet changed by someone else since it was read is a conflict; nothing is written', async () => {
      const sheet = SHIMO_SEED.sheets[SALES][0];
      const sheetPath = `${fs.pathOf(SALES)}/${sheet}.csv`;
      const { data, entry } = await fs.read(sheetPath);
      const now = sb.control.sheetValues(SALES, sheet);
      now[1][0] = 'someone else';
      sb.control.setSheetValues(SALES, sheet, now);
      const mark = sb.control.requestCount;
      await assert.rejects(fs.writer.write(sheetPath, Buffer.from(Buffer.from(data).toString('utf8').replace(/\n$/, '\nx,y,z\n')), { create: false, overwrite: true, expectedVersion: entry.version }), ConflictError);
      assert.deepStrictEqual(sb.control.requestsSince(mark).map((r) => r.method), ['GET']);
    });

    it('Export goes through the convert capability: a document to PDF', async () => {
      const caps = shimoCapabilities(fs);
      const weekly = (await fs.listAll('documents')).find((e) => e.id === WEEKLY)!;
      assert.deepStrictEqual(caps.convert!.targets(weekly.name), ['pdf', 'docx', 'md', 'jpg']);
      const [out] = await caps.convert!.convert({ kind: 'store', path: weekly.path }, 'pdf');
      assert.strictEqual(Buffer.from(out.data).subarray(0, 4).toString(), '%PDF');
      assert.ok(caps.convert!.canExtract!(weekly.name));
      assert.match(await caps.convert!.extractText!({ kind: 'store', path: weekly.path }), /本周工作/);
    });
  });
});
