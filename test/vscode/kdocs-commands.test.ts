// The Kingsoft Docs commands (docWorkspaces.kdocs.*) in the real VS Code against the embedded kdocs sandbox: batch
// copy / move / delete through the task APIs (with progress and a file failing), blank documents, imports from URLs,
// share links and collaborators, edit tokens, app-space versions, recycle bins and search. Dialogs are answered by
// stand-ins for VS Code's UI (messages, QuickPicks, input boxes, progress); the extension code runs unchanged.
import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { KdocsSandbox, KdocsSpace } from '../../src/sandbox/types';
import { KdocsClient } from '../../src/vendors/kdocs/client';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import { initTestMode, onlyForTests } from '../../src/vscode/testMode';
import type { TreeNode } from '../../src/vscode/tree/nodes';
import type { LiveSearch } from '../../src/vscode/pickers/search';
import type { BatchOutcome, KdSearchMode, KdShareInfo, KdVersionInfo } from '../../src/vscode/vendors/kdocs/commands';
import { kdRequestsSince } from './kdocs-support';
import { children, closeAllEditors, EXT_ID, openTabs, setup, uriOf, withDialogs, withUi } from './support';

const KD = 'kd-sandbox';
let api: DocWorkspacesApi;
let sb: KdocsSandbox;


const kdUri = (space: KdocsSpace, p: string) => vscode.Uri.from({ scheme: 'kdocs', authority: KD, path: `/${space}/${p}` });
let n = 0;
/** A fresh folder of this run in `space` with the given files (name -> content). */
function folderWith(space: KdocsSpace, files: Record<string, string>): string {
  const dir = `kdcmd-${Date.now().toString(36)}-${++n}`;
  for (const [name, content] of Object.entries(files)) sb.control.writeFile(space, `${dir}/${name}`, content);
  return dir;
}
const read = (space: KdocsSpace, p: string) => sb.control.readFile(space, p)?.toString('utf8');

// --- stand-ins for VS Code's QuickPick, input box and progress UI ---------------------------------------------------

/** A QuickPick answerer that picks `labels` one after the other (undefined = dismissed when one is not offered). */
function inOrder(labels: readonly string[]): (offered: string[]) => string | undefined {
  let next = 0;
  return (offered) => (offered.includes(labels[next]) ? labels[next++] : undefined);
}

interface ProgressSeen { title?: string; cancellable?: boolean; reports: Array<{ message?: string; increment?: number }> }

/** Records the progress notifications (title, cancellable, every report) the extension shows while `fn` runs. */
async function withProgressLog<T>(fn: (seen: ProgressSeen[]) => Promise<T>): Promise<T> {
  const win = vscode.window as unknown as { withProgress: typeof vscode.window.withProgress };
  const real = win.withProgress;
  const seen: ProgressSeen[] = [];
  win.withProgress = (options, task) => {
    const s: ProgressSeen = { title: options.title, cancellable: options.cancellable, reports: [] };
    seen.push(s);
    return real(options, (progress, token) => task({ report: (v) => { s.reports.push(v); progress.report(v); } }, token));
  };
  try {
    return await fn(seen);
  } finally {
    win.withProgress = real;
  }
}

/** Tree node of the kdocs sandbox account, then of its personal / app-space recycle bin (re-listed). */
async function binNode(space: KdocsSpace): Promise<TreeNode> {
  const account = (await children(api)).find((x) => x.kind === 'account' && x.accountId === KD);
  assert.ok(account, 'kdocs sandbox account node');
  const spaceNode = (await children(api, account)).find((x) => x.kind === 'kdSpace' && x.space === space);
  assert.ok(spaceNode, `${space} node`);
  const bin = (await children(api, spaceNode)).find((x) => x.kind === 'kdRecycleBin');
  assert.ok(bin, 'recycle bin node');
  await vscode.commands.executeCommand('docWorkspaces.refreshNode', bin);
  return bin;
}

/** Every item under a bin node, following "Load more". */
async function binChildren(bin: TreeNode): Promise<TreeNode[]> {
  for (let i = 0; i < 20; i++) {
    const kids = await children(api, bin);
    const more = kids.find((x) => x.kind === 'loadMore');
    if (!more) return kids;
    await vscode.commands.executeCommand('docWorkspaces.loadMore', more);
  }
  return children(api, bin);
}

// ---------------------------------------------------------------------------------------------------------------------

describe('Kingsoft Docs commands', () => {
  before(async function () {
    this.timeout(60_000);
    ({ api } = await setup());
    sb = api.vendorSandbox('kdocs') as KdocsSandbox;
    assert.ok(sb?.control, 'the embedded kdocs sandbox runs');
  });
  afterEach(() => sb.control.resetMisbehaviour());

  describe('kdocs command contributions', () => {
    it('every docWorkspaces.kdocs command of package.json is registered, with an English and a Chinese title', async () => {
      const ext = vscode.extensions.getExtension(EXT_ID)!;
      const contributed = (ext.packageJSON.contributes.commands as Array<{ command: string; title: string }>).filter((c) => c.command.startsWith('docWorkspaces.kdocs.'));
      assert.ok(contributed.length >= 21, `${contributed.length} kdocs commands`);
      const registered = new Set(await vscode.commands.getCommands(true));
      const nls = async (suffix: string) => JSON.parse(new TextDecoder().decode(
        await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, `package.nls${suffix}.json`)))) as Record<string, string>;
      const [en, zh] = [await nls(''), await nls('.zh-cn')];
      for (const c of contributed) {
        assert.ok(registered.has(c.command), `${c.command} is registered`);
        // Titles given as %keys% must be in both nls files (a literal title would never be translated).
        const key = /^%(.+)%$/.exec(c.title)?.[1];
        if (key) assert.ok(en[key] && zh[key], `${c.command}: title "${key}" in both nls files`);
      }
    });
  });

  describe('Copy to… / Move to… / Delete on kdocs: the generic commands, through the batch task APIs', function () {
    this.timeout(60_000);

    it('moves a multi-selection with progress; the one file the task fails stays and is reported with its reason', async () => {
      const dir = folderWith('personal', { 'a 甲.txt': 'A', 'b 乙.txt': 'B', 'c 丙.txt': 'C' });
      sb.control.writeFile('personal', `${dir}-dest/keep.txt`, 'dest');
      sb.control.failTaskItem('personal', `${dir}/b 乙.txt`, 'file is locked by another operation');
      const targets = ['a 甲.txt', 'b 乙.txt', 'c 丙.txt'].map((f) => kdUri('personal', `${dir}/${f}`));
      const requests = kdRequestsSince(sb.control);

      const { outcome, shown, progress } = await withProgressLog((progress) => withDialogs(() => undefined, async (shown) => {
        const outcome = await vscode.commands.executeCommand<BatchOutcome>('docWorkspaces.move', { targets, destination: kdUri('personal', `${dir}-dest`) });
        return { outcome, shown, progress };
      }));

      assert.strictEqual(read('personal', `${dir}-dest/a 甲.txt`), 'A');
      assert.strictEqual(read('personal', `${dir}-dest/c 丙.txt`), 'C');
      assert.ok(!sb.control.exists('personal', `${dir}/a 甲.txt`) && !sb.control.exists('personal', `${dir}/c 丙.txt`), 'moved away');
      assert.strictEqual(read('personal', `${dir}/b 乙.txt`), 'B', 'the failed file is untouched where it was');
      assert.ok(!sb.control.exists('personal', `${dir}-dest/b 乙.txt`));
      assert.strictEqual(requests().filter((r) => /^POST \S*\/tasks\/files\/move /.test(r)).length, 1, `one move task for the three files: ${requests().join(', ')}`);

      assert.deepStrictEqual(outcome.succeeded.sort(), [kdUri('personal', `${dir}/a 甲.txt`), kdUri('personal', `${dir}/c 丙.txt`)].map(String).sort());
      assert.strictEqual(outcome.failed.length, 1);
      assert.strictEqual(outcome.failed[0].name, 'b 乙.txt');
      assert.strictEqual(outcome.failed[0].path, `personal/${dir}/b 乙.txt`);
      assert.match(outcome.failed[0].message, /locked/, 'its own reason');

      const warnings = shown.filter((m) => m.kind === 'warning');
      assert.strictEqual(warnings.length, 1, 'one summary message');
      assert.match(warnings[0].message, /1 of 3/);
      assert.deepStrictEqual(warnings[0].items, ['Show details']);
      assert.ok(!shown.some((m) => m.kind === 'error'), 'no error notification for a partial failure');

      const bar = progress.find((p) => /Moving 3 items/.test(p.title ?? ''));
      assert.ok(bar, `a progress notification: ${JSON.stringify(progress.map((p) => p.title))}`);
      assert.strictEqual(bar.cancellable, true);
      assert.ok(bar.reports.some((r) => r.message === '3/3'), `counts up to 3/3: ${JSON.stringify(bar.reports)}`);
    });

    it('a single file that fails is one error notification with its reason, not a summary', async () => {
      const dir = folderWith('appspace', { 'only.txt': 'o' });
      sb.control.writeFile('appspace', `${dir}-dest/.keep`, '');
      sb.control.failTaskItem('appspace', `${dir}/only.txt`, 'only is busy');
      await withDialogs(() => undefined, async (shown) => {
        await vscode.commands.executeCommand('docWorkspaces.move', { targets: [kdUri('appspace', `${dir}/only.txt`)], destination: kdUri('appspace', `${dir}-dest`) });
        assert.deepStrictEqual(shown.map((m) => m.kind), ['error'], JSON.stringify(shown));
        assert.match(shown[0].message, /only is busy/);
      });
      assert.strictEqual(read('appspace', `${dir}/only.txt`), 'o');
    });

    it('"Show details" lists the failed files with their reasons', async () => {
      const dir = folderWith('appspace', { 'x.txt': 'x', 'y.txt': 'y' });
      sb.control.writeFile('appspace', `${dir}-dest/.keep`, '');
      sb.control.failTaskItem('appspace', `${dir}/y.txt`, 'y is busy');
      await withUi({ pick: () => undefined }, (calls) => withDialogs((m) => (m.kind === 'warning' ? 'Show details' : undefined), async () => {
        await vscode.commands.executeCommand('docWorkspaces.copy', { targets: [kdUri('appspace', `${dir}/x.txt`), kdUri('appspace', `${dir}/y.txt`)], destination: kdUri('appspace', `${dir}-dest`) });
        // The details list opens after the warning's button was clicked (the command does not wait for it).
        for (let i = 0; i < 50 && !calls.quickPicks.length; i++) await new Promise((r) => setImmediate(r));
        assert.strictEqual(calls.quickPicks.length, 1, 'a list of the failures');
        assert.deepStrictEqual(calls.quickPicks[0].labels, ['$(error) y.txt']);
      }));
      assert.strictEqual(read('appspace', `${dir}-dest/x.txt`), 'x', 'the other file was copied');
      assert.strictEqual(read('appspace', `${dir}/x.txt`), 'x', 'copies leave the source');
    });

    it('Move to… from the tree: the destination is browsed folder by folder, the moved folder is not offered', async () => {
      const dir = folderWith('personal', { 'm1.txt': '1', 'inner/m2.txt': '2' });
      sb.control.writeFile('personal', `${dir}-dest/sub/.keep`, '');
      const sel = [kdUri('personal', `${dir}/m1.txt`), kdUri('personal', `${dir}/inner`)];
      // Start in the folder of the selection, go up, open <dir>-dest, then its "sub", and select it.
      const steps = ['$(arrow-up) ..', `$(folder) ${dir}-dest`, '$(folder) sub', '$(check) Select this folder'];
      await withUi({ pick: inOrder(steps) }, (calls) => withDialogs(() => undefined, async (shown) => {
        const outcome = await vscode.commands.executeCommand<BatchOutcome>('docWorkspaces.move', sel[0], sel);
        assert.strictEqual(outcome?.succeeded.length, 2, JSON.stringify({ outcome, shown }));
        assert.strictEqual(calls.quickPicks.length, 4, 'one QuickPick per folder');
        assert.ok(!calls.quickPicks[0].labels.includes('$(folder) inner'), `a folder is not offered as its own destination: ${calls.quickPicks[0].labels.join(', ')}`);
        assert.ok(calls.quickPicks.every((q) => q.labels[0] === '$(check) Select this folder'));
        assert.deepStrictEqual(calls.inputs, [], 'no path to type');
        assert.ok(shown.some((m) => m.kind === 'information' && /Moved 2 items/.test(m.message)), JSON.stringify(shown));
      }));
      assert.strictEqual(read('personal', `${dir}-dest/sub/m1.txt`), '1');
      assert.strictEqual(read('personal', `${dir}-dest/sub/inner/m2.txt`), '2');
      assert.ok(!sb.control.exists('personal', `${dir}/m1.txt`));
    });

    it('Copy to… on Gokuai browses the library the same way (one picker for every vendor)', async () => {
      const { control, base } = await setup();
      const dir = `${base}/kd-picker-${Date.now().toString(36)}`;
      await vscode.workspace.fs.writeFile(uriOf(`${dir}/src/g.txt`), new TextEncoder().encode('g'));
      await vscode.workspace.fs.createDirectory(uriOf(`${dir}/dest`));
      const steps = ['$(arrow-up) ..', '$(folder) dest', '$(check) Select this folder'];
      await withUi({ pick: inOrder(steps) }, async (calls) => {
        await vscode.commands.executeCommand('docWorkspaces.copy', uriOf(`${dir}/src/g.txt`));
        assert.strictEqual(calls.quickPicks.length, 3);
      });
      assert.strictEqual(control.readFile(`${dir}/dest/g.txt`)?.toString('utf8'), 'g');
      assert.strictEqual(control.readFile(`${dir}/src/g.txt`)?.toString('utf8'), 'g', 'the source stays');
    });

    it('deletes a selection to the recycle bin in one go (UI confirmation answered), across both spaces', async () => {
      const dir = folderWith('personal', { 'd1.txt': '1', 'd2.txt': '2' });
      const app = folderWith('appspace', { 'd3.txt': '3' });
      const targets = [kdUri('personal', `${dir}/d1.txt`), kdUri('personal', `${dir}/d2.txt`), kdUri('appspace', `${app}/d3.txt`)];
      await withDialogs((m) => (m.modal ? 'Move to recycle bin' : undefined), async (shown) => {
        const outcome = await vscode.commands.executeCommand<BatchOutcome>('docWorkspaces.delete', targets[0], targets);
        assert.strictEqual(outcome?.succeeded.length, 3, JSON.stringify(shown));
        assert.ok(shown.some((m) => m.modal && /3 items/.test(m.message)), 'asked first');
      });
      assert.ok(sb.control.isInTrash('personal', `${dir}/d1.txt`) && sb.control.isInTrash('personal', `${dir}/d2.txt`));
      assert.ok(sb.control.isInTrash('appspace', `${app}/d3.txt`));
    });

    it('refuses to copy or move between the two spaces, and says why', async () => {
      const p = folderWith('personal', { 'p.txt': 'p' });
      const a = folderWith('appspace', { 'a.txt': 'a' });
      await withDialogs(() => undefined, async (shown) => {
        await vscode.commands.executeCommand('docWorkspaces.move', { targets: [kdUri('personal', `${p}/p.txt`)], destination: kdUri('appspace', a) });
        const errors = shown.filter((m) => m.kind === 'error');
        assert.strictEqual(errors.length, 1);
        assert.match(errors[0].message, /one space/);
      });
      assert.ok(sb.control.exists('personal', `${p}/p.txt`) && !sb.control.exists('appspace', `${a}/p.txt`), 'nothing moved');
    });
  });

  describe('kdocs share links and collaborators', function () {
    this.timeout(60_000);

    it('creates a link (view + comment, 7 days), shows it, and cancels it: the link stops opening', async () => {
      const dir = folderWith('personal', { '分享 #1.txt': 'shared' });
      const target = kdUri('personal', `${dir}/分享 #1.txt`);
      const now = Math.floor(Date.now() / 1000);
      const made = await vscode.commands.executeCommand<KdShareInfo>('docWorkspaces.kdocs.share', { target, permission: 'read', comment: true, period: 7 });
      assert.ok(made?.url && /^https?:\/\//.test(made.url), `a link: ${made?.url}`);
      assert.strictEqual(made.permission, 'read');
      assert.strictEqual(made.comment, true);
      assert.ok(made.expireTime && Math.abs(made.expireTime - (now + 7 * 86_400)) < 120, `expires in 7 days: ${made.expireTime}`);
      assert.strictEqual((await fetch(made.url)).status, 200, 'the link opens');

      const shown = await vscode.commands.executeCommand<KdShareInfo>('docWorkspaces.kdocs.showShare', { target });
      assert.strictEqual(shown?.url, made.url);

      assert.strictEqual(await vscode.commands.executeCommand('docWorkspaces.kdocs.cancelShare', { target, confirm: false }), true);
      assert.strictEqual(await vscode.commands.executeCommand('docWorkspaces.kdocs.showShare', { target }), undefined, 'no open link');
      assert.notStrictEqual((await fetch(made.url)).status, 200, 'the link no longer opens');
      assert.ok(sb.control.exists('personal', `${dir}/分享 #1.txt`), 'the file stays');
    });

    it('the interactive flow changes an existing link to "can edit, 30 days" and copies it', async () => {
      const dir = folderWith('personal', { 'edit.txt': 'e' });
      const target = kdUri('personal', `${dir}/edit.txt`);
      await vscode.commands.executeCommand('docWorkspaces.kdocs.share', { target, permission: 'read' });
      await vscode.env.clipboard.writeText('');
      const info = await withUi({ pick: (labels) => labels.find((l) => /can edit|30 days/.test(l)) }, (calls) => withDialogs(() => undefined, async (shown) => {
        const r = await vscode.commands.executeCommand<KdShareInfo>('docWorkspaces.kdocs.share', target);
        assert.match(calls.quickPicks[0].title ?? '', /Change the share link/, 'knows the link exists');
        assert.ok(shown.some((m) => /copied/.test(m.message)));
        return r;
      }));
      assert.strictEqual(info?.permission, 'write');
      assert.ok(info?.expireTime && info.expireTime > Date.now() / 1000 + 29 * 86_400);
      assert.strictEqual(await vscode.env.clipboard.readText(), info?.url, 'on the clipboard');
    });

    it('adds collaborators, changes one\'s permission and removes another', async () => {
      const dir = folderWith('personal', { 'team.md': '# team' });
      const target = kdUri('personal', `${dir}/team.md`);
      await vscode.commands.executeCommand('docWorkspaces.kdocs.share', { target, permission: 'read' });
      const added = await vscode.commands.executeCommand<KdShareInfo>('docWorkspaces.kdocs.addCollaborators', { target, userIds: ['u-alice', 'u-bob'], permission: 'read' });
      assert.deepStrictEqual(added?.collaborators.map((c) => c.userId).sort(), ['u-alice', 'u-bob']);
      await vscode.commands.executeCommand('docWorkspaces.kdocs.changeCollaborator', { target, userId: 'u-alice', permission: 'write' });
      assert.strictEqual(await vscode.commands.executeCommand('docWorkspaces.kdocs.removeCollaborator', { target, userId: 'u-bob' }), true);
      const now = await vscode.commands.executeCommand<KdShareInfo>('docWorkspaces.kdocs.showShare', { target });
      assert.deepStrictEqual(now?.collaborators, [{ userId: 'u-alice', permission: 'write' }]);
    });

    it('copies the link with an edit token only once the file has a share link', async () => {
      const dir = folderWith('personal', { 'tok.txt': 't' });
      const target = kdUri('personal', `${dir}/tok.txt`);
      await withDialogs(() => undefined, async (shown) => {
        assert.strictEqual(await vscode.commands.executeCommand('docWorkspaces.kdocs.copyLinkWithEditToken', { target }), undefined);
        assert.match(shown.find((m) => m.kind === 'error')?.message ?? '', /no share link yet/);
      });
      await vscode.commands.executeCommand('docWorkspaces.kdocs.share', { target, permission: 'read' });
      const url = await vscode.commands.executeCommand<string>('docWorkspaces.kdocs.copyLinkWithEditToken', { target });
      assert.match(url ?? '', /edit_token=/);
      assert.strictEqual(await vscode.env.clipboard.readText(), url);
    });

    it('share commands refuse app-space files with the reason', async () => {
      const dir = folderWith('appspace', { 'nope.txt': 'n' });
      await withDialogs(() => undefined, async (shown) => {
        await vscode.commands.executeCommand('docWorkspaces.kdocs.share', { target: kdUri('appspace', `${dir}/nope.txt`), permission: 'read' });
        assert.match(shown.find((m) => m.kind === 'error')?.message ?? '', /only for personal files/);
      });
    });

    it('creates an edit token (copied) and revokes it; revoking it again fails visibly', async () => {
      const made = await vscode.commands.executeCommand<{ token: string; expiresIn?: number }>('docWorkspaces.kdocs.createEditToken', KD);
      assert.ok(made?.token);
      assert.strictEqual(await vscode.env.clipboard.readText(), made.token);
      assert.strictEqual(await vscode.commands.executeCommand('docWorkspaces.kdocs.revokeEditToken', { account: KD, token: made.token }), true);
      await withDialogs(() => undefined, async (shown) => {
        await vscode.commands.executeCommand('docWorkspaces.kdocs.revokeEditToken', { account: KD, token: made.token });
        const errors = shown.filter((m) => m.kind === 'error');
        assert.strictEqual(errors.length, 1);
        assert.ok(!errors[0].message.includes(made.token), 'the token is not in the message');
      });
    });

    it('edit tokens and URLs with one reach callers only outside production', () => {
      try {
        assert.strictEqual(initTestMode(vscode.ExtensionMode.Production), false);
        assert.strictEqual(onlyForTests('https://example.test/doc?edit_token=t0k'), undefined);
        assert.strictEqual(initTestMode(vscode.ExtensionMode.Development), true);
        assert.deepStrictEqual(onlyForTests({ token: 't0k' }), { token: 't0k' });
      } finally {
        initTestMode(vscode.ExtensionMode.Test);
      }
    });
  });

  describe('kdocs app-space versions', function () {
    this.timeout(60_000);
    afterEach(closeAllEditors);

    it('lists versions, opens an old one read-only, diffs it with the current one and reverts to it', async () => {
      const dir = folderWith('appspace', { '版本.md': 'v1 content\n' });
      const p = `${dir}/版本.md`;
      sb.control.writeFile('appspace', p, 'v2 content\n');
      sb.control.writeFile('appspace', p, 'v3 content\n');
      const target = kdUri('appspace', p);
      const versions = await vscode.commands.executeCommand<KdVersionInfo[]>('docWorkspaces.kdocs.versionHistory', { target });
      assert.ok(versions && versions.length >= 3, `versions: ${JSON.stringify(versions)}`);
      assert.ok(versions.every((v, i) => i === 0 || v.version < versions[i - 1].version), 'newest first');
      const oldest = versions[versions.length - 1].version;

      const ro = await vscode.commands.executeCommand<vscode.Uri>('docWorkspaces.kdocs.versionHistory', { target, version: oldest });
      assert.strictEqual(ro?.scheme, 'kdocs-ro');
      assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), ro.toString(), 'the version is open');
      assert.strictEqual(vscode.window.activeTextEditor?.document.getText(), 'v1 content\n');

      await vscode.commands.executeCommand('docWorkspaces.kdocs.compareVersion', ro);
      const diff = openTabs().find((t) => t.input instanceof vscode.TabInputTextDiff);
      assert.ok(diff, 'a diff editor');
      const input = diff.input as vscode.TabInputTextDiff;
      assert.deepStrictEqual([input.original.toString(), input.modified.toString()], [target.toString(), ro.toString()]);

      const before = sb.control.versionCount('appspace', p);
      await vscode.commands.executeCommand('docWorkspaces.kdocs.revertVersion', { target, version: oldest });
      assert.strictEqual(read('appspace', p), 'v1 content\n', 'the old content is current again');
      assert.strictEqual(sb.control.versionCount('appspace', p), before + 1, 'as a new version: nothing lost');
    });

    it('refuses personal files (no version history there)', async () => {
      const dir = folderWith('personal', { 'p.md': 'x' });
      await withDialogs(() => undefined, async (shown) => {
        await vscode.commands.executeCommand('docWorkspaces.kdocs.versionHistory', { target: kdUri('personal', `${dir}/p.md`) });
        assert.match(shown.find((m) => m.kind === 'error')?.message ?? '', /app-space/);
      });
    });
  });

  describe('kdocs new documents', function () {
    this.timeout(60_000);

    it('creates a blank document of a picked type and opens it in the browser when asked', async () => {
      const dir = folderWith('personal', { '.keep': '' });
      const opened: string[] = [];
      api.setExternalOpener(async (_u, url) => { opened.push(url); return true; });
      try {
        await withUi({ pick: (labels) => labels.find((l) => l === 'Smart sheet'), input: () => '预算 2025' }, (calls) =>
          withDialogs((m) => (/created/.test(m.message) ? 'Open in browser' : undefined), async () => {
            const uri = await vscode.commands.executeCommand<vscode.Uri>('docWorkspaces.kdocs.createBlank', kdUri('personal', dir));
            assert.strictEqual(uri?.path, `/personal/${dir}/预算 2025.ksheet`);
            assert.strictEqual(calls.quickPicks[0].labels.length, 9, 'every type of the create page');
            for (let i = 0; i < 50 && !opened.length; i++) await new Promise((r) => setImmediate(r));
          }));
      } finally {
        api.setExternalOpener(undefined);
      }
      assert.ok(sb.control.exists('personal', `${dir}/预算 2025.ksheet`));
      assert.strictEqual(opened.length, 1, 'the browser was asked to open it');
      assert.match(opened[0], /edit_token=/);
    });

    it('says why a created document cannot be opened in the browser when its edit URL fails', async () => {
      const dir = folderWith('personal', { '.keep': '' });
      // Every attempt (retries included) to get the edit URL fails; creating the document works.
      sb.control.failNext(10, { status: 500, pathIncludes: 'with_edit_token' });
      const opened: string[] = [];
      api.setExternalOpener(async (_u, url) => { opened.push(url); return true; });
      try {
        await withUi({ pick: (labels) => labels.find((l) => l === 'Smart document'), input: () => 'notes' }, () =>
          withDialogs((m) => (/created/.test(m.message) ? 'Open in browser' : undefined), async (shown) => {
            const uri = await vscode.commands.executeCommand<vscode.Uri>('docWorkspaces.kdocs.createBlank', kdUri('personal', dir));
            assert.strictEqual(uri?.path, `/personal/${dir}/notes.otl`, 'the command still hands back the new document');
            const created = shown.filter((m) => /notes\.otl/.test(m.message));
            assert.strictEqual(created.length, 1, JSON.stringify(shown));
            assert.strictEqual(created[0].kind, 'warning');
            assert.match(created[0].message, /created, but it cannot be opened in the browser now: .*try again later/i);
            assert.ok(!created[0].items.includes('Open in browser'), 'no button that cannot work');
            assert.ok(!shown.some((m) => m.kind === 'error'), 'not reported as a failure: the document exists');
          }));
      } finally {
        api.setExternalOpener(undefined);
      }
      assert.ok(sb.control.exists('personal', `${dir}/notes.otl`));
      assert.deepStrictEqual(opened, []);
    });

    it('creates a document from options and refuses a name that is taken', async () => {
      const dir = folderWith('appspace', { 'exists.docx': 'x' });
      const uri = await vscode.commands.executeCommand<vscode.Uri>('docWorkspaces.kdocs.createBlank', { target: kdUri('appspace', dir), name: '计划.otl' });
      assert.strictEqual(uri?.toString(), kdUri('appspace', `${dir}/计划.otl`).toString());
      assert.ok(sb.control.exists('appspace', `${dir}/计划.otl`));
      await withDialogs(() => undefined, async (shown) => {
        await vscode.commands.executeCommand('docWorkspaces.kdocs.createBlank', { target: kdUri('appspace', dir), name: 'exists.docx' });
        assert.match(shown.find((m) => m.kind === 'error')?.message ?? '', /exists/);
      });
    });

    it('imports a file from a URL: app space through the async task (with progress), personal through files/cloud', async () => {
      const src = folderWith('appspace', { 'source.txt': '来自 URL 的内容' });
      const client = new KdocsClient({ host: sb.host, appId: sb.credentials.appId, appKey: sb.credentials.appKey });
      const url = (await client.appDownloadUrl(sb.control.tokenOf('appspace', `${src}/source.txt`)!)).url;

      const { uri, progress } = await withProgressLog(async (progress) => ({
        uri: await vscode.commands.executeCommand<vscode.Uri>('docWorkspaces.kdocs.importFromUrl', { target: kdUri('appspace', src), url, name: 'imported.txt' }),
        progress,
      }));
      assert.strictEqual(uri?.path, `/appspace/${src}/imported.txt`);
      assert.strictEqual(read('appspace', `${src}/imported.txt`), '来自 URL 的内容');
      assert.ok(progress.some((p) => /Importing imported\.txt/.test(p.title ?? '') && p.cancellable), 'cancellable progress');

      const dir = folderWith('personal', { '.keep': '' });
      await vscode.commands.executeCommand('docWorkspaces.kdocs.importFromUrl', { target: kdUri('personal', dir), url, name: '云文件.txt' });
      assert.strictEqual(read('personal', `${dir}/云文件.txt`), '来自 URL 的内容');
    });
  });

  describe('generic folder and upload commands on kdocs', function () {
    this.timeout(60_000);

    it('New Folder and Upload work in both spaces through the generic commands (no kdocs-specific copies)', async () => {
      const local = vscode.Uri.file(path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-kd-')), '本地 文件.txt'));
      await fsp.writeFile(local.fsPath, 'from disk');
      try {
        for (const space of ['personal', 'appspace'] as const) {
          const dir = folderWith(space, { '.keep': '' });
          const folder = await vscode.commands.executeCommand<vscode.Uri>('docWorkspaces.newFolder', { target: kdUri(space, dir), name: '新文件夹' });
          assert.strictEqual(folder?.toString(), kdUri(space, `${dir}/新文件夹`).toString());
          assert.ok(sb.control.exists(space, `${dir}/新文件夹`), `${space}: folder created`);
          await vscode.commands.executeCommand('docWorkspaces.upload', { target: folder, sources: [local], overwrite: false });
          assert.strictEqual(read(space, `${dir}/新文件夹/本地 文件.txt`), 'from disk', `${space}: uploaded`);
        }
      } finally {
        await fsp.rm(path.dirname(local.fsPath), { recursive: true, force: true });
      }
    });
  });

  describe('kdocs recycle bins and search', function () {
    this.timeout(60_000);

    it('restores from the app-space trash and destroys for good, by token', async () => {
      const dir = folderWith('appspace', { 'r.txt': 'restore me', 'g.txt': 'gone' });
      await vscode.commands.executeCommand('docWorkspaces.delete', { targets: [kdUri('appspace', `${dir}/r.txt`), kdUri('appspace', `${dir}/g.txt`)], confirm: false });
      const items = await vscode.commands.executeCommand<Array<{ token: string; name: string }>>('docWorkspaces.kdocs.recycleBin', { account: KD, space: 'appspace' });
      const r = items?.find((i) => i.name === 'r.txt');
      const g = items?.find((i) => i.name === 'g.txt');
      assert.ok(r && g, 'both in the trash');
      const restored = await vscode.commands.executeCommand<BatchOutcome>('docWorkspaces.kdocs.restoreFromBin', { account: KD, space: 'appspace', tokens: [r.token] });
      assert.deepStrictEqual(restored?.succeeded, [r.token]);
      assert.strictEqual(read('appspace', `${dir}/r.txt`), 'restore me');
      await vscode.commands.executeCommand('docWorkspaces.kdocs.destroyFromBin', { account: KD, space: 'appspace', tokens: [g.token], confirm: false });
      const after = await vscode.commands.executeCommand<Array<{ token: string }>>('docWorkspaces.kdocs.recycleBin', { account: KD, space: 'appspace' });
      assert.ok(!after?.some((i) => i.token === g.token || i.token === r.token), 'neither is in the trash any more');
    });

    it('the Recycle bin QuickPick restores the picked items', async () => {
      const dir = folderWith('personal', { '找回 1.txt': 'one', '找回 2.txt': 'two' });
      await vscode.commands.executeCommand('docWorkspaces.delete', { targets: [kdUri('personal', `${dir}/找回 1.txt`), kdUri('personal', `${dir}/找回 2.txt`)], confirm: false });
      const pick = (labels: string[]) => (labels.includes('Personal · Recycle bin') ? 'Personal · Recycle bin'
        : labels.includes('Restore') ? 'Restore' : labels.filter((l) => l.startsWith('找回 ')));
      await withUi({ pick }, (calls) =>
        withDialogs(() => undefined, async (shown) => {
          await vscode.commands.executeCommand('docWorkspaces.kdocs.recycleBin', KD);
          assert.ok(calls.quickPicks.some((q) => q.labels.includes('Personal · Recycle bin')), 'asked which bin');
          assert.ok(shown.some((m) => m.kind === 'information' && /Restored 2 items/.test(m.message)), JSON.stringify(shown));
        }));
      assert.strictEqual(read('personal', `${dir}/找回 1.txt`), 'one');
      assert.strictEqual(read('personal', `${dir}/找回 2.txt`), 'two');
    });

    it('destroys a multi-selection of recycle-bin nodes of the tree after confirmation', async () => {
      const dir = folderWith('personal', { 'bin1.txt': '1', 'bin2.txt': '2' });
      await vscode.commands.executeCommand('docWorkspaces.delete', { targets: [kdUri('personal', `${dir}/bin1.txt`), kdUri('personal', `${dir}/bin2.txt`)], confirm: false });
      const nodes = (await binChildren(await binNode('personal'))).filter((x) => x.kind === 'kdRecycled' && ['bin1.txt', 'bin2.txt'].includes(x.file.name));
      assert.strictEqual(nodes.length, 2, 'both listed under the Recycle bin node');
      await withDialogs((m) => (m.modal ? 'Delete permanently' : undefined), async (shown) => {
        const out = await vscode.commands.executeCommand<BatchOutcome>('docWorkspaces.kdocs.destroyFromBin', nodes[0], nodes);
        assert.strictEqual(out?.succeeded.length, 2);
        assert.ok(shown.some((m) => m.modal && /cannot be undone/.test(m.message)));
      });
      const left = await vscode.commands.executeCommand<Array<{ name: string }>>('docWorkspaces.kdocs.recycleBin', { account: KD, space: 'personal' });
      assert.ok(!left?.some((i) => i.name === 'bin1.txt' || i.name === 'bin2.txt'), 'gone for good');
    });

    it('searches personal files by name and by content; results read back through their URIs', async () => {
      // The service searches the app's folder (vendor-facts.md): the files go there.
      const dir = `${sb.appFolderPath}/kdcmd-search-${Date.now().toString(36)}`;
      sb.control.writeFile('personal', `${dir}/搜索目标 needle.txt`, 'haystack with a 独特关键词 inside');
      const byName = await vscode.commands.executeCommand<vscode.Uri[]>('docWorkspaces.kdocs.search', { account: KD, keyword: '搜索目标', mode: 'name' });
      assert.strictEqual(byName?.length, 1, `found: ${byName?.map((u) => u.path).join(', ')}`);
      assert.match(byName[0].path, /^\/personal\/.*\/搜索目标 needle\.txt$/);
      const byContent = await vscode.commands.executeCommand<vscode.Uri[]>('docWorkspaces.kdocs.search', { account: KD, keyword: '独特关键词', mode: 'content' });
      assert.deepStrictEqual(byContent?.map(String), byName.map(String), 'the same file, by its content');
      assert.strictEqual(new TextDecoder().decode(await vscode.workspace.fs.readFile(byName[0])), 'haystack with a 独特关键词 inside');
    });

    it('the live search QuickPick: results as you type, a scope button switches to content, errors in place, Enter opens', async () => {
      const dir = `${sb.appFolderPath}/kdcmd-live-${Date.now().toString(36)}`;
      sb.control.writeFile('personal', `${dir}/实时查找 one.txt`, 'first');
      sb.control.writeFile('personal', `${dir}/two.txt`, 'only the content says 内容暗号');
      let shown!: (search: LiveSearch<KdSearchMode>) => void;
      const live = new Promise<LiveSearch<KdSearchMode>>((resolve) => { shown = resolve; });
      const done = vscode.commands.executeCommand<vscode.Uri | undefined>('docWorkspaces.kdocs.search', { account: KD, onShow: (x: LiveSearch<KdSearchMode>) => shown(x) });
      const search = await live;
      const qp = search.quickPick;
      /** Types (or switches scope) and waits until the answer for `keyword` is on screen. */
      const answerTo = (keyword: string, act: () => void) => new Promise<string[]>((resolve) => {
        const sub = search.onDidShowResults((k) => {
          if (k !== keyword) return;
          sub.dispose();
          resolve(qp.items.map((i) => i.label));
        });
        act();
      });
      try {
        assert.deepStrictEqual(search.scopes, ['name']);
        assert.match(qp.title ?? '', /File name/);
        assert.deepStrictEqual(await answerTo('实时查找', () => { qp.value = '实时查找'; }), ['实时查找 one.txt']);
        assert.strictEqual(qp.busy, false, 'not busy once the answer is shown');

        // The content scope finds a file whose name does not contain the keyword (and the QuickPick still shows it).
        await answerTo('实时查找', () => search.toggle('content'));
        assert.deepStrictEqual(search.scopes, ['content'], 'name and content are one or the other');
        assert.match(qp.title ?? '', /Full text/);
        assert.deepStrictEqual(await answerTo('内容暗号', () => { qp.value = '内容暗号'; }), ['two.txt']);

        // A failing request shows the error as the only line (not an empty "nothing found").
        sb.control.malformNext(5, '/search/content');
        const failed = await answerTo('暗号', () => { qp.value = '暗号'; });
        assert.strictEqual(failed.length, 1);
        assert.match(failed[0], /^\$\(error\) /);
        sb.control.resetMisbehaviour();

        await answerTo('实时查找', () => { search.toggle('name'); qp.value = '实时查找'; });
        qp.activeItems = [qp.items[0]];
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        const opened = await done;
        assert.ok(opened, 'the picked file was opened');
        assert.match(opened.path, /\/实时查找 one\.txt$/);
        assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), opened.toString());
      } finally {
        qp.hide();
        await closeAllEditors();
      }
    });
  });
});
