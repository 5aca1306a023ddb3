// Commands as a user runs them (every prompt answered by the scripted user through the extension's prompt seam) and
// what they leave on the server and the local disk: download, copy, share links, the recycle bin in the tree, search
// scopes, deleting through VS Code's file API, and the tooltip of a file node.
import * as assert from 'assert';
import { randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ShareLink } from '../../src/core/capabilities';
import type { GokuaiSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/tree/nodes';
import {
  ACCOUNT, children, closeAllEditors, libraryNode, nodeAt, recycleBinNode, resolvedItem, setup, text, tooltipText, uriOf, withSetting,
} from './support';
import { type Answer, asUser, CANCEL, run, runExpectingError } from './user';

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

/**
 * Answers of the folder picker of Copy to… / Move to…: it starts in `start` (the folder of the first item); go up with
 * ".." to the common ancestor, then down into `dest`, then "Select this folder".
 */
function pickFolderPath(dest: string, start: string): string[] {
  const a = start.split('/');
  const b = dest.split('/');
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common), 'Select this folder'];
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
      const { user } = await run(api, ['Save on the Server', { uri: vscode.Uri.file(local) }], 'docWorkspaces.download', uriOf(p));
      // code-server is a web window: the user is told where the picker saves, and how to download to their computer.
      assert.match(user.prompts[0].message ?? '', /^Download '报告 #1 100%\.bin': the folder picker saves to the machine VS Code runs on/);
      assert.match(user.prompts[0].detail ?? '', /Download… in the Explorer's context menu/);
      assert.strictEqual(user.prompts[1].kind, 'saveDialog');
      assert.match(user.prompts[1].title ?? '', /报告 #1 100%\.bin/, 'the dialog names the file');
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
      await run(api, ['Save on the Server', { uris: [vscode.Uri.file(dir)] }], 'docWorkspaces.download', uriOf(root));
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
      const { user } = await run(api, ['Save on the Server', { uris: [vscode.Uri.file(dir)] }], 'docWorkspaces.download', uriOf(a), [uriOf(a), uriOf(b)]);
      assert.match(user.prompts[1].title ?? '', /2 items/, 'the dialog says how many');
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
    await run(api, pickFolderPath(`${base}/copy/dest`, `${base}/copy/src`), 'docWorkspaces.copy', uriOf(src));
    assert.strictEqual(control.readFile(`${base}/copy/dest/数据 #1.csv`)?.toString('utf8'), 'a,b\n1,2\n');
    assert.strictEqual(control.readFile(src)?.toString('utf8'), 'a,b\n1,2\n', 'the source is still there');
  });

  it('copies a folder with everything inside it', async () => {
    const src = `${base}/copy/tree`;
    await put({ [`${src}/x.txt`]: 'x', [`${src}/sub/y.txt`]: 'y' });
    await vscode.workspace.fs.createDirectory(uriOf(`${base}/copy/tree-dest`));
    await run(api, pickFolderPath(`${base}/copy/tree-dest`, `${base}/copy`), 'docWorkspaces.copy', uriOf(src));
    assert.strictEqual(control.readFile(`${base}/copy/tree-dest/tree/x.txt`)?.toString('utf8'), 'x');
    assert.strictEqual(control.readFile(`${base}/copy/tree-dest/tree/sub/y.txt`)?.toString('utf8'), 'y');
    assert.ok(control.exists(`${src}/sub/y.txt`), 'the source folder is intact');
  });

  it('never overwrites a file of the same name in the destination; it says so instead', async () => {
    const src = `${base}/copy/clash/src/same.txt`;
    const dest = `${base}/copy/clash/dest/same.txt`;
    await put({ [src]: 'from the source', [dest]: 'already in the destination' });
    const { error } = await runExpectingError(api, pickFolderPath(`${base}/copy/clash/dest`, `${base}/copy/clash/src`), 'docWorkspaces.copy', uriOf(src));
    assert.match(error, /exist/i, error);
    assert.strictEqual(control.readFile(dest)?.toString('utf8'), 'already in the destination');
  });
});

describe('share links', function () {
  this.timeout(60_000);

  /** The links "Shared Links…" lists for `p` in the whole library (the list is looked at and closed). */
  const linksOf = async (p: string) => {
    const { result } = await asUser(api, [], () => vscode.commands.executeCommand<ShareLink[]>('docWorkspaces.showSharedLinks', ACCOUNT), { dismissAll: true });
    return (result ?? []).filter((l) => l.path === p);
  };
  /** Share Link… answered: what people may do, days, password (the questions Gokuai's ShareSpec asks). */
  const share = async (p: string, days: string, password: string, rights: string) => {
    const { result, user } = await run<string>(api, [rights, days, password], 'docWorkspaces.share', uriOf(p));
    return { link: result, user };
  };

  it('Share Link… asks for rights, expiry and password, naming the file; Shared Links lists it; Stop Sharing turns it off', async () => {
    const p = `${base}/links/分享 #1.txt`;
    await put({ [p]: 'shared content' });
    const now = Date.now();
    const { link, user } = await share(p, '3', '', 'Preview only');
    assert.ok(link && /^https?:\/\//.test(link), `a link: ${link}`);
    assert.deepStrictEqual(user.prompts.map((q) => q.kind), ['pick', 'input', 'input']);
    assert.deepStrictEqual(user.prompts[0].labels, ['Preview only', 'Preview and download', 'Preview, download and upload'], 'the rights Gokuai links have');
    for (const q of user.prompts) assert.match(q.title ?? '', /分享 #1\.txt/, 'every prompt names the file');
    assert.strictEqual(await vscode.env.clipboard.readText(), link, 'copied to the clipboard');
    assert.ok(user.notifications.some((n) => n.kind === 'info' && n.message.includes('分享 #1.txt')), 'the user is told, with the name');
    assert.strictEqual((await fetch(link)).status, 200, 'the link opens');

    const listed = await linksOf(p);
    assert.strictEqual(listed.length, 1, 'listed once');
    assert.strictEqual(listed[0].url, link);
    assert.strictEqual(listed[0].name, '分享 #1.txt');
    assert.ok(listed[0].expires && Math.abs(listed[0].expires - (now + 3 * 86_400_000)) < 120_000, `expires in 3 days (${listed[0].expires})`);
    assert.ok(!listed[0].hasPassword, 'no password');

    // Stopping asks first, naming the file; dismissing keeps the link.
    const dismissed = await run(api, [CANCEL], 'docWorkspaces.stopSharing', uriOf(p));
    assert.match(dismissed.user.prompts[0].message ?? '', /分享 #1\.txt/);
    assert.strictEqual((await fetch(link)).status, 200, 'dismissed: the link still opens');
    await run(api, ['Stop Sharing'], 'docWorkspaces.stopSharing', uriOf(p));
    assert.deepStrictEqual(await linksOf(p), [], 'no longer listed');
    assert.notStrictEqual((await fetch(link)).status, 200, 'the link no longer opens');
    assert.ok(control.exists(p), 'the file itself stays');
  });

  it('refuses a number of days that is not a whole number (0 = never expires), and Escape on any step creates nothing', async () => {
    const p = `${base}/links/days.txt`;
    await put({ [p]: 'x' });
    const { user } = await run(api, ['Preview only', async (q): Promise<Answer> => {
      assert.ok(await q.validate?.('1.5'), 'fractions refused');
      assert.ok(await q.validate?.('-1'), 'negative refused');
      assert.ok(await q.validate?.('soon'), 'words refused');
      assert.strictEqual(await q.validate?.('30'), undefined);
      assert.strictEqual(await q.validate?.('0'), undefined, '0: a link that never expires');
      return CANCEL;
    }], 'docWorkspaces.share', uriOf(p));
    assert.strictEqual(user.prompts.length, 2);
    await run(api, [CANCEL], 'docWorkspaces.share', uriOf(p));
    await run(api, ['Preview only', '7', CANCEL], 'docWorkspaces.share', uriOf(p));
    assert.deepStrictEqual(await linksOf(p), [], 'no link was made');
  });

  it('a link of 0 days never expires', async () => {
    const p = `${base}/links/forever.txt`;
    await put({ [p]: 'x' });
    const { link, user } = await share(p, '0', '', 'Preview and download');
    assert.ok(link);
    assert.ok(user.notifications.some((n) => /never expires/.test(n.message)), JSON.stringify(user.notifications));
    const [listed] = await linksOf(p);
    assert.strictEqual(listed?.expires, undefined, 'listed without an expiry');
  });

  it('a password-protected link is listed as such and asks for the password', async () => {
    const p = `${base}/links/secret.txt`;
    await put({ [p]: 'x' });
    const password = 'CaNaRy-pw-1234'; // a canary: the run fails if it reaches a log (scripts/lib/secret-scan.mjs)
    const { link } = await share(p, '1', password, 'Preview and download');
    assert.ok(link);
    const [listed] = await linksOf(p);
    assert.ok(listed?.hasPassword, 'marked as password-protected');
    assert.ok(!JSON.stringify(listed).includes(password), 'the password itself is not exposed');
    const locked = await fetch(link);
    assert.notStrictEqual(locked.status, 200, 'not open without the password');
    assert.match(await locked.text(), /password/i, 'the page asks for it');
    const url = new URL(link);
    url.searchParams.set('password', password);
    assert.strictEqual((await fetch(url)).status, 200, 'opens with the password');
  });

  it('a folder passed as a bare Uri (Explorer) gets a folder link', async () => {
    // The sandbox, like the service, refuses a folder shared with dir=0.
    const dir = `${base}/links/shared folder 共享`;
    await vscode.workspace.fs.createDirectory(uriOf(dir));
    const { link } = await share(dir, '1', '', 'Preview only');
    assert.match(link ?? '', /^https?:\/\//, 'a link was created');
  });
});

describe('recycle bin in the tree', function () {
  this.timeout(60_000);

  /** The node of `p` under the recycle bin, following "Load more" when the bin has many items. */
  async function recycledNode(p: string): Promise<TreeNode | undefined> {
    const bin = await recycleBinNode(api);
    for (let i = 0; i < 20; i++) {
      const kids = await children(api, bin);
      const hit = kids.find((n) => n.kind === 'binItem' && n.item.id === p);
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
    await run(api, ['Move to Recycle Bin'], 'docWorkspaces.delete', uriOf(p));
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
    assert.match(item.contextValue ?? '', /^binItem\b/, 'offers Restore / Delete permanently');
    assert.match(tooltipText(await resolvedItem(api, node)), /5 B/, 'size in the tooltip');
  });

  it('Restore on the node puts the file back with its content', async () => {
    const p = await deleted('restore me.txt', 'back again');
    const node = await recycledNode(p);
    assert.ok(node);
    const { user } = await run(api, [], 'docWorkspaces.restoreFromRecycleBin', node);
    assert.ok(user.notifications.some((n) => /restore me\.txt/.test(n.message)), 'says what was restored');
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

    const { user } = await run(api, [CANCEL], 'docWorkspaces.purgeFromRecycleBin', n1, [n1, n2]);
    assert.strictEqual(user.prompts.length, 1, 'one confirmation for the selection');
    assert.match(user.prompts[0].message ?? '', /\b2 items\b/, `says how many: ${user.prompts[0].message}`);
    assert.ok(control.isInRecycleBin(p1) && control.isInRecycleBin(p2), 'dismissed: both still in the bin');

    const one = await run(api, [CANCEL], 'docWorkspaces.purgeFromRecycleBin', n1);
    assert.match(one.user.prompts[0].message ?? '', /'purge one\.txt'/, `one item is named: ${one.user.prompts[0].message}`);

    await run(api, ['Delete Permanently'], 'docWorkspaces.purgeFromRecycleBin', n1, [n1, n2]);
    for (const p of [p1, p2]) {
      assert.ok(!control.isInRecycleBin(p), `${p} purged from the bin`);
      assert.ok(!control.exists(p), `${p} not restored either`);
    }
    assert.strictEqual(await recycledNode(p1), undefined, 'gone from the tree');
  });

  it('the Recycle Bin command lists the bin of the library, restores the picked items and names them', async () => {
    const p = await deleted('pick me #1.txt', 'picked');
    const { user } = await run(api, [['pick me #1.txt'], 'Restore'], 'docWorkspaces.recycleBin', await libraryNode(api));
    assert.match(user.prompts[0].title ?? '', /^Sandbox · .+ · Recycle bin$/, `names the library: ${user.prompts[0].title}`);
    assert.match(user.prompts[1].placeholder ?? '', /'pick me #1\.txt'/, `the action names the item: ${user.prompts[1].placeholder}`);
    assert.strictEqual(control.readFile(p)?.toString('utf8'), 'picked', 'restored');
  });

  it('the Recycle Bin command deletes permanently only after a confirmation naming how many', async () => {
    const p1 = await deleted('bin purge a.txt');
    const p2 = await deleted('bin purge b.txt');
    const { user } = await run(api, [['bin purge a.txt', 'bin purge b.txt'], 'Delete Permanently', CANCEL], 'docWorkspaces.recycleBin', ACCOUNT);
    assert.match(user.prompts[2].message ?? '', /2 items/);
    assert.ok(control.isInRecycleBin(p1) && control.isInRecycleBin(p2), 'dismissed: nothing purged');
    await run(api, [['bin purge a.txt', 'bin purge b.txt'], 'Delete Permanently', 'Delete Permanently'], 'docWorkspaces.recycleBin', ACCOUNT);
    for (const p of [p1, p2]) assert.ok(!control.isInRecycleBin(p) && !control.exists(p), `${p} purged`);
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
    await run(api, [tag], 'docWorkspaces.addTag', uriOf(p));
  });
  after(closeAllEditors);

  /**
   * The live search QuickPick as a user drives it: the scope buttons clicked to reach `scopes` (file name and tag are
   * on at the start), the keyword typed; returns the results listed (labels) and opens `pick` when given.
   */
  async function search(keyword: string, scopes: Array<'File name' | 'Tag' | 'Full text'>, pick?: string): Promise<string[]> {
    const initial = ['File name', 'Tag'];
    const toggle = [...scopes.filter((sc) => !initial.includes(sc)), ...initial.filter((sc) => !scopes.includes(sc as 'File name'))];
    let listed: string[] = [];
    await run(api, [{ search: keyword, toggle, pick: pick ?? CANCEL }, ], 'docWorkspaces.search', ACCOUNT).then(({ user }) => {
      listed = user.prompts[0].labels;
    });
    return listed;
  }

  it('by tag: finds the tagged file only when the tag scope is on', async () => {
    assert.deepStrictEqual(await search(tag, ['Tag']), [name]);
    assert.deepStrictEqual(await search(tag, ['File name']), [], 'the tag is not in the name');
    assert.deepStrictEqual(await search(tag, ['Full text']), [], 'nor in the text');
  });

  it('by full text: finds words inside the file only when the content scope is on', async () => {
    assert.deepStrictEqual(await search(word, ['Full text']), [name]);
    assert.deepStrictEqual(await search(word, ['File name', 'Tag']), []);
  });

  it('by file name, and all three scopes together; picking a result opens it', async () => {
    assert.deepStrictEqual(await search(`needle-${id}`, ['File name']), [name]);
    assert.deepStrictEqual(await search(`needle-${id}`, ['Full text']), []);
    for (const k of [tag, word, `needle-${id}`]) assert.deepStrictEqual(await search(k, ['File name', 'Tag', 'Full text']), [name], k);
    await search(word, ['Full text'], name);
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), uriOf(p).toString(), 'the picked file is open');
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

describe('capabilities a Gokuai library has, and those it lacks', function () {
  this.timeout(60_000);

  it('Open in Browser opens the preview page of the file (a page of the library\'s own host)', async () => {
    const p = `${base}/web/预览 #1.txt`;
    await put({ [p]: 'preview me' });
    const { user } = await run(api, [], 'docWorkspaces.openInBrowser', uriOf(p));
    assert.strictEqual(user.opened.length, 1, 'one page opened');
    const page = await fetch(user.opened[0]);
    assert.strictEqual(page.status, 200, `the page opens: ${user.opened[0]}`);
  });

  it('Edit a Copy is refused in words: library files save in place', async () => {
    const p = `${base}/web/in place.txt`;
    await put({ [p]: 'x' });
    const { error, user } = await runExpectingError(api, [], 'docWorkspaces.editCopy', uriOf(p));
    assert.match(error, /'in place\.txt' can be saved in place: edit it directly/);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.isUntitled && d.getText() === 'x'), 'no copy was opened');
    assert.deepStrictEqual(user.prompts, []);
  });

  it('Collaborators… is refused in words: libraries share by links only', async () => {
    const p = `${base}/web/team.txt`;
    await put({ [p]: 'x' });
    const { error } = await runExpectingError(api, [], 'docWorkspaces.collaborators', uriOf(p));
    assert.match(error, /'team\.txt' has no collaborators here/);
  });
});
