// How commands read their arguments. VS Code hands a command whatever the place it was run from has: a tree row (also
// the focused row for view-title buttons and keybindings), a URI (Explorer, editor title), a URI plus the selected
// URIs, an editor-group object, or nothing (palette). Every contributed command is run with each of them here, with a
// user who dismisses every prompt: none may fail with an internal error ("Cannot read properties of undefined...");
// a command that does not apply says so in words. And from the palette the active editor wins over the tree.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { GokuaiSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/tree/nodes';
import { closeAllEditors, EXT_ID, libraryNode, nodeAt, setup, text, uriOf } from './support';
import { asUser, CANCEL, run } from './user';

let api: DocWorkspacesApi;
let control: GokuaiSandboxControl;
let base: string;

/**
 * Commands left out of the sweep, with the reason. Each is covered by its own tests with real arguments.
 * - openAsWorkspaceFolder: adding a workspace folder restarts the extension host (and so this test run).
 */
const NOT_SWEPT = new Set(['docWorkspaces.openAsWorkspaceFolder']);

/** What an internal error looks like in a message: a JavaScript error text instead of words for the user. */
const INTERNAL = /Cannot read propert|is not a function|is not iterable|undefined|\bnull\b|\[object |TypeError|ReferenceError/;

describe('command arguments', function () {
  this.timeout(180_000);
  let file: vscode.Uri;
  let folder: vscode.Uri;
  let fileNode: TreeNode;

  before(async () => {
    ({ api, control, base } = await setup());
    const dir = `${base}/args`;
    await vscode.workspace.fs.writeFile(uriOf(`${dir}/file #1.txt`), text('x'));
    file = uriOf(`${dir}/file #1.txt`);
    folder = uriOf(dir);
    fileNode = await nodeAt(api, `${dir}/file #1.txt`);
  });

  after(closeAllEditors);

  it('no command fails with an internal error, whatever VS Code hands it', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID)!;
    const commands = (ext.packageJSON.contributes.commands as Array<{ command: string }>).map((c) => c.command).filter((c) => !NOT_SWEPT.has(c));
    assert.ok(commands.length > 40, `${commands.length} commands`);
    const library = await libraryNode(api);
    const shapes: Array<[string, unknown[]]> = [
      ['nothing (palette)', []],
      ['a file row of the tree', [fileNode]],
      ['the library row (focused row of a view-title button)', [library]],
      ['a remote file URI (Explorer, editor title)', [file, { groupId: 1 }]],
      ['a URI and the selected URIs', [file, [file, folder]]],
      ['a local file URI', [vscode.Uri.file('/tmp/not-ours.txt')]],
      ['an array of URIs', [[file, folder]]],
    ];
    const bad: string[] = [];
    for (const command of commands) {
      for (const [shape, args] of shapes) {
        await closeAllEditors();
        const { user } = await asUser(api, [], () => vscode.commands.executeCommand(command, ...args), { dismissAll: true, allowErrors: true });
        for (const e of user.errors) if (INTERNAL.test(e.message)) bad.push(`${command} with ${shape}: ${e.message}`);
      }
    }
    assert.deepStrictEqual(bad, []);
    assert.ok(control.exists(`${base}/args/file #1.txt`), 'every destructive step asked first: the file is still there');
  });

  it('"+ Add Account…" with the focused tree row asks which service (the row is no input)', async () => {
    const { user } = await run(api, [CANCEL], 'docWorkspaces.addAccount', fileNode);
    assert.deepStrictEqual(user.prompts.map((p) => p.title), ['Add Account']);
  });

  it('old command ids still run what they became (aliases for one release), with the same arguments', async () => {
    // addGokuaiLibrary -> Add Account… for Gokuai: straight to the library questions.
    const added = await run(api, [CANCEL], 'docWorkspaces.addGokuaiLibrary');
    assert.deepStrictEqual(added.user.prompts.map((p) => p.title), ['Add Gokuai library (1/3)']);
    // kdocs.versionHistory -> File History… on the same file (a Gokuai one: the flow is the same for every vendor).
    const history = await run(api, [CANCEL], 'docWorkspaces.kdocs.versionHistory', file);
    assert.match(history.user.prompts[0]?.title ?? '', /Versions of 'file #1\.txt'/);
    // copyShareLink -> Share Link… naming the file.
    const share = await run(api, [CANCEL], 'docWorkspaces.copyShareLink', file);
    assert.match(share.user.prompts[0]?.title ?? '', /Share link for 'file #1\.txt'/);
  });

  it('from the palette the active editor wins over the tree selection', async () => {
    const other = await libraryNode(api);
    await api.treeView.reveal(other, { select: true, focus: false });
    assert.strictEqual(api.treeView.selection[0]?.id, other.id, 'precondition: the library row is selected');
    await vscode.window.showTextDocument(file);
    const { user } = await run(api, [CANCEL], 'docWorkspaces.fileHistory');
    assert.match(user.prompts[0]?.title ?? '', /Versions of 'file #1\.txt'/, 'the history of the open file, not of the selected row');
    const renamed = await run(api, [CANCEL], 'docWorkspaces.rename');
    assert.strictEqual(renamed.user.prompts[0]?.value, 'file #1.txt', 'Rename pre-fills the open file\'s name');
  });

  it('with no editor open the tree selection is the target, and a command that does not apply says so', async () => {
    await closeAllEditors();
    await api.treeView.reveal(await libraryNode(api), { select: true, focus: false });
    const { user } = await asUser(api, [], () => vscode.commands.executeCommand('docWorkspaces.fileHistory'), { allowErrors: true });
    assert.strictEqual(user.errors.length, 1);
    assert.match(user.errors[0].message, /"File History" works on files; ".+" is a folder/, user.errors[0].message);
  });
});
