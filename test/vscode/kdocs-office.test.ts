// Conversion, text extraction, outline documents as Markdown, AirScript, preview links and Send to Chat in the real
// VS Code against the embedded Kingsoft Docs sandbox, every command through the prompt seam as a user runs it. The
// converted files are checked with real tools (pdftotext, zip headers, PNG signatures).
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { docxPackage, xlsxPackage } from '../../src/sandbox/common/ooxml';
import type { KdocsSandbox, KdocsSpace } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import { kdRequestsSince } from './kdocs-support';
import { closeAllEditors, setup } from './support';
import { asUser, CANCEL, run, runExpectingError } from './user';

const KD = 'kd-sandbox';
let api: DocWorkspacesApi;
let sb: KdocsSandbox;

const kdUri = (space: KdocsSpace, p: string) => vscode.Uri.from({ scheme: 'kdocs', authority: KD, path: `/${space}/${p}` });
let n = 0;
const dirName = () => `office-${Date.now().toString(36)}-${++n}`;

/** The text pdftotext reads from a PDF (the tool CI installs: poppler-utils). */
async function pdfText(data: Uint8Array): Promise<string> {
  const tmp = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-pdf-')), 'out.pdf');
  try {
    await fsp.writeFile(tmp, data);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', tmp, '-'], { encoding: 'utf8' });
  } finally {
    await fsp.rm(path.dirname(tmp), { recursive: true, force: true });
  }
}

const converts = (reqs: string[], target: string) => reqs.filter((r) => r.startsWith(`POST /api/v1/openapi/office/convert/files/to/${target} `)).length;

/** Polls until `ok()` holds (a condition of the sandbox), failing after a generous bound. */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(ok(), what);
}

describe('Kingsoft Docs office features', function () {
  this.timeout(120_000);

  before(async () => {
    ({ api } = await setup());
    sb = api.vendorSandbox('kdocs') as KdocsSandbox;
    assert.ok(sb?.control, 'the embedded kdocs sandbox runs');
  });
  afterEach(async () => {
    sb.control.resetMisbehaviour();
    await closeAllEditors();
  });

  describe('Convert…', () => {
    it('converts an app-space .docx to a PDF next to it that pdftotext reads back; the same version again costs no conversion', async () => {
      const dir = dirName();
      const name = '季度报告 #1 100%.docx';
      sb.control.writeFile('appspace', `${dir}/${name}`, docxPackage([{ text: '季度报告 Quarterly report 😀' }]));
      const since = kdRequestsSince(sb.control);
      const { result, user } = await run<vscode.Uri[]>(api, [/^PDF/, '', /^Next to/], 'docWorkspaces.convert', kdUri('appspace', `${dir}/${name}`));
      assert.deepStrictEqual(user.prompts[0].labels.slice(0, 1), ['PDF document (.pdf)'], 'PDF first');
      for (const q of user.prompts) assert.match(q.title ?? '', /季度报告 #1 100%\.docx/, 'every prompt names the file');
      assert.strictEqual(result?.[0].path, `/appspace/${dir}/季度报告 #1 100%.pdf`);
      assert.strictEqual(converts(since(), 'pdf'), 1, 'one conversion');
      const pdf = sb.control.readFile('appspace', `${dir}/季度报告 #1 100%.pdf`);
      assert.ok(pdf, 'saved in the app space');
      assert.match(await pdfText(pdf), /季度报告 Quarterly report/);
      assert.ok(user.notifications.some((m) => /converted/.test(m.message) && m.buttons.includes('Open')), JSON.stringify(user.notifications));

      const again = kdRequestsSince(sb.control);
      const second = await run<vscode.Uri[]>(api, [/^PDF/, '', /^Next to/], 'docWorkspaces.convert', kdUri('appspace', `${dir}/${name}`));
      assert.strictEqual(converts(again(), 'pdf'), 0, `no conversion request the second time: ${again().join(', ')}`);
      assert.strictEqual(second.result?.[0].path, `/appspace/${dir}/季度报告 #1 100% (1).pdf`, 'a free name, nothing overwritten');
      assert.match(await pdfText(sb.control.readFile('appspace', `${dir}/季度报告 #1 100% (1).pdf`)!), /季度报告/);
    });

    it('converts a local .docx (Explorer) to a PDF in a local folder', async () => {
      const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-local-'));
      try {
        const src = path.join(tmp, '本地 文档.docx');
        await fsp.writeFile(src, docxPackage([{ text: 'Local document 本地文档' }]));
        const out = path.join(tmp, 'out');
        await fsp.mkdir(out);
        const since = kdRequestsSince(sb.control);
        const { result } = await run<vscode.Uri[]>(api, [/^PDF/, '', 'In a local folder…', { uris: [vscode.Uri.file(out)] }], 'docWorkspaces.convert', vscode.Uri.file(src));
        assert.strictEqual(result?.[0].fsPath, path.join(out, '本地 文档.pdf'));
        assert.match(await pdfText(await fsp.readFile(result[0].fsPath)), /Local document 本地文档/);
        assert.strictEqual(converts(since(), 'pdf'), 1);
      } finally {
        await fsp.rm(tmp, { recursive: true, force: true });
      }
    });

    it('converts a file of another account (a Gokuai library) through the Kingsoft Docs converter, next to it', async () => {
      const { control, base } = await setup();
      const p = `${base}/转换 ${dirName()}.docx`;
      control.writeFile(p, docxPackage([{ text: 'From the library 来自云库' }]));
      const gk = vscode.Uri.from({ scheme: 'gokuai', authority: 'sandbox', path: `/${p}` });
      const { result } = await run<vscode.Uri[]>(api, [/^PDF/, '', /^Next to/], 'docWorkspaces.convert', gk);
      assert.strictEqual(result?.[0].toString(), gk.with({ path: gk.path.replace(/\.docx$/, '.pdf') }).toString(), 'saved in the library');
      assert.match(await pdfText(control.readFile(p.replace(/\.docx$/, '.pdf'))!), /From the library 来自云库/);
    });

    it('converts a spreadsheet to .xlsx and a document to one PNG per page', async () => {
      const dir = dirName();
      sb.control.writeFile('appspace', `${dir}/预算.xls`, xlsxPackage([{ name: 'Sheet1', rows: [['项目', '金额'], ['服务器', 1200]] }]));
      const sheet = await run<vscode.Uri[]>(api, [/\.xlsx/, /^Next to/], 'docWorkspaces.convert', kdUri('appspace', `${dir}/预算.xls`));
      const xlsx = sb.control.readFile('appspace', sheet.result![0].path.replace(/^\/appspace\//, ''))!;
      assert.strictEqual(xlsx.subarray(0, 2).toString(), 'PK', 'a zip package');
      assert.ok(xlsx.includes('xl/workbook.xml'), 'with a workbook');

      sb.control.writeFile('appspace', `${dir}/两页.docx`, docxPackage([{ text: 'page one' }, { text: 'page two', pageBreakBefore: true }]));
      const pages = await run<vscode.Uri[]>(api, [/^PNG/, '', /^Next to/], 'docWorkspaces.convert', kdUri('appspace', `${dir}/两页.docx`));
      assert.strictEqual(pages.result?.length, 2, 'one image per page');
      assert.match(pages.result[0].path, new RegExp(`/appspace/${dir}/两页 \\(png\\)/`), 'in a folder of pages');
      for (const uri of pages.result) {
        const png = sb.control.readFile('appspace', uri.path.replace(/^\/appspace\//, ''))!;
        assert.deepStrictEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${uri.path} is a PNG`);
      }
    });

    it('asks for the password of a protected document only when needed, again when it was wrong', async () => {
      const dir = dirName();
      const password = 'CaNaRy-document-pw-42'; // a canary: the run fails if it reaches a log
      sb.control.writeFile('appspace', `${dir}/机密.docx`, sb.control.protectDocument(docxPackage([{ text: 'secret content' }]), password));
      const { result, user } = await run<vscode.Uri[]>(api, [/^PDF/, '', /^Next to/, 'not-it', password], 'docWorkspaces.convert', kdUri('appspace', `${dir}/机密.docx`));
      const asked = user.prompts.filter((q) => q.password);
      assert.strictEqual(asked.length, 2, 'asked, then asked again');
      assert.match(asked[0].title ?? '', /'机密\.docx' is protected/);
      assert.match(asked[1].prompt ?? '', /refused/);
      assert.match(await pdfText(sb.control.readFile('appspace', result![0].path.replace(/^\/appspace\//, ''))!), /secret content/);
    });

    it('refuses what the converter does not take, in words, before asking anything', async () => {
      const dir = dirName();
      sb.control.writeFile('appspace', `${dir}/notes.md`, '# notes');
      const { error, user } = await runExpectingError(api, [], 'docWorkspaces.convert', kdUri('appspace', `${dir}/notes.md`));
      assert.match(error, /'notes\.md' cannot be converted/);
      assert.deepStrictEqual(user.prompts, []);
    });
  });

  describe('Extract Text and Open as Markdown', () => {
    it('Extract Text opens the plain text of a document in an editor', async () => {
      const dir = dirName();
      sb.control.writeFile('appspace', `${dir}/提取.docx`, docxPackage([{ text: '第一段 first paragraph' }, { text: 'second paragraph' }]));
      const { result: doc } = await run<vscode.TextDocument>(api, [], 'docWorkspaces.extractText', kdUri('appspace', `${dir}/提取.docx`));
      assert.ok(doc?.isUntitled);
      assert.match(doc.getText(), /第一段 first paragraph[\s\S]*second paragraph/);
      assert.strictEqual(vscode.window.activeTextEditor?.document, doc, 'shown');
    });

    it('Open as Markdown renders an outline document read-only: headings, lists, a table, images as links', async () => {
      const { result: uri } = await run<vscode.Uri>(api, [], 'docWorkspaces.openAsMarkdown', kdUri('personal', '在线文档/项目计划.otl'));
      assert.ok(uri);
      const doc = vscode.window.activeTextEditor?.document;
      assert.strictEqual(doc?.uri.toString(), uri.toString(), 'shown');
      assert.strictEqual(doc.languageId, 'markdown');
      assert.strictEqual(vscode.window.tabGroups.activeTabGroup.activeTab?.label, '项目计划.md');
      const text = doc.getText();
      assert.match(text, /^# /m, 'a heading');
      assert.match(text, /^\s*(-|\d+\.) /m, 'a list');
      assert.match(text, /^\|.*\|$/m, 'a table');
      assert.match(text, /!\[[^\]]*\]\(https?:\/\//, 'an image as a link');
      await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('x'))), 'read-only');
    });
  });

  describe('AirScript', () => {
    let tmp: string;
    before(async () => { tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-airscript-')); });
    after(() => fsp.rm(tmp, { recursive: true, force: true }));

    /** A script file of the "workspace", open in an editor. */
    async function script(name: string, code: string): Promise<vscode.TextDocument> {
      const file = path.join(tmp, name);
      await fsp.writeFile(file, code);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(doc);
      return doc;
    }
    /** Choose AirScript Target…: the budget sheet of the personal files, with `version`. */
    const bind = (doc: vscode.TextDocument, version: RegExp) =>
      run(api, ['在线文档', '预算 2025.ksheet', version], 'docWorkspaces.scriptTarget', doc.uri);

    it('runs a script against its sheet: logs in order and once each, the result, the sheet changed', async () => {
      const doc = await script('汇总.airscript.js', [
        'var sheet = Application.ActiveSheet;',
        'console.log("rows", sheet.UsedRange.Rows.Count);',
        'for (var i = 1; i <= 3; i++) { console.log("step " + i); }',
        'Range("H1").Value = "done by " + Context.argv.who;',
        'return { ok: true, who: Context.argv.who };',
      ].join('\n'));
      const lens = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      assert.ok(lens?.some((l) => /Choose the sheet/.test(l.command?.title ?? '')), 'an unbound script offers to choose its sheet');
      const bound = await bind(doc, /2\.0/);
      assert.deepStrictEqual(bound.user.prompts.map((q) => q.kind), ['pick', 'pick', 'pick'], 'folder, sheet, syntax version');
      await run(api, ['{"who": "测试 test"}'], 'docWorkspaces.scriptArguments', doc.uri);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      assert.ok(lenses?.some((l) => l.command?.title.includes("Run on '预算 2025.ksheet'")), 'the CodeLens names the target');

      const { result } = await run<{ result: unknown; logs: Array<{ text: string; line?: number; file?: string }> }>(api, [], 'docWorkspaces.runScript', doc.uri);
      assert.ok(result);
      const mine = result.logs.filter((l) => l.file !== '<system>');
      assert.match(mine[0]?.text ?? '', /^rows \d+$/, 'the first line first');
      assert.deepStrictEqual(mine.slice(1).map((l) => l.text), ['step 1', 'step 2', 'step 3'], 'then the others, in order');
      assert.strictEqual(new Set(result.logs.map((l) => JSON.stringify(l))).size, result.logs.length, 'no line twice');
      assert.deepStrictEqual(mine.map((l) => l.line), [2, 3, 3, 3], 'each line with its position in the script');
      const value = typeof result.result === 'string' ? JSON.parse(result.result) as unknown : result.result;
      assert.deepStrictEqual(value, { ok: true, who: '测试 test' });
      assert.strictEqual(sb.control.readCells('在线文档/预算 2025.ksheet')[0][7], 'done by 测试 test', 'the sheet was written');
    });

    it('a syntax error of AirScript 1.0 is a diagnostic at its line and column, and nothing is sent', async () => {
      const doc = await script('旧语法.airscript.js', 'var a = 1;\nclass Report {}\n');
      await bind(doc, /1\.0/);
      const since = kdRequestsSince(sb.control);
      const { error } = await runExpectingError(api, [], 'docWorkspaces.runScript', doc.uri);
      assert.match(error, /class/);
      const [d] = vscode.languages.getDiagnostics(doc.uri);
      assert.ok(d, 'a diagnostic');
      assert.deepStrictEqual([d.range.start.line, d.range.start.character], [1, 0]);
      assert.ok(!since().some((r) => /\/script/.test(r)), 'no script request');
    });

    it('a runtime error is a diagnostic at the line and column the service reports', async () => {
      const doc = await script('出错.airscript.js', 'console.log("before");\nvar x = null;\nvar y = x.missing;\n');
      await bind(doc, /2\.0/);
      const { error } = await runExpectingError(api, [], 'docWorkspaces.runScript', doc.uri);
      assert.match(error, /null|undefined|missing/i);
      const [d] = vscode.languages.getDiagnostics(doc.uri);
      assert.ok(d, 'a diagnostic');
      assert.strictEqual(d.range.start.line, 2, `at the failing line: ${JSON.stringify(d.range)}`);
    });

    it('Cancel stops waiting and says the run may still finish on the server', async () => {
      const doc = await script('慢.airscript.js', 'console.log("start");\nTime.sleep(20000);\nconsole.log("end");\n');
      await bind(doc, /2\.0/);
      // The user clicks Cancel on the progress notification once the run is under way on the server.
      const win = vscode.window as unknown as { withProgress: typeof vscode.window.withProgress };
      const real = win.withProgress;
      win.withProgress = (options, task) => real(options, (progress) => {
        const cts = new vscode.CancellationTokenSource();
        void until(() => sb.control.runningScripts() > 0, 'the script runs').then(() => cts.cancel());
        return task(progress, cts.token);
      });
      try {
        const { result, user } = await run(api, [], 'docWorkspaces.runScript', doc.uri);
        assert.strictEqual(result, undefined);
        assert.ok(user.notifications.some((m) => /may still finish on the server/.test(m.message)), JSON.stringify(user.notifications));
      } finally {
        win.withProgress = real;
      }
    });

    it('completions and hovers come from the AirScript typings', async () => {
      const doc = await script('补全.airscript.js', 'Application.ActiveSheet.\n');
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(0, 24));
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.ok(labels.includes('UsedRange') && labels.includes('Range'), labels.slice(0, 30).join(', '));
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 15));
      const text = hovers.flatMap((h) => h.contents.map((c) => (c instanceof vscode.MarkdownString ? c.value : String(c)))).join('\n');
      assert.match(text, /Application\.ActiveSheet: Worksheet/);
    });
  });

  describe('preview links', () => {
    it('creates a preview of an app-space document (link copied), and Revoke makes the link stop working', async () => {
      const dir = dirName();
      sb.control.writeFile('appspace', `${dir}/预览.docx`, docxPackage([{ text: 'preview me' }]));
      await vscode.env.clipboard.writeText('');
      const { user } = await run(api, ['View only'], 'docWorkspaces.createPreview', kdUri('appspace', `${dir}/预览.docx`));
      assert.match(user.prompts[0].title ?? '', /预览\.docx/);
      const url = await vscode.env.clipboard.readText();
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\//, 'the link is on the clipboard');
      assert.strictEqual((await fetch(url)).status, 200, 'it opens');
      assert.ok(user.notifications.some((m) => /works until/.test(m.message)), 'says when it expires');

      const { user: listed } = await run(api, ['预览.docx', 'Revoke', 'Revoke'], 'docWorkspaces.previewLinks');
      assert.match(listed.prompts[0].items.find((i) => i.label === '预览.docx')?.description ?? '', /works until/);
      assert.notStrictEqual((await fetch(url)).status, 200, 'revoked: it no longer opens');
    });
  });

  describe('Send to Chat…', () => {
    it('adds a WeCom destination (its key only in SecretStorage) and sends a message to it', async () => {
      const key = 'CaNaRy-wecom-webhook-key-7'; // a canary: the run fails if it reaches any log
      sb.control.registerWebhook('wecom', key);
      const before = sb.control.notifications.length;
      const { user } = await asUser(api, ['New destination…', 'WeCom group robot', key, '研发群 dev', '部署完成 deployed'], () =>
        vscode.commands.executeCommand('docWorkspaces.sendToChat'));
      assert.ok(user.prompts.find((q) => q.password), 'the key is typed hidden');
      const sent = sb.control.notifications.slice(before);
      assert.strictEqual(sent.length, 1, 'one message');
      assert.strictEqual(sent[0].kind, 'wecom');
      assert.match(JSON.stringify(sent[0].message), /部署完成 deployed/);
      assert.ok(!JSON.stringify(api.accounts.list()).includes(key) && !JSON.stringify(vscode.workspace.getConfiguration('docWorkspaces')).includes(key), 'the key is in neither state nor settings');

      // The destination is remembered by its name.
      const again = await run(api, ['研发群 dev', 'second message'], 'docWorkspaces.sendToChat');
      assert.ok(again.user.notifications.some((m) => /Sent to 研发群 dev/.test(m.message)));
      assert.strictEqual(sb.control.notifications.length, before + 2);
      await run(api, [['研发群 dev'], 'Remove'], 'docWorkspaces.chatDestinations');
    });

    it('Escape at any step sends nothing', async () => {
      const before = sb.control.notifications.length;
      await run(api, [CANCEL], 'docWorkspaces.sendToChat');
      assert.strictEqual(sb.control.notifications.length, before);
    });
  });
});
