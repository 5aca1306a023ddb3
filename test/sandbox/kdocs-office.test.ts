import * as assert from 'node:assert/strict';
import * as jpeg from 'jpeg-js';
import { startKdocsSandbox, type KdocsSandbox } from '../../src/sandbox';
import { request } from './helpers';
import { API, app, appOk, data, login, personal, personalOk } from './kdocs-helpers';
import { decodePng, docxFixture, fileServer, pdfPageCount, pdftotext, pptxFixture, unzipEntries, xlsxFixture, xmlParts } from './office-fixtures';

/**
 * The kdocs sandbox's conversion, extraction, AirScript, anonymous preview, outline and notification endpoints, over
 * real HTTP with the test-side WPS-2 signer and OAuth flow. Results are judged by outside tools (pdftotext, unzip,
 * python3's XML parser, a CRC-checking PNG reader, jpeg-js's decoder), never by the sandbox's own readers.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const SHEET = '在线文档/预算 2025.ksheet';
const OTL = '在线文档/项目计划.otl';

/** Polls a task until it is no longer running; returns every answer. */
async function pollTask(sb: KdocsSandbox, base: '/office/tasks' | '/anonymous/tasks', id: string): Promise<Json[]> {
  const seen: Json[] = [];
  for (let i = 0; i < 100; i++) {
    const st = await appOk(sb, 'GET', `${base}/${id}`);
    seen.push(st);
    if (st.status !== 'running') return seen;
  }
  throw new Error(`task ${id} never finished`);
}

async function convert(sb: KdocsSandbox, target: string, body: Record<string, unknown>): Promise<Json> {
  const { task_id } = await appOk(sb, 'POST', `/office/convert/files/to/${target}`, { json: body });
  const answers = await pollTask(sb, '/office/tasks', task_id);
  return answers[answers.length - 1];
}

async function bytes(url: string): Promise<Buffer> {
  const r = await request(url);
  if (r.status !== 200) throw new Error(`GET ${url} -> ${r.status} ${r.body.toString()}`);
  return r.body;
}

const PAGES = [
  ['第一页 Page one', '合同编号 HT-2025-001'],
  ['第二页 Page two', '甲方: 金山办公 Kingsoft Office'],
  ['第三页 Page three', '签字 Signature ✍️ 😀'],
];

describe('kdocs sandbox: format conversion and extraction (WPS-2)', function () {
  this.timeout(20_000);
  let sb: KdocsSandbox;
  let files: Awaited<ReturnType<typeof fileServer>>;
  let docxUrl: string;
  before(async () => {
    files = await fileServer();
    docxUrl = files.put('/docs/合同 contract.docx', docxFixture(PAGES));
  });
  after(async () => {
    await files.close();
  });
  beforeEach(async () => {
    sb = await startKdocsSandbox();
  });
  afterEach(async () => {
    await sb.close();
  });

  it('converts a three-page .docx to a PDF that pdftotext reads back (CJK, emoji), in several polls with rising progress', async () => {
    sb.control.setTaskSteps(4);
    const { task_id } = await appOk(sb, 'POST', '/office/convert/files/to/pdf', { json: { url: docxUrl, filename: '合同 contract.docx' } });
    assert.match(task_id, /^[^/]+:[^/]+$/, 'task ids contain ":"');
    const answers = await pollTask(sb, '/office/tasks', task_id);
    assert.ok(answers.length >= 4, 'takes several polls');
    const progress = answers.map((a) => a.progress);
    assert.deepEqual([...progress].sort((a, b) => a - b), progress, 'progress never goes back');
    assert.equal(progress[progress.length - 1], 100);
    assert.ok(answers.slice(0, -1).every((a) => a.status === 'running' && a.progress < 100 && a.result === undefined));
    const done = answers[answers.length - 1];
    assert.equal(done.status, 'success');
    assert.equal(done.message, undefined);
    assert.equal(typeof done.task.elapsed, 'number');
    assert.equal(done.task.resource_size, docxFixture(PAGES).length);
    assert.equal(done.result.pdfs.length, 1);
    const pdf = await bytes(done.result.pdfs[0].url);
    assert.equal(pdf.length, done.result.pdfs[0].size);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.equal(pdfPageCount(pdf), 3);
    for (const [i, page] of PAGES.entries()) {
      const text = pdftotext(pdf, i + 1, i + 1);
      for (const line of page) assert.ok(text.includes(line), `page ${i + 1} reads back "${line}": ${JSON.stringify(text)}`);
    }
    // The same task id answers the same result again.
    assert.deepEqual((await appOk(sb, 'GET', `/office/tasks/${task_id}`)).result, done.result);
  });

  it('selects pages with ranges or from_page/to_page and refuses to mix them', async () => {
    const byRanges = await convert(sb, 'pdf', { url: docxUrl, filename: 'c.docx', ranges: '1,3' });
    const pdf = await bytes(byRanges.result.pdfs[0].url);
    assert.equal(pdfPageCount(pdf), 2);
    const text = pdftotext(pdf);
    assert.ok(text.includes('第一页') && text.includes('第三页') && !text.includes('第二页'), text);

    const byFromTo = await convert(sb, 'txt', { url: docxUrl, filename: 'c.docx', from_page: 2, to_page: 3, hold_line_feed: true });
    const txts = await Promise.all(byFromTo.result.txts.map((t: Json) => bytes(t.url)));
    assert.deepEqual(txts.map((b) => b.toString('utf8')), [PAGES[1].join('\n'), PAGES[2].join('\n')]);

    const onlyTo = await convert(sb, 'txt', { url: docxUrl, filename: 'c.docx', to_page: 2, long_txt: true, hold_line_feed: true });
    assert.equal((await bytes(onlyTo.result.txts[0].url)).toString('utf8'), [...PAGES[0], ...PAGES[1]].join('\n'));

    const mixed = await app(sb, 'POST', '/office/convert/files/to/pdf', { json: { url: docxUrl, filename: 'c.docx', ranges: '1', from_page: 1 } });
    assert.equal(mixed.status, 400);
    assert.equal(mixed.json().code, 40000);
    assert.equal((await app(sb, 'POST', '/office/convert/files/to/pdf', { json: { url: docxUrl, filename: 'c.docx', from_page: 3, to_page: 3 } })).status, 400, 'to_page must be greater');
    assert.equal((await app(sb, 'POST', '/office/convert/files/to/pdf', { json: { url: docxUrl, filename: 'c.docx', ranges: '2-x' } })).status, 400);

    const none = await convert(sb, 'pdf', { url: docxUrl, filename: 'c.docx', ranges: '7-9' });
    assert.equal(none.status, 'failed');
    assert.match(none.message, /no page/);
  });

  it('txt without hold_line_feed leaves line feeds out; one file per page unless long_txt', async () => {
    const perPage = await convert(sb, 'txt', { url: docxUrl, filename: 'c.docx' });
    assert.equal(perPage.result.txts.length, 3);
    assert.equal((await bytes(perPage.result.txts[0].url)).toString('utf8'), PAGES[0].join(''));
  });

  it('renders one PNG or JPEG per page (slideId = page number, or the slide id of a presentation); long_pic joins them', async () => {
    const png = await convert(sb, 'png', { url: docxUrl, filename: 'c.docx' });
    assert.deepEqual(png.result.images.map((i: Json) => i.slideId), ['1', '2', '3']);
    for (const image of png.result.images) {
      const b = await bytes(image.url);
      assert.equal(b.length, image.size);
      const info = decodePng(b);
      assert.ok(info.width > 500 && info.height > info.width, `A4 portrait: ${info.width}x${info.height}`);
    }
    const big = await convert(sb, 'png', { url: docxUrl, filename: 'c.docx', ranges: '1', image_dpi: 192 });
    assert.ok(decodePng(await bytes(big.result.images[0].url)).width >= 1580, 'image_dpi 192 doubles the size');

    const pptx = files.put('/deck.pptx', pptxFixture([['封面 Cover'], ['议程 Agenda', '1. 沙箱'], ['谢谢 Thanks']]));
    const jpg = await convert(sb, 'jpg', { url: pptx, filename: 'deck.pptx', quality: 90 });
    assert.deepEqual(jpg.result.images.map((i: Json) => i.slideId), ['300', '301', '302']);
    const b = await bytes(jpg.result.images[1].url);
    assert.deepEqual([...b.subarray(0, 3)], [0xff, 0xd8, 0xff], 'JPEG SOI marker');
    const decoded = jpeg.decode(b, { useTArray: true });
    assert.ok(decoded.width > 500 && decoded.height > 500);
    assert.ok([...decoded.data.subarray(0, 400)].every((v) => v > 240), 'the page margin is white');

    const long = await convert(sb, 'png', { url: pptx, filename: 'deck.pptx', long_pic: true });
    assert.equal(long.result.images.length, 1);
    const tall = decodePng(await bytes(long.result.images[0].url));
    assert.ok(tall.height > 3 * decodePng(await bytes(png.result.images[0].url)).height - 100, 'three pages high');

    assert.equal((await app(sb, 'POST', '/office/convert/files/to/jpg', { json: { url: pptx, filename: 'deck.pptx', image_dpi: 50 } })).status, 400);
    assert.equal((await app(sb, 'POST', '/office/convert/files/to/jpg', { json: { url: pptx, filename: 'deck.pptx', quality: 101 } })).status, 400);
  });

  it('writes real OOXML for docx / xlsx / pptx, only from their own family of documents', async () => {
    const xlsxUrl = files.put('/budget.xls', xlsxFixture({ '收入 Income': [['月份', '金额'], ['一月', 1200], ['二月', 980.5]], 'Notes': [['见附件 see attachment']] }));
    const xlsx = await convert(sb, 'xlsx', { url: xlsxUrl, filename: 'budget.xls' });
    assert.equal(xlsx.status, 'success');
    const xlsxBytes = await bytes(xlsx.result.url);
    assert.equal(xlsxBytes.length, xlsx.result.size);
    assert.ok(unzipEntries(xlsxBytes).includes('xl/workbook.xml'));
    const parts = xmlParts(xlsxBytes);
    assert.ok(parts['xl/worksheets/sheet1.xml'].includes('一月') && parts['xl/worksheets/sheet1.xml'].includes('980.5'), parts['xl/worksheets/sheet1.xml']);
    assert.ok(parts['xl/worksheets/sheet2.xml'].includes('见附件 see attachment'));

    const docx = await convert(sb, 'docx', { url: docxUrl, filename: 'c.doc' });
    const docParts = xmlParts(await bytes(docx.result.url));
    assert.ok(docParts['word/document.xml'].includes('甲方: 金山办公 Kingsoft Office'));

    const pptxUrl = files.put('/deck.pps', pptxFixture([['第一张 First'], ['第二张 Second']]));
    const pptx = await convert(sb, 'pptx', { url: pptxUrl, filename: 'deck.pps' });
    const pptParts = xmlParts(await bytes(pptx.result.url));
    assert.ok(pptParts['ppt/slides/slide2.xml'].includes('第二张 Second'));
    assert.ok(unzipEntries(await bytes(pptx.result.url)).includes('ppt/presentation.xml'));

    for (const [target, filename] of [['xlsx', 'c.docx'], ['pptx', 'budget.xlsx'], ['docx', 'deck.pptx'], ['pdf', 'a.txt'], ['pdf', 'noext']]) {
      const r = await app(sb, 'POST', `/office/convert/files/to/${target}`, { json: { url: docxUrl, filename } });
      assert.equal(r.status, 400, `${filename} -> ${target}`);
      assert.equal(r.json().code, 40000);
    }
    const wrongContent = await convert(sb, 'xlsx', { url: docxUrl, filename: 'looks-like.xlsx' });
    assert.equal(wrongContent.status, 'failed');
    assert.match(wrongContent.message, /not a spreadsheet/);

    sb.control.setOfficeResultShape('list');
    const listed = await convert(sb, 'xlsx', { url: xlsxUrl, filename: 'budget.xls' });
    assert.equal(listed.result.xlsxs.length, 1);
    assert.equal((await bytes(listed.result.xlsxs[0].url)).length, listed.result.xlsxs[0].size);
  });

  it('password-protected sources: no password and a wrong one fail the task, the right one converts', async () => {
    const locked = files.put('/locked.docx', sb.control.protectDocument(docxFixture([['机密 Confidential']]), '芝麻开门 open'));
    const none = await convert(sb, 'pdf', { url: locked, filename: 'locked.docx' });
    assert.equal(none.status, 'failed');
    assert.match(none.message, /password is required/);
    const wrong = await convert(sb, 'pdf', { url: locked, filename: 'locked.docx', password: 'guess' });
    assert.equal(wrong.status, 'failed');
    assert.match(wrong.message, /wrong password/);
    const right = await convert(sb, 'pdf', { url: locked, filename: 'locked.docx', password: '芝麻开门 open' });
    assert.equal(right.status, 'success');
    assert.ok(pdftotext(await bytes(right.result.pdfs[0].url)).includes('机密 Confidential'));
    assert.throws(() => sb.control.protectDocument(Buffer.from('plain text'), 'x'));
  });

  it('fetches loopback URLs only; a failing download or an injected failure fails the task', async () => {
    for (const url of ['https://example.com/a.docx', 'http://10.0.0.8/a.docx', 'ftp://127.0.0.1/a.docx', 'not a url']) {
      const r = await app(sb, 'POST', '/office/convert/files/to/pdf', { json: { url, filename: 'a.docx' } });
      assert.equal(r.status, 400, url);
      assert.equal(r.json().code, 40000);
    }
    const refused = await app(sb, 'POST', '/office/extract/plaintext', { json: { url: 'https://example.com/a.docx', filename: 'a.docx' } });
    assert.match(refused.json().msg, /only fetches loopback URLs/);
    assert.ok(!files.hits.some((h) => h.includes('a.docx')), 'nothing was fetched');

    const missing = await convert(sb, 'pdf', { url: files.url('/nope.docx'), filename: 'nope.docx' });
    assert.equal(missing.status, 'failed');
    assert.equal(missing.progress, 100);
    assert.match(missing.message, /HTTP 404/);
    assert.equal(missing.result, undefined);

    sb.control.failNextOfficeTask('引擎繁忙 engine busy');
    const injected = await convert(sb, 'pdf', { url: docxUrl, filename: 'c.docx' });
    assert.deepEqual([injected.status, injected.message], ['failed', '引擎繁忙 engine busy']);
    assert.equal((await convert(sb, 'pdf', { url: docxUrl, filename: 'c.docx' })).status, 'success', 'one-shot');

    const unknown = await app(sb, 'GET', '/office/tasks/open:nosuchtask');
    assert.equal(unknown.status, 404);
    assert.equal((await request(`${sb.host}${API}/office/convert/files/to/pdf`, { method: 'POST', body: '{}' })).status, 401, 'WPS-2 signature required');
  });

  it('reads its own download URLs and its own PDFs: docx -> pdf -> png and extract', async () => {
    const ft = sb.control.tokenOf('appspace', '合同模板/采购合同.docx')!;
    const dl = await appOk(sb, 'GET', `/appspace/files/${ft}/download`);
    const pdf = await convert(sb, 'pdf', { url: dl.url, filename: '采购合同.docx' });
    const fromPdf = await convert(sb, 'png', { url: pdf.result.pdfs[0].url, filename: '采购合同.pdf' });
    assert.equal(fromPdf.result.images.length, 1);
    const { task_id } = await appOk(sb, 'POST', '/office/extract/plaintext', { json: { url: pdf.result.pdfs[0].url, filename: '采购合同.pdf' } });
    const extracted = (await pollTask(sb, '/office/tasks', task_id)).pop();
    assert.equal(extracted.result.text, '采购合同 Purchase contract\n甲方: 够快 乙方: 金山');
    assert.equal((await bytes(extracted.result.txts[0].url)).toString('utf8'), extracted.result.text);
    assert.equal((await app(sb, 'POST', '/office/convert/files/to/pdf', { json: { url: pdf.result.pdfs[0].url, filename: 'x.pdf' } })).status, 400, 'pdf -> pdf is not offered');
  });

  it('extracts plain text of spreadsheets (cells tab-separated) and presentations', async () => {
    const xlsxUrl = files.put('/t.xlsx', xlsxFixture({ A: [['名称', '数量'], ['苹果 apple', 3]], B: [['合计', 3]] }));
    const { task_id } = await appOk(sb, 'POST', '/office/extract/plaintext', { json: { url: xlsxUrl, filename: 't.xlsx' } });
    const done = (await pollTask(sb, '/office/tasks', task_id)).pop();
    assert.equal(done.result.text, '名称\t数量\n苹果 apple\t3\n\n合计\t3');
    const pptxUrl = files.put('/t.pptx', pptxFixture([['标题 Title', '副标题'], ['结束 End']]));
    const t2 = await appOk(sb, 'POST', '/office/extract/plaintext', { json: { url: pptxUrl, filename: 't.pptx' } });
    assert.equal((await pollTask(sb, '/office/tasks', t2.task_id)).pop().result.text, '标题 Title\n副标题\n\n结束 End');
  });

  it('result URLs live 30 minutes (sandbox clock) and die with expireDownloadUrls', async () => {
    const done = await convert(sb, 'txt', { url: docxUrl, filename: 'c.docx', long_txt: true });
    const url = done.result.txts[0].url;
    sb.control.advanceClock(29 * 60 * 1000);
    assert.equal((await request(url)).status, 200);
    sb.control.advanceClock(2 * 60 * 1000);
    const expired = await request(url);
    assert.equal(expired.status, 403);
    assert.equal(expired.json().code, 40302);

    const again = await convert(sb, 'txt', { url: docxUrl, filename: 'c.docx', long_txt: true });
    assert.equal((await request(again.result.txts[0].url)).status, 200);
    sb.control.expireDownloadUrls();
    assert.equal((await request(again.result.txts[0].url)).status, 403);
  });

  it('to-pdf allows 100 calls a day for a test app (200 in production); then 429 / 42901 with Retry-After', async () => {
    const body = { url: files.url('/missing.docx'), filename: 'm.docx' };
    for (let i = 0; i < 100; i++) assert.equal((await app(sb, 'POST', '/office/convert/files/to/pdf', { json: body })).status, 200, `call ${i + 1}`);
    const over = await app(sb, 'POST', '/office/convert/files/to/pdf', { json: body });
    assert.equal(over.status, 429);
    assert.equal(over.json().code, 42901);
    assert.ok(Number(over.headers['retry-after']) > 0);
    assert.equal((await app(sb, 'POST', '/office/convert/files/to/txt', { json: body })).status, 200, 'each endpoint counts on its own');
    sb.control.setAppType('production');
    assert.equal((await app(sb, 'POST', '/office/convert/files/to/pdf', { json: body })).status, 200);
    sb.control.setAppType('test');
    sb.control.setQuota('POST /api/v1/openapi/office/convert/files/to/pdf', 101);
    assert.equal((await app(sb, 'POST', '/office/convert/files/to/pdf', { json: body })).status, 429, 'setQuota overrides the default');
    sb.control.resetQuotas();
    assert.equal((await app(sb, 'POST', '/office/convert/files/to/pdf', { json: body })).status, 200, 'resetQuotas forgets the counts');
  });
});

describe('kdocs sandbox: AirScript (access_token)', function () {
  this.timeout(20_000);
  let sb: KdocsSandbox;
  let token: string;
  let sheet: string;
  beforeEach(async () => {
    sb = await startKdocsSandbox();
    token = (await login(sb)).access_token;
    sheet = sb.control.tokenOf('personal', SHEET)!;
  });
  afterEach(async () => {
    await sb.close();
  });

  const run = (script: string, extra: Record<string, unknown> = {}) =>
    personalOk(sb, token, 'POST', `/personal/files/${sheet}/sync_script`, { json: { script, script_name: 'test', ...extra } });
  const status = (id: string) => personal(sb, token, 'GET', `/personal/personal/script/status?task_id=${encodeURIComponent(id)}`);

  it('script + status: logs arrive in order across polls, none repeated; lines name script.js:line:col; result at the end', async () => {
    const script = [
      'console.log("one", 1)',
      'Time.sleep(120)',
      '  console.info("two", {a: [1, 2]})',
      'Time.sleep(120)',
      'console.warn("three"); console.error("four")',
      'return Application.ActiveSheet.Name',
    ].join('\r\n');
    const started = await personalOk(sb, token, 'POST', `/personal/files/${sheet}/script`, { json: { script, script_name: 'demo' } });
    const id: string = started.task_id;
    assert.ok(id.includes(':') && id.includes('+') && id.includes('/'), `task ids need encodeURIComponent: ${id}`);
    const polls: Json[] = [];
    // Polled until it finishes (bounded by time, not by a count of polls: a loaded machine starts the worker late).
    for (const until = Date.now() + 30_000; Date.now() < until;) {
      const st = data(await status(id), 'status');
      polls.push(st);
      if (st.status === 'finish') break;
    }
    const last = polls[polls.length - 1];
    assert.equal(last.status, 'finish');
    assert.ok(polls.length > 2, 'several polls');
    assert.ok(polls.slice(0, -1).every((p) => p.status === 'running' && !('result' in p.data)));
    const lines = polls.flatMap((p) => p.data.logs);
    const script_ = lines.filter((l: Json) => l.filename !== '<system>');
    assert.deepEqual(script_.map((l: Json) => [l.filename, l.level, l.args]), [
      ['demo.js:1:1', 'log', ['one', '1']],
      ['demo.js:3:3', 'info', ['two', '{"a":[1,2]}']],
      ['demo.js:5:1', 'warn', ['three']],
      ['demo.js:5:24', 'error', ['four']],
    ]);
    assert.equal(lines[0].filename, '<system>');
    assert.equal(lines[lines.length - 1].filename, '<system>');
    assert.equal(new Set(lines.map((l: Json) => JSON.stringify(l))).size, lines.length, 'no line twice');
    for (const l of lines) {
      assert.match(l.timestamp, /^\d{2}:\d{2}:\d{2}\.\d{3}$/);
      assert.ok(Number.isInteger(l.unix_time) && Math.abs(l.unix_time - Date.now() / 1000) < 60);
    }
    assert.equal(last.error, '');
    assert.equal(last.data.result, '预算');
    // Finished: a further poll has no new lines.
    assert.deepEqual(data(await status(id), 'status').data.logs, []);
    // An unencoded id: "+" arrives as a space.
    const raw = await personal(sb, token, 'GET', `/personal/personal/script/status?task_id=${id}`);
    assert.equal(raw.status, 404);
  });

  it('sync_script reads and writes cells (Range, Cells, Sheets, UsedRange, Context.argv); one new version per run', async () => {
    const before = sb.control.versionCount('personal', SHEET);
    const out = await run([
      'var s = Application.Sheets("预算")',
      'var rows = s.UsedRange.Value',
      'var total = 0',
      'for (var i = 1; i < rows.length; i++) total += rows[i][1]',
      's.Range("F1").Value = Context.argv.label',
      's.Cells(2, 6).Value2 = total',
      'Application.Sheets(2).Range("A5:B6").Value = [["甲", 1], ["乙", 2]]',
      'return { total: total, used: s.UsedRange.Address, b2: s.Range("B2").Value, count: Application.Sheets.Count }',
    ].join('\n'), { custom_argv: { label: '合计 Total' } });
    assert.equal(out.status, 'finish');
    assert.equal(out.error, '');
    assert.deepEqual(out.data.result, { total: 37700, used: '$A$1:$F$4', b2: 12000, count: 2 });
    assert.equal(out.data.logs.length, 2, 'start and end lines');
    const cells = sb.control.readCells(SHEET, '预算');
    assert.equal(cells[0][5], '合计 Total');
    assert.equal(cells[1][5], 37700);
    assert.deepEqual(sb.control.readCells(SHEET, 2).slice(4), [['甲', 1], ['乙', 2]]);
    assert.equal(sb.control.versionCount('personal', SHEET), before + 1);

    sb.control.writeCells(SHEET, '预算', 'A10', [['外部写入 external', 1]]);
    assert.deepEqual((await run('return Range("A10:B10").Value')).data.result, [['外部写入 external', 1]]);
  });

  it('AirScript 1.0 rejects class, method shorthand, ?., import, await, yield with "SyntaxError: Unexpected token (line:col)"; 2.0 accepts them', async () => {
    const cases: Array<[string, string]> = [
      ['var a = 1\nclass A {}', 'Unexpected token (2:0)'],
      ['var o = {\n  f() { return 1 }\n}', 'Unexpected token (2:3)'],
      ['var o = null\nvar x = o?.y', 'Unexpected token (2:9)'],
      ['import x from "y"', 'Unexpected token (1:0)'],
      ['function* g() { yield 1 }', 'Unexpected token (1:16)'],
      ['var x = 1 +', 'Unexpected token (1:11)'],
    ];
    for (const [script, msg] of cases) {
      const out = await run(script);
      assert.equal(out.status, 'finish', script);
      assert.equal(out.error, `SyntaxError: ${msg}`, script);
      assert.equal(out.error_details.name, 'SyntaxError');
      assert.equal(out.error_details.msg, msg);
      assert.ok(Number.isInteger(out.error_details.unix_time));
      assert.equal(out.data.result, null);
    }
    const modern = await run('class A { get v() { return 42 } }\nconst o = { m() { return new A().v } }\nreturn o?.m() + (await Promise.resolve(1))', { version: '2.0' });
    assert.equal(modern.error, '');
    assert.equal(modern.data.result, 43);
    sb.control.setAirScriptVersion('2.0');
    assert.equal((await run('return { f() { return 7 } }.f()')).data.result, 7, 'the default version is a control setting');
  });

  it('runtime errors carry error and error_details with the stack in the script (line:col)', async () => {
    const out = await run('var x = 1\nfunction f(o) {\n  return o.missing.value\n}\nconsole.log("before")\nf({})');
    assert.equal(out.error, "TypeError: Cannot read properties of undefined (reading 'value')");
    assert.equal(out.error_details.name, 'TypeError');
    assert.equal(out.error_details.msg, "Cannot read properties of undefined (reading 'value')");
    assert.deepEqual(out.error_details.stack, ['    at f (test.js:3:20)', '    at test.js:6:1']);
    assert.deepEqual(out.data.logs.map((l: Json) => l.args[0]).slice(0, 2), ['开始执行 test.js (AirScript 1.0)', 'before']);
    assert.equal(out.data.logs[out.data.logs.length - 1].level, 'error');

    const api = await run('Application.Range("not an address").Value = 1');
    assert.match(api.error, /^Error: Range: invalid address "not an address"$/);
    assert.deepEqual(api.error_details.stack, ['    at test.js:1:13']);
    const thrown = await run('throw "plain string"');
    assert.equal(thrown.error, 'Error: plain string');
  });

  it('Time.sleep blocks only the script: the server answers meanwhile', async () => {
    const started = await personalOk(sb, token, 'POST', `/personal/files/${sheet}/script`, { json: { script: 'console.log("sleeping")\nTime.sleep(1500)\nconsole.log("awake")' } });
    // Wait until the script has logged (it is inside Time.sleep then), without sleeping here.
    const seen: Json[] = [];
    while (!seen.some((l) => l.args[0] === 'sleeping')) seen.push(...data(await status(started.task_id), 'status').data.logs);
    const t0 = Date.now();
    const r = await personal(sb, token, 'GET', '/user/basic');
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 < 1000, `answered in ${Date.now() - t0} ms while the script sleeps`);
    assert.equal(data(await status(started.task_id), 'status').status, 'running');
    assert.equal(sb.control.runningScripts(), 1);
    assert.equal(seen.find((l) => l.args[0] === 'sleeping').filename, 'anonymous.js:1:1', 'no script_name: anonymous');
  });

  it('a script over its time limit or its memory is stopped; what it wrote before stays', async () => {
    sb.control.setScriptTimeLimit(400);
    const out = await run('Range("H1").Value = "partial"\nwhile (true) {}');
    assert.equal(out.status, 'finish');
    assert.match(out.error, /^TimeoutError: script exceeded the time limit of 400 ms/);
    assert.equal(sb.control.runningScripts(), 0);
    assert.equal(sb.control.readCells(SHEET)[0][7], 'partial');

    sb.control.setScriptTimeLimit(10_000);
    const hog = await run('var a = []\nwhile (true) a.push(new Array(100000).fill("x" + a.length))');
    assert.match(hog.error, /^RangeError: out of memory/);
    assert.equal(hog.error_details.name, 'RangeError');
    assert.equal((await run('return 1 + 1')).data.result, 2, 'the next run is fine');
  });

  it('HTTP refuses IP-address and explicit-port URLs and reaches only registered responses', async () => {
    for (const url of ['http://1.2.3.4/x', 'https://example.com:8443/x', 'http://[::1]/x']) {
      const out = await run(`HTTP.fetch(${JSON.stringify(url)})`);
      assert.match(out.error, /not allowed/, url);
    }
    assert.match((await run('HTTP.get("https://api.example.com/rates")')).error, /no network/);
    sb.control.setScriptHttpResponse('https://api.example.com/rates', { body: '{"usd": 7.1}' });
    const out = await run('var r = HTTP.get("https://api.example.com/rates")\nreturn [r.status, r.ok, r.json().usd]');
    assert.deepEqual(out.data.result, [200, true, 7.1]);
    assert.deepEqual(sb.control.scriptHttpRequests.at(-1), { method: 'GET', url: 'https://api.example.com/rates' });
    assert.match((await run('KSDrive.openFile("x")')).error, /not available in the sandbox/);
    assert.equal((await run('return Crypto.createHash("sha256").update("abc").digest("hex")')).data.result, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('knobs: "finished" spelling, taskId field; errors: scopes, non-sheets, bad bodies', async () => {
    sb.control.setScriptStatusSpelling('finished');
    sb.control.setScriptTaskIdField('both');
    const started = await personalOk(sb, token, 'POST', `/personal/files/${sheet}/script`, { json: { script: 'return 1' } });
    assert.equal(started.taskId, started.task_id);
    let st: Json;
    do st = data(await status(started.taskId), 'status');
    while (st.status === 'running');
    assert.equal(st.status, 'finished');

    const readOnly = (await login(sb, 'access_personal_files')).access_token;
    const r = await personal(sb, readOnly, 'POST', `/personal/files/${sheet}/script`, { json: { script: '1' } });
    assert.equal(r.status, 403);
    const doc = sb.control.tokenOf('personal', '工作周报.docx')!;
    assert.equal((await personal(sb, token, 'POST', `/personal/files/${doc}/sync_script`, { json: { script: '1' } })).status, 400);
    assert.equal((await personal(sb, token, 'POST', `/personal/files/${sheet}/sync_script`, { json: {} })).status, 400);
    assert.equal((await personal(sb, token, 'POST', `/personal/files/${sheet}/sync_script`, { json: { script: '1', custom_argv: [1] } })).status, 400);
    assert.equal((await status('nope:nope')).status, 404);
  });
});

describe('kdocs sandbox: anonymous preview (WPS-2)', function () {
  this.timeout(10_000);
  let sb: KdocsSandbox;
  beforeEach(async () => {
    sb = await startKdocsSandbox();
  });
  afterEach(async () => {
    await sb.close();
  });

  async function preview(path: string, o: Parameters<typeof app>[3]): Promise<Json> {
    const { task_id } = await appOk(sb, 'POST', path, o);
    const done = (await pollTask(sb, '/anonymous/tasks', task_id)).pop();
    assert.equal(done.status, 'success', JSON.stringify(done));
    return done.result;
  }

  it('previews an app-space file; the token renews (the old one dies) and can be cancelled', async () => {
    const ft = sb.control.tokenOf('appspace', '合同模板/采购合同.docx')!;
    const res = await preview('/anonymous/preview/appspace/with_token', { json: { file_token: ft, download: true } });
    assert.equal(res.expires_in, 86400);
    assert.ok(Math.abs(res.expire_time - (Date.now() / 1000 + 86400)) < 60);
    assert.equal(res.download, true);
    const page = await request(res.url);
    assert.equal(page.status, 200);
    assert.match(page.body.toString(), /采购合同\.docx/);
    const link = /href="([^"]+)"/.exec(page.body.toString())![1].replace(/&amp;/g, '&');
    assert.equal((await bytes(link)).length, sb.control.readFile('appspace', '合同模板/采购合同.docx')!.length);

    const renewed = await appOk(sb, 'POST', '/anonymous/token', { json: { token: res.token } });
    assert.notEqual(renewed.token, res.token);
    assert.equal(renewed.expires_in, 86400);
    assert.equal((await request(res.url)).status, 404, 'the old token stopped working');
    const withNew = res.url.replace(encodeURIComponent(res.token), encodeURIComponent(renewed.token));
    assert.equal((await request(withNew)).status, 200);
    assert.equal((await request(renewed.url)).status, 200);
    assert.equal((await app(sb, 'POST', '/anonymous/token', { json: { token: res.token } })).status, 404);

    assert.deepEqual(await appOk(sb, 'DELETE', `/anonymous/token/${renewed.token}`), {});
    assert.equal((await request(renewed.url)).status, 404);
    assert.equal((await app(sb, 'DELETE', `/anonymous/token/${renewed.token}`)).status, 404);
  });

  it('tokens expire after 24 hours (sandbox clock): the page answers 403 and renewal is refused', async () => {
    const ft = sb.control.tokenOf('appspace', '合同模板/采购合同.docx')!;
    const res = await preview('/anonymous/preview/appspace/with_token', { json: { file_token: ft } });
    assert.doesNotMatch((await request(res.url)).body.toString(), /href=/, 'download not allowed');
    sb.control.advanceClock(23 * 3600 * 1000);
    assert.equal((await request(res.url)).status, 200);
    sb.control.advanceClock(2 * 3600 * 1000);
    const expired = await request(res.url);
    assert.equal(expired.status, 403);
    assert.equal(expired.json().code, 40304);
    const renew = await app(sb, 'POST', '/anonymous/token', { json: { token: res.token } });
    assert.equal(renew.status, 403);
    assert.equal(renew.json().code, 40304);
  });

  it('previews a cloud (loopback URL) document and a local upload; the Content-Disposition header names it first', async () => {
    const files = await fileServer();
    try {
      const url = files.put('/r.xlsx', xlsxFixture({ S: [['x']] }));
      const cloud = await preview('/anonymous/preview/cloud/with_token', { json: { filename: '报表.xlsx', url, download: false } });
      assert.match((await request(cloud.url)).body.toString(), /报表\.xlsx/);
      const far = await app(sb, 'POST', '/anonymous/preview/cloud/with_token', { json: { filename: 'a.docx', url: 'https://example.com/a.docx' } });
      assert.equal(far.status, 400);
      assert.match(far.json().msg, /only fetches loopback URLs/);
    } finally {
      await files.close();
    }
    const file = { name: 'part-name.docx', data: docxFixture([['本地 local']]) };
    const byHeader = await preview('/anonymous/preview/local/with_token', {
      multipart: { fields: { filename: '表单名.docx', download: 'true' }, file },
      headers: { 'Content-Disposition': 'filename="header-name.docx"' },
    });
    assert.equal(byHeader.filename, 'header-name.docx');
    assert.equal(byHeader.download, true);
    const byField = await preview('/anonymous/preview/local/with_token', { multipart: { fields: { filename: '表单名.docx' }, file } });
    assert.equal(byField.filename, '表单名.docx');
    const encoded = await preview('/anonymous/preview/local/with_token', { multipart: { fields: {}, file }, headers: { 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent('编码 名.docx')}` } });
    assert.equal(encoded.filename, '编码 名.docx');
    const nameless = await app(sb, 'POST', '/anonymous/preview/local/with_token', { multipart: { fields: {}, file } });
    assert.equal(nameless.status, 400);
    assert.equal(nameless.json().code, 10001);
    assert.match(nameless.json().msg, /InvalidArgument/);
  });
});

describe('kdocs sandbox: outline export (access_token)', () => {
  let sb: KdocsSandbox;
  let token: string;
  beforeEach(async () => {
    sb = await startKdocsSandbox();
    token = (await login(sb)).access_token;
  });
  afterEach(async () => {
    await sb.close();
  });

  it('exports the seeded .otl as a block tree: headings, marks, nested lists, table, image URL', async () => {
    const ft = sb.control.tokenOf('personal', OTL)!;
    const doc = await personalOk(sb, token, 'POST', `/outline/${ft}/export/full_json`);
    assert.equal(doc.file_token, ft);
    assert.equal(doc.title, '项目计划 Project plan');
    assert.equal(doc.version, 1);
    const types = doc.blocks.map((b: Json) => b.type);
    assert.deepEqual(types.slice(0, 4), ['heading', 'paragraph', 'heading', 'list']);
    assert.deepEqual(doc.blocks.filter((b: Json) => b.type === 'heading').map((b: Json) => b.level), [1, 2, 2]);
    const ids = new Set<string>();
    const walk = (x: unknown) => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') {
        const o = x as Json;
        if (typeof o.id === 'string') {
          assert.ok(!ids.has(o.id), `id ${o.id} unique`);
          ids.add(o.id);
        }
        Object.values(o).forEach(walk);
      }
    };
    walk(doc.blocks);
    const para = doc.blocks[1];
    assert.deepEqual(para.runs[1], { text: 'Doc Workspaces', marks: ['bold'] });
    assert.equal(para.runs.find((r: Json) => r.link).link, 'https://example.com/roadmap');
    const list = doc.blocks[3];
    assert.equal(list.ordered, true);
    const nested = list.items[1].children[0];
    assert.equal(nested.ordered, false);
    assert.equal(nested.items[1].children[0].items[0].runs[0].text, '签名 WPS-2 signing');
    const table = doc.blocks.find((b: Json) => b.type === 'table');
    assert.equal(table.rows.length, 3);
    assert.equal(table.rows[1].cells[1].blocks[0].runs[0].text, '张三');
    const image = doc.blocks.find((b: Json) => b.type === 'image');
    assert.equal(image.mime_type, 'image/png');
    assert.equal(image.src, undefined);
    const png = await bytes(image.url);
    assert.equal(png.length, image.size);
    assert.deepEqual(decodePng(png), { width: 64, height: 36, colorType: 2 });
  });

  it('exports what the file holds; refuses other file types', async () => {
    sb.control.writeFile('personal', '在线文档/空.otl', '{}');
    const empty = await personalOk(sb, token, 'POST', `/outline/${sb.control.tokenOf('personal', '在线文档/空.otl')}/export/full_json`);
    assert.deepEqual([empty.title, empty.blocks], ['空', []]);
    sb.control.writeFile('personal', '在线文档/笔记.otl', JSON.stringify({ title: 'T', blocks: [{ id: 'x1', type: 'paragraph', runs: [{ text: 'hi' }] }] }));
    const mine = await personalOk(sb, token, 'POST', `/outline/${sb.control.tokenOf('personal', '在线文档/笔记.otl')}/export/full_json`);
    assert.deepEqual(mine.blocks, [{ id: 'x1', type: 'paragraph', runs: [{ text: 'hi' }] }]);
    const docx = await personal(sb, token, 'POST', `/outline/${sb.control.tokenOf('personal', '工作周报.docx')}/export/full_json`);
    assert.equal(docx.status, 400);
    assert.equal((await request(`${sb.host}${API}/outline/x/export/full_json`, { method: 'POST' })).status, 401);
  });
});

describe('kdocs sandbox: notifications (access_token)', () => {
  let sb: KdocsSandbox;
  let token: string;
  beforeEach(async () => {
    sb = await startKdocsSandbox();
    token = (await login(sb)).access_token;
  });
  afterEach(async () => {
    await sb.close();
  });
  const send = (path: string, json: unknown) => personal(sb, token, 'POST', `/notification/${path}`, { json });

  it('records woa, wecom, dingtalk and woa/app messages; keys never reach the request log', async () => {
    const keys = { woa: 'woa-KEY-5f1e2d', wecom: 'wecom-KEY-9a8b7c', ding: 'ding-TOKEN-3c4d5e' };
    const mark = sb.control.requestCount;
    assert.deepEqual(data(await send('woa', { link: `https://xz.wps.cn/api/v1/webhook/send?key=${keys.woa}`, data: [{ msgtype: 'text', text: { content: '构建完成 build done' } }, { msgtype: 'markdown', markdown: { text: '## 报告' } }] }), 'woa'), {});
    data(await send('wecom', { link: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${keys.wecom}`, data: [{ msgtype: 'text', text: { content: '这是要发送的消息' } }] }), 'wecom');
    data(await send('dingtalk', { link: `https://oapi.dingtalk.com/robot/send?access_token=${keys.ding}`, sk: 'SEC-signing', data: { msgtype: 'markdown', markdown: { title: '标题', text: '## 内容' } } }), 'dingtalk');
    data(await send('woa/app', { email: 'someone@wps.cn', woa_app_id: 'app-1', woa_secret_key: 'woa-SECRET-1', content: { type: 1, body: 'test message' } }), 'woa/app');
    const sent = sb.control.notifications;
    assert.deepEqual(sent.map((n) => [n.kind, n.destination, n.key, n.signed]), [
      ['woa', 'https://xz.wps.cn/api/v1/webhook/send', keys.woa, false],
      ['woa', 'https://xz.wps.cn/api/v1/webhook/send', keys.woa, false],
      ['wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send', keys.wecom, false],
      ['dingtalk', 'https://oapi.dingtalk.com/robot/send', keys.ding, true],
      ['woa_app', 'someone@wps.cn', 'app-1', false],
    ]);
    assert.deepEqual(sent[1].message, { msgtype: 'markdown', markdown: { text: '## 报告' } });
    assert.deepEqual(sent[4].message, { type: 1, body: 'test message' });
    const log = JSON.stringify(sb.control.requestsSince(mark));
    for (const secret of [...Object.values(keys), 'SEC-signing', 'woa-SECRET-1']) assert.ok(!log.includes(secret), `${secret} not in the request log`);
    assert.equal(sb.control.requestsSince(mark).length, 4);
    sb.control.clearNotifications();
    assert.equal(sb.control.notifications.length, 0);
  });

  it('refuses bad links and messages; once keys are registered, unknown keys and wrong secrets (with a hint)', async () => {
    const bad = await send('wecom', { link: 'https://evil.example.com/cgi-bin/webhook/send?key=k', data: [{ msgtype: 'text', text: { content: 'x' } }] });
    assert.equal(bad.status, 400);
    assert.equal((await send('woa', { link: 'https://xz.wps.cn/api/v1/webhook/send?key=k', data: [{ msgtype: 'video' }] })).status, 400);
    assert.equal((await send('woa', { link: 'https://xz.wps.cn/api/v1/webhook/send?key=k', data: [{ msgtype: 'text', text: { content: 'x'.repeat(5001) } }] })).status, 400);
    assert.equal((await send('dingtalk', { link: 'https://oapi.dingtalk.com/robot/send?access_token=t', data: [] })).status, 400);
    assert.equal((await send('woa/app', { email: 'not-an-email', woa_app_id: 'a', woa_secret_key: 's', content: { type: 1 } })).status, 400);

    sb.control.registerWebhook('wecom', 'good-key', 'good-secret');
    const msg = [{ msgtype: 'text', text: { content: 'hi' } }];
    const unknown = await send('wecom', { link: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=other', data: msg });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json().code, 40010);
    assert.ok(unknown.json().hint);
    const unsigned = await send('wecom', { link: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=good-key', data: msg });
    assert.equal(unsigned.json().code, 40011);
    assert.equal((await send('wecom', { link: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=good-key', sk: 'good-secret', data: msg })).status, 200);
    assert.equal((await send('woa', { link: 'https://xz.wps.cn/api/v1/webhook/send?key=any', data: msg })).status, 200, 'other services still take any key');
    sb.control.registerWoaApp('app-1', 's1');
    assert.equal((await send('woa/app', { email: 'a@b.cn', woa_app_id: 'app-1', woa_secret_key: 'wrong', content: { type: 1 } })).json().code, 40012);
    assert.equal(sb.control.notifications.length, 2);
    assert.equal((await request(`${sb.host}${API}/notification/woa`, { method: 'POST' })).status, 401, 'access_token required');
  });
});
