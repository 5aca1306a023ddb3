// Save conflicts as a user meets them: a colleague changed the file while it was open with unsaved edits. One conflict,
// one prompt (conflict.ts):
// - VS Code's own check (it stats the file before saving) refuses a save when the modification time advanced and the
//   size changed; the extension then does not ask a second time, also not after the user chose Overwrite there.
// - What VS Code cannot see (a change of the same size, a change after its check, an unknown starting version) the
//   extension asks about: Compare / Overwrite / Cancel, answered here by the scripted user through the prompt seam.
//   Compare opens the diff in the foreground with "Overwrite Server Copy" and "Discard My Changes" in its title.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { GokuaiSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import { openAndEdit, openTabs, revertAllAndClose, setup, text, uriOf, withSetting } from './support';
import { asUser, CANCEL, run } from './user';

let api: DocWorkspacesApi;
let control: GokuaiSandboxControl;
let dir: string;

const remoteText = (p: string) => control.readFile(p)?.toString('utf8');
const ORIGINAL = 'original\n';
/** The same length as ORIGINAL: VS Code's check (mtime and size) cannot tell it changed. */
const SAME_SIZE = 'ORIGINAL\n';
/** Another length, written with a later modification time: VS Code's check sees it. */
const LONGER = 'the colleague wrote a longer text\n';

/** Diff tabs comparing the server copy (gokuai-ro, left) with the given file (right). */
function serverDiffTabs(p: string): vscode.TabInputTextDiff[] {
  return openTabs().flatMap((t) => (t.input instanceof vscode.TabInputTextDiff ? [t.input] : []))
    .filter((d) => d.modified.toString() === uriOf(p).toString() && d.original.scheme === 'gokuai-ro' && d.original.path === '/' + p);
}

/**
 * A file on the server, open in an editor with unsaved edits, then changed on the server by a colleague: with the
 * same size (only the extension can see it) or longer and a minute later (VS Code sees it too).
 */
async function conflictingEditor(name: string, colleague: 'same size' | 'visible to VS Code'): Promise<{ p: string; editor: vscode.TextEditor; mine: string; theirs: string }> {
  const p = `${dir}/${name}`;
  await vscode.workspace.fs.writeFile(uriOf(p), text(ORIGINAL));
  const editor = await openAndEdit(uriOf(p), 'my local change\n');
  const theirs = colleague === 'same size' ? SAME_SIZE : LONGER;
  control.writeFile(p, theirs, 'Colleague', colleague === 'same size' ? undefined : { mtime: Date.now() + 60_000 });
  return { p, editor, mine: editor.document.getText(), theirs };
}

describe('save conflicts: one conflict, one prompt', function () {
  this.timeout(60_000);

  before(async () => {
    let base: string;
    ({ api, control, base } = await setup());
    dir = `${base}/conflict-dialog`;
  });

  afterEach(async () => {
    await revertAllAndClose();
  });

  it('a change VS Code cannot see (same size): the extension asks once, naming the file; Overwrite stores the editor content', async () => {
    const { p, editor, mine } = await conflictingEditor('same-size.txt', 'same size');
    const { result: saved, user } = await asUser(api, ['Overwrite'], () => editor.document.save());
    assert.strictEqual(user.prompts.length, 1, 'asked exactly once');
    assert.match(user.prompts[0].message ?? '', /'same-size\.txt' was changed on the server/);
    assert.deepStrictEqual(user.prompts[0].labels, ['Compare', 'Overwrite']);
    assert.strictEqual(saved, true, 'Overwrite saves');
    assert.strictEqual(editor.document.isDirty, false);
    assert.strictEqual(remoteText(p), mine);
  });

  it('Compare opens server ↔ yours in the foreground, saves nothing; "Overwrite Server Copy" from the diff saves without asking again', async () => {
    const { p, editor, mine, theirs } = await conflictingEditor('compare.txt', 'same size');
    const { result: saved } = await asUser(api, ['Compare'], () => editor.document.save());
    assert.strictEqual(saved, false, 'Compare does not save');
    assert.strictEqual(editor.document.isDirty, true, 'the edits stay unsaved in the editor');
    assert.strictEqual(remoteText(p), theirs, 'the colleague\'s version is untouched');

    const active = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(active instanceof vscode.TabInputTextDiff, 'the diff is the active editor (foreground)');
    assert.strictEqual(active.modified.toString(), uriOf(p).toString(), 'right: the unsaved document');
    assert.strictEqual(active.original.scheme, 'gokuai-ro', 'left: the server copy, read-only');
    assert.strictEqual((await vscode.workspace.openTextDocument(active.original)).getText(), theirs);

    // The diff's title button passes the diff's resource (the document).
    const { user } = await run(api, [], 'docWorkspaces.conflict.overwrite', active.modified);
    assert.deepStrictEqual(user.prompts, [], 'no second prompt');
    assert.strictEqual(remoteText(p), mine, 'the server holds exactly the editor content');
    assert.strictEqual(editor.document.isDirty, false);
    assert.deepStrictEqual(serverDiffTabs(p), [], 'the comparison is closed');
  });

  it('"Overwrite Server Copy" does not overwrite a change made after the comparison was opened: that is a new conflict', async () => {
    const { p, editor } = await conflictingEditor('changed-again.txt', 'same size');
    await asUser(api, ['Compare'], () => editor.document.save());
    control.writeFile(p, 'ORIGINAX\n', 'Colleague');
    const { user } = await asUser(api, [CANCEL], () => vscode.commands.executeCommand('docWorkspaces.conflict.overwrite', uriOf(p)), { allowErrors: true });
    assert.strictEqual(user.prompts.length, 1, 'asked about the new change');
    assert.strictEqual(remoteText(p), 'ORIGINAX\n', 'the newer change survives');
    assert.strictEqual(editor.document.isDirty, true);
  });

  it('"Discard My Changes" from the diff asks first, then shows the server copy in the editor', async () => {
    const { p, editor, theirs } = await conflictingEditor('discard.txt', 'same size');
    await asUser(api, ['Compare'], () => editor.document.save());
    const { user } = await run(api, ['Discard My Changes'], 'docWorkspaces.conflict.discard', uriOf(p));
    assert.match(user.prompts[0].message ?? '', /Discard your changes to 'discard\.txt'\?/);
    assert.strictEqual(editor.document.isDirty, false);
    assert.strictEqual(editor.document.getText(), theirs, 'the editor shows the server copy');
    assert.strictEqual(remoteText(p), theirs, 'nothing was written');
    assert.deepStrictEqual(serverDiffTabs(p), [], 'the comparison is closed');
  });

  it('a change VS Code sees (later, another size): VS Code refuses the save itself and the extension does not ask', async () => {
    const { p, editor, theirs } = await conflictingEditor('vscode-sees.txt', 'visible to VS Code');
    const versions = control.versionCount(p);
    const { result: saved, user } = await asUser(api, [], () => editor.document.save());
    assert.strictEqual(saved, false, 'VS Code refused the save ("The content of the file is newer")');
    assert.deepStrictEqual(user.prompts, [], 'no second prompt from the extension');
    assert.strictEqual(control.versionCount(p), versions, 'nothing reached the server');
    assert.strictEqual(remoteText(p), theirs);
    assert.strictEqual(editor.document.isDirty, true);
    // VS Code's own Overwrite (its notification, a click away) is the UI journey test/ui/workbench.test.mjs.
  });

  it('a write through the API (another extension) over a change VS Code would see is asked about, not taken for VS Code\'s Overwrite', async () => {
    const { p, editor, mine, theirs } = await conflictingEditor('api-write.txt', 'visible to VS Code');
    await asUser(api, [], () => editor.document.save()); // refused by VS Code's check
    const { user } = await asUser(api, [CANCEL], () => assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uriOf(p), text(mine)))));
    assert.strictEqual(user.prompts.length, 1, 'asked');
    assert.strictEqual(remoteText(p), theirs, 'the colleague\'s change survives');
  });

  it('an auto-save that meets a conflict opens no dialog: it is refused, one notification says to save by hand', async () => {
    const p = `${dir}/auto-save.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text(ORIGINAL));
    let told!: (message: string) => void;
    const notified = new Promise<string>((resolve) => { told = resolve; });
    await withSetting('files.autoSave', 'afterDelay', async () => {
      await withSetting('files.autoSaveDelay', 100, async () => {
        const { user } = await asUser(api, [], async () => {
          const editor = await openAndEdit(uriOf(p), 'typed\n');
          control.writeFile(p, SAME_SIZE, 'Colleague');
          await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'more '));
          assert.match(await notified, /'auto-save\.txt' changed on the server: your edits are no longer saved automatically/);
          assert.strictEqual(editor.document.isDirty, true, 'the edits stay in the editor');
        }, { onNotification: (n) => { if (n.kind === 'warning') told(n.message); return undefined; } });
        assert.deepStrictEqual(user.prompts, [], 'no modal while typing');
      });
    });
    assert.strictEqual(remoteText(p), SAME_SIZE, 'the colleague\'s change survives');
  });

  it('with files.saveConflictResolution = overwriteFileOnDisk (VS Code does not check) the extension asks', async () => {
    const { p, editor, theirs } = await conflictingEditor('vscode-off.txt', 'visible to VS Code');
    await withSetting('files.saveConflictResolution', 'overwriteFileOnDisk', async () => {
      const { result: saved, user } = await asUser(api, [CANCEL], () => editor.document.save());
      assert.strictEqual(saved, false);
      assert.strictEqual(user.prompts.length, 1, 'asked once');
    });
    assert.strictEqual(remoteText(p), theirs);
  });

  it('dismissing the dialog (Escape) is a cancel: nothing saved, no diff opened', async () => {
    const { p, editor, theirs } = await conflictingEditor('dismiss.txt', 'same size');
    const { result: saved } = await asUser(api, [CANCEL], () => editor.document.save());
    assert.strictEqual(saved, false);
    assert.strictEqual(editor.document.isDirty, true);
    assert.strictEqual(remoteText(p), theirs);
    assert.deepStrictEqual(serverDiffTabs(p), [], 'no diff without Compare');
  });

  it('a read by someone else (search, another extension, a diff) does not turn the next save into a silent overwrite', async () => {
    const { p, editor, theirs } = await conflictingEditor('read-in-between.txt', 'same size');
    // E.g. workspace search or another extension reads the file and so sees the colleague's version.
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(uriOf(p))).toString('utf8'), theirs);
    const { result: saved, user } = await asUser(api, [CANCEL], () => editor.document.save());
    assert.strictEqual(saved, false, 'save refused');
    assert.strictEqual(user.prompts.length, 1, 'the user is asked');
    assert.strictEqual(remoteText(p), theirs, 'the colleague\'s change survives');
  });

  it('a file deleted and made again by someone while open: the starting version is unknown, so the extension asks', async () => {
    const p = `${dir}/recreated.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text(ORIGINAL));
    const editor = await openAndEdit(uriOf(p), 'mine\n');
    const { mtime } = await vscode.workspace.fs.stat(uriOf(p));
    await vscode.workspace.fs.delete(uriOf(p)); // the tree's Delete: the baseline goes with the file
    // Made again with the same size and time: VS Code's own check sees nothing.
    control.writeFile(p, 'NEW FILE\n', 'Colleague', { mtime });
    const { result: saved, user } = await asUser(api, [CANCEL], () => editor.document.save());
    assert.strictEqual(saved, false);
    assert.match(user.prompts[0]?.message ?? '', /cannot tell whether 'recreated\.txt' changed/);
    assert.strictEqual(remoteText(p), 'NEW FILE\n');
  });

  it('a file deleted on the server meanwhile: no Compare (nothing to compare), "Save It Again" makes it anew', async () => {
    const p = `${dir}/deleted.txt`;
    await vscode.workspace.fs.writeFile(uriOf(p), text(ORIGINAL));
    const editor = await openAndEdit(uriOf(p), 'mine\n');
    control.deleteFile(p, 'Colleague');
    const cancelled = await asUser(api, [CANCEL], () => editor.document.save());
    assert.strictEqual(cancelled.result, false);
    assert.match(cancelled.user.prompts[0].message ?? '', /'deleted\.txt' was deleted on the server since you opened it/);
    assert.deepStrictEqual(cancelled.user.prompts[0].labels, ['Save It Again']);
    assert.ok(!control.exists(p), 'still gone');
    const { result: saved } = await asUser(api, ['Save It Again'], () => editor.document.save());
    assert.strictEqual(saved, true);
    assert.strictEqual(remoteText(p), editor.document.getText());
  });

  it('with docWorkspaces.conflictResolution = cancel the save is refused without a dialog', async () => {
    const { p, editor, theirs } = await conflictingEditor('setting-cancel.txt', 'same size');
    await withSetting('docWorkspaces.conflictResolution', 'cancel', async () => {
      const { result: saved, user } = await asUser(api, [], () => editor.document.save());
      assert.strictEqual(saved, false);
      assert.deepStrictEqual(user.prompts, [], 'no dialog');
    });
    assert.strictEqual(editor.document.isDirty, true);
    assert.strictEqual(remoteText(p), theirs);
  });
});

describe('Compare with server (command)', function () {
  this.timeout(60_000);

  before(async () => {
    let base: string;
    ({ api, control, base } = await setup());
    dir = `${base}/compare-command`;
  });

  afterEach(async () => {
    await revertAllAndClose();
  });

  for (const how of ['with the file URI', 'on the active editor (no argument)'] as const) {
    it(`${how}: shows the current server copy next to the unsaved editor`, async () => {
      const p = `${dir}/${how === 'with the file URI' ? 'by-uri' : 'active'} 比较 #1.txt`;
      await vscode.workspace.fs.writeFile(uriOf(p), text('original\n'));
      const editor = await openAndEdit(uriOf(p), 'unsaved line\n');
      const mine = editor.document.getText();
      control.writeFile(p, LONGER, 'Colleague');

      await run(api, [], 'docWorkspaces.compareWithServer', ...(how === 'with the file URI' ? [uriOf(p)] : []));

      const [diff] = serverDiffTabs(p);
      assert.ok(diff, 'a diff editor is open');
      assert.strictEqual((await vscode.workspace.openTextDocument(diff.original)).getText(), LONGER, 'left: the server copy as it is now');
      assert.strictEqual(editor.document.getText(), mine);
      assert.strictEqual(editor.document.isDirty, true, 'comparing saves nothing');
      assert.strictEqual(remoteText(p), LONGER);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(diff.original, text('x'))), 'the server side is read-only');
    });
  }
});
