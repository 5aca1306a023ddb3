// "Bad input gets a clear error and loses nothing", seen from VS Code: a server that fails, drops connections, answers
// garbage, rate-limits or holds a lock never costs the user their edits nor silently changes the remote copy; the tree
// turns failures into error nodes; paging, tooltips and opening odd file names from the tree work as a user sees them.
import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GokuaiSandbox, GokuaiSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/tree/nodes';
import { children, closeAllEditors, kindOf, libraryNode, nodeAt, openAndEdit, resolvedItem, revertActive, setup, text, tooltipText, uriOf, withSetting } from './support';
import { asUser, run } from './user';

let api: DocWorkspacesApi;
let sandbox: GokuaiSandbox;
let control: GokuaiSandboxControl;
let base: string;

/** What the user may read in an error: no secret, no signature, no URL query string. */
function assertSafe(message: string): void {
  assert.ok(!message.includes(sandbox.credentials.orgClientSecret), `no secret in: ${message}`);
  assert.doesNotMatch(message, /sign=|token=|[?&][a-z_]+=/i, 'no signature or URL query');
}

/** The error VS Code gets from the provider for a write (the same text its "Failed to save" notification shows). */
async function writeError(uri: vscode.Uri, data: string): Promise<vscode.FileSystemError> {
  try {
    await vscode.workspace.fs.writeFile(uri, text(data));
  } catch (e) {
    assert.ok(e instanceof vscode.FileSystemError, `a FileSystemError, got ${String(e)}`);
    return e;
  }
  assert.fail('the write was expected to fail');
}

const remoteText = (p: string) => control.readFile(p)?.toString('utf8');

describe('saving against a misbehaving server', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    ({ api, sandbox, control, base } = await setup());
    dir = `${base}/resilience`;
  });

  afterEach(async () => {
    control.resetMisbehaviour();
    await revertActive();
  });

  const faults: Array<{ what: string; inject: () => void; says: RegExp }> = [
    { what: 'keeps answering 500', inject: () => control.failNext(50, { status: 500 }), says: /try again/i },
    { what: 'drops the connection', inject: () => control.dropNextRequests(50), says: /network|connection/i },
    { what: 'answers malformed JSON', inject: () => control.malformNext(50), says: /unexpected answer/i },
  ];

  for (const f of faults) {
    it(`keeps the editor dirty and the remote intact when the server ${f.what}, with a clear, safe message`, async () => {
      const p = `${dir}/${f.what.replace(/ /g, '-')}.txt`;
      await vscode.workspace.fs.writeFile(uriOf(p), text('server copy\n'));
      const editor = await openAndEdit(uriOf(p), 'my unsaved work\n');
      const mine = editor.document.getText();

      f.inject();
      assert.strictEqual(await editor.document.save(), false, 'save reports failure');
      assert.strictEqual(editor.document.isDirty, true, 'the edits are still in the editor');
      assert.strictEqual(editor.document.getText(), mine);
      assert.strictEqual(remoteText(p), 'server copy\n', 'the server copy is unchanged');

      const err = await writeError(uriOf(p), 'direct write');
      assert.match(err.message, f.says, 'says what to do');
      assertSafe(err.message);
      assert.strictEqual(remoteText(p), 'server copy\n');

      // Once the server behaves, saving again stores exactly what the user typed.
      control.resetMisbehaviour();
      assert.strictEqual(await editor.document.save(), true, 'the retry saves');
      assert.strictEqual(editor.document.isDirty, false);
      assert.strictEqual(remoteText(p), mine);
    });
  }

  it('waits out a 429 with Retry-After and then saves', async () => {
    const p = `${dir}/rate-limited.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('before\n'));
    const editor = await openAndEdit(uriOf(p), 'after the pause\n');
    control.failNext(1, { status: 429, retryAfterSec: 1 });
    const statuses = () => control.requests.filter((r) => r.status === 429).length;
    const limited = statuses();
    assert.strictEqual(await editor.document.save(), true, 'the save succeeds');
    assert.strictEqual(remoteText(p), editor.document.getText());
    assert.strictEqual(statuses(), limited + 1, 'the server did answer 429 once');
  });

  it('refuses to save over a colleague\'s lock and names who holds it', async () => {
    const p = `${dir}/colleague-lock.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('contract v1\n'));
    const editor = await openAndEdit(uriOf(p), 'my clause\n');
    control.lockFile(p, '同事 Colleague');
    try {
      assert.strictEqual(await editor.document.save(), false);
      assert.strictEqual(editor.document.isDirty, true);
      assert.strictEqual(remoteText(p), 'contract v1\n');
      const err = await writeError(uriOf(p), 'direct');
      assert.match(err.message, /locked/i);
      assert.ok(err.message.includes('同事 Colleague'), `names the lock holder: ${err.message}`);
      assertSafe(err.message);
    } finally {
      control.unlockFile(p);
    }
    assert.strictEqual(await editor.document.save(), true, 'saves once unlocked');
    assert.strictEqual(remoteText(p), editor.document.getText());
  });

  it('does not call it a conflict when the server already holds exactly what is being saved', async () => {
    const p = `${dir}/same-content.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('start\n'));
    const editor = await openAndEdit(uriOf(p), 'same words\n');
    // E.g. our earlier save landed but its answer was lost, or a colleague typed the same thing.
    control.writeFile(p, editor.document.getText(), 'Colleague');
    const { user } = await asUser(api, [], () => vscode.workspace.fs.writeFile(uriOf(p), text(editor.document.getText())));
    assert.deepStrictEqual(user.prompts, [], 'no conflict prompt');
    assert.strictEqual(remoteText(p), editor.document.getText());
  });
});

describe('tree under failure, paging and presentation', function () {
  this.timeout(60_000);

  before(async () => {
    ({ api, sandbox, control, base } = await setup());
  });

  afterEach(async () => {
    control.resetMisbehaviour();
    await closeAllEditors();
  });

  it('shows a failed listing as an error node, and refresh recovers', async () => {
    const dir = `${base}/tree-fail`;
    await vscode.workspace.fs.writeFile(uriOf(`${dir}/inside.txt`), text('x'));
    const folder = await nodeAt(api, dir);
    await vscode.commands.executeCommand('docWorkspaces.refreshNode', folder);

    control.failNext(50, { status: 500, pathIncludes: '/ls' });
    const failed = await children(api, folder);
    assert.strictEqual(failed.length, 1);
    assert.strictEqual(failed[0].kind, 'error');
    const item = api.tree.getTreeItem(failed[0]) as vscode.TreeItem;
    assert.ok(String(item.label).length > 0 && item.description, 'says what happened and what to do');
    assertSafe(`${String(item.label)} ${String(item.description)}`);
    assert.strictEqual(item.command?.command, 'docWorkspaces.refreshNode', 'clicking the error node retries');

    control.resetMisbehaviour();
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const recovered = await children(api, folder);
    assert.deepStrictEqual(recovered.map((n) => n.kind === 'entry' && n.entry.name), ['inside.txt']);
  });

  it('pages the 160-file folder: 100 + "Load more", then all 160', async () => {
    const cfg = vscode.workspace.getConfiguration('docWorkspaces');
    await cfg.update('pageSize', 100, vscode.ConfigurationTarget.Global);
    try {
      const folder = await nodeAt(api, '批量');
      await vscode.commands.executeCommand('docWorkspaces.refreshNode', folder);
      const first = await children(api, folder);
      assert.strictEqual(first.filter((n) => n.kind === 'entry').length, 100);
      const more = first[first.length - 1];
      assert.strictEqual(more.kind, 'loadMore', 'the last node is "Load more"');
      const moreItem = api.tree.getTreeItem(more) as vscode.TreeItem;
      assert.match(String(moreItem.label), /load more/i);
      assert.ok(moreItem.command);

      await vscode.commands.executeCommand(moreItem.command.command, ...(moreItem.command.arguments ?? []));
      const all = await children(api, folder);
      const names = all.flatMap((n) => (n.kind === 'entry' ? [n.entry.name] : []));
      assert.strictEqual(names.length, 160);
      assert.strictEqual(new Set(names).size, 160, 'no duplicates across pages');
      assert.ok(!all.some((n) => n.kind === 'loadMore'), 'no "Load more" once everything is shown');
    } finally {
      await cfg.update('pageSize', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('two quick clicks on "Load more" load the next page once', async () => {
    await withSetting('docWorkspaces.pageSize', 100, async () => {
      const folder = await nodeAt(api, '批量');
      await vscode.commands.executeCommand('docWorkspaces.refreshNode', folder);
      const more = (await children(api, folder)).find((n) => n.kind === 'loadMore');
      assert.ok(more, '"Load more" after the first page');
      await Promise.all([
        vscode.commands.executeCommand('docWorkspaces.loadMore', more),
        vscode.commands.executeCommand('docWorkspaces.loadMore', more),
      ]);
      const ids = (await children(api, folder)).filter((n) => n.kind === 'entry').map((n) => n.id);
      assert.strictEqual(ids.length, 160, 'the second page was appended once');
      assert.strictEqual(new Set(ids).size, 160, 'no duplicate ids');
    });
  });

  it('refreshing the recycle bin or an error node keeps the pages loaded in other folders', async () => {
    await withSetting('docWorkspaces.pageSize', 100, async () => {
      const big = await nodeAt(api, '批量');
      await vscode.commands.executeCommand('docWorkspaces.refreshNode', big);
      const more = (await children(api, big)).find((n) => n.kind === 'loadMore');
      assert.ok(more);
      await vscode.commands.executeCommand('docWorkspaces.loadMore', more);
      const entries = async () => (await children(api, big)).filter((n) => n.kind === 'entry').length;
      assert.strictEqual(await entries(), 160);

      const bin = (await children(api, await libraryNode(api))).find((n) => n.kind === 'bin');
      assert.ok(bin, 'recycle bin node');
      await vscode.commands.executeCommand('docWorkspaces.refreshNode', bin);
      assert.strictEqual(await entries(), 160, 'still everything after refreshing the recycle bin');

      const dir = `${base}/refresh-error`;
      await vscode.workspace.fs.writeFile(uriOf(`${dir}/x.txt`), text('x'));
      const failing = await nodeAt(api, dir);
      await vscode.commands.executeCommand('docWorkspaces.refreshNode', failing);
      control.failNext(50, { status: 500, pathIncludes: '/ls' });
      const [error] = await children(api, failing);
      assert.strictEqual(error.kind, 'error');
      control.resetMisbehaviour();
      await vscode.commands.executeCommand('docWorkspaces.refreshNode', error);
      assert.strictEqual(await entries(), 160, 'still everything after retrying an error node elsewhere');
      assert.ok(!(await children(api, big)).some((n) => n.kind === 'loadMore'));
    });
  });

  it('pages the recycle bin with "Load more"', async () => {
    const dir = `${base}/bin-paging`;
    const mine = ['a.txt', 'b.txt', 'c.txt'].map((n) => `${dir}/${n}`);
    for (const p of mine) await vscode.workspace.fs.writeFile(uriOf(p), text(p));
    await run(api, ['Move to Recycle Bin'], 'docWorkspaces.delete', uriOf(mine[0]), mine.map((p) => uriOf(p)));
    assert.ok(mine.every((p) => control.isInRecycleBin(p)));

    await withSetting('docWorkspaces.pageSize', 2, async () => {
      const bin = (await children(api, await libraryNode(api))).find((n) => n.kind === 'bin');
      assert.ok(bin, 'recycle bin node');
      await vscode.commands.executeCommand('docWorkspaces.refreshNode', bin);
      let kids = await children(api, bin);
      assert.strictEqual(kids.filter((n) => n.kind === 'binItem').length, 2, 'one page of two');
      for (let guard = 0; kids[kids.length - 1]?.kind === 'loadMore'; guard++) {
        assert.ok(guard < 500, 'the listing ends');
        const item = api.tree.getTreeItem(kids[kids.length - 1]) as vscode.TreeItem;
        assert.ok(item.command, '"Load more" loads on click');
        await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
        kids = await children(api, bin);
      }
      const paths = kids.flatMap((n) => (n.kind === 'binItem' ? [n.item.id] : []));
      assert.ok(mine.every((p) => paths.includes(p)), 'all three deleted files are listed');
      assert.strictEqual(new Set(kids.map((n) => n.id)).size, kids.length, 'no duplicate ids');
    });
  });

  it('shows the library usage in the account tooltip', async () => {
    const library = await libraryNode(api);
    assert.strictEqual(kindOf(library), 'library');
    const { stat } = library as TreeNode & { stat: { count_file: number } };
    const account = api.tree.getParent?.(library) as TreeNode | undefined;
    assert.strictEqual(account?.kind, 'account');
    const tooltip = tooltipText(await resolvedItem(api, account));
    assert.match(tooltip, new RegExp(`\\b${stat.count_file}\\b`), 'file count');
    assert.match(tooltip, /\d(\.\d)? (B|KB|MB|GB|TB)\b.*\d(\.\d)? (B|KB|MB|GB|TB)\b/, 'used of capacity');
  });

  it('shows the library usage from stat in its tooltip and description', async () => {
    const library = await libraryNode(api);
    assert.strictEqual(kindOf(library), 'library');
    const { stat } = library as TreeNode & { stat: { count_file: number } };
    const item = api.tree.getTreeItem(library) as vscode.TreeItem;
    const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip);
    assert.ok(stat.count_file > 0);
    assert.match(tooltip, new RegExp(`\\b${stat.count_file}\\b`), 'file count');
    assert.match(tooltip, /\d(\.\d)? (B|KB|MB|GB|TB)\b.*\d(\.\d)? (B|KB|MB|GB|TB)\b/, 'used of capacity');
    assert.match(String(item.description), /\d(\.\d)? (B|KB|MB|GB|TB)\b/);
  });

  const odd = ['📁 Emoji 文件夹/笑脸 😀.txt', 'name with #hash and %percent.txt'];
  for (const seeded of odd) {
    it(`opens "${seeded}" from the tree in a tab with the exact name`, async () => {
      await openFromTree(seeded);
    });
  }

  it('opens a file named with Chinese, emoji, spaces, # and % from the tree', async () => {
    const p = `${base}/open/中文 名字 😀 #1 %20 100%.md`;
    await vscode.workspace.fs.writeFile(uriOf(p), text('# hi\n'));
    const doc = await openFromTree(p);
    assert.strictEqual(doc.languageId, 'markdown');
  });

  it('Enter (docWorkspaces.open) opens every selected file', async () => {
    const a = `${base}/enter/a 一.txt`;
    const b = `${base}/enter/b #二.txt`;
    await vscode.workspace.fs.writeFile(uriOf(a), text('a'));
    await vscode.workspace.fs.writeFile(uriOf(b), text('b'));
    const nodes = [await nodeAt(api, a), await nodeAt(api, b)];
    await vscode.commands.executeCommand('docWorkspaces.open', nodes[0], nodes);
    const open = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    assert.ok(open.includes('a 一.txt') && open.includes('b #二.txt'), `tabs: ${open.join(', ')}`);
  });
});

/** Runs the tree node's own command (what a click does) and checks the active tab. */
async function openFromTree(p: string): Promise<vscode.TextDocument> {
  const node: TreeNode = await nodeAt(api, p);
  const item = api.tree.getTreeItem(node) as vscode.TreeItem;
  assert.ok(item.command, 'file nodes open on click');
  await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  const name = path.posix.basename(p);
  assert.strictEqual(tab?.label, name, 'tab label is the exact file name');
  assert.ok(tab.input instanceof vscode.TabInputText);
  assert.strictEqual(tab.input.uri.path, '/' + p);
  const doc = vscode.window.activeTextEditor?.document;
  assert.ok(doc && doc.uri.toString() === uriOf(p).toString(), 'the active editor shows that file');
  assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(uriOf(p))).toString('utf8'), doc.getText());
  return doc;
}

/** A dropped OS file as VS Code hands it to a drop handler (only VS Code creates these; tests stand in for it). */
class DroppedFile extends vscode.DataTransferItem {
  constructor(private readonly file: vscode.DataTransferFile) {
    super('');
  }

  override asFile(): vscode.DataTransferFile {
    return this.file;
  }
}

describe('drag and drop from the OS onto the tree', function () {
  this.timeout(60_000);

  /** Drops `data` on the tree node of `target` the way VS Code does (handleDrop of the tree's controller). */
  async function drop(target: string, data: vscode.DataTransfer): Promise<void> {
    const dnd = api.dragAndDrop;
    assert.ok(dnd.handleDrop, 'the tree accepts drops');
    await dnd.handleDrop(await nodeAt(api, target), data, new vscode.CancellationTokenSource().token);
  }

  before(async () => {
    ({ api, sandbox, control, base } = await setup());
  });

  it('uploads files dropped in a browser (a name and bytes, no path) into the folder dropped on', async () => {
    const dir = `${base}/drop-web`;
    await vscode.workspace.fs.createDirectory(uriOf(dir));
    const data = new vscode.DataTransfer();
    data.set('text/plain', new DroppedFile({ name: '拖放 dropped #1.txt', data: async () => text('from the browser') }));
    data.set('application/octet-stream', new DroppedFile({ name: 'second.bin', data: async () => new Uint8Array([0, 1, 2, 255]) }));
    await drop(dir, data);
    assert.strictEqual(remoteText(`${dir}/拖放 dropped #1.txt`), 'from the browser');
    assert.deepStrictEqual(control.readFile(`${dir}/second.bin`), Buffer.from([0, 1, 2, 255]));
  });

  it('uploads a desktop drop once although it arrives both as a file and in text/uri-list', async () => {
    const dir = `${base}/drop-desktop`;
    await vscode.workspace.fs.writeFile(uriOf(`${dir}/already here.txt`), text('x'));
    const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-drop-'));
    try {
      const local = path.join(tmp, 'from disk 磁盘.txt');
      await fsp.writeFile(local, 'local bytes');
      const uri = vscode.Uri.file(local);
      const data = new vscode.DataTransfer();
      data.set('text/plain', new DroppedFile({ name: 'from disk 磁盘.txt', uri, data: async () => fsp.readFile(local) }));
      data.set('text/uri-list', new vscode.DataTransferItem(uri.toString()));
      // Dropped on a file: it lands in that file's folder.
      await drop(`${dir}/already here.txt`, data);
      assert.strictEqual(remoteText(`${dir}/from disk 磁盘.txt`), 'local bytes');
      assert.strictEqual(control.versionCount(`${dir}/from disk 磁盘.txt`), 1, 'uploaded once');
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  });

  it('refuses a dropped name that would leave the folder', async () => {
    const dir = `${base}/drop-evil/inner`;
    await vscode.workspace.fs.createDirectory(uriOf(dir));
    const data = new vscode.DataTransfer();
    data.set('text/plain', new DroppedFile({ name: '../escaped.txt', data: async () => text('no') }));
    const { user } = await asUser(api, [], () => drop(dir, data), { allowErrors: true });
    assert.ok(user.errors.some((m) => m.message.includes('../escaped.txt')), 'the user is told why');
    assert.ok(!control.exists(`${base}/drop-evil/escaped.txt`) && !control.exists(`${dir}/escaped.txt`), 'nothing written');
  });
});
