// Kingsoft Docs files in editors: app-space files save in place (a new version) with the same conflict check as
// Gokuai; personal files open read-only with two explicit ways to store changes ("Save as New File", "Replace");
// "Edit a Copy" takes text files only; Chinese, '#' and '%' names show as they are in tabs and survive URI round
// trips; drops from the OS upload into both spaces; online documents open in the browser; the tree has its sections.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { KdocsSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/tree/nodes';
import { children, openAndEdit, openTabs, revertAllAndClose, text } from './support';
import { asUser, CANCEL, run } from './user';
import { childOf, kdAccountNode, kdSetup, kdUri, kinds, withBrowser, field } from './kdocs-support';

let api: DocWorkspacesApi;
let control: KdocsSandboxControl;
let base: string;

const appText = (p: string) => control.readFile('appspace', p)?.toString('utf8');
const personalText = (p: string) => control.readFile('personal', p)?.toString('utf8');

/** A dropped OS file as VS Code hands it to a drop handler (only VS Code creates these; tests stand in for it). */
class DroppedFile extends vscode.DataTransferItem {
  constructor(private readonly file: vscode.DataTransferFile) {
    super('');
  }

  override asFile(): vscode.DataTransferFile {
    return this.file;
  }
}

/**
 * "Edit a Copy" on a read-only personal file as a user runs it, then the copy's text replaced by `content` (the copy
 * is the active editor afterwards, unsaved).
 */
async function editedCopy(target: vscode.Uri, content: string): Promise<vscode.TextDocument> {
  const { result: copy } = await run<vscode.TextDocument>(api, [], 'docWorkspaces.editCopy', target);
  assert.ok(copy?.isUntitled, 'an untitled copy');
  const editor = await vscode.window.showTextDocument(copy);
  await editor.edit((e) => e.replace(new vscode.Range(0, 0, copy.lineCount, 0), content));
  assert.strictEqual(copy.getText(), content);
  return copy;
}

describe('Kingsoft Docs files', function () {
  this.timeout(60_000);

  before(async () => {
    ({ api, control, base } = await kdSetup());
  });

  afterEach(async () => {
    await revertAllAndClose();
  });

  it('the tree has Personal (My documents, Recent, Starred, App folder, Recycle bin) and App space (folders, Trash)', async () => {
    const account = await kdAccountNode(api);
    const [personal, app] = await children(api, account);
    assert.deepStrictEqual(await kinds(api, personal), ['kdMyDocs', 'kdSection', 'kdSection', 'kdSection', 'bin']);
    const labels = await Promise.all((await children(api, personal)).map(async (n) => String((await api.tree.getTreeItem(n)).label)));
    assert.deepStrictEqual(labels, ['My documents', 'Recent', 'Starred', 'App folder', 'Recycle bin']);
    // The service lists personal files by name only; the tree puts folders first (the seed has both kinds).
    const mine = (await children(api, await childOf(api, personal, 'kdMyDocs'))).filter((n) => n.kind === 'entry');
    const firstFile = mine.findIndex((n) => n.kind === 'entry' && n.entry.type !== 'folder');
    assert.ok(firstFile > 0 && mine.slice(firstFile).every((n) => n.kind === 'entry' && n.entry.type !== 'folder'),
      `folders first: ${mine.map((n) => (n.kind === 'entry' ? n.entry.name : n.kind)).join(', ')}`);
    const appKids = await children(api, app);
    assert.strictEqual(appKids[appKids.length - 1].kind, 'bin', 'Trash comes after the folders');
    assert.strictEqual(String(api.tree.getTreeItem(appKids[appKids.length - 1]) instanceof Promise ? '' : (api.tree.getTreeItem(appKids[appKids.length - 1]) as vscode.TreeItem).label), 'Trash', 'the app space calls it Trash');
    assert.ok(appKids.some((n) => n.kind === 'entry' && n.entry.type === 'folder' && n.entry.name === '报告'));
    const trash = await children(api, appKids[appKids.length - 1]);
    assert.ok(trash.some((n) => n.kind === 'binItem' && n.item.name === '过期草稿.md'), 'Trash lists the trashed draft');

    // Starred items are files at token paths with ids of their own (no clash with My documents).
    const starred = await childOf(api, personal, 'kdSection', (n) => field(n, 'section') === 'starred');
    const items = await children(api, starred);
    assert.ok(items.length > 0 && items.every((n) => n.kind === 'entry' && n.entry.path.startsWith('personal/~token/')));
    assert.ok(items.every((n) => n.id.includes('/starred/')));
  });

  it('saves an app-space file in place (a new version) and keeps its Chinese name in the tab', async () => {
    const p = `${base}/季度 总结.md`;
    control.writeFile('appspace', p, '第一版\n');
    const versions = control.versionCount('appspace', p);
    const editor = await openAndEdit(kdUri('appspace', p), '第二版\n');
    assert.ok(openTabs().some((t) => t.label === '季度 总结.md'), `tab label: ${openTabs().map((t) => t.label).join(', ')}`);
    assert.ok(await editor.document.save(), 'saved');
    assert.strictEqual(appText(p), '第一版\n第二版\n');
    assert.strictEqual(control.versionCount('appspace', p), versions + 1, 'one new version, same file');
  });

  it('a save meets the conflict check when someone else changed the app-space file', async () => {
    const p = `${base}/conflict.txt`;
    control.writeFile('appspace', p, 'original\n');
    const editor = await openAndEdit(kdUri('appspace', p), 'mine\n');
    control.writeFile('appspace', p, 'ORIGINAL\n', 'Colleague'); // the same size: the extension's check, not VS Code's
    const cancelled = await asUser(api, [CANCEL], () => editor.document.save());
    assert.strictEqual(cancelled.result, false, 'cancelled');
    assert.match(cancelled.user.prompts[0].message ?? '', /'conflict\.txt' was changed on the server/);
    assert.strictEqual(appText(p), 'ORIGINAL\n', 'the colleague\'s version is untouched');
    const overwritten = await asUser(api, ['Overwrite'], () => editor.document.save());
    assert.ok(overwritten.result, 'Overwrite saves');
    assert.strictEqual(appText(p), 'original\nmine\n');
  });

  it('personal files are read-only and say why when written', async () => {
    const uri = kdUri('personal', '工作周报.docx');
    const stat = await vscode.workspace.fs.stat(uri);
    assert.strictEqual(stat.permissions, vscode.FilePermission.Readonly);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri, text('x'))), /Save as New File/);
    // The account root only lists the two spaces: a store without the write capability is read-only as a whole.
    const root = vscode.Uri.from({ scheme: 'kdocs', authority: 'kd-sandbox', path: '/' });
    assert.strictEqual((await vscode.workspace.fs.stat(root)).permissions, vscode.FilePermission.Readonly);
    assert.strictEqual((await vscode.workspace.fs.stat(kdUri('appspace', ''))).permissions, undefined, 'a space is writable');
  });

  it('"Edit a Copy" then "Save as New File" stores the copy next to the original, which stays as it was', async () => {
    const p = '个人/旅行计划 ✈️.md';
    const before = personalText(p);
    await asUser(api, [], async () => {
      const copy = await vscode.commands.executeCommand<vscode.TextDocument>('docWorkspaces.editCopy', kdUri('personal', p));
      assert.ok(copy && copy.isUntitled, 'an untitled copy');
      assert.strictEqual(copy.getText(), before, 'with the content of the file');
      const editor = await vscode.window.showTextDocument(copy);
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), '新的一行\n'));
      const saved = await vscode.commands.executeCommand<vscode.Uri>('docWorkspaces.saveCopyAsNew');
      assert.ok(saved, 'returns the new file');
      assert.strictEqual(saved.path, '/personal/个人/旅行计划 ✈️ (1).md');
    });
    assert.strictEqual(personalText('个人/旅行计划 ✈️ (1).md'), '新的一行\n' + before);
    assert.strictEqual(personalText(p), before, 'the original is unchanged');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.isUntitled && d.isDirty), 'the copy was closed without a save prompt');
  });

  it('"Replace" asks first (share links stop working), then puts the new content under the name and the old file in the recycle bin', async () => {
    const p = `${base}/替换我.txt`;
    control.writeFile('personal', p, 'old\n');
    const target = kdUri('personal', p);

    // Dismissing the modal changes nothing, and the copy stays open.
    const copy = await editedCopy(target, 'new\n');
    const { user } = await run(api, [CANCEL], 'docWorkspaces.replaceWithCopy', copy.uri);
    assert.strictEqual(user.prompts.length, 1);
    assert.match(user.prompts[0].message ?? '', /替换我\.txt/);
    assert.deepStrictEqual(user.prompts[0].labels, ['Replace']);
    assert.strictEqual(personalText(p), 'old\n');
    assert.ok(!control.isInTrash('personal', p));
    assert.ok(!copy.isClosed, 'the copy is still open');

    await run(api, ['Replace'], 'docWorkspaces.replaceWithCopy', copy.uri);
    assert.strictEqual(personalText(p), 'new\n');
    assert.ok(control.isInTrash('personal', p), 'the original went to the recycle bin');
    assert.ok(copy.isClosed, 'the copy was closed without a save prompt');
  });

  it('a file opened from Recent, and what Replace makes of it, show names only: no token in tabs or breadcrumbs', async () => {
    const p = `${base}/最近 #1.txt`;
    control.writeFile('personal', p, 'old\n'); // the newest file: first in Recent
    const personal = await childOf(api, await kdAccountNode(api), 'kdSpace', (n) => field(n, 'space') === 'personal');
    const recent = await childOf(api, personal, 'kdSection', (n) => field(n, 'section') === 'recent');
    await vscode.commands.executeCommand('docWorkspaces.refreshNode', recent);
    const node = (await children(api, recent)).find((n) => n.kind === 'entry' && n.entry.name === '最近 #1.txt');
    assert.ok(node?.kind === 'entry' && node.entry.path.includes('/~token/'), 'Recent addresses the file by its token');
    const token = control.tokenOf('personal', p);
    assert.ok(token);
    const item = await api.tree.getTreeItem(node);
    const uri = item.resourceUri;
    assert.ok(uri && item.command);
    // The tab's label and description and the breadcrumbs come from the URI path: the name, no token.
    assert.strictEqual(uri.path, '/personal/最近 #1.txt');
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.strictEqual(tab?.label, '最近 #1.txt');
    assert.ok(tab.input instanceof vscode.TabInputText && !tab.input.uri.path.includes(token) && !tab.input.uri.path.includes('~token'), `tab: ${tab.input instanceof vscode.TabInputText ? tab.input.uri.path : ''}`);
    assert.strictEqual(vscode.window.activeTextEditor?.document.getText(), 'old\n');

    await editedCopy(uri, 'new\n');
    const { result: saved } = await run<vscode.Uri>(api, ['Replace'], 'docWorkspaces.replaceWithCopy');
    assert.ok(saved);
    const fresh = control.tokenOf('personal', p);
    assert.ok(fresh && fresh !== token, 'a new file took the name');
    assert.strictEqual(saved.path, '/personal/最近 #1.txt', 'the replacement shows its name, not its token');
    assert.strictEqual(new TextDecoder().decode(await vscode.workspace.fs.readFile(saved)), 'new\n', 'and reads through that URI');
    assert.strictEqual(vscode.window.tabGroups.activeTabGroup.activeTab?.label, '最近 #1.txt');
  });

  it('"Edit a Copy" refuses binary files, by name and by content, before opening anything', async () => {
    const dat = `${base}/数据.dat`;
    control.writeFile('personal', dat, Buffer.from([0x89, 0x50, 0x00, 0x01, 0xff]));
    const untitled = () => vscode.workspace.textDocuments.filter((d) => d.isUntitled).length;
    const copies = untitled();
    const { user } = await asUser(api, [], async () => {
      for (const p of ['工作周报.docx', dat]) {
        assert.strictEqual(await vscode.commands.executeCommand('docWorkspaces.editCopy', kdUri('personal', p)), undefined);
      }
    }, { allowErrors: true });
    const errors = user.errors.map((m) => m.message);
    assert.strictEqual(errors.length, 2, errors.join('\n'));
    assert.ok(errors.every((m) => /not a text file/.test(m)), errors.join('\n'));
    assert.strictEqual(untitled(), copies, 'no copy was opened');
    assert.ok(!openTabs().some((t) => t.label === '数据.dat' || t.label === '工作周报.docx'), 'nor the file');

    // The tree does not offer it on an Office document.
    const personal = await childOf(api, await kdAccountNode(api), 'kdSpace', (n) => field(n, 'space') === 'personal');
    const mine = await childOf(api, personal, 'kdMyDocs');
    const docx = await childOf(api, mine, 'entry', (n) => n.kind === 'entry' && n.entry.name === '工作周报.docx');
    // (package.json: "Edit a Copy" needs `readonly` and not `binary` in the row's contextValue.)
    const context = (await api.tree.getTreeItem(docx)).contextValue ?? '';
    assert.match(context, /^entry file\b.*\bbinary\b/, context);
    assert.match(context, /\bcap\.copies\b/, 'the store keeps copies');
  });

  it('names with # and % survive kdocs:// URIs passed around as strings', async () => {
    const p = `${base}/100% done #1.md`;
    control.writeFile('appspace', p, 'v1\n');
    const uri = vscode.Uri.parse(kdUri('appspace', p).toString());
    assert.strictEqual(uri.path, `/appspace/${p}`);
    assert.strictEqual(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), 'v1\n');
    const editor = await openAndEdit(uri, 'v2\n');
    assert.ok(openTabs().some((t) => t.label === '100% done #1.md'), 'the tab shows the name');
    assert.ok(await editor.document.save(), 'saved');
    assert.strictEqual(appText(p), 'v1\nv2\n');

    // The tree's item stands for the same URI; a personal file reads the same way.
    const app = await childOf(api, await kdAccountNode(api), 'kdSpace', (n) => field(n, 'space') === 'appspace');
    await vscode.commands.executeCommand('docWorkspaces.refreshNode', app);
    const folder = await childOf(api, app, 'entry', (n) => n.kind === 'entry' && n.entry.name === base);
    const node = await childOf(api, folder, 'entry', (n) => n.kind === 'entry' && n.entry.name === '100% done #1.md');
    assert.strictEqual((await api.tree.getTreeItem(node)).resourceUri?.toString(), uri.toString());
    control.writeFile('personal', `${base}/50% #2.txt`, 'personal %23\n');
    const personal = vscode.Uri.parse(kdUri('personal', `${base}/50% #2.txt`).toString());
    assert.strictEqual(new TextDecoder().decode(await vscode.workspace.fs.readFile(personal)), 'personal %23\n');
  });

  it('files dropped on an App space folder and on My documents are uploaded there', async () => {
    const dir = `${base}-drop`;
    control.writeFile('appspace', `${dir}/keep.txt`, 'x');
    const drop = async (target: TreeNode, name: string, content: string) => {
      const data = new vscode.DataTransfer();
      data.set('text/plain', new DroppedFile({ name, data: async () => text(content) }));
      assert.ok(api.dragAndDrop.handleDrop, 'the tree accepts drops');
      await api.dragAndDrop.handleDrop(target, data, new vscode.CancellationTokenSource().token);
    };
    const account = await kdAccountNode(api);
    const app = await childOf(api, account, 'kdSpace', (n) => field(n, 'space') === 'appspace');
    await vscode.commands.executeCommand('docWorkspaces.refreshNode', app);
    await drop(await childOf(api, app, 'entry', (n) => n.kind === 'entry' && n.entry.name === dir), '拖放 #1.txt', 'into the app space');
    assert.strictEqual(appText(`${dir}/拖放 #1.txt`), 'into the app space');

    const personal = await childOf(api, account, 'kdSpace', (n) => field(n, 'space') === 'personal');
    await drop(await childOf(api, personal, 'kdMyDocs'), `${base} 拖放.txt`, 'into my documents');
    assert.strictEqual(personalText(`${base} 拖放.txt`), 'into my documents');
  });

  it('online documents have their own icon and open in the browser with an edit URL', async () => {
    const dir = `${base}-online`;
    control.writeFile('appspace', `${dir}/设计稿.otl`, '{}');
    const app = await childOf(api, await kdAccountNode(api), 'kdSpace', (n) => field(n, 'space') === 'appspace');
    await vscode.commands.executeCommand('docWorkspaces.refreshNode', app);
    const folder = await childOf(api, app, 'entry', (n) => n.kind === 'entry' && n.entry.name === dir);
    const doc = await childOf(api, folder, 'entry', (n) => n.kind === 'entry' && n.entry.name === '设计稿.otl');
    const item = await api.tree.getTreeItem(doc);
    assert.ok(item.iconPath instanceof vscode.ThemeIcon && item.iconPath.id === 'notebook', 'online-document icon');
    assert.strictEqual(item.command?.command, 'docWorkspaces.openInBrowser');
    await withBrowser(api, async (opened) => {
      await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
      assert.strictEqual(opened.length, 1, 'one page opened in the browser');
      assert.ok(opened[0].startsWith('http://127.0.0.1:'), opened[0]);
    });
    assert.ok(!openTabs().some((t) => t.label === '设计稿.otl'), 'no text editor for it');
  });
});
