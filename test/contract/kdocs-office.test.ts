/**
 * The kdocs office groups over real HTTP against the kdocs sandbox: every client method of office.ts (convert,
 * extract, anonymous previews, AirScript, outline export, notifications), and the capabilities built on them
 * (office-capabilities.ts): conversions of store files and of bytes (staged in the app space and removed afterwards),
 * failed tasks, used-up quotas, expired result links, protected documents, cancelling, AirScript logs and errors,
 * previews and chat messages. Written from the reference pages; the sandbox is an independent twin.
 */
import * as assert from 'assert';
import nodeFetch from 'node-fetch';
import type { Capabilities, ScriptLog } from '../../src/core/capabilities';
import { redact } from '../../src/core/redact';
import { CancelledError, isDocError, NotFoundError, PasswordRequiredError, RateLimitedError, ScriptFailedError } from '../../src/core/errors';
import { docxPackage, pptxPackage, xlsxPackage } from '../../src/sandbox/common/ooxml';
import { startKdocsSandbox, type KdocsSandbox } from '../../src/sandbox';
import { kdocsCapabilities } from '../../src/vendors/kdocs/capabilities';
import type { KdocsClient } from '../../src/vendors/kdocs/client';
import { KdocsOffice } from '../../src/vendors/kdocs/office';
import { CONVERT_STAGING_FOLDER } from '../../src/vendors/kdocs/office-capabilities';
import type { KdOfficeTask } from '../../src/vendors/kdocs/office-wire';
import type { KdocsOperations, KdSpaceName } from '../../src/vendors/kdocs/operations';
import type { KdocsRemoteFs } from '../../src/vendors/kdocs/remotefs';
import { KD_ERR } from '../../src/vendors/kdocs/wire';
import { memoryLogger } from '../unit/support';
import { signedInStores } from './kdocs-support';

const WEEKLY = '工作周报.docx';
const CONTRACT = '合同模板/采购合同.docx';
const OUTLINE = '在线文档/项目计划.otl';
const SHEET = '在线文档/预算 2025.ksheet';

const isPdf = (b: Uint8Array) => Buffer.from(b.subarray(0, 5)).toString('latin1') === '%PDF-';
const isPng = (b: Uint8Array) => Buffer.from(b.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
const isJpg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b;
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** A word document of `pages` pages ("第 n 页 page n" on each). */
function pagedDocx(pages: number): Buffer {
  return docxPackage(Array.from({ length: pages }, (_, i) => ({ text: `第 ${i + 1} 页 page ${i + 1}`, pageBreakBefore: i > 0 })));
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new assert.AssertionError({ message: 'expected a rejection' });
}

describe('Kingsoft Docs office APIs against the sandbox', function () {
  this.timeout(60_000);
  let sb: KdocsSandbox;
  let client: KdocsClient;
  let ops: KdocsOperations;
  let personal: KdocsRemoteFs;
  let app: KdocsRemoteFs;
  let office: KdocsOffice;
  let caps: Record<KdSpaceName, Capabilities>;
  const logger = memoryLogger();

  before(async () => {
    sb = await startKdocsSandbox();
    ({ client, personal, app, ops } = await signedInStores(sb, logger));
    office = new KdocsOffice(client);
    caps = { personal: kdocsCapabilities(ops, 'personal'), appspace: kdocsCapabilities(ops, 'appspace') };
  });
  after(() => sb.close());
  afterEach(() => {
    sb.control.resetMisbehaviour();
    sb.control.resetQuotas();
    sb.control.setTaskSteps(3);
  });

  const personalUrl = async (path: string) => (await client.personalDownloadUrl(await personal.tokenOf(path))).url;
  /** Polls a conversion task to its end by hand (client methods only). */
  const finish = async (taskId: string): Promise<KdOfficeTask> => {
    for (let i = 0; i < 200; i++) {
      const t = await office.officeTask(taskId);
      if (t.state !== 'running') return t;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('task did not end');
  };
  /** Items left in the staging folder of conversions (none once every conversion cleaned up). */
  const staged = async (): Promise<string[]> => {
    if (!sb.control.exists('appspace', CONVERT_STAGING_FOLDER)) return [];
    app.invalidate(CONVERT_STAGING_FOLDER);
    return (await app.listAll(CONVERT_STAGING_FOLDER)).map((e) => e.name);
  };

  // ------------------------------------------------------------------ client methods

  describe('client: convert, extract, office tasks', () => {
    it('convertToPdf -> office task (id with ":" polled as it is) -> a PDF behind the result URL', async () => {
      const { taskId } = await office.convertToPdf({ url: await personalUrl(WEEKLY), filename: WEEKLY });
      const t = await finish(taskId);
      assert.strictEqual(t.state, 'success', t.message);
      assert.strictEqual(t.files.length, 1);
      assert.ok(isPdf(await office.resultBytes(taskId, 0, t.files[0].url, 'result')));
    });

    it('every target endpoint answers with a task whose files have the target format', async () => {
      const sources: Record<string, { name: string; data: Buffer }> = {
        docx: { name: 'w.docx', data: pagedDocx(2) },
        xlsx: { name: 's.xlsx', data: xlsxPackage([{ name: 'S1', rows: [['a', 1]] }]) },
        pptx: { name: 'p.pptx', data: pptxPackage([['slide 1'], ['slide 2']]) },
      };
      const urls: Record<string, string> = {};
      for (const [k, s] of Object.entries(sources)) {
        sb.control.writeFile('personal', `office-src/${s.name}`, s.data);
        urls[k] = await personalUrl(`office-src/${s.name}`);
      }
      const cases: Array<[() => Promise<{ taskId: string }>, (b: Uint8Array) => boolean]> = [
        [() => office.convertToPdf({ url: urls.pptx, filename: 'p.pptx' }), isPdf],
        [() => office.convertToPng({ url: urls.docx, filename: 'w.docx' }), isPng],
        [() => office.convertToJpg({ url: urls.xlsx, filename: 's.xlsx' }), isJpg],
        [() => office.convertToTxt({ url: urls.docx, filename: 'w.docx', long_txt: true }), (b) => text(b).includes('page 2')],
        [() => office.convertToDocx({ url: urls.docx, filename: 'w.docx' }), isZip],
        [() => office.convertToXlsx({ url: urls.xlsx, filename: 's.xlsx' }), isZip],
        [() => office.convertToPptx({ url: urls.pptx, filename: 'p.pptx' }), isZip],
      ];
      for (const [start, check] of cases) {
        const { taskId } = await start();
        const t = await finish(taskId);
        assert.strictEqual(t.state, 'success', t.message);
        assert.ok(t.files.length >= 1);
        for (let i = 0; i < t.files.length; i++) assert.ok(check(await office.resultBytes(taskId, i, t.files[i].url, 'result')), `${taskId} file ${i}`);
      }
    });

    it('extractPlaintext -> the document\'s text (inline or as a file)', async () => {
      const { taskId } = await office.extractPlaintext({ url: await personalUrl(WEEKLY), filename: WEEKLY });
      const t = await finish(taskId);
      assert.strictEqual(t.state, 'success', t.message);
      const all = t.text ?? (await Promise.all(t.files.map((f, i) => office.resultBytes(taskId, i, f.url, 'text')))).map(text).join('\n');
      assert.match(all, /工作周报 Weekly report/);
    });
  });

  describe('client: anonymous previews', () => {
    it('app-space, cloud and local previews give a page and a token; the token renews and is revoked', async () => {
      const fromApp = await office.previewAppspace({ file_token: await app.tokenOf(CONTRACT), download: false });
      const fromCloud = await office.previewCloud({ url: await personalUrl(WEEKLY), filename: WEEKLY });
      const fromLocal = await office.previewLocal({ filename: '本地 local.docx', source: { data: pagedDocx(1) }, download: true });
      for (const start of [fromApp, fromCloud, fromLocal]) {
        const r = start.result ?? await office.waitPreviewTask(start.taskId!);
        assert.ok(r.url && r.token, 'url and token');
        const renewed = await office.anonymousRefreshToken(r.token!);
        assert.ok(renewed.token && renewed.token !== r.token, 'a new token');
        await office.anonymousCancelToken(renewed.token!);
        assert.ok(isDocError(await rejection(office.anonymousRefreshToken(renewed.token!))), 'a revoked token does not renew');
      }
    });
  });

  describe('client: AirScript, outline, notifications', () => {
    it('script -> status polls with the task id; sync_script answers status, logs and result at once', async () => {
      const token = await personal.tokenOf(SHEET);
      const { taskId } = await office.scriptRun(token, { script: 'console.log("foo")\nconsole.log("bar")', script_name: 'test' });
      const texts: string[] = [];
      // polled until it ends, bounded by time (a loaded machine starts the sandbox's worker late)
      for (const until = Date.now() + 30_000; Date.now() < until;) {
        const s = await office.scriptStatus(taskId);
        texts.push(...s.logs.filter((l) => l.filename !== '<system>').map((l) => String(l.args[0])));
        if (s.state !== 'running') {
          assert.strictEqual(s.state, 'success', s.error);
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.deepStrictEqual(texts, ['foo', 'bar']);
      const sync = await office.scriptRunSync(token, { script: 'console.log(Context.argv.n)', script_name: 'sync', custom_argv: { n: 7 } });
      assert.strictEqual(sync.state, 'success', sync.error);
      const own = sync.logs.filter((l) => l.filename !== '<system>');
      assert.deepStrictEqual(own.map((l) => l.args[0]), ['7']);
      assert.match(own[0].filename ?? '', /^sync\.js:1:\d+$/, 'the script name the request gave, .js, line and column');
    });

    it('outline export answers structured JSON of the document', async () => {
      const data = await office.outlineExportJson(await personal.tokenOf(OUTLINE));
      assert.ok(typeof data === 'object' && data !== null);
    });

    it('notifications: woa, wecom and dingtalk robots, and a woa app message by email', async () => {
      sb.control.clearNotifications();
      const data = [{ msgtype: 'text', text: { content: '构建完成 build done' } }];
      await office.notifyWoa({ link: 'https://xz.wps.cn/api/v1/webhook/send?key=woa-k', data });
      await office.notifyWecom({ link: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-k', data });
      await office.notifyDingtalk({ link: 'https://oapi.dingtalk.com/robot/send?access_token=ding-k', sk: 'ding-secret', data });
      await office.notifyWoaApp({ woa_app_id: 'AK20240101', woa_secret_key: 'woa-app-secret', email: 'zhang@wps.cn', content: { type: 1, body: 'hi' } });
      const sent = sb.control.notifications;
      assert.deepStrictEqual(sent.map((n) => [n.kind, n.key, n.signed]), [['woa', 'woa-k', false], ['wecom', 'wecom-k', false], ['dingtalk', 'ding-k', true], ['woa_app', 'AK20240101', false]]);
      assert.deepStrictEqual(sent[0].message, data[0]);
      assert.strictEqual(sent[3].destination, 'zhang@wps.cn');
    });
  });

  // ------------------------------------------------------------------ convert capability

  describe('convert capability', () => {
    it('both spaces convert their own files; progress runs up to 100; the result is named after the source', async () => {
      const seen: number[] = [];
      const [pdf] = await caps.personal.convert!.convert({ kind: 'store', path: WEEKLY }, 'pdf', { onProgress: (d) => seen.push(d) });
      assert.strictEqual(pdf.name, '工作周报.pdf');
      assert.ok(isPdf(pdf.data));
      assert.strictEqual(seen[seen.length - 1], 100);
      assert.deepStrictEqual([...seen].sort((a, b) => a - b), seen, 'progress never goes back');
      const [fromApp] = await caps.appspace.convert!.convert({ kind: 'store', path: CONTRACT }, 'pdf');
      assert.deepStrictEqual([fromApp.name, isPdf(fromApp.data)], ['采购合同.pdf', true]);
      assert.deepStrictEqual(await staged(), [], 'store files are converted from their download URL, nothing is uploaded');
    });

    it('bytes are staged in the app space, converted one image per page, and deleted for good afterwards', async () => {
      const mark = sb.control.requestCount;
      const files = await caps.personal.convert!.convert({ kind: 'bytes', name: '季度 报告.docx', data: pagedDocx(3) }, 'png');
      assert.deepStrictEqual(files.map((f) => f.name), ['季度 报告-1.png', '季度 报告-2.png', '季度 报告-3.png']);
      assert.ok(files.every((f) => isPng(f.data)));
      assert.deepStrictEqual(await staged(), []);
      const reqs = sb.control.requestsSince(mark);
      assert.ok(reqs.some((q) => q.method === 'POST' && q.path.endsWith('/appspace/files/upload')), 'uploaded to the app space');
      assert.strictEqual(reqs.filter((q) => q.method === 'DELETE' && q.path.endsWith('/destroy')).length, 2, 'the upload and its folder destroyed');
    });

    it('page ranges: several pages (from/to) and a single page; images are numbered by page', async () => {
      const src = { kind: 'bytes' as const, name: 'r.docx', data: pagedDocx(5) };
      const some = await caps.appspace.convert!.convert(src, 'jpg', { pages: { from: 2, to: 4 } });
      assert.deepStrictEqual(some.map((f) => f.name), ['r-2.jpg', 'r-3.jpg', 'r-4.jpg']);
      assert.ok(some.every((f) => isJpg(f.data)));
      const one = await caps.appspace.convert!.convert(src, 'png', { pages: { from: 5, to: 5 } });
      assert.deepStrictEqual(one.map((f) => f.name), ['r-5.png']);
      const [txt] = await caps.appspace.convert!.convert(src, 'txt', { pages: { from: 2, to: 3 } });
      assert.strictEqual(txt.name, 'r.txt');
      assert.match(text(txt.data), /page 2[\s\S]*page 3/);
      assert.doesNotMatch(text(txt.data), /page 1\b|page 4/);
    });

    it('the save-as targets: .doc -> docx is offered, the own format is not; others are refused in words', async () => {
      assert.deepStrictEqual(caps.personal.convert!.targets('a.doc'), ['pdf', 'docx', 'txt', 'png', 'jpg']);
      assert.deepStrictEqual([caps.personal.convert!.takesPages('pdf'), caps.personal.convert!.takesPages('docx')], [true, false]);
      const e = await rejection(caps.personal.convert!.convert({ kind: 'store', path: WEEKLY }, 'xlsx'));
      assert.ok(isDocError(e, 'InvalidInput'), e.message);
      const [x] = await caps.personal.convert!.convert({ kind: 'bytes', name: '表.xls', data: xlsxPackage([{ name: 'S', rows: [['x']] }]) }, 'xlsx');
      assert.deepStrictEqual([x.name, isZip(x.data)], ['表.xlsx', true]);
    });

    it('both documented result shapes of the save-as targets: result:{url,size} and a list of files', async () => {
      for (const shape of ['single', 'list'] as const) {
        sb.control.setOfficeResultShape(shape);
        const [d] = await caps.personal.convert!.convert({ kind: 'bytes', name: '旧.doc', data: pagedDocx(1) }, 'docx');
        assert.deepStrictEqual([d.name, isZip(d.data)], ['旧.docx', true], shape);
      }
      sb.control.setOfficeResultShape('single');
    });

    it('a task that fails: the service\'s reason, in a DocError; the staged upload is removed', async () => {
      sb.control.failNextOfficeTask('source file is damaged');
      const e = await rejection(caps.personal.convert!.convert({ kind: 'bytes', name: 'bad.docx', data: pagedDocx(1) }, 'pdf'));
      assert.ok(isDocError(e), String(e));
      assert.match(e.message, /source file is damaged/);
      assert.deepStrictEqual(await staged(), []);
    });

    it('a used-up daily quota: RateLimitedError (code 42901) that says it resets at midnight; nothing left staged', async () => {
      sb.control.setQuota('POST /api/v1/openapi/office/convert/files/to/pdf', 0);
      const e = await rejection(caps.personal.convert!.convert({ kind: 'bytes', name: 'q.docx', data: pagedDocx(1) }, 'pdf'));
      assert.ok(e instanceof RateLimitedError, String(e));
      assert.strictEqual(e.vendorCode, KD_ERR.DAILY_QUOTA);
      assert.match(e.message, /daily .*quota.*midnight/i);
      assert.deepStrictEqual(await staged(), []);
    });

    it('a result link that expired before the download: the task is read again; without a fresh link, "convert again"', async () => {
      // The pages say result links live 30 minutes, not whether a task answers fresh ones later: the client asks the
      // task again once, and when that link is refused too it fails in words (no second conversion: quota).
      let mark = 0;
      const p = caps.personal.convert!.convert({ kind: 'store', path: WEEKLY }, 'pdf', {
        onProgress: (done) => {
          if (done !== 100) return;
          sb.control.expireDownloadUrls();
          mark = sb.control.requestCount;
        },
      });
      const outcome = await p.then((files) => files, (e: Error) => e);
      const after = sb.control.requestsSince(mark);
      const refused = after.findIndex((q) => q.status === 403);
      assert.ok(refused >= 0, 'the expired link was tried');
      assert.ok(after.slice(refused + 1).some((q) => q.method === 'GET' && q.path.includes('/office/tasks/')), 'then the task was read again');
      if (outcome instanceof Error) {
        assert.ok(outcome instanceof NotFoundError, String(outcome));
        assert.match(outcome.message, /expired/);
        assert.match(outcome.message, /convert again/);
        assert.ok(!outcome.message.includes('?'), 'no URL query in the message');
      } else {
        assert.ok(isPdf(outcome[0].data), 'a fresh link gave the result');
      }
    });

    it('a result whose fresh link expired too: NotFoundError that says to convert again', async () => {
      const { taskId } = await office.convertToPdf({ url: await personalUrl(WEEKLY), filename: WEEKLY });
      const t = await finish(taskId);
      sb.control.advanceClock(31 * 60_000);
      const e = await rejection(office.resultBytes(taskId, 0, t.files[0].url, 'result'));
      if (!(e instanceof NotFoundError)) throw e;
      assert.match(e.message, /expired|no longer available/);
      assert.match(e.message, /convert again/);
      assert.ok(!e.message.includes('?'), 'no URL query in the message');
    });

    it('a password-protected source: PasswordRequiredError (not wrong), then wrong=true for a bad password, then converts', async () => {
      const data = sb.control.protectDocument(pagedDocx(1), 'open-sesame-1');
      const src = { kind: 'bytes' as const, name: '机密.docx', data };
      const none = await rejection(caps.personal.convert!.convert(src, 'pdf'));
      assert.ok(none instanceof PasswordRequiredError, String(none));
      assert.strictEqual(none.wrong, false);
      const bad = await rejection(caps.personal.convert!.convert(src, 'pdf', { password: 'nope-nope' }));
      assert.ok(bad instanceof PasswordRequiredError, String(bad));
      assert.strictEqual(bad.wrong, true);
      assert.ok(!bad.message.includes('nope-nope'), 'the password is not in the message');
      const [ok] = await caps.personal.convert!.convert(src, 'pdf', { password: 'open-sesame-1' });
      assert.ok(isPdf(ok.data));
      const text1 = await caps.personal.convert!.extractText!(src, { password: 'open-sesame-1' });
      assert.match(text1, /page 1/);
      assert.deepStrictEqual(await staged(), []);
      assert.ok(!logger.lines.map(redact).join('\n').includes('open-sesame-1'), 'the password is not logged');
    });

    it('cancelling while the task is polled stops polling at once and still deletes the staged upload', async () => {
      sb.control.setTaskSteps(10_000);
      const abort = new AbortController();
      let polls = 0;
      const p = caps.personal.convert!.convert({ kind: 'bytes', name: 'slow.docx', data: pagedDocx(1) }, 'pdf', {
        signal: abort.signal,
        onProgress: () => { if (++polls === 2) abort.abort(); },
      });
      const e = await rejection(p);
      assert.ok(e instanceof CancelledError, String(e));
      const mark = sb.control.requestCount;
      await new Promise((r) => setTimeout(r, 100));
      assert.strictEqual(sb.control.requestsSince(mark).filter((q) => q.path.includes('/office/tasks/')).length, 0, 'no poll after the abort');
      assert.deepStrictEqual(await staged(), []);
    });

    it('extractText of store files and bytes; canExtract names the formats', async () => {
      assert.deepStrictEqual(['a.pptx', 'b.pdf', 'c.otl'].map((n) => caps.appspace.convert!.canExtract!(n)), [true, true, false]);
      assert.match(await caps.appspace.convert!.extractText!({ kind: 'store', path: CONTRACT }), /采购合同 Purchase contract/);
      assert.match(await caps.personal.convert!.extractText!({ kind: 'bytes', name: 's.pptx', data: pptxPackage([['第一页'], ['second slide']]) }), /第一页[\s\S]*second slide/);
      assert.deepStrictEqual(await staged(), []);
    });

    it('an outline document as Markdown (personal files): headings, lists, a table', async () => {
      const cap = caps.personal.convert!;
      assert.deepStrictEqual([cap.hasMarkdown!(OUTLINE), cap.hasMarkdown!(WEEKLY), caps.appspace.convert!.hasMarkdown], [true, false, undefined]);
      const md = await cap.markdown!(OUTLINE);
      const lines = md.split('\n');
      assert.match(lines[0], /^# \S/, 'the title first');
      assert.ok(lines.some((l) => /^## \S/.test(l)), 'second-level headings');
      assert.ok(lines.some((l) => /^1\. \S/.test(l)) && lines.some((l) => /^ {2,}- \S/.test(l)), 'numbered and nested bulleted items');
      assert.ok(lines.some((l) => /^- \[[x ]\] \S/.test(l)), 'to-do items');
      assert.ok(lines.some((l) => /\*\*\S.*\*\*/.test(l)) && lines.some((l) => /\[[^\]]+\]\(https?:\/\/[^)]+\)/.test(l)), 'bold text and links');
      const table = lines.filter((l) => /^\|.*\|$/.test(l));
      assert.ok(table.length >= 3 && /^\| ---( \| ---)+ \|$/.test(table[1]) && table[0].split(' | ').length === table[1].split(' | ').length, 'a table with a header row and columns');
      assert.ok(!lines.some((l) => /^(#+|-|\d+\.|>)\s*$/.test(l)), 'no empty headings, items or quotes');
    });
  });

  // ------------------------------------------------------------------ scripts capability

  describe('scripts capability (AirScript)', () => {
    const scripts = () => caps.personal.scripts!;

    it('runs against online sheets: logs once each, in order, with file/line/column; the cell is written', async () => {
      assert.deepStrictEqual([scripts().language, scripts().canTarget('a.ksheet'), scripts().canTarget('a.xlsx')], ['airscript', true, false]);
      const logs: ScriptLog[] = [];
      const code = [
        'for (var i = 1; i <= 5; i++) {',
        '  console.log("line " + i)',
        '  Time.sleep(20)',
        '}',
        'Application.Range("F1").Value = "done"',
        'console.warn(Context.argv.who)',
      ].join('\n');
      await scripts().run(SHEET, { code, name: 'report.js', argv: { who: '张三' } }, { onLog: (l) => logs.push(l) });
      const mine = logs.filter((l) => l.file !== '<system>');
      assert.deepStrictEqual(mine.map((l) => l.text), ['line 1', 'line 2', 'line 3', 'line 4', 'line 5', '张三']);
      assert.deepStrictEqual(mine.map((l) => [l.file, l.line]), [...Array(5).fill(['report.js', 2]), ['report.js', 6]]);
      assert.strictEqual(mine[5].level, 'warn');
      assert.ok(mine.every((l) => typeof l.column === 'number' && l.time > 1e12));
      assert.deepStrictEqual(new Set(logs.map((l) => JSON.stringify(l))).size, logs.length, 'no line twice');
      assert.strictEqual(sb.control.readCells(SHEET)[0][5], 'done');
    });

    it('sync runs answer in one request', async () => {
      const logs: ScriptLog[] = [];
      const mark = sb.control.requestCount;
      await scripts().run(SHEET, { code: 'console.log("sync!")', name: 'quick', sync: true }, { onLog: (l) => logs.push(l) });
      assert.deepStrictEqual(logs.filter((l) => l.file !== '<system>').map((l) => [l.text, l.file]), [['sync!', 'quick.js']]);
      assert.deepStrictEqual(sb.control.requestsSince(mark).filter((q) => q.path.includes('script')).map((q) => q.path.split('/').pop()), ['sync_script']);
    });

    it('both spellings of the answers: task id as taskId, a finished run as "finished"', async () => {
      sb.control.setScriptTaskIdField('taskId');
      sb.control.setScriptStatusSpelling('finished');
      try {
        const logs: ScriptLog[] = [];
        await scripts().run(SHEET, { code: 'console.log("spelled")', name: 'spell.js' }, { onLog: (l) => logs.push(l) });
        assert.deepStrictEqual(logs.filter((l) => l.file !== '<system>').map((l) => l.text), ['spelled']);
      } finally {
        sb.control.setScriptTaskIdField('task_id');
        sb.control.setScriptStatusSpelling('finish');
      }
    });

    it('a syntax error: ScriptFailedError at its line and column in the script as sent', async () => {
      const code = 'var a = 1\nvar b = {\n  f() { return 1 }\n}';
      const e = await rejection(scripts().run(SHEET, { code, name: 'bad.js' }));
      assert.ok(e instanceof ScriptFailedError, String(e));
      assert.match(e.message, /SyntaxError/);
      assert.deepStrictEqual([e.where?.line, e.where?.column], [3, 4]);
    });

    it('a runtime error: ScriptFailedError at the failing line, with the stack; logs before it still delivered', async () => {
      const logs: ScriptLog[] = [];
      const code = 'console.log("before")\nvar o = null\nconsole.log(o.name)';
      const e = await rejection(scripts().run(SHEET, { code, name: 'crash.js' }, { onLog: (l) => logs.push(l) }));
      assert.ok(e instanceof ScriptFailedError, String(e));
      assert.strictEqual(e.where?.line, 3);
      assert.ok((e.where?.column ?? 0) >= 1);
      assert.ok(e.scriptStack && e.scriptStack.length > 0);
      assert.deepStrictEqual(logs.filter((l) => l.file !== '<system>').map((l) => l.text), ['before']);
    });

    it('cancelling stops polling the status', async () => {
      const abort = new AbortController();
      const logs: ScriptLog[] = [];
      const p = scripts().run(SHEET, { code: 'console.log("start")\nTime.sleep(5000)\nconsole.log("end")', name: 'long' }, {
        signal: abort.signal,
        onLog: (l) => { logs.push(l); if (l.text === 'start') abort.abort(); },
      });
      const e = await rejection(p);
      assert.ok(e instanceof CancelledError, String(e));
      const mark = sb.control.requestCount;
      await new Promise((r) => setTimeout(r, 100));
      assert.strictEqual(sb.control.requestsSince(mark).filter((q) => q.path.includes('script/status')).length, 0);
    });

    it('refuses files that are no online sheet, and arguments that are no object', async () => {
      assert.ok(isDocError(await rejection(scripts().run(WEEKLY, { code: '1', name: 'x' })), 'InvalidInput'));
      assert.ok(isDocError(await rejection(scripts().run(SHEET, { code: '1', name: 'x', argv: [1, 2] })), 'InvalidInput'));
    });
  });

  // ------------------------------------------------------------------ previews and chat

  describe('previews capability (app space)', () => {
    it('store, url and bytes sources give a link with token and expiry; renew swaps the token; revoke ends it', async () => {
      const cap = caps.appspace.previews!;
      assert.deepStrictEqual(cap.sources, ['store', 'url', 'bytes']);
      const links = [
        await cap.create({ kind: 'store', path: CONTRACT }),
        await cap.create({ kind: 'url', url: await personalUrl(WEEKLY), name: WEEKLY }, { download: true }),
        await cap.create({ kind: 'bytes', name: '幻灯片.pptx', data: pptxPackage([['hello']]) }),
      ];
      const opens = async (url: string) => (await nodeFetch(url)).status === 200;
      for (const l of links) {
        assert.ok(/^https?:\/\//.test(l.url) && l.token);
        assert.ok(l.expires! > Date.now());
        assert.ok(await opens(l.url), 'the page opens without signing in');
        const renewed = await cap.renew(l.token);
        assert.ok(renewed.token !== l.token && renewed.url);
        assert.ok(await opens(renewed.url), 'the renewed page opens');
        await cap.revoke(renewed.token);
        assert.ok(!(await opens(renewed.url)), 'a revoked page does not open');
        assert.ok(isDocError(await rejection(cap.renew(renewed.token))));
      }
      const logged = logger.lines.map(redact).join('\n');
      for (const l of links) assert.ok(!logged.includes(l.token) && !logged.includes(l.url), 'preview tokens and pages are not logged');
    });
  });

  describe('previews: token lifetime', () => {
    it('the expiry is the one the service gives the token', async () => {
      sb.control.setAnonymousTokenTtl(3600);
      try {
        const before = Date.now();
        const l = await caps.appspace.previews!.create({ kind: 'store', path: CONTRACT });
        assert.ok(l.expires! >= before + 3_590_000 && l.expires! <= Date.now() + 3_610_000, `expires in ${(l.expires! - before) / 1000} s`);
      } finally {
        sb.control.setAnonymousTokenTtl(86_400);
      }
    });
  });

  describe('chat capability (app space)', () => {
    it('sends text and link messages to each kind; the sandbox records them in the service\'s format', async () => {
      const chat = caps.appspace.chat!;
      assert.deepStrictEqual(chat.kinds.map((k) => [k.kind, k.needs]), [['woa', ['key']], ['woaApp', ['key', 'email']], ['wecom', ['key']], ['dingtalk', ['key']]]);
      sb.control.clearNotifications();
      const link = { title: '周报', url: 'https://kdocs.cn/l/abc' };
      await chat.send({ kind: 'woa', key: 'woa-key-1' }, { text: '你好' });
      await chat.send({ kind: 'wecom', key: 'wecom-key-1' }, { text: '看一下', link });
      await chat.send({ kind: 'dingtalk', key: 'ding-key-1' }, { text: '看一下', link });
      await chat.send({ kind: 'woaApp', email: 'li@wps.cn', key: 'AK1:woa-secret-1' }, { text: '提醒', link });
      const sent = sb.control.notifications;
      assert.deepStrictEqual(sent.map((n) => [n.kind, n.key]), [['woa', 'woa-key-1'], ['wecom', 'wecom-key-1'], ['dingtalk', 'ding-key-1'], ['woa_app', 'AK1']]);
      assert.deepStrictEqual(sent[0].message, { msgtype: 'text', text: { content: '你好' } });
      assert.deepStrictEqual(sent[1].message, { msgtype: 'markdown', markdown: { content: '看一下\n\n[周报](https://kdocs.cn/l/abc)' } });
      assert.deepStrictEqual(sent[2].message, { msgtype: 'markdown', markdown: { title: '周报', text: '看一下\n\n[周报](https://kdocs.cn/l/abc)' } });
      assert.deepStrictEqual(sent[3].message, { type: 1, body: '提醒\n周报: https://kdocs.cn/l/abc' });
    });

    it('a robot key the service does not know is an error; missing keys and emails are refused before sending', async () => {
      const chat = caps.appspace.chat!;
      sb.control.registerWebhook('wecom', 'only-this-key');
      assert.ok(isDocError(await rejection(chat.send({ kind: 'wecom', key: 'other-key' }, { text: 'x' }))));
      await chat.send({ kind: 'wecom', key: 'only-this-key' }, { text: 'x' });
      for (const [to, why] of [[{ kind: 'woa' }, 'key'], [{ kind: 'woaApp', key: 'a:b' }, 'email'], [{ kind: 'woaApp', email: 'a@b.c' }, 'app'], [{ kind: 'slack', key: 'k' }, 'kind']] as const) {
        assert.ok(isDocError(await rejection(chat.send(to, { text: 'x' })), 'InvalidInput'), why);
      }
    });
  });
});
