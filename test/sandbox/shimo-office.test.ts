import * as assert from 'node:assert/strict';
import * as childProcess from 'node:child_process';
import * as jpeg from 'jpeg-js';
import { startShimoSandbox, type ShimoSandbox } from '../../src/sandbox';
import { deflateZip, docxFixture, fileServer, pdfPageCount, pdftotext, pptxFixture, unzipEntries, xlsxFixture, xmlParts } from './office-fixtures';
import { call, download, enc, exportBytes, fails, importBytes, ok, pollTask, type Json } from './shimo-helpers';

/**
 * Shimo import and export over real HTTP: real office files in (the test's own deflated OOXML writers, CSV, markdown),
 * real files out, judged by outside tools (pdftotext, unzip, python3's XML parser, jpeg-js) and by the sandbox's API
 * (plain-text, sheets/values), never by the sandbox's own readers.
 */

const IMPORT = '/sdk/v2/api/files/v1/import';
const hasPdftotext = childProcess.spawnSync('pdftotext', ['-v']).error === undefined;

function form(fields: Record<string, string>, file?: { name: string; data: Buffer | string }): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  if (file) f.append('file', new Blob([typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : file.data]), file.name);
  return f;
}

async function plain(sb: ShimoSandbox, fileId: string): Promise<string> {
  return (await ok(sb, 'GET', `/sdk/v2/collab-files/${enc(fileId)}/plain-text`)).content;
}

async function read(sb: ShimoSandbox, fileId: string, range: string): Promise<Json[][]> {
  return (await ok(sb, 'GET', `/sdk/v2/api/files/${enc(fileId)}/sheets/values`, { query: `range=${enc(range)}` })).values;
}

describe('shimo sandbox: import and export', function () {
  this.timeout(30_000);
  let sb: ShimoSandbox;

  beforeEach(async () => {
    sb = await startShimoSandbox();
  });
  afterEach(async () => {
    await sb.close();
  });

  describe('import', () => {
    it('imports markdown into a document in several polls; the file exists only at 100', async () => {
      sb.control.setTaskPolls(3);
      const md = '# 标题 #1\n\n正文 100% 😀\n\n- 第一项\n- 第二项\n\n1. 步骤一\n2. 步骤二\n';
      const taskId = await importBytes(sb, 'imp-md', 'document', '笔记 #1.md', md);
      assert.match(taskId, /^[0-9A-Za-z]{16}$/);
      await fails(sb, 'GET', '/sdk/v2/shimo-files/imp-md/plain-text', {}, 404, 40401);
      await fails(sb, 'POST', '/sdk/v2/api/files', { body: { type: 'document', fileId: 'imp-md' } }, 409, 40900);
      const seen = await pollTask(sb, 'import', taskId);
      assert.deepEqual(seen, [{ progress: 33 }, { progress: 66 }, { progress: 100 }]);
      assert.equal(await plain(sb, 'imp-md'), '标题 #1\n正文 100% 😀\n第一项\n第二项\n步骤一\n步骤二');
      assert.deepEqual(sb.control.file('imp-md'), { id: 'imp-md', type: 'document', title: '笔记 #1', revision: 2, deleted: false });
      // The result is answered again (cached), with the same body.
      assert.deepEqual((await ok(sb, 'POST', '/sdk/v2/api/files/v1/import/progress', { body: { taskId } })).data, { progress: 100 });
      // The import is the file's first edit in the sidebar history.
      const h = await ok(sb, 'GET', '/sdk/v2/collab-files/imp-md/doc-sidebar-info');
      assert.deepEqual(JSON.parse(h.histories[0].content), { range: [1, 2], changeset: 'import 笔记 #1.md' });
      // And its markdown export keeps the headings and lists.
      const { bytes } = await exportBytes(sb, 'imp-md', 'md');
      assert.equal(bytes.toString('utf8'), '# 标题 #1\n\n正文 100% 😀\n\n- 第一项\n- 第二项\n\n1. 步骤一\n2. 步骤二\n');
    });

    it('imports .txt line by line and .docx (deflated, split runs, headings) into documents and documentPro', async () => {
      await pollTask(sb, 'import', await importBytes(sb, 'imp-txt', 'document', 'a.txt', '\ufeff第一行\r\n\r\n第三行 %20\r\n'));
      assert.equal(await plain(sb, 'imp-txt'), '第一行\n\n第三行 %20');
      const docx = docxFixture([['合同 Contract #1', '第一条 😀'], ['第二页 100%']]);
      await pollTask(sb, 'import', await importBytes(sb, 'imp-docx', 'document', '合同.docx', docx));
      assert.equal(await plain(sb, 'imp-docx'), '合同 Contract #1\n第一条 😀\n第二页 100%');
      await pollTask(sb, 'import', await importBytes(sb, 'imp-docpro', 'documentPro', '合同.docx', docx));
      assert.equal(sb.control.file('imp-docpro')?.type, 'documentPro');
      assert.equal(await plain(sb, 'imp-docpro'), '合同 Contract #1\n第一条 😀\n第二页 100%');
      // A word package with heading styles and a list, under a legacy extension (.doc with OOXML content).
      const styled = deflateZip({
        '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        'word/document.xml': '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
          '<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>小节 &amp; 标题</w:t></w:r></w:p>' +
          '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>要点</w:t></w:r></w:p>' +
          '<w:p><w:r><w:t xml:space="preserve">正文 </w:t><w:tab/><w:t>尾</w:t></w:r></w:p></w:body></w:document>',
      });
      await pollTask(sb, 'import', await importBytes(sb, 'imp-doc', 'document', 'legacy.doc', styled));
      assert.equal(await plain(sb, 'imp-doc'), '小节 & 标题\n要点\n正文 \t尾');
      assert.equal((await exportBytes(sb, 'imp-doc', 'md')).bytes.toString('utf8'), '## 小节 & 标题\n\n- 要点\n\n正文 \t尾\n');
    });

    it('imports CSV (quotes, commas, line breaks, numbers) and xlsx sheets with Chinese names into spreadsheets', async () => {
      const csv = '\ufeff名称,数量,备注\r\n"苹果, 红",3,"第一行\n第二行"\r\n"引号""内""",007,12.5\r\n';
      await pollTask(sb, 'import', await importBytes(sb, 'imp-csv', 'spreadsheet', '库存 50%.csv', csv));
      assert.deepEqual(sb.control.sheetNames('imp-csv'), ['工作表1']);
      assert.deepEqual(await read(sb, 'imp-csv', '工作表1'), [['名称', '数量', '备注'], ['苹果, 红', 3, '第一行\n第二行'], ['引号"内"', '007', 12.5]]);
      const xlsx = xlsxFixture({ '销售 2024': [['月份', '金额'], ['1月', 100], ['2月', 250.5]], 'Sheet 2 😀': [['x']] });
      await pollTask(sb, 'import', await importBytes(sb, 'imp-xlsx', 'spreadsheet', 'book.xlsx', xlsx));
      assert.deepEqual(sb.control.sheetNames('imp-xlsx'), ['销售 2024', 'Sheet 2 😀']);
      assert.deepEqual(await read(sb, 'imp-xlsx', '销售 2024!A2:B3'), [['1月', 100], ['2月', 250.5]]);
      assert.deepEqual(await read(sb, 'imp-xlsx', 'Sheet 2 😀'), [['x']]);
      await pollTask(sb, 'import', await importBytes(sb, 'imp-xlsm', 'spreadsheet', 'macro.xlsm', xlsx));
      assert.deepEqual(await read(sb, 'imp-xlsm', '销售 2024!A1'), [['月份']]);
    });

    it('imports pptx slides into a presentation', async () => {
      await pollTask(sb, 'import', await importBytes(sb, 'imp-pptx', 'presentation', 'deck.pptx', pptxFixture([['封面 🚀', '副标题'], ['第二页 #2']])));
      assert.equal(await plain(sb, 'imp-pptx'), '封面 🚀\n副标题\n\n第二页 #2');
    });

    it('imports from a loopback fileUrl (multipart or urlencoded); other hosts are refused at once, a failed download fails the task', async () => {
      const files = await fileServer();
      try {
        const url = files.put('/共享/周报 #1.md', Buffer.from('# 来自 URL\n内容', 'utf8'));
        const r = await ok(sb, 'POST', IMPORT, { form: form({ fileId: 'imp-url', type: 'document', fileUrl: url, fileName: '周报 #1.md' }) });
        assert.equal(files.hits.length, 1, 'downloaded before the answer');
        await pollTask(sb, 'import', r.data.taskId);
        assert.equal(await plain(sb, 'imp-url'), '来自 URL\n内容');
        const body = new URLSearchParams({ fileId: 'imp-url2', type: 'document', fileUrl: url, fileName: 'x.md' }).toString();
        const r2 = await ok(sb, 'POST', IMPORT, { body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
        await pollTask(sb, 'import', r2.data.taskId);
        assert.equal(await plain(sb, 'imp-url2'), '来自 URL\n内容');

        const refused = await fails(sb, 'POST', IMPORT, { form: form({ fileId: 'imp-far', type: 'document', fileUrl: 'https://example.com/a.md', fileName: 'a.md' }) }, 400, 40004);
        assert.equal(refused.status, 40004);
        assert.match(refused.message, /loopback/);

        const missing = await ok(sb, 'POST', IMPORT, { form: form({ fileId: 'imp-404', type: 'document', fileUrl: files.url('/nothing.md'), fileName: 'nothing.md' }) });
        const p = await ok(sb, 'POST', '/sdk/v2/api/files/v1/import/progress', { query: `taskId=${missing.data.taskId}` });
        assert.equal(p.status, 40011);
        assert.match(p.message, /HTTP 404/);
        assert.deepEqual(p.data, { progress: 0 });
        assert.equal(sb.control.file('imp-404'), undefined);
      } finally {
        await files.close();
      }
    });

    it('refuses type/format pairs outside the table, missing parts and used ids, with {status, code, message}', async () => {
      const bad = async (fields: Record<string, string>, file: { name: string; data: string } | undefined, status: number, code: number) => {
        const body = await fails(sb, 'POST', IMPORT, { form: form(fields, file) }, status, code);
        assert.equal(body.status, code);
      };
      await bad({ fileId: 'i1', type: 'document' }, { name: 'a.csv', data: 'a,b' }, 400, 40002);
      await bad({ fileId: 'i1', type: 'spreadsheet' }, { name: 'a.md', data: '# x' }, 400, 40002);
      await bad({ fileId: 'i1', type: 'documentPro' }, { name: 'a.md', data: '# x' }, 400, 40002);
      await bad({ fileId: 'i1', type: 'presentation' }, { name: 'a.docx', data: 'x' }, 400, 40002);
      await bad({ fileId: 'i1', type: 'document' }, { name: 'noextension', data: 'x' }, 400, 40002);
      await bad({ fileId: 'i1', type: 'table' }, { name: 'a.xlsx', data: 'x' }, 400, 40002);
      await bad({ fileId: 'i1', type: 'sheet' }, { name: 'a.xlsx', data: 'x' }, 400, 40000);
      await bad({ fileId: 'i1', type: 'document' }, undefined, 400, 40000);
      await bad({ type: 'document' }, { name: 'a.md', data: 'x' }, 400, 40000);
      await bad({ fileId: 'sbx-doc-weekly', type: 'document' }, { name: 'a.md', data: 'x' }, 409, 40900);
      const json = await fails(sb, 'POST', IMPORT, { body: { fileId: 'i1', type: 'document' } }, 400, 40000);
      assert.equal(json.status, 40000);
      // Authentication failures on these routes carry status too.
      const auth = await fails(sb, 'POST', IMPORT, { form: form({ fileId: 'i1', type: 'document' }, { name: 'a.md', data: 'x' }), token: null }, 401, 40105);
      assert.equal(auth.status, 40105);
      // A file name without extension takes fileName's.
      const r = await ok(sb, 'POST', IMPORT, { form: form({ fileId: 'i2', type: 'document', fileName: '说明.txt' }, { name: 'blob', data: '纯文本' }) });
      await pollTask(sb, 'import', r.data.taskId);
      assert.equal(await plain(sb, 'i2'), '纯文本');
    });

    it('fails the task of content it cannot read (legacy binary, content of another kind) and frees the id', async () => {
      const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
      const t1 = await importBytes(sb, 'imp-ole', 'document', 'old.doc', ole);
      const p1 = await ok(sb, 'POST', '/sdk/v2/api/files/v1/import/progress', { query: `taskId=${t1}` });
      assert.equal(p1.status, 40010);
      assert.match(p1.message, /legacy binary \.doc/);
      const t2 = await importBytes(sb, 'imp-mismatch', 'document', 'book.docx', xlsxFixture({ S: [['x']] }));
      const p2 = await ok(sb, 'POST', '/sdk/v2/api/files/v1/import/progress', { body: { taskId: t2 } });
      assert.equal(p2.status, 40010);
      assert.equal(sb.control.file('imp-ole'), undefined);
      await ok(sb, 'POST', '/sdk/v2/api/files', { body: { type: 'document', fileId: 'imp-ole' } }, 204);
    });

    it('answers 404 40403 for unknown task ids and 400 without one', async () => {
      const e = await fails(sb, 'POST', '/sdk/v2/api/files/v1/import/progress', { query: 'taskId=nope' }, 404, 40403);
      assert.equal(e.status, 40403);
      await fails(sb, 'POST', '/sdk/v2/api/files/v1/export/progress', {}, 400, 40000);
      const t = await importBytes(sb, 'imp-kind', 'document', 'a.md', 'x');
      await fails(sb, 'POST', '/sdk/v2/api/files/v1/export/progress', { query: `taskId=${t}` }, 404, 40403);
    });
  });

  describe('export', () => {
    it('exports a document to docx: a package unzip accepts, with the text and heading styles', async () => {
      const { bytes, headers } = await exportBytes(sb, 'sbx-doc-weekly', 'docx');
      assert.equal(headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      assert.match(headers.get('content-disposition') ?? '', /filename\*=UTF-8''%E5%91%A8%E6%8A%A5.*\.docx/);
      const entries = unzipEntries(bytes);
      assert.ok(entries.includes('word/document.xml') && entries.includes('word/styles.xml') && entries.includes('[Content_Types].xml'));
      const xml = xmlParts(bytes);
      assert.match(xml['word/document.xml'], /本周工作 🗓️/);
      assert.match(xml['word/document.xml'], /修复 #42：文件名含 % 的编码问题/);
      assert.match(bytes.toString('latin1'), /<w:pStyle w:val="Heading1"\/>/);
      // The default type of a document is docx.
      const dflt = await exportBytes(sb, 'sbx-doc-weekly');
      assert.ok(unzipEntries(dflt.bytes).includes('word/document.xml'));
    });

    it('exports documents and presentations to PDF that pdftotext reads back', async () => {
      const doc = (await exportBytes(sb, 'sbx-doc-weekly', 'pdf')).bytes;
      assert.equal(doc.subarray(0, 5).toString('latin1'), '%PDF-');
      const slides = (await exportBytes(sb, 'sbx-slides-launch', 'pdf')).bytes;
      const pro = (await exportBytes(sb, 'sbx-docpro-contract', 'pdf')).bytes;
      if (!hasPdftotext) return;
      const text = pdftotext(doc);
      for (const line of ['本周工作 🗓️', '修复 #42：文件名含 % 的编码问题（覆盖率 100%）', '普通段落：Unicode 测试 😀 中文、English、日本語。']) assert.ok(text.includes(line), `${line} in ${JSON.stringify(text)}`);
      assert.equal(pdfPageCount(slides), 3);
      assert.match(pdftotext(slides, 2, 2), /现场演示 #demo/);
      assert.match(pdftotext(pro), /首付款为合同总额的 30%/);
    });

    it('exports markdown, a real JPEG, and .wps as a word package', async () => {
      const md = (await exportBytes(sb, 'sbx-doc-weekly', 'MD')).bytes.toString('utf8');
      assert.ok(md.startsWith('# 本周工作 🗓️\n\n## 已完成\n\n- 接入石墨 SDK 沙箱\n- 修复 #42'));
      assert.match(md, /\n1\. 导出 PDF 与 Word\n2\. 表格同步 @张三\n/);
      const jpg = await exportBytes(sb, 'sbx-doc-weekly', 'jpg');
      assert.equal(jpg.headers.get('content-type'), 'image/jpeg');
      const img = jpeg.decode(jpg.bytes, { useTArray: true });
      assert.ok(img.width > 500 && img.height > 700, `${img.width}x${img.height}`);
      const dark = img.data.filter((v, i) => i % 4 === 0 && v < 128).length;
      assert.ok(dark > 100, 'the text is drawn');
      const wps = (await exportBytes(sb, 'sbx-docpro-contract', 'wps')).bytes;
      assert.match(xmlParts(wps)['word/document.xml'], /甲方与乙方本着平等互利的原则签订本合同。/);
    });

    it('exports spreadsheets to xlsx (every sheet, typed values) and presentations to pptx', async () => {
      const { bytes } = await exportBytes(sb, 'sbx-sheet-sales');
      const xml = xmlParts(bytes);
      assert.match(bytes.toString('utf8'), /<sheet name="工作表1" sheetId="1"[^>]*\/><sheet name="销售 2024" sheetId="2"/);
      assert.match(xml['xl/worksheets/sheet1.xml'], /姓名年龄性别小明29男/);
      assert.match(xml['xl/worksheets/sheet2.xml'], /1月120000\.1545292/);
      // Round trip: the exported workbook imports back to the same values.
      await pollTask(sb, 'import', await importBytes(sb, 'round', 'spreadsheet', 'round.xlsx', bytes));
      assert.deepEqual(sb.control.sheetNames('round'), ['工作表1', '销售 2024']);
      assert.deepEqual(await read(sb, 'round', '销售 2024'), await read(sb, 'sbx-sheet-sales', '销售 2024'));
      const pptx = (await exportBytes(sb, 'sbx-slides-launch', 'pptx')).bytes;
      const parts = xmlParts(pptx);
      assert.match(parts['ppt/slides/slide2.xml'], /议程1\. 产品介绍2\. 现场演示 #demo/);
      assert.ok(unzipEntries(pptx).includes('ppt/slides/slide3.xml'));
    });

    it('exports what the file held when the export was asked for', async () => {
      const r = await ok(sb, 'POST', '/sdk/v2/api/files/v1/export/sbx-doc-notes', { body: { type: 'md' } });
      assert.match(r.data.taskId, /^[0-9A-Za-z]{16}:1:\d+:md$/);
      sb.control.setText('sbx-doc-notes', '改过了');
      const done = (await pollTask(sb, 'export', r.data.taskId)).pop();
      assert.match((await download(done.downloadUrl)).bytes.toString('utf8'), /^会议纪要\n\n时间/);
    });

    it('refuses formats outside the table and tables on /v1/export; tables export through table-sheets', async () => {
      for (const [id, type] of [['sbx-doc-weekly', 'xlsx'], ['sbx-docpro-contract', 'md'], ['sbx-sheet-sales', 'pdf'], ['sbx-slides-launch', 'docx'], ['sbx-doc-weekly', 'wps']]) {
        const e = await fails(sb, 'POST', `/sdk/v2/api/files/v1/export/${id}`, { body: { type } }, 400, 40002);
        assert.equal(e.status, 40002);
      }
      await fails(sb, 'POST', '/sdk/v2/api/files/v1/export/sbx-table-tracker', { body: {} }, 400, 40003);
      await fails(sb, 'POST', '/sdk/v2/api/files/v1/export/no-such-file', { body: {} }, 404, 40401);
      const t = await ok(sb, 'POST', '/sdk/v2/api/files/export/table-sheets/sbx-table-tracker');
      assert.deepEqual(Object.keys(t), ['status', 'message', 'downloadUrl']);
      assert.equal(t.status, 0);
      const x = await download(t.downloadUrl);
      assert.equal(x.status, 200);
      assert.match(x.bytes.toString('utf8'), /<sheet name="任务"/);
      assert.match(xmlParts(x.bytes)['xl/worksheets/sheet1.xml'], /任务负责人状态进度接入 SDK张三进行中0\.5/);
      await fails(sb, 'POST', '/sdk/v2/api/files/export/table-sheets/sbx-sheet-sales', {}, 400, 40003);
    });

    it('download URLs expire (control), reject tampering and need no credentials', async () => {
      const first = await exportBytes(sb, 'sbx-doc-weekly', 'md');
      assert.equal((await download(first.url)).status, 200);
      const tampered = first.url.slice(0, -1) + (first.url.endsWith('0') ? '1' : '0');
      const t = await download(tampered);
      assert.equal(t.status, 403);
      assert.equal(t.json.code, 40303);
      const unknown = await download(first.url.replace(/\/dl\/[0-9a-f]+/, '/dl/00112233445566778899aabbccddeeff'));
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.code, 40405);
      sb.control.expireDownloadUrls();
      const expired = await download(first.url);
      assert.equal(expired.status, 403);
      assert.deepEqual(expired.json, { code: 40303, message: 'download URL expired' });
      // URLs handed out later work; a range request gets 206.
      const later = await exportBytes(sb, 'sbx-doc-weekly', 'md');
      const part = await fetch(later.url, { headers: { Range: 'bytes=0-1' } });
      assert.equal(part.status, 206);
      assert.equal(Buffer.from(await part.arrayBuffer()).toString('utf8'), '# ');
      // The log knows these as downloads: no family, no credentials.
      const logged = sb.control.requests.filter((e) => e.path.startsWith('/dl/'));
      assert.ok(logged.length >= 5 && logged.every((e) => e.auth === 'none' && e.family === undefined));
    });

    it('export progress reports the download URL only at 100 and keeps answering it', async () => {
      sb.control.setTaskPolls(2);
      const r = await call(sb, 'POST', '/sdk/v2/api/files/v1/export/sbx-sheet-budget', { body: {} });
      const id = r.json.data.taskId;
      const p1 = await ok(sb, 'POST', '/sdk/v2/api/files/v1/export/progress', { query: `taskId=${enc(id)}` });
      assert.deepEqual(p1, { status: 0, message: '', data: { progress: 50 } });
      const p2 = await ok(sb, 'POST', '/sdk/v2/api/files/v1/export/progress', { body: { taskId: id }, auth: 'header' });
      assert.equal(p2.data.progress, 100);
      const p3 = await ok(sb, 'POST', '/sdk/v2/api/files/v1/export/progress', { query: `taskId=${enc(id)}` });
      assert.equal(p3.data.downloadUrl, p2.data.downloadUrl);
      const x = await download(p2.data.downloadUrl);
      assert.match(x.bytes.toString('utf8'), /<sheet name="Q1!: &apos;预算&apos;"|<sheet name="Q1!: '预算'"/);
    });
  });
});
