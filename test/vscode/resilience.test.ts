// "Bad input gets a clear error and loses nothing", seen from VS Code: a server that fails, drops connections, answers
// garbage, rate-limits or holds a lock never costs the user their edits nor silently changes the remote copy; the tree
// turns failures into error nodes; paging, tooltips and opening odd file names from the tree work as a user sees them.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GokuaiSandbox, GokuaiSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/tree/nodes';
import { children, closeAllEditors, libraryNode, nodeAt, openAndEdit, revertActive, setup, text, uriOf } from './support';

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
    api.setConflictResolver(undefined);
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
    const asked: string[] = [];
    api.setConflictResolver(async (c) => { asked.push(c.name); return 'cancel'; });
    const editor = await openAndEdit(uriOf(p), 'same words\n');
    // E.g. our earlier save landed but its answer was lost, or a colleague typed the same thing.
    control.writeFile(p, editor.document.getText(), 'Colleague');
    await vscode.workspace.fs.writeFile(uriOf(p), text(editor.document.getText()));
    assert.deepStrictEqual(asked, [], 'no conflict prompt');
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

  it('shows the library usage from stat in its tooltip and description', async () => {
    const library = await libraryNode(api);
    assert.strictEqual(library.kind, 'library');
    if (library.kind !== 'library') return;
    const item = api.tree.getTreeItem(library) as vscode.TreeItem;
    const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip);
    assert.ok(library.stat.count_file > 0);
    assert.match(tooltip, new RegExp(`\\b${library.stat.count_file}\\b`), 'file count');
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
