// Commands without dialogs (arguments instead of UI, dialogs answered through withDialogs) and what they leave on the
// server and the local disk: download, copy, share links, the recycle bin in the tree, search scopes, deleting
// through VS Code's file API, and the tooltip of a file node.
import * as assert from 'assert';
import { randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GokuaiSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/tree/nodes';
import {
  ACCOUNT, children, nodeAt, recycleBinNode, resolvedItem, setup, text, tooltipText, uriOf, withDialogs, withSetting,
} from './support';

let api: DocWorkspacesApi;
let control: GokuaiSandboxControl;
let base: string;

before(async function () {
  this.timeout(60_000);
  ({ api, control, base } = await setup());
});

/** A fresh local temp folder, removed after the test. */
async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-cmd-'));
  try {
    return await fn(dir);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Writes files to the server through VS Code (parent folders are created by the server). */
async function put(files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [p, content] of Object.entries(files)) {
    await vscode.workspace.fs.writeFile(uriOf(p), typeof content === 'string' ? text(content) : content);
  }
}

describe('download', function () {
  this.timeout(60_000);

  it('downloads one file to the chosen local file with the exact bytes', async () => {
    const p = `${base}/download/报告 #1 100%.bin`;
    const bytes = randomBytes(300_000);
    await put({ [p]: bytes });
    await withTempDir(async (dir) => {
      const local = path.join(dir, 'saved as.bin');
      await vscode.commands.executeCommand('docWorkspaces.download', { targets: [uriOf(p)], destination: vscode.Uri.file(local) });
      assert.ok((await fsp.readFile(local)).equals(bytes), 'same bytes on disk');
      assert.deepStrictEqual(await fsp.readdir(dir), ['saved as.bin'], 'nothing else written');
    });
  });

  it('downloads a folder into a local folder, recursively, under the remote names', async () => {
    const root = `${base}/download/文件夹 😀`;
    const files = { [`${root}/a.txt`]: 'alpha\n', [`${root}/子目录/b #2.md`]: '# beta\n', [`${root}/子目录/深/c.txt`]: 'gamma' };
    await put(files);
    await vscode.workspace.fs.createDirectory(uriOf(`${root}/empty`));
    await withTempDir(async (dir) => {
      await vscode.commands.executeCommand('docWorkspaces.download', { targets: [uriOf(root)], destination: vscode.Uri.file(dir) });
      for (const [p, content] of Object.entries(files)) {
        const local = path.join(dir, '文件夹 😀', ...p.slice(root.length + 1).split('/'));
        assert.strictEqual(await fsp.readFile(local, 'utf8'), content, `${local} downloaded`);
      }
      assert.ok((await fsp.stat(path.join(dir, '文件夹 😀', 'empty'))).isDirectory(), 'empty folders too');
    });
  });

  it('downloads several selected files into a folder', async () => {
    const a = `${base}/download/many/one.txt`;
    const b = `${base}/download/many/two.txt`;
    await put({ [a]: '1', [b]: '2' });
    await withTempDir(async (dir) => {
      await vscode.commands.executeCommand('docWorkspaces.download', { targets: [uriOf(a), uriOf(b)], destination: vscode.Uri.file(dir) });
      assert.deepStrictEqual((await fsp.readdir(dir)).sort(), ['one.txt', 'two.txt']);
      assert.strictEqual(await fsp.readFile(path.join(dir, 'two.txt'), 'utf8'), '2');
    });
  });
});

describe('copy', function () {
  this.timeout(60_000);

  it('copies a file into another folder; the source stays', async () => {
    const src = `${base}/copy/src/数据 #1.csv`;
    await put({ [src]: 'a,b\n1,2\n' });
    await vscode.workspace.fs.createDirectory(uriOf(`${base}/copy/dest`));
    await vscode.commands.executeCommand('docWorkspaces.copy', { targets: [uriOf(src)], destination: uriOf(`${base}/copy/dest`) });
    assert.strictEqual(control.readFile(`${base}/copy/dest/数据 #1.csv`)?.toString('utf8'), 'a,b\n1,2\n');
    assert.strictEqual(control.readFile(src)?.toString('utf8'), 'a,b\n1,2\n', 'the source is still there');
  });

  it('copies a folder with everything inside it', async () => {
    const src = `${base}/copy/tree`;
    await put({ [`${src}/x.txt`]: 'x', [`${src}/sub/y.txt`]: 'y' });
    await vscode.workspace.fs.createDirectory(uriOf(`${base}/copy/tree-dest`));
    await vscode.commands.executeCommand('docWorkspaces.copy', { targets: [uriOf(src)], destination: uriOf(`${base}/copy/tree-dest`) });
    assert.strictEqual(control.readFile(`${base}/copy/tree-dest/tree/x.txt`)?.toString('utf8'), 'x');
    assert.strictEqual(control.readFile(`${base}/copy/tree-dest/tree/sub/y.txt`)?.toString('utf8'), 'y');
    assert.ok(control.exists(`${src}/sub/y.txt`), 'the source folder is intact');
  });

  it('never overwrites a file of the same name in the destination; it says so instead', async () => {
    const src = `${base}/copy/clash/src/same.txt`;
    const dest = `${base}/copy/clash/dest/same.txt`;
    await put({ [src]: 'from the source', [dest]: 'already in the destination' });
    await withDialogs(() => undefined, async (shown) => {
      await vscode.commands.executeCommand('docWorkspaces.copy', { targets: [uriOf(src)], destination: uriOf(`${base}/copy/clash/dest`) });
      const errors = shown.filter((m) => m.kind === 'error');
      assert.strictEqual(errors.length, 1, 'one error notification');
      assert.match(errors[0].message, /exist/i, errors[0].message);
    });
    assert.strictEqual(control.readFile(dest)?.toString('utf8'), 'already in the destination');
  });
});

describe('share links', function () {
  this.timeout(60_000);

  type Link = { filename: string; fullpath?: string; link: string; deadline: number; password?: number };
  const linksOf = async (p: string) =>
    ((await vscode.commands.executeCommand<Link[]>('docWorkspaces.showSharedLinks', ACCOUNT)) ?? []).filter((l) => l.fullpath === p);

  it('Show shared links lists a new link with its file, expiry and password flag; Close share links turns it off', async () => {
    const p = `${base}/links/分享 #1.txt`;
    await put({ [p]: 'shared content' });
    const now = Math.floor(Date.now() / 1000);
    const link = await vscode.commands.executeCommand<string>('docWorkspaces.copyShareLink', { target: uriOf(p), days: 3, auth: 'preview' });
    assert.ok(link && /^https?:\/\//.test(link), `a link: ${link}`);
    assert.strictEqual((await fetch(link)).status, 200, 'the link opens');

    const listed = await linksOf(p);
    assert.strictEqual(listed.length, 1, 'listed once');
    assert.strictEqual(listed[0].link, link);
    assert.strictEqual(listed[0].filename, '分享 #1.txt');
    assert.ok(Math.abs(listed[0].deadline - (now + 3 * 86_400)) < 120, `expires in 3 days (deadline ${listed[0].deadline})`);
    assert.ok(!listed[0].password, 'no password');

    await vscode.commands.executeCommand('docWorkspaces.closeShareLinks', uriOf(p));
    assert.deepStrictEqual(await linksOf(p), [], 'no longer listed');
    assert.notStrictEqual((await fetch(link)).status, 200, 'the link no longer opens');
    assert.ok(control.exists(p), 'the file itself stays');
  });

  it('a password-protected link is listed as such and asks for the password', async () => {
    const p = `${base}/links/secret.txt`;
    await put({ [p]: 'x' });
    const link = await vscode.commands.executeCommand<string>('docWorkspaces.copyShareLink', { target: uriOf(p), days: 1, password: 'pw-1234' });
    assert.ok(link);
    const [listed] = await linksOf(p);
    assert.ok(listed?.password, 'marked as password-protected');
    assert.ok(!JSON.stringify(listed).includes('pw-1234'), 'the password itself is not exposed');
    const locked = await fetch(link);
    assert.notStrictEqual(locked.status, 200, 'not open without the password');
    assert.match(await locked.text(), /password/i, 'the page asks for it');
    const url = new URL(link);
    url.searchParams.set('password', 'pw-1234');
    assert.strictEqual((await fetch(url)).status, 200, 'opens with the password');
  });
});

describe('recycle bin in the tree', function () {
  this.timeout(60_000);

  /** The node of `p` under the recycle bin, following "Load more" when the bin has many items. */
  async function recycledNode(p: string): Promise<TreeNode | undefined> {
    const bin = await recycleBinNode(api);
    for (let i = 0; i < 20; i++) {
      const kids = await children(api, bin);
      const hit = kids.find((n) => n.kind === 'recycled' && n.file.fullpath === p);
      if (hit) return hit;
      const more = kids.find((n) => n.kind === 'loadMore');
      if (!more) return undefined;
      await vscode.commands.executeCommand('docWorkspaces.loadMore', more);
    }
    return undefined;
  }

  async function deleted(name: string, content = 'in the bin'): Promise<string> {
    const p = `${base}/bin/${name}`;
    await put({ [p]: content });
    await vscode.commands.executeCommand('docWorkspaces.delete', { targets: [uriOf(p)], confirm: false });
    assert.ok(control.isInRecycleBin(p), 'precondition: in the recycle bin');
    return p;
  }

  it('lists a deleted file under the recycle bin node with its name and original folder', async () => {
    const p = await deleted('回收 #1.txt', '12345');
    const node = await recycledNode(p);
    assert.ok(node, 'the deleted file is under the recycle bin node');
    const item = await api.tree.getTreeItem(node);
    assert.strictEqual(item.label, '回收 #1.txt');
    assert.strictEqual(item.description, `${base}/bin`, 'where it was');
    assert.strictEqual(item.contextValue, 'gokuai.recycled', 'offers Restore / Delete permanently');
    assert.match(tooltipText(await resolvedItem(api, node)), /5 B/, 'size in the tooltip');
  });

  it('Restore on the node puts the file back with its content', async () => {
    const p = await deleted('restore me.txt', 'back again');
    const node = await recycledNode(p);
    assert.ok(node);
    await vscode.commands.executeCommand('docWorkspaces.restoreFromRecycleBin', node);
    assert.ok(!control.isInRecycleBin(p), 'out of the bin');
    assert.strictEqual(control.readFile(p)?.toString('utf8'), 'back again');
    assert.strictEqual(await recycledNode(p), undefined, 'no longer listed in the bin');
  });

  it('Delete permanently on selected nodes asks first; dismissing keeps them, confirming purges them', async () => {
    const p1 = await deleted('purge one.txt');
    const p2 = await deleted('purge two.txt');
    const n1 = await recycledNode(p1);
    const n2 = await recycledNode(p2);
    assert.ok(n1 && n2);

    await withDialogs(() => undefined, async (shown) => {
      await vscode.commands.executeCommand('docWorkspaces.purgeFromRecycleBin', n1, [n1, n2]);
      const modal = shown.filter((m) => m.modal);
      assert.strictEqual(modal.length, 1, 'one confirmation for the selection');
      assert.match(modal[0].message, /\b2\b/, `says how many: ${modal[0].message}`);
    });
    assert.ok(control.isInRecycleBin(p1) && control.isInRecycleBin(p2), 'dismissed: both still in the bin');

    await withDialogs((m) => (m.modal ? m.items.find((i) => /permanently/i.test(i)) : undefined), () =>
      Promise.resolve(vscode.commands.executeCommand('docWorkspaces.purgeFromRecycleBin', n1, [n1, n2])));
    for (const p of [p1, p2]) {
      assert.ok(!control.isInRecycleBin(p), `${p} purged from the bin`);
      assert.ok(!control.exists(p), `${p} not restored either`);
    }
    assert.strictEqual(await recycledNode(p1), undefined, 'gone from the tree');
  });

  it('the Recycle bin command with arguments purges without a dialog', async () => {
    const p = await deleted('purge by args.txt');
    await withDialogs(() => undefined, async (shown) => {
      await vscode.commands.executeCommand('docWorkspaces.recycleBin', { account: ACCOUNT, purge: [p] });
      assert.deepStrictEqual(shown.filter((m) => m.modal), []);
    });
    assert.ok(!control.isInRecycleBin(p) && !control.exists(p));
  });
});

describe('search scopes', function () {
  this.timeout(60_000);
  // Unique words so results from other suites or the demo content cannot match.
  const id = Date.now().toString(36);
  const name = `needle-${id}.txt`;
  const tag = `tag${id}`;
  const word = `content${id}`;
  let p: string;

  before(async () => {
    p = `${base}/search/${name}`;
    await put({ [p]: `some text with ${word} inside\n`, [`${base}/search/other.txt`]: 'nothing here\n' });
    await vscode.commands.executeCommand('docWorkspaces.addTag', { target: uriOf(p), tags: [tag] });
  });

  const search = async (keywords: string, scope: Array<'filename' | 'tag' | 'content'>, where?: string) =>
    ((await vscode.commands.executeCommand<vscode.Uri[]>('docWorkspaces.search', { account: ACCOUNT, keywords, scope, path: where })) ?? [])
      .map((u) => u.path.slice(1));

  it('by tag: finds the tagged file only when the tag scope is on', async () => {
    assert.deepStrictEqual(await search(tag, ['tag']), [p]);
    assert.deepStrictEqual(await search(tag, ['filename']), [], 'the tag is not in the name');
    assert.deepStrictEqual(await search(tag, ['content']), [], 'nor in the text');
  });

  it('by full text: finds words inside the file only when the content scope is on', async () => {
    assert.deepStrictEqual(await search(word, ['content']), [p]);
    assert.deepStrictEqual(await search(word, ['filename', 'tag']), []);
  });

  it('by file name, and all three scopes together', async () => {
    assert.deepStrictEqual(await search(`needle-${id}`, ['filename']), [p]);
    assert.deepStrictEqual(await search(`needle-${id}`, ['content']), []);
    for (const k of [tag, word, `needle-${id}`]) assert.deepStrictEqual(await search(k, ['filename', 'tag', 'content']), [p], k);
  });

  it('limits the search to a folder when given one', async () => {
    assert.deepStrictEqual(await search(word, ['content'], `${base}/search`), [p]);
    await vscode.workspace.fs.createDirectory(uriOf(`${base}/search-elsewhere`));
    assert.deepStrictEqual(await search(word, ['content'], `${base}/search-elsewhere`), []);
  });
});

describe('deleting through VS Code (Explorer, workspace.fs)', function () {
  this.timeout(60_000);

  // VS Code passes useTrash: false to providers without the trash capability (the Explorer's "Delete" included);
  // the library's recycle bin must still catch the file.
  it('moves the file to the Gokuai recycle bin', async () => {
    const p = `${base}/explorer-delete/删除 #1.txt`;
    await put({ [p]: 'keep me recoverable' });
    await vscode.workspace.fs.delete(uriOf(p), { useTrash: false });
    assert.ok(!control.exists(p), 'gone from the library');
    assert.ok(control.isInRecycleBin(p), 'recoverable from the recycle bin');
  });

  it('moves a folder with its files to the recycle bin', async () => {
    const dir = `${base}/explorer-delete/folder`;
    await put({ [`${dir}/a.txt`]: 'a' });
    await vscode.workspace.fs.delete(uriOf(dir), { recursive: true });
    assert.ok(!control.exists(dir));
    assert.ok(control.isInRecycleBin(dir) && control.isInRecycleBin(`${dir}/a.txt`));
  });

  it('deletes for good when docWorkspaces.gokuai.deletePermanently is on', async () => {
    const p = `${base}/explorer-delete/permanent.txt`;
    await put({ [p]: 'gone' });
    await withSetting('docWorkspaces.gokuai.deletePermanently', true, async () => {
      await vscode.workspace.fs.delete(uriOf(p));
    });
    assert.ok(!control.exists(p));
    assert.ok(!control.isInRecycleBin(p), 'not in the recycle bin');
  });
});

describe('file node tooltip', function () {
  this.timeout(60_000);

  it('shows the size and the modification time (and who changed it)', async () => {
    const p = `${base}/tooltip/sized.txt`;
    await vscode.workspace.fs.createDirectory(uriOf(`${base}/tooltip`));
    control.writeFile(p, 'x'.repeat(1536), '同事 Tooltip Tester');
    const entry = await (await api.getRemoteFs(ACCOUNT)).stat(p);
    assert.ok(entry.mtime > 0, 'precondition: the server reports a modification time');

    const tooltip = tooltipText(await resolvedItem(api, await nodeAt(api, p)));
    assert.match(tooltip, /1\.5 KB/, `size: ${tooltip}`);
    const when = new Date(entry.mtime);
    const lang = vscode.env.language;
    assert.ok(tooltip.includes(when.toLocaleDateString(lang)) && tooltip.includes(when.toLocaleTimeString(lang)),
      `date and time of ${when.toISOString()}: ${tooltip}`);
    assert.match(tooltip, /Tooltip Tester/, 'who changed it');
  });
});
