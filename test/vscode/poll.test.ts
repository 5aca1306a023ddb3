// docWorkspaces.pollInterval: open documents without unsaved changes follow changes made on the server; a document
// with unsaved changes is left alone (its save meets the conflict check instead).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { GokuaiSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import { openAndEdit, revertAllAndClose, setup, text, uriOf, withSetting } from './support';
import { asUser, CANCEL } from './user';

let api: DocWorkspacesApi;
let control: GokuaiSandboxControl;
let base: string;

/** Resolves when `doc` shows `want` (event-driven); fails after `ms` instead of hanging (a bound, not a delay). */
function whenText(doc: vscode.TextDocument, want: string, ms: number): Promise<void> {
  if (doc.getText() === want) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`"${doc.uri.path}" still shows ${JSON.stringify(doc.getText())}`)); }, ms);
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === doc && doc.getText() === want) {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  });
}

describe('polling open documents (docWorkspaces.pollInterval)', function () {
  this.timeout(60_000);

  before(async () => {
    ({ api, control, base } = await setup());
  });

  afterEach(revertAllAndClose);

  it('reloads an unmodified document changed on the server and leaves a dirty one as it is', async () => {
    const clean = `${base}/poll/clean.txt`;
    const dirty = `${base}/poll/dirty.txt`;
    await vscode.workspace.fs.writeFile(uriOf(clean), text('v1\n'));
    await vscode.workspace.fs.writeFile(uriOf(dirty), text('v1\n'));
    const cleanDoc = await vscode.workspace.openTextDocument(uriOf(clean));
    await vscode.window.showTextDocument(cleanDoc, { preview: false });
    const dirtyEditor = await openAndEdit(uriOf(dirty), 'mine\n');
    const mine = dirtyEditor.document.getText();
    await withSetting('docWorkspaces.pollInterval', 5, async () => {
      control.writeFile(clean, 'v2 from a colleague\n', 'Colleague');
      control.writeFile(dirty, 'V1\n', 'Colleague'); // the same size: only the extension's check can see it
      // One polling round checks both documents and then announces the changes: once the clean one shows the new
      // text, the dirty one has been looked at too.
      await whenText(cleanDoc, 'v2 from a colleague\n', 30_000);
    });
    assert.strictEqual(cleanDoc.isDirty, false);
    assert.strictEqual(dirtyEditor.document.getText(), mine, 'unsaved changes are never replaced');
    // The dirty editor still starts from v1: saving it meets the conflict (the round must not have moved that).
    const { result: saved, user } = await asUser(api, [CANCEL], () => dirtyEditor.document.save());
    assert.strictEqual(saved, false);
    assert.match(user.prompts[0]?.message ?? '', /'dirty\.txt' was changed on the server/);
    assert.strictEqual(control.readFile(dirty)?.toString('utf8'), 'V1\n');
  });
});
