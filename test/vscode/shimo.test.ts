// Shimo SDK v2 in the real VS Code against the embedded Shimo sandbox: the account's list of files (Shimo has no list
// API), a local Markdown file imported and opened, a document exported to PDF through Convert…, a sheet edited as CSV
// and saved as only its changed range, and seats activated and deactivated with a confirmation naming them.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ShimoSandbox } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/types';
import { children, entryOf, revertAllAndClose, setup } from './support';
import { run, runExpectingError } from './user';

const ACC = 'sandbox-shimo';
let api: DocWorkspacesApi;
let sb: ShimoSandbox;
const shimoUri = (p: string) => vscode.Uri.from({ scheme: 'shimo', authority: ACC, path: `/${p}` });

describe('Shimo SDK v2', function () {
  this.timeout(120_000);

  before(async () => {
    ({ api } = await setup());
    sb = api.vendorSandbox('shimo') as ShimoSandbox;
    assert.ok(sb?.control, 'the embedded Shimo sandbox runs');
  });
  afterEach(async () => {
    sb.control.resetMisbehaviour();
    await revertAllAndClose();
  });

  it('shows the account\'s list of files by type; a document opens read-only as Markdown', async () => {
    const account = (await children(api)).find((a) => a.accountId === ACC) as TreeNode;
    assert.ok(account, 'the Shimo sandbox account is in the tree');
    const folders = await children(api, account);
    assert.deepStrictEqual(folders.map((f) => entryOf(f)?.path), ['documents', 'spreadsheets', 'presentations', 'tables']);
    const docs = await children(api, folders[0]);
    const weekly = docs.find((d) => entryOf(d)?.id === 'sbx-doc-weekly');
    assert.ok(weekly, docs.map((d) => entryOf(d)?.name).join(' | '));
    const doc = await vscode.workspace.openTextDocument(shimoUri(entryOf(weekly)!.path));
    assert.match(doc.getText(), /本周工作/);
    const editor = await vscode.window.showTextDocument(doc);
    assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'x')));
    assert.strictEqual(await doc.save(), false, 'documents are read-only: the API cannot write them in place');
  });

  it('imports a local Markdown file as a new Shimo document and opens it', async () => {
    const local = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-shimo-')), '导入 笔记 #1.md');
    await fsp.writeFile(local, '# 导入的笔记\n\n第一段 paragraph 😀\n');
    const before = sb.control.fileIds().length;
    const { result } = await run<string>(api, [], 'docWorkspaces.shimo.import', undefined, vscode.Uri.file(local));
    assert.strictEqual(sb.control.fileIds().length, before + 1);
    assert.strictEqual(result, 'documents/导入 笔记 #1.md');
    const editor = vscode.window.activeTextEditor;
    assert.strictEqual(editor?.document.uri.toString(), shimoUri('documents/导入 笔记 #1.md').toString());
    assert.match(editor!.document.getText(), /第一段 paragraph/);
  });

  it('exports a document to PDF through Convert… into a local folder; pdftotext reads it back', async () => {
    const weekly = (await vscode.workspace.fs.readDirectory(shimoUri('documents'))).find(([name]) => name.startsWith('周报'))![0];
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-shimo-pdf-'));
    const { result } = await run<vscode.Uri[]>(api, [/^PDF/, { uris: [vscode.Uri.file(dir)] }], 'docWorkspaces.convert', shimoUri(`documents/${weekly}`));
    const out = result![0];
    assert.strictEqual(path.dirname(out.fsPath), dir);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', out.fsPath, '-'], { encoding: 'utf8' });
    assert.match(text, /本周工作/);
  });

  it('saves an edited sheet as only its changed range: one read to check, one range update', async () => {
    const sales = (await vscode.workspace.fs.readDirectory(shimoUri('spreadsheets'))).find(([name]) => name.startsWith('销售数据'))![0];
    const uri = shimoUri(`spreadsheets/${sales}/工作表1.csv`);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const line = doc.lineAt(2);
    const cells = line.text.split(',');
    cells[1] = '99999';
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, line.range, cells.join(','));
    assert.ok(await vscode.workspace.applyEdit(edit));
    const mark = sb.control.requestCount;
    assert.ok(await doc.save());
    const reqs = sb.control.requestsSince(mark).map((r) => `${r.method} ${r.status}`);
    assert.deepStrictEqual(reqs, ['GET 200', 'POST 204'], 'a read of the sheet, then one update of the changed range');
    assert.strictEqual(sb.control.sheetValues('sbx-sheet-sales', '工作表1')[2][1], '99999');
  });

  it('mentions of a document; the file list saved to a workspace file and loaded into the list again', async () => {
    const weekly = (await vscode.workspace.fs.readDirectory(shimoUri('documents'))).find(([name]) => name.startsWith('周报'))![0];
    const { result: mentions, user } = await run<Array<{ userId: string }>>(api, [/1002/], 'docWorkspaces.shimo.mentions', shimoUri(`documents/${weekly}`));
    assert.ok(mentions!.length >= 2);
    assert.match(user.prompts[0].title ?? '', /Mentions in '周报/);
    const file = vscode.Uri.file(path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-shimo-list-')), 'shimo-files.json'));
    await run(api, [/^Save the list/, { uri: file }], 'docWorkspaces.shimo.fileList', ACC);
    const saved = JSON.parse(await fsp.readFile(file.fsPath, 'utf8')) as { files: Array<{ id: string; title: string }> };
    assert.ok(saved.files.some((f) => f.id === 'sbx-sheet-sales'));
    await fsp.writeFile(file.fsPath, JSON.stringify({ files: [{ id: 'sbx-doc-notes', type: 'document', title: '另一个标题 #2' }] }));
    await run(api, [/^Add the files/, { uris: [file] }], 'docWorkspaces.shimo.fileList', ACC);
    const names = (await vscode.workspace.fs.readDirectory(shimoUri('documents'))).map(([name]) => name);
    assert.ok(names.includes('另一个标题 #2.md'), names.join(' | '));
  });

  it('Add Account… → Shimo asks for host, AppId, AppSecret and user token (secrets typed as passwords), checks them, refuses a wrong secret', async () => {
    const { user } = await run(api, ['Shimo', sb.host, sb.appId, sb.appSecret, sb.userToken], 'docWorkspaces.addAccount');
    assert.deepStrictEqual(user.prompts.slice(1).map((p) => !!p.password), [false, false, true, true]);
    const added = api.accounts.list().find((a) => a.vendor === 'shimo' && !a.sandbox);
    assert.ok(added, 'the account is stored');
    try {
      const before = api.accounts.list().length;
      const { error } = await runExpectingError(api, ['Shimo', sb.host, sb.appId, 'wrong-secret', sb.userToken], 'docWorkspaces.addAccount');
      assert.match(error, /refused|signature/i);
      assert.strictEqual(api.accounts.list().length, before, 'nothing stored');
    } finally {
      await api.accounts.remove(added.id);
    }
  });

  it('activates and deactivates seats, confirming with the users and the account named', async () => {
    const off = sb.control.seats().find((u) => Number(u.status) !== 1)!;
    const { user } = await run(api, [[off.userId], 'Activate', 'Activate'], 'docWorkspaces.shimo.seats', ACC);
    assert.match(user.prompts[2].message ?? '', new RegExp(`Activate the seats of ${off.userId}`));
    assert.strictEqual(Number(sb.control.seats().find((u) => u.userId === off.userId)?.status), 1);
    await run(api, [[off.userId], 'Deactivate', 'Deactivate'], 'docWorkspaces.shimo.seats', ACC);
    assert.strictEqual(Number(sb.control.seats().find((u) => u.userId === off.userId)?.status), 0);
  });
});
