// The save-conflict dialog as a user meets it: a colleague changed the file while it was open with unsaved edits. The
// real modal (Compare / Overwrite / dismiss) is answered through withDialogs; no resolver hook replaces it here.
//
// VS Code has its own "file is newer" check before a save reaches the provider. It compares modification times with a
// one-second granularity on this server, so whether it fires first depends on the clock. These tests turn it off
// (files.saveConflictResolution = overwriteFileOnDisk, a real user setting) so that every save deterministically
// meets the extension's version check, which must protect the user on its own.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { GokuaiSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import {
  openAndEdit, openTabs, revertAllAndClose, setup, type ShownMessage, text, uriOf, withDialogs, withSetting,
} from './support';

let api: DocWorkspacesApi;
let control: GokuaiSandboxControl;
let dir: string;

const remoteText = (p: string) => control.readFile(p)?.toString('utf8');
const COLLEAGUE = 'the colleague wrote this\n';

/** The conflict modal among the shown messages. */
const conflictDialogs = (shown: ShownMessage[]) => shown.filter((m) => m.modal && m.items.includes('Compare') && m.items.includes('Overwrite'));

/** Diff tabs comparing the server copy (gokuai-ro, left) with the given file (right). */
function serverDiffTabs(p: string): vscode.TabInputTextDiff[] {
  return openTabs().flatMap((t) => (t.input instanceof vscode.TabInputTextDiff ? [t.input] : []))
    .filter((d) => d.modified.toString() === uriOf(p).toString() && d.original.scheme === 'gokuai-ro' && d.original.path === '/' + p);
}

/** A file on the server, open in an editor with unsaved edits, then changed on the server by a colleague. */
async function conflictingEditor(name: string): Promise<{ p: string; editor: vscode.TextEditor; mine: string }> {
  const p = `${dir}/${name}`;
  await vscode.workspace.fs.writeFile(uriOf(p), text('original\n'));
  const editor = await openAndEdit(uriOf(p), 'my local change\n');
  control.writeFile(p, COLLEAGUE, 'Colleague');
  return { p, editor, mine: editor.document.getText() };
}

describe('save conflicts: the Compare / Overwrite dialog', function () {
  this.timeout(60_000);

  before(async () => {
    let base: string;
    ({ api, control, base } = await setup());
    dir = `${base}/conflict-dialog`;
    api.setConflictResolver(undefined); // the real dialog
    await vscode.workspace.getConfiguration('files').update('saveConflictResolution', 'overwriteFileOnDisk', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('files').update('saveConflictResolution', undefined, vscode.ConfigurationTarget.Global);
  });

  afterEach(async () => {
    await revertAllAndClose();
  });

  it('Compare opens a diff of the server copy against the unsaved editor, saves nothing and keeps the edits', async () => {
    const { p, editor, mine } = await conflictingEditor('compare.txt');
    const saved = await withDialogs((m) => (m.modal ? 'Compare' : undefined), async (shown) => {
      const ok = await editor.document.save();
      assert.strictEqual(conflictDialogs(shown).length, 1, 'the conflict dialog was shown exactly once');
      assert.match(conflictDialogs(shown)[0].message, /compare\.txt/, 'it names the file');
      return ok;
    });

    assert.strictEqual(saved, false, 'Compare does not save');
    assert.strictEqual(editor.document.isDirty, true, 'the edits stay unsaved in the editor');
    assert.strictEqual(editor.document.getText(), mine);
    assert.strictEqual(remoteText(p), COLLEAGUE, 'the colleague\'s version is untouched');

    const [diff] = serverDiffTabs(p);
    assert.ok(diff, `a diff editor server ↔ yours is open (tabs: ${openTabs().map((t) => t.label).join(', ')})`);
    const left = await vscode.workspace.openTextDocument(diff.original);
    assert.strictEqual(left.getText(), COLLEAGUE, 'the left side shows the server copy');
    const right = vscode.workspace.textDocuments.find((d) => d.uri.toString() === diff.modified.toString());
    assert.strictEqual(right?.getText(), mine, 'the right side is the unsaved document');
    assert.strictEqual(right?.isDirty, true);
  });

  it('after comparing, saving again and choosing Overwrite stores exactly the editor content', async () => {
    const { p, editor, mine } = await conflictingEditor('compare-then-overwrite.txt');
    await withDialogs((m) => (m.modal ? 'Compare' : undefined), async () => {
      assert.strictEqual(await editor.document.save(), false);
    });
    const saved = await withDialogs((m) => (m.modal ? 'Overwrite' : undefined), async (shown) => {
      const ok = await editor.document.save();
      assert.strictEqual(conflictDialogs(shown).length, 1, 'asked again: the server copy still differs from what the editor loaded');
      return ok;
    });
    assert.strictEqual(saved, true, 'Overwrite saves');
    assert.strictEqual(editor.document.isDirty, false);
    assert.strictEqual(remoteText(p), mine);
  });

  it('dismissing the dialog (Escape) is a cancel: nothing saved, no diff opened', async () => {
    const { p, editor } = await conflictingEditor('dismiss.txt');
    await withDialogs(() => undefined, async (shown) => {
      assert.strictEqual(await editor.document.save(), false);
      assert.strictEqual(conflictDialogs(shown).length, 1);
    });
    assert.strictEqual(editor.document.isDirty, true);
    assert.strictEqual(remoteText(p), COLLEAGUE);
    assert.deepStrictEqual(serverDiffTabs(p), [], 'no diff without Compare');
  });

  it('a read by someone else (search, another extension, a diff) does not turn the next save into a silent overwrite', async () => {
    const { p, editor } = await conflictingEditor('read-in-between.txt');
    // E.g. workspace search or another extension reads the file and so sees the colleague's version.
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(uriOf(p))).toString('utf8'), COLLEAGUE);
    await withDialogs((m) => (m.modal ? 'Compare' : undefined), async (shown) => {
      assert.strictEqual(await editor.document.save(), false, 'save refused');
      assert.strictEqual(conflictDialogs(shown).length, 1, 'the user is asked');
    });
    assert.strictEqual(editor.document.isDirty, true);
    assert.strictEqual(remoteText(p), COLLEAGUE, 'the colleague\'s change survives');
  });

  it('with docWorkspaces.conflictResolution = cancel the save is refused without a dialog', async () => {
    const { p, editor } = await conflictingEditor('setting-cancel.txt');
    await withSetting('docWorkspaces.conflictResolution', 'cancel', () => withDialogs(() => 'Overwrite', async (shown) => {
      assert.strictEqual(await editor.document.save(), false);
      assert.deepStrictEqual(conflictDialogs(shown), [], 'no dialog');
    }));
    assert.strictEqual(editor.document.isDirty, true);
    assert.strictEqual(remoteText(p), COLLEAGUE);
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
      control.writeFile(p, COLLEAGUE, 'Colleague');

      await vscode.commands.executeCommand('docWorkspaces.compareWithServer', ...(how === 'with the file URI' ? [uriOf(p)] : []));

      const [diff] = serverDiffTabs(p);
      assert.ok(diff, 'a diff editor is open');
      assert.strictEqual((await vscode.workspace.openTextDocument(diff.original)).getText(), COLLEAGUE, 'left: the server copy as it is now');
      assert.strictEqual(editor.document.getText(), mine);
      assert.strictEqual(editor.document.isDirty, true, 'comparing saves nothing');
      assert.strictEqual(remoteText(p), COLLEAGUE);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(diff.original, text('x'))), 'the server side is read-only');
    });
  }
});
