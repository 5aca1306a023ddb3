// In-VS-Code integration tests: run inside a real VS Code (code-server) by test/vscode/index.ts against the embedded
// Gokuai sandbox. They drive the extension only through VS Code (workspace.fs, documents, commands) and its API
// object, and assert on what the sandbox server holds (control.*).
import * as assert from 'assert';
import { createHash, randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GokuaiSandbox, GokuaiSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/tree/nodes';
import { ACCOUNT, closeAllEditors, EXT_ID, kindOf, openAndEdit, revertActive, setup, sha1, text, uriOf } from './support';
import { asUser, CANCEL, run, runExpectingError } from './user';

let api: DocWorkspacesApi;
let sandbox: GokuaiSandbox;
let control: GokuaiSandboxControl;
/** Every test works below its own folder of the sandbox library, so tests do not see each other's files. */
let base: string;

async function children(node?: TreeNode): Promise<TreeNode[]> {
  return (await api.tree.getChildren(node)) ?? [];
}

before(async function () {
  this.timeout(60_000);
  ({ api, sandbox, control, base } = await setup());
});

after(async () => {
  await closeAllEditors();
});

describe('activation', () => {
  it('is active, returns its API and shows the sandbox account', () => {
    assert.strictEqual(vscode.extensions.getExtension(EXT_ID)?.isActive, true);
    const acc = api.accounts.list().find((a) => a.id === ACCOUNT);
    assert.ok(acc, 'sandbox account listed');
    assert.strictEqual(acc.sandbox, true);
    assert.strictEqual(acc.libraryName, sandbox.libraryName);
  });
});

describe('several vendors', () => {
  it('tags tree items with their kind and the capabilities of their store, so menus offer what the item\'s store can do', async () => {
    const p = `${base}/vendor-tags.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('x'));
    const context = async (n: TreeNode) => (await api.tree.getTreeItem(n)).contextValue ?? '';
    const account = (await children()).find((n) => n.accountId === ACCOUNT && n.kind === 'account');
    assert.ok(account);
    assert.match(await context(account), /^account sandbox\b.*\bcap\.trash\b.*\bvendor\.gokuai$/);
    const [library] = await children(account);
    assert.match(await context(library), /^root\b/, 'a folder-like root: upload, new file...');
    const folder = (await children(library)).find((n) => n.kind === 'entry' && n.entry.path === base);
    assert.ok(folder);
    assert.match(await context(folder), /^entry folder\b/);
    const file = (await children(folder)).find((n) => n.kind === 'entry' && n.entry.path === p);
    assert.ok(file);
    const gk = await context(file);
    for (const cap of ['versions', 'links', 'locks', 'tags']) assert.match(gk, new RegExp(`\\bcap\\.${cap}\\b`), `a library file: ${cap}`);
    assert.doesNotMatch(gk, /\bcap\.(copies|documents|collaborators)\b/, 'nothing Gokuai lacks');

    // Kingsoft Docs: the two spaces of one account differ (links in Personal, versions in the App space).
    const kdAccount = (await children()).find((n) => n.accountId === 'kd-sandbox' && n.kind === 'account');
    assert.ok(kdAccount);
    const [personal, app] = await children(kdAccount);
    const [myDocs] = await children(personal);
    const personalFile = (await children(myDocs)).find((n) => n.kind === 'entry' && n.entry.type === 'file');
    const appFile = (await children(app)).find((n) => n.kind === 'entry' && n.entry.type === 'file');
    assert.ok(personalFile && appFile);
    assert.match(await context(personalFile), /\bcap\.links\b.*\bcap\.copies\b/);
    assert.doesNotMatch(await context(personalFile), /\bcap\.versions\b/);
    assert.match(await context(appFile), /\bcap\.versions\b/);
    assert.doesNotMatch(await context(appFile), /\bcap\.(links|copies)\b/);
  });

  it('mounts a file system for every registered vendor: kdocs:// answers (no such account) instead of "no provider"', async () => {
    const kd = vscode.Uri.from({ scheme: 'kdocs', authority: 'kd-nobody', path: '/personal/a.txt' });
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(kd)), (e: vscode.FileSystemError) => e.code === 'FileNotFound');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(kd.with({ scheme: 'kdocs-ro' }))), (e: vscode.FileSystemError) => e.code === 'FileNotFound');
    // A Gokuai account is not reachable under another vendor's scheme.
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(uriOf(base).with({ scheme: 'kdocs' }))), (e: vscode.FileSystemError) => e.code === 'FileNotFound');
  });

  it('a capability the target\'s store lacks is refused in words, naming the item, and nothing is sent', async () => {
    // Kingsoft Docs has no locks: Lock on one of its files (from the palette, a key binding, an old menu) says so.
    const kd = vscode.Uri.from({ scheme: 'kdocs', authority: 'kd-sandbox', path: '/appspace/README.txt' });
    const kdSandbox = api.vendorSandbox('kdocs') as { control: { requestCount: number } };
    const before = [control.requestCount, kdSandbox.control.requestCount];
    const { error } = await runExpectingError(api, [], 'docWorkspaces.lock', kd);
    assert.match(error, /'README\.txt' cannot be locked here/);
    assert.deepStrictEqual([control.requestCount, kdSandbox.control.requestCount], before, 'nothing was sent to either service');
  });
});

describe('tree', () => {
  it('shows account -> library (name from stat) -> folders and files with gokuai:// resources', async () => {
    const account = (await children()).find((n) => n.accountId === ACCOUNT && n.kind === 'account');
    assert.ok(account, 'account node');
    assert.match(String((await api.tree.getTreeItem(account)).label), /Sandbox/);

    const [library] = await children(account);
    assert.strictEqual(kindOf(library), 'library');
    assert.strictEqual((await api.tree.getTreeItem(library)).label, sandbox.libraryName);

    const top = await children(library);
    const folder = top.find((n) => n.kind === 'entry' && n.entry.path === base);
    assert.ok(folder, 'the test folder is listed at the root');
    assert.ok(top.some((n) => n.kind === 'bin'), 'recycle bin node under the library');
    const item = await api.tree.getTreeItem(folder);
    assert.strictEqual(item.resourceUri?.toString(), uriOf(base).toString());
    assert.strictEqual(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);

    await vscode.workspace.fs.writeFile(uriOf(`${base}/tree-child.txt`), text('x'));
    const inside = await children(folder);
    const file = inside.find((n) => n.kind === 'entry' && n.entry.name === 'tree-child.txt');
    assert.ok(file, 'a file written through workspace.fs appears in its folder');
    const fileItem = await api.tree.getTreeItem(file);
    assert.strictEqual(fileItem.command?.command, 'vscode.open');
    assert.ok(fileItem.tooltip, 'file tooltip');
  });

  it('shows bad credentials as an error node instead of failing', async () => {
    const bad = await api.accounts.add('gokuai', {
      host: sandbox.host, orgClientId: sandbox.credentials.orgClientId, orgClientSecret: 'CaNaRy-definitely-the-wrong-secret', verify: false,
    });
    try {
      const account = (await children()).find((n) => n.accountId === bad.id);
      assert.ok(account, 'the new account is in the tree');
      const kids = await children(account);
      assert.strictEqual(kids.length, 1);
      assert.strictEqual(kids[0].kind, 'error');
      const item = await api.tree.getTreeItem(kids[0]);
      assert.match(String(item.label), /Signature rejected|check|secret/i);
      assert.ok(!String(item.label).includes('CaNaRy-definitely-the-wrong-secret'), 'the secret is not shown');
      assert.strictEqual(item.command?.command, 'docWorkspaces.signIn');
    } finally {
      await api.accounts.remove(bad.id);
    }
    assert.ok(!api.accounts.list().some((a) => a.id === bad.id), 'removed');
  });
});

describe('vscode.workspace.fs on gokuai://', () => {
  const names = ['中文 文件.txt', 'emoji 😀 file.md', 'hash #1.txt', 'percent 100% done.txt', 'a%20b?c.txt'];

  for (const name of names) {
    it(`round-trips "${name}"`, async () => {
      const p = `${base}/fs/${name}`;
      const uri = uriOf(p);
      assert.strictEqual(vscode.Uri.parse(uri.toString()).path, '/' + p, 'URI encoding round-trips');
      const content = text(`content of ${name}\n`);

      await vscode.workspace.fs.writeFile(uri, content);
      assert.deepStrictEqual(control.readFile(p), Buffer.from(content), 'server holds the bytes under the exact name');

      const st = await vscode.workspace.fs.stat(uri);
      assert.strictEqual(st.type, vscode.FileType.File);
      assert.strictEqual(st.size, content.byteLength);
      assert.deepStrictEqual(Buffer.from(await vscode.workspace.fs.readFile(uri)), Buffer.from(content));
      const listing = await vscode.workspace.fs.readDirectory(uriOf(`${base}/fs`));
      assert.ok(listing.some(([n, t]) => n === name && t === vscode.FileType.File), 'listed by readDirectory');

      const renamed = `${base}/fs/renamed ${name}`;
      await vscode.workspace.fs.rename(uri, uriOf(renamed));
      assert.ok(!control.exists(p) && control.exists(renamed), 'renamed on the server');

      const copied = `${base}/fs/copy ${name}`;
      await vscode.workspace.fs.copy(uriOf(renamed), uriOf(copied));
      assert.deepStrictEqual(control.readFile(copied), Buffer.from(content), 'copied');

      await vscode.workspace.fs.delete(uriOf(copied));
      assert.ok(!control.exists(copied), 'deleted');
      await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(uriOf(copied))), (e: unknown) => e instanceof vscode.FileSystemError);
    });
  }

  it('opens a file in a tab named after the file, with the language from its extension', async () => {
    const p = `${base}/名字 #1.json`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('{"a": 1}\n'));
    const doc = await vscode.workspace.openTextDocument(uriOf(p));
    await vscode.window.showTextDocument(doc);
    assert.strictEqual(path.posix.basename(doc.uri.path), '名字 #1.json');
    assert.strictEqual(doc.languageId, 'json');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.strictEqual(tab?.label, '名字 #1.json');
    await closeAllEditors();
  });
});

describe('editing and saving', () => {
  afterEach(async () => {
    await revertActive();
  });

  it('open -> edit -> save creates a new remote version with the editor content', async () => {
    const p = `${base}/save.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('first line\n'));
    const before = control.versionCount(p);
    const editor = await openAndEdit(uriOf(p), 'added in VS Code\n');

    assert.strictEqual(await editor.document.save(), true, 'save succeeded');
    assert.strictEqual(editor.document.isDirty, false);
    assert.strictEqual(control.readFile(p)?.toString('utf8'), editor.document.getText());
    assert.ok(control.versionCount(p) > before, 'a new version exists on the server');
  });

  it('never silently overwrites a change made on the server after the file was opened', async () => {
    const p = `${base}/conflict.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('original\n'));
    const editor = await openAndEdit(uriOf(p), 'my local change\n');
    // The same size as what the editor loaded: VS Code's own check cannot see it, ours must (conflict.test.ts has more).
    control.writeFile(p, 'ORIGINAL\n', 'Colleague');
    const { result: saved, user } = await asUser(api, [CANCEL], () => editor.document.save());
    assert.strictEqual(user.prompts.length, 1, 'asked once');
    assert.strictEqual(saved, false, 'save refused');
    assert.strictEqual(editor.document.isDirty, true, 'the editor keeps the unsaved changes');
    assert.strictEqual(control.readFile(p)?.toString('utf8'), 'ORIGINAL\n', 'the server copy is untouched');
  });

  it('overwrites the server copy only when the user says so', async () => {
    const p = `${base}/overwrite.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('v1\n'));
    const fs = await api.getRemoteFs(ACCOUNT);
    // Open it (the editor's starting version), then let the colleague change it: same size, so only our check sees it.
    const doc = await vscode.workspace.openTextDocument(uriOf(p));
    control.writeFile(p, 'v2\n', 'Colleague');
    await asUser(api, ['Overwrite'], () => vscode.workspace.fs.writeFile(uriOf(p), text('mine wins\n')));
    assert.strictEqual(control.readFile(p)?.toString('utf8'), 'mine wins\n');
    control.writeFile(p, 'colleague again\n', 'Colleague');
    await asUser(api, [CANCEL], () => assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uriOf(p), text('not this\n')))));
    assert.strictEqual(Buffer.from((await fs.read(p)).data).toString('utf8'), 'colleague again\n');
    assert.ok(doc.uri);
  });

  it('a read by someone else while the editor is dirty does not let its save overwrite a colleague\'s change', async () => {
    const p = `${base}/dirty-read.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('original\n'));
    const editor = await openAndEdit(uriOf(p), 'my unsaved change\n');
    control.writeFile(p, 'the colleague wrote this\n', 'Colleague');
    // Workspace search, another extension or a diff reads the file while the editor holds unsaved changes.
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(uriOf(p))).toString('utf8'), 'the colleague wrote this\n');

    // Written straight to the provider (no VS Code mtime check in between): only our version check stands guard.
    const { user } = await asUser(api, [CANCEL], () =>
      assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uriOf(p), text(editor.document.getText())))));
    assert.strictEqual(user.prompts.length, 1, 'the conflict was detected and the user asked');
    assert.match(user.prompts[0].message ?? '', /dirty-read\.txt/);
    assert.strictEqual(control.readFile(p)?.toString('utf8'), 'the colleague wrote this\n', 'the colleague\'s change survives');
    assert.strictEqual(editor.document.isDirty, true);
  });

  it('a locked file refuses the save with a clear error and the editor stays dirty', async () => {
    const p = `${base}/locked.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('locked content\n'));
    const editor = await openAndEdit(uriOf(p), 'try to change\n');
    control.lockFile(p, 'Alice');
    try {
      assert.strictEqual(await editor.document.save(), false);
      assert.strictEqual(editor.document.isDirty, true);
      assert.strictEqual(control.readFile(p)?.toString('utf8'), 'locked content\n');
      await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uriOf(p), text('direct\n'))), /lock/i);
    } finally {
      control.unlockFile(p);
    }
  });
});

describe('commands', () => {
  it('delete asks first naming the file, moves it to the recycle bin, and the recycle bin restores it', async () => {
    const p = `${base}/to-recycle.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('recycle me'));
    const dismissed = await run(api, [CANCEL], 'docWorkspaces.delete', uriOf(p));
    assert.match(dismissed.user.prompts[0].message ?? '', /'to-recycle\.txt'/);
    assert.ok(control.exists(p), 'dismissed: still there');
    await run(api, ['Move to Recycle Bin'], 'docWorkspaces.delete', uriOf(p));
    assert.ok(!control.exists(p), 'gone from the library');
    assert.ok(control.isInRecycleBin(p), 'in the recycle bin');

    await run(api, [['to-recycle.txt'], 'Restore'], 'docWorkspaces.recycleBin', ACCOUNT);
    assert.ok(control.exists(p), 'restored');
    assert.strictEqual(control.readFile(p)?.toString('utf8'), 'recycle me');
  });

  it('delete permanently skips the recycle bin', async () => {
    const p = `${base}/to-destroy.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('bye'));
    const { user } = await run(api, ['Delete Permanently'], 'docWorkspaces.deletePermanently', uriOf(p));
    assert.match(user.prompts[0].message ?? '', /Permanently delete 'to-destroy\.txt'\? This cannot be undone\./);
    assert.ok(!control.exists(p));
    assert.ok(!control.isInRecycleBin(p));
  });

  it('uploads a 50 MB file from disk through Upload Files… (the web window first says where the picker looks)', async function () {
    this.timeout(120_000);
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-upload-'));
    const local = path.join(dir, 'big 50MB.bin');
    const hash = createHash('sha1');
    const fh = await fsp.open(local, 'w');
    try {
      for (let i = 0; i < 50; i++) {
        const chunk = randomBytes(1024 * 1024);
        hash.update(chunk);
        await fh.write(chunk);
      }
    } finally {
      await fh.close();
    }
    try {
      const { result, user } = await run<string[]>(api, ['Pick on the Server', { uris: [vscode.Uri.file(local)] }], 'docWorkspaces.upload', uriOf(base));
      // code-server is a web window: the picker lists the server's files, and the user is told how to upload their own.
      assert.match(user.prompts[0].message ?? '', new RegExp(`^Upload to '${base}': the file picker shows files of the machine VS Code runs on`));
      assert.match(user.prompts[0].detail ?? '', /drag files or folders onto a folder in the Doc Workspaces view/);
      assert.match(user.prompts[1].title ?? '', new RegExp(`Upload files to '${base}'`), 'the picker names the folder');
      const remote = `${base}/big 50MB.bin`;
      assert.deepStrictEqual(result, [remote]);
      const held = control.readFile(remote);
      assert.ok(held, 'the sandbox holds the file');
      assert.strictEqual(held.length, 50 * 1024 * 1024);
      assert.strictEqual(sha1(held), hash.digest('hex'));
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('Upload Folder… uploads a local folder recursively, asks before replacing an existing file, and Skip keeps it', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-upload-folder-'));
    const root = path.join(dir, '资料 #1');
    await fsp.mkdir(path.join(root, 'sub 😀', 'empty'), { recursive: true });
    await fsp.writeFile(path.join(root, 'a.txt'), 'alpha');
    await fsp.writeFile(path.join(root, 'sub 😀', 'b %.md'), 'beta');
    const target = `${base}/upload-folder`;
    await vscode.workspace.fs.createDirectory(uriOf(target));
    try {
      await run(api, ['Pick on the Server', { uris: [vscode.Uri.file(root)] }], 'docWorkspaces.uploadFolder', uriOf(target));
      assert.strictEqual(control.readFile(`${target}/资料 #1/a.txt`)?.toString('utf8'), 'alpha');
      assert.strictEqual(control.readFile(`${target}/资料 #1/sub 😀/b %.md`)?.toString('utf8'), 'beta');
      assert.ok(control.exists(`${target}/资料 #1/sub 😀/empty`), 'empty folders too');

      // Again, with one file changed locally: Replace for a.txt, Skip for b %.md.
      await fsp.writeFile(path.join(root, 'a.txt'), 'alpha 2');
      await fsp.writeFile(path.join(root, 'sub 😀', 'b %.md'), 'beta 2');
      const { user } = await run(api, ['Pick on the Server', { uris: [vscode.Uri.file(root)] }, 'Replace', 'Skip'], 'docWorkspaces.uploadFolder', uriOf(target));
      assert.match(user.prompts[2].message ?? '', /'a\.txt' already exists in '资料 #1'/);
      assert.match(user.prompts[3].message ?? '', /'b %\.md' already exists in 'sub 😀'/);
      assert.strictEqual(control.readFile(`${target}/资料 #1/a.txt`)?.toString('utf8'), 'alpha 2', 'replaced');
      assert.strictEqual(control.readFile(`${target}/资料 #1/sub 😀/b %.md`)?.toString('utf8'), 'beta', 'skipped');
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('new folder, new file, rename and move, each prompt naming where it acts', async () => {
    const { result: folder, user: u1 } = await run<vscode.Uri>(api, ['新 文件夹 #2'], 'docWorkspaces.newFolder', uriOf(base));
    assert.match(u1.prompts[0].prompt ?? '', new RegExp(`in '${base}'`));
    assert.ok(control.exists(`${base}/新 文件夹 #2`));
    assert.strictEqual(folder?.path, `/${base}/新 文件夹 #2`);
    await run(api, ['note %.md'], 'docWorkspaces.newFile', folder);
    assert.deepStrictEqual(control.readFile(`${base}/新 文件夹 #2/note %.md`), Buffer.alloc(0));
    const { user: u2 } = await run(api, ['renamed 😀.md'], 'docWorkspaces.rename', uriOf(`${base}/新 文件夹 #2/note %.md`));
    assert.match(u2.prompts[0].prompt ?? '', /New name for 'note %\.md'/);
    assert.strictEqual(u2.prompts[0].value, 'note %.md', 'pre-filled with the current name');
    assert.ok(control.exists(`${base}/新 文件夹 #2/renamed 😀.md`));
    const { user: u3 } = await run(api, ['..', 'Select this folder'], 'docWorkspaces.move', uriOf(`${base}/新 文件夹 #2/renamed 😀.md`));
    assert.match(u3.prompts[0].title ?? '', /Move 'renamed 😀\.md' to…/);
    assert.ok(control.exists(`${base}/renamed 😀.md`) && !control.exists(`${base}/新 文件夹 #2/renamed 😀.md`));
    await closeAllEditors();
  });

  it('a name that is not one path segment is refused while typing', async () => {
    await run(api, [async (q) => {
      for (const bad of ['', '..', 'a/b', 'a\\b']) assert.ok(await q.validate?.(bad), `"${bad}" refused`);
      return CANCEL;
    }], 'docWorkspaces.newFile', uriOf(base));
  });

  it('File History lists the versions with their time, opens one read-only in a tab named after its time, and Restore asks first', async () => {
    const p = `${base}/history.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('version one\n'));
    await vscode.workspace.fs.writeFile(uriOf(p), text('version two\n'));
    const oldHash = sha1(text('version one\n'));
    try {
      const { result: snapshot, user } = await run<vscode.Uri>(api, [(q) => ({ index: q.labels.length - 1 })], 'docWorkspaces.fileHistory', uriOf(p));
      assert.ok(user.prompts[0].labels.length >= 2, 'at least two versions');
      assert.match(user.prompts[0].title ?? '', /Versions of 'history\.txt'/);
      assert.ok(snapshot, 'the snapshot URI');
      assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(snapshot)).toString(), 'version one\n');
      await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(snapshot, text('nope'))));
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      assert.match(tab?.label ?? '', /^history \(\d{4}-\d\d-\d\d \d\d\.\d\d\)\.txt$/, `the tab names the version's time: ${tab?.label}`);
      assert.notStrictEqual(tab?.label, 'history.txt', 'not the live file\'s name');
      assert.strictEqual(vscode.window.activeTextEditor?.document.languageId, 'plaintext');

      const count = control.versionCount(p);
      const dismissed = await run(api, [CANCEL], 'docWorkspaces.restoreVersion', snapshot);
      assert.match(dismissed.user.prompts[0].message ?? '', /Restore 'history\.txt' to its version of \d{4}-/);
      assert.strictEqual(control.versionCount(p), count, 'dismissed: nothing restored');
      const { user: restored } = await run(api, ['Restore'], 'docWorkspaces.restoreVersion', snapshot);
      assert.strictEqual(control.readFile(p)?.toString('utf8'), 'version one\n');
      assert.ok(control.versionCount(p) > count, 'restoring adds a version');
      assert.ok(restored.notifications.some((n) => n.kind === 'info' && /'history\.txt' was restored/.test(n.message)), 'the user is told');
      assert.ok(sha1(text('version one\n')) === oldHash);
    } finally {
      await closeAllEditors();
    }
  });

  it('File History on a folder says so in words (no raw API error)', async () => {
    await vscode.workspace.fs.createDirectory(uriOf(`${base}/a folder`));
    const { error } = await runExpectingError(api, [], 'docWorkspaces.fileHistory', uriOf(`${base}/a folder`));
    assert.match(error, /"File History" works on files; "a folder" is a folder/);
  });

  it('lock/unlock and tags (prompts name the file), and the tag prompt refuses an empty answer', async () => {
    const p = `${base}/shared 分享.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('share me'));
    const fs = await api.getRemoteFs(ACCOUNT);
    await run(api, [], 'docWorkspaces.lock', uriOf(p));
    assert.strictEqual((await fs.stat(p)).locked, true, 'locked on the server');
    await run(api, [], 'docWorkspaces.unlock', uriOf(p));
    assert.ok(!(await fs.stat(p)).locked, 'unlocked');
    await vscode.workspace.fs.writeFile(uriOf(p), text('after unlock'));
    assert.strictEqual(control.readFile(p)?.toString('utf8'), 'after unlock');

    const { user } = await run(api, [async (q) => {
      assert.ok(await q.validate?.(' ; '), 'no tag in the answer: refused');
      return '重要; q3';
    }], 'docWorkspaces.addTag', uriOf(p));
    assert.match(user.prompts[0].title ?? '', /shared 分享\.txt/);
    assert.deepStrictEqual((await fs.stat(p)).tags?.sort(), ['q3', '重要'].sort());
    await run(api, [['q3']], 'docWorkspaces.removeTag', uriOf(p));
    assert.deepStrictEqual((await fs.stat(p)).tags, ['重要']);
  });

  it('file history: a version is compared with the current file and restored from the diff', async () => {
    const p = `${base}/history-flow.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('old words\n'));
    await vscode.workspace.fs.writeFile(uriOf(p), text('new words\n'));
    try {
      // 1. The oldest version opens read-only in its own editor.
      const { result: snapshot } = await run<vscode.Uri>(api, [(q) => ({ index: q.labels.length - 1 })], 'docWorkspaces.fileHistory', uriOf(p));
      assert.ok(snapshot, 'the snapshot URI');
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      assert.ok(tab?.input instanceof vscode.TabInputText && tab.input.uri.toString() === snapshot.toString(), 'the version is the active editor');
      assert.strictEqual(vscode.window.activeTextEditor?.document.getText(), 'old words\n');
      assert.strictEqual(vscode.workspace.fs.isWritableFileSystem(snapshot.scheme), false, 'read-only');

      // 2. "Compare with Current" (its editor title button passes the editor's URI): current on the left, the version
      // on the right, so the diff's title also offers "Restore This Version".
      await run(api, [], 'docWorkspaces.compareWithCurrent', snapshot);
      const diff = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      assert.ok(diff instanceof vscode.TabInputTextDiff, 'a diff editor is active');
      assert.strictEqual(diff.original.toString(), uriOf(p).toString());
      assert.strictEqual(diff.modified.toString(), snapshot.toString());

      // 3. "Restore This Version" from the diff's title (it passes the diff's right-hand URI).
      const count = control.versionCount(p);
      const { user } = await run(api, ['Restore'], 'docWorkspaces.restoreVersion', diff.modified);
      assert.strictEqual(control.readFile(p)?.toString('utf8'), 'old words\n', 'restored');
      assert.ok(control.versionCount(p) > count, 'as a new version');
      assert.ok(user.notifications.some((m) => m.kind === 'info' && m.message.includes('history-flow.txt')), 'the user is told');
    } finally {
      await closeAllEditors();
    }
  });
});

describe('accounts', () => {
  it('cancelling the credential check of a new account stops the request and stores nothing', async function () {
    this.timeout(30_000);
    const input = { host: sandbox.host, orgClientId: sandbox.credentials.orgClientId, orgClientSecret: sandbox.credentials.orgClientSecret };
    const stored = () => api.accounts.list().filter((a) => !a.sandbox && a.host === sandbox.host);
    const before = stored().length;
    control.setLatency(20_000); // the check would take 20 s: only a working Cancel ends it early
    const abort = new AbortController();
    const started = Date.now();
    try {
      const adding = api.accounts.add('gokuai', input, { signal: abort.signal });
      abort.abort();
      await assert.rejects(adding, (e: { kind?: string; name?: string }) => e.kind === 'Cancelled' || e.name === 'AbortError');
      assert.ok(Date.now() - started < 10_000, 'ended by the cancel, not by the server');
      assert.strictEqual(stored().length, before, 'no account was stored');
    } finally {
      control.setLatency(0);
      for (const a of stored().slice(before)) await api.accounts.remove(a.id);
    }
  });
});
