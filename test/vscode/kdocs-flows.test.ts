// The capability flows on Kingsoft Docs in the real VS Code against the embedded kdocs sandbox, every command through
// the prompt seam as a user runs it: batch copy / move / delete through the task APIs (with progress and a file
// failing), new online documents and imports from URLs, Share Link… and Collaborators… (the questions come from the
// store's ShareSpec), edit tokens (the one kdocs-only command set), File History on app-space files, the recycle bins
// (tree and QuickPick) and the one Search. The same flows on Gokuai: commands.test.ts and extension.test.ts.
import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { KdocsSandbox, KdocsSpace } from '../../src/sandbox/types';
import { KdocsClient } from '../../src/vendors/kdocs/client';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/tree/nodes';
import type { ShareLink } from '../../src/core/capabilities';
import type { BatchOutcome } from '../../src/vscode/commands/report';
import { childOf, field, kdAccountNode, kdRequestsSince } from './kdocs-support';
import { children, closeAllEditors, EXT_ID, openTabs, setup, uriOf } from './support';
import { asUser, CANCEL, type Prompt, run, runExpectingError } from './user';

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

// --- an observer of VS Code's progress UI ---------------------------------------------------------------------------

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

/** The tree node of a kdocs item as a user expands to it: My documents (personal) or App space, then folders. */
async function kdNode(space: KdocsSpace, p: string): Promise<TreeNode> {
  const account = await kdAccountNode(api);
  const spaceNode = await childOf(api, account, 'kdSpace', (x) => field(x, 'space') === space);
  await vscode.commands.executeCommand('docWorkspaces.refreshNode', spaceNode);
  let node = space === 'personal' ? await childOf(api, spaceNode, 'kdMyDocs') : spaceNode;
  for (const name of p.split('/')) node = await childOf(api, node, 'entry', (x) => x.kind === 'entry' && x.entry.name === name);
  return node;
}

/** Moves items to their recycle bin through the Delete command, confirmed. */
async function deleteAll(targets: vscode.Uri[]): Promise<void> {
  await run(api, ['Move to Recycle Bin'], 'docWorkspaces.delete', targets[0], targets);
}

/** Tree node of the kdocs sandbox account, then of its personal / app-space recycle bin (re-listed). */
async function binNode(space: KdocsSpace): Promise<TreeNode> {
  const account = (await children(api)).find((x) => x.kind === 'account' && x.accountId === KD);
  assert.ok(account, 'kdocs sandbox account node');
  const spaceNode = (await children(api, account)).find((x) => field(x, 'space') === space);
  assert.ok(spaceNode, `${space} node`);
  const bin = (await children(api, spaceNode)).find((x) => x.kind === 'bin');
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

  describe('command contributions', () => {
    it('every contributed command is registered, with an English and a Chinese title; old ids still run', async () => {
      const ext = vscode.extensions.getExtension(EXT_ID)!;
      const file = async (name: string) => JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, name))));
      // package.json as written (ext.packageJSON has the titles already translated).
      const contributed = (await file('package.json')).contributes.commands as Array<{ command: string; title: string }>;
      const registered = new Set(await vscode.commands.getCommands(true));
      const nls = async (suffix: string) => (await file(`package.nls${suffix}.json`)) as Record<string, string>;
      const [en, zh] = [await nls(''), await nls('.zh-cn')];
      for (const c of contributed) {
        assert.ok(registered.has(c.command), `${c.command} is registered`);
        // Titles given as %keys% must be in both nls files (a literal title would never be translated).
        const key = /^%(.+)%$/.exec(c.title)?.[1];
        assert.ok(key && en[key] && zh[key], `${c.command}: title "${c.title}" in both nls files`);
      }
      // One command per capability: only the edit tokens are Kingsoft Docs' own.
      assert.deepStrictEqual(contributed.map((c) => c.command).filter((c) => c.startsWith('docWorkspaces.kdocs.')).sort(),
        ['docWorkspaces.kdocs.copyLinkWithEditToken', 'docWorkspaces.kdocs.createEditToken', 'docWorkspaces.kdocs.revokeEditToken']);
      // Ids of the previous release that users may have bound to keys: registered (they run the new command), not shown.
      for (const old of ['docWorkspaces.kdocs.share', 'docWorkspaces.kdocs.versionHistory', 'docWorkspaces.kdocs.recycleBin', 'docWorkspaces.kdocs.search',
        'docWorkspaces.kdocs.createBlank', 'docWorkspaces.kdocs.editCopy', 'docWorkspaces.addKdocsAccount', 'docWorkspaces.updateCredentials']) {
        assert.ok(registered.has(old), `${old} still runs`);
        assert.ok(!contributed.some((c) => c.command === old), `${old} is not contributed`);
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

      const { outcome, shown, progress } = await withProgressLog(async (progress) => {
        const { result: outcome, user } = await run<BatchOutcome>(api, ['..', `${dir}-dest`, 'Select this folder'], 'docWorkspaces.move', targets[0], targets);
        assert.ok(outcome);
        return { outcome, shown: user.notifications, progress };
      });

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
      assert.match(warnings[0].message, /1 of 3 items/);
      assert.deepStrictEqual(warnings[0].buttons, ['Show details']);
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
      const { error, user } = await runExpectingError(api, ['..', `${dir}-dest`, 'Select this folder'], 'docWorkspaces.move', kdUri('appspace', `${dir}/only.txt`));
      assert.deepStrictEqual(user.notifications.map((m) => m.kind), ['error'], JSON.stringify(user.notifications));
      assert.match(error, /only is busy/);
      assert.strictEqual(read('appspace', `${dir}/only.txt`), 'o');
    });

    it('"Show details" lists the failed files with their reasons', async () => {
      const dir = folderWith('appspace', { 'x.txt': 'x', 'y.txt': 'y' });
      sb.control.writeFile('appspace', `${dir}-dest/.keep`, '');
      sb.control.failTaskItem('appspace', `${dir}/y.txt`, 'y is busy');
      // The details list opens after the warning's button was clicked (the command does not wait for it): its pick is
      // the last answer, and the scripted user's check waits for nothing, so the list is awaited through the answer.
      let listed!: (labels: string[]) => void;
      const details = new Promise<string[]>((resolve) => { listed = resolve; });
      const sel = [kdUri('appspace', `${dir}/x.txt`), kdUri('appspace', `${dir}/y.txt`)];
      await asUser(api, ['..', `${dir}-dest`, 'Select this folder', (q) => { listed(q.labels); return CANCEL; }], async () => {
        await vscode.commands.executeCommand('docWorkspaces.copy', sel[0], sel);
        assert.deepStrictEqual(await details, ['y.txt'], 'a list of the failures');
      }, { onNotification: (n) => (n.kind === 'warning' ? 'Show details' : undefined) });
      assert.strictEqual(read('appspace', `${dir}-dest/x.txt`), 'x', 'the other file was copied');
      assert.strictEqual(read('appspace', `${dir}/x.txt`), 'x', 'copies leave the source');
    });

    it('Move to… from the tree: the destination is browsed folder by folder, the moved folder is not offered', async () => {
      const dir = folderWith('personal', { 'm1.txt': '1', 'inner/m2.txt': '2' });
      sb.control.writeFile('personal', `${dir}-dest/sub/.keep`, '');
      const sel = [kdUri('personal', `${dir}/m1.txt`), kdUri('personal', `${dir}/inner`)];
      // Start in the folder of the selection, go up, open <dir>-dest, then its "sub", and select it.
      const { result: outcome, user } = await run<BatchOutcome>(api, ['..', `${dir}-dest`, 'sub', 'Select this folder'], 'docWorkspaces.move', sel[0], sel);
      assert.strictEqual(outcome?.succeeded.length, 2, JSON.stringify({ outcome, shown: user.notifications }));
      assert.strictEqual(user.prompts.length, 4, 'one QuickPick per folder, no path to type');
      assert.ok(user.prompts.every((q) => q.kind === 'pick'));
      assert.ok(!user.prompts[0].labels.includes('inner'), `a folder is not offered as its own destination: ${user.prompts[0].labels.join(', ')}`);
      assert.ok(user.prompts.every((q) => q.labels[0] === 'Select this folder'));
      assert.match(user.prompts[0].title ?? '', /Move 2 items to…/);
      assert.ok(user.notifications.some((m) => m.kind === 'info' && /Moved 2 items/.test(m.message)), JSON.stringify(user.notifications));
      assert.strictEqual(read('personal', `${dir}-dest/sub/m1.txt`), '1');
      assert.strictEqual(read('personal', `${dir}-dest/sub/inner/m2.txt`), '2');
      assert.ok(!sb.control.exists('personal', `${dir}/m1.txt`));
    });

    it('Copy to… on Gokuai browses the library the same way (one picker for every vendor)', async () => {
      const { control, base } = await setup();
      const dir = `${base}/kd-picker-${Date.now().toString(36)}`;
      await vscode.workspace.fs.writeFile(uriOf(`${dir}/src/g.txt`), new TextEncoder().encode('g'));
      await vscode.workspace.fs.createDirectory(uriOf(`${dir}/dest`));
      const { user } = await run(api, ['..', 'dest', 'Select this folder'], 'docWorkspaces.copy', uriOf(`${dir}/src/g.txt`));
      assert.strictEqual(user.prompts.length, 3);
      assert.strictEqual(control.readFile(`${dir}/dest/g.txt`)?.toString('utf8'), 'g');
      assert.strictEqual(control.readFile(`${dir}/src/g.txt`)?.toString('utf8'), 'g', 'the source stays');
    });

    it('deletes a selection to the recycle bin in one go (UI confirmation answered), across both spaces', async () => {
      const dir = folderWith('personal', { 'd1.txt': '1', 'd2.txt': '2' });
      const app = folderWith('appspace', { 'd3.txt': '3' });
      const targets = [kdUri('personal', `${dir}/d1.txt`), kdUri('personal', `${dir}/d2.txt`), kdUri('appspace', `${app}/d3.txt`)];
      const { result: outcome, user } = await run<BatchOutcome>(api, ['Move to Recycle Bin'], 'docWorkspaces.delete', targets[0], targets);
      assert.strictEqual(outcome?.succeeded.length, 3, JSON.stringify(user.notifications));
      assert.match(user.prompts[0].message ?? '', /3 items/, 'asked first');
      assert.ok(sb.control.isInTrash('personal', `${dir}/d1.txt`) && sb.control.isInTrash('personal', `${dir}/d2.txt`));
      assert.ok(sb.control.isInTrash('appspace', `${app}/d3.txt`));
    });

    it('refuses to copy or move between the two spaces, and says why', async () => {
      const p = folderWith('personal', { 'p.txt': 'p' });
      const a = folderWith('appspace', { 'a.txt': 'a' });
      // The folder picker stays inside the space of the items; dragging onto another space's folder is refused.
      const item = await kdNode('personal', `${p}/p.txt`);
      const folder = await kdNode('appspace', a);
      const data = new vscode.DataTransfer();
      data.set('application/vnd.code.tree.docworkspaces.tree', new vscode.DataTransferItem([item]));
      const { user } = await asUser(api, [], async () => {
        await api.dragAndDrop.handleDrop?.(folder, data, new vscode.CancellationTokenSource().token);
      }, { allowErrors: true });
      assert.strictEqual(user.errors.length, 1, JSON.stringify(user.notifications));
      assert.match(user.errors[0].message, /between spaces/);
      assert.ok(sb.control.exists('personal', `${p}/p.txt`) && !sb.control.exists('appspace', `${a}/p.txt`), 'nothing moved');
    });
  });

  describe('Share Link… and Collaborators… on personal files', function () {
    this.timeout(60_000);

    /** The links of one file, from Shared Links… on it (the list is looked at and closed). */
    const linksOf = async (target: vscode.Uri) =>
      (await asUser(api, [], () => vscode.commands.executeCommand<ShareLink[]>('docWorkspaces.showSharedLinks', target), { dismissAll: true })).result ?? [];

    it('asks what people may do and for how long (the kdocs choices), copies the link, lists it, and Stop Sharing ends it', async () => {
      const dir = folderWith('personal', { '分享 #1.txt': 'shared' });
      const target = kdUri('personal', `${dir}/分享 #1.txt`);
      const now = Date.now();
      await vscode.env.clipboard.writeText('');
      const { result: url, user } = await run<string>(api, ['Anyone with the link can view and comment', '7 days'], 'docWorkspaces.share', target);
      assert.ok(url && /^https?:\/\//.test(url), `a link: ${url}`);
      assert.deepStrictEqual(user.prompts.map((q) => q.kind), ['pick', 'pick'], 'no password question: kdocs links have none');
      assert.deepStrictEqual(user.prompts[0].labels, ['Anyone with the link can view', 'Anyone with the link can view and comment', 'Anyone with the link can edit']);
      assert.deepStrictEqual(user.prompts[1].labels, ['Never expires', '7 days', '30 days']);
      for (const q of user.prompts) assert.match(q.title ?? '', /分享 #1\.txt/, 'every prompt names the file');
      assert.strictEqual(await vscode.env.clipboard.readText(), url, 'on the clipboard');
      assert.strictEqual((await fetch(url)).status, 200, 'the link opens');

      const [listed] = await linksOf(target);
      assert.strictEqual(listed?.url, url);
      assert.strictEqual(listed.access, 'comment');
      assert.ok(listed.expires && Math.abs(listed.expires - (now + 7 * 86_400_000)) < 120_000, `expires in 7 days: ${listed.expires}`);

      const dismissed = await run(api, [CANCEL], 'docWorkspaces.stopSharing', target);
      assert.match(dismissed.user.prompts[0].message ?? '', /分享 #1\.txt/);
      assert.strictEqual((await fetch(url)).status, 200, 'dismissed: the link still opens');
      await run(api, ['Stop Sharing'], 'docWorkspaces.stopSharing', target);
      assert.deepStrictEqual(await linksOf(target), [], 'no open link');
      assert.notStrictEqual((await fetch(url)).status, 200, 'the link no longer opens');
      assert.ok(sb.control.exists('personal', `${dir}/分享 #1.txt`), 'the file stays');
    });

    it('Share Link… on a file that has its link changes it (current choice marked) to "can edit, 30 days"', async () => {
      const dir = folderWith('personal', { 'edit.txt': 'e' });
      const target = kdUri('personal', `${dir}/edit.txt`);
      const { result: first } = await run<string>(api, ['Anyone with the link can view', 'Never expires'], 'docWorkspaces.share', target);
      const { result: url, user } = await run<string>(api, ['Anyone with the link can edit', '30 days'], 'docWorkspaces.share', target);
      assert.match(user.prompts[0].title ?? '', /Change the share link of 'edit\.txt'/, 'knows the link exists, names the file');
      assert.strictEqual(user.prompts[0].items.find((i) => i.description === 'current')?.label, 'Anyone with the link can view');
      assert.strictEqual(url, first, 'one link per file: the same URL');
      const [listed] = await linksOf(target);
      assert.strictEqual(listed?.access, 'write');
      assert.ok(listed.expires && listed.expires > Date.now() + 29 * 86_400_000);
    });

    it('Collaborators… adds two, changes one\'s permission and removes the other, each step naming who and what', async () => {
      const dir = folderWith('personal', { 'team.md': '# team' });
      const target = kdUri('personal', `${dir}/team.md`);
      await run(api, ['Anyone with the link can view', 'Never expires'], 'docWorkspaces.share', target);
      const added = await run(api, ['Add collaborators…', 'u-alice, u-bob', 'Can view'], 'docWorkspaces.collaborators', target);
      assert.match(added.user.prompts[0].title ?? '', /Collaborators on 'team\.md'/);
      assert.ok(added.user.notifications.some((n) => /u-alice, u-bob/.test(n.message)));
      await run(api, ['u-alice', 'Change Permission…', 'Can edit'], 'docWorkspaces.collaborators', target);
      const removed = await run(api, ['u-bob', 'Remove', 'Remove'], 'docWorkspaces.collaborators', target);
      assert.match(removed.user.prompts[2].message ?? '', /Remove u-bob from the collaborators on team\.md/);
      const { user } = await run(api, [CANCEL], 'docWorkspaces.collaborators', target);
      assert.deepStrictEqual(user.prompts[0].items.slice(1).map((i) => [i.label, i.description]), [['u-alice', 'Can edit']]);
    });

    it('Collaborators… on a file without a share link says to share it first, and adds nobody', async () => {
      const dir = folderWith('personal', { 'alone.md': 'x' });
      const target = kdUri('personal', `${dir}/alone.md`);
      const { error } = await runExpectingError(api, ['Add collaborators…', 'u-carol', 'Can view'], 'docWorkspaces.collaborators', target);
      assert.match(error, /no share link yet/);
      assert.deepStrictEqual(await linksOf(target), [], 'no link was made behind the user\'s back');
    });

    it('copies the link with an edit token only once the file has a share link (offering to create one)', async () => {
      const dir = folderWith('personal', { 'tok.txt': 't' });
      const target = kdUri('personal', `${dir}/tok.txt`);
      await vscode.env.clipboard.writeText('');
      const { user } = await run(api, [], 'docWorkspaces.kdocs.copyLinkWithEditToken', target);
      assert.ok(user.notifications.some((n) => /no share link yet/.test(n.message) && n.buttons.includes('Create share link…')), JSON.stringify(user.notifications));
      assert.strictEqual(await vscode.env.clipboard.readText(), '', 'nothing copied');
      await run(api, ['Anyone with the link can view', 'Never expires'], 'docWorkspaces.share', target);
      await vscode.env.clipboard.writeText('');
      const { result } = await run(api, [], 'docWorkspaces.kdocs.copyLinkWithEditToken', target);
      assert.strictEqual(result, undefined, 'the secret URL is not handed to callers (any extension can run commands)');
      assert.match(await vscode.env.clipboard.readText(), /edit_token=/, 'it is on the clipboard');
    });

    it('Share Link… refuses app-space files with the reason and asks nothing', async () => {
      const dir = folderWith('appspace', { 'nope.txt': 'n' });
      const { error, user } = await runExpectingError(api, [], 'docWorkspaces.share', kdUri('appspace', `${dir}/nope.txt`));
      assert.match(error, /'nope\.txt' cannot be shared with a link here/);
      assert.deepStrictEqual(user.prompts, []);
    });

    it('creates an edit token (copied) and revokes it; revoking it again fails visibly', async () => {
      await vscode.env.clipboard.writeText('');
      const { result: made } = await run(api, [], 'docWorkspaces.kdocs.createEditToken', KD);
      assert.strictEqual(made, undefined, 'the token is not handed to callers');
      const token = await vscode.env.clipboard.readText();
      assert.ok(token, 'the token is on the clipboard');
      // Revoking offers the tokens made in this window (oldest first, then "Enter another token…") by their start only.
      const newest = (q: Prompt) => ({ index: q.items.length - 2 });
      const { user } = await run(api, [newest], 'docWorkspaces.kdocs.revokeEditToken', KD);
      assert.strictEqual(user.prompts[0].items[user.prompts[0].items.length - 2].description, `${token.slice(0, 4)}…`);
      assert.ok(user.prompts[0].items.every((i) => !`${i.label} ${i.description ?? ''} ${i.detail ?? ''}`.includes(token)), 'never the whole token');
      // Again, typed in (it is no longer offered; another token of this window is, so the list comes first): the
      // service refuses, and the message does not repeat the token.
      await run(api, [], 'docWorkspaces.kdocs.createEditToken', KD);
      const { error, user: again } = await runExpectingError(api, ['Enter another token…', token], 'docWorkspaces.kdocs.revokeEditToken', KD);
      assert.ok(!again.prompts[0].labels.some((l) => l.includes(token)));
      assert.ok(!error.includes(token), 'the token is not in the message');
    });
  });

  describe('File History on app-space files', function () {
    this.timeout(60_000);
    afterEach(closeAllEditors);

    it('lists the numbered versions, opens an old one read-only, diffs it with the current one and restores it', async () => {
      const dir = folderWith('appspace', { '版本.md': 'v1 content\n' });
      const p = `${dir}/版本.md`;
      sb.control.writeFile('appspace', p, 'v2 content\n');
      sb.control.writeFile('appspace', p, 'v3 content\n');
      const target = kdUri('appspace', p);
      const { result: ro, user } = await run<vscode.Uri>(api, [(q) => ({ index: q.items.length - 1 })], 'docWorkspaces.fileHistory', target);
      const labels = user.prompts[0].labels;
      assert.ok(labels.length >= 3, `versions: ${labels.join(', ')}`);
      const numbers = labels.map((l) => Number(/^Version (\d+)$/.exec(l)?.[1]));
      assert.ok(numbers.every((n, i) => Number.isInteger(n) && (i === 0 || n < numbers[i - 1])), `numbered, newest first: ${labels.join(', ')}`);
      assert.match(user.prompts[0].items[0].description ?? '', /current/);
      assert.strictEqual(ro?.scheme, 'kdocs-ro');
      assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), ro.toString(), 'the version is open');
      assert.strictEqual(vscode.window.activeTextEditor?.document.getText(), 'v1 content\n');

      await run(api, [], 'docWorkspaces.compareWithCurrent', ro);
      const diff = openTabs().find((t) => t.input instanceof vscode.TabInputTextDiff);
      assert.ok(diff, 'a diff editor');
      const input = diff.input as vscode.TabInputTextDiff;
      assert.deepStrictEqual([input.original.toString(), input.modified.toString()], [target.toString(), ro.toString()]);

      assert.match(openTabs().find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === ro.toString())?.label ?? '',
        /^版本 \(\d{4}-.+, version \d+\)\.md$/, 'the version\'s tab is named after its time and number, not like the live file');
      const before = sb.control.versionCount('appspace', p);
      const dismissed = await run(api, [CANCEL], 'docWorkspaces.restoreVersion', ro);
      assert.match(dismissed.user.prompts[0].message ?? '', /Restore '版本\.md' to its version of \d{4}-.+, version \d+\?/, 'asks first, naming the file and the version');
      assert.strictEqual(sb.control.versionCount('appspace', p), before, 'dismissed: nothing changed');
      await run(api, ['Restore'], 'docWorkspaces.restoreVersion', ro);
      assert.strictEqual(read('appspace', p), 'v1 content\n', 'the old content is current again');
      assert.strictEqual(sb.control.versionCount('appspace', p), before + 1, 'as a new version: nothing lost');
    });

    it('refuses personal files (no version history there), naming the file', async () => {
      const dir = folderWith('personal', { 'p.md': 'x' });
      const { error } = await runExpectingError(api, [], 'docWorkspaces.fileHistory', kdUri('personal', `${dir}/p.md`));
      assert.match(error, /'p\.md' has no version history here/);
    });
  });

  describe('New Online Document… and New File from URL…', function () {
    this.timeout(60_000);

    it('creates a blank document of a picked type and opens it in the browser when asked', async () => {
      const dir = folderWith('personal', { '.keep': '' });
      // "Open in Browser" is clicked on the notification; the page opens after the command has returned.
      let pageOpened!: (url: string) => void;
      const page = new Promise<string>((resolve) => { pageOpened = resolve; });
      const { user } = await asUser(api, ['Smart sheet', '预算 2025'], async () => {
        const uri = await vscode.commands.executeCommand<vscode.Uri>('docWorkspaces.newDocument', kdUri('personal', dir));
        assert.strictEqual(uri?.path, `/personal/${dir}/预算 2025.ksheet`);
        assert.match(await page, /edit_token=/, 'the browser was asked to open it');
      }, {
        onNotification: (n) => (/created/.test(n.message) ? 'Open in Browser' : undefined),
        onOpenExternal: (url) => { pageOpened(url); return true; },
      });
      assert.strictEqual(user.prompts[0].labels.length, 9, 'every type of the create page');
      assert.match(user.prompts[0].title ?? '', new RegExp(`New document in ${dir}`), 'names the folder');
      assert.strictEqual(user.opened.length, 1);
      assert.ok(sb.control.exists('personal', `${dir}/预算 2025.ksheet`));
    });

    it('says why a created document cannot be opened in the browser when its edit URL fails', async () => {
      const dir = folderWith('personal', { '.keep': '' });
      // Every attempt (retries included) to get the edit URL fails; creating the document works.
      sb.control.failNext(10, { status: 500, pathIncludes: 'with_edit_token' });
      const { result: uri, user } = await run<vscode.Uri>(api, ['Smart document', 'notes'], 'docWorkspaces.newDocument', kdUri('personal', dir));
      assert.strictEqual(uri?.path, `/personal/${dir}/notes.otl`, 'the command still hands back the new document');
      const created = user.notifications.filter((m) => /notes\.otl/.test(m.message));
      assert.strictEqual(created.length, 1, JSON.stringify(user.notifications));
      assert.strictEqual(created[0].kind, 'warning');
      assert.match(created[0].message, /created, but it cannot be opened in the browser now: .*try again later/i);
      assert.ok(!created[0].buttons.includes('Open in Browser'), 'no button that cannot work');
      assert.ok(sb.control.exists('personal', `${dir}/notes.otl`));
      assert.deepStrictEqual(user.opened, []);
    });

    it('creates a document in the app space from a file\'s folder, and refuses a name that is taken', async () => {
      const dir = folderWith('appspace', { 'exists.docx': 'x' });
      const { result: uri } = await run<vscode.Uri>(api, ['Smart document', '计划'], 'docWorkspaces.newDocument', kdUri('appspace', `${dir}/exists.docx`));
      assert.strictEqual(uri?.toString(), kdUri('appspace', `${dir}/计划.otl`).toString(), 'next to the file it was run on');
      assert.ok(sb.control.exists('appspace', `${dir}/计划.otl`));
      const { error } = await runExpectingError(api, ['Word document', 'exists'], 'docWorkspaces.newDocument', kdUri('appspace', dir));
      assert.match(error, /exists/);
    });

    it('New Document… is refused in words on a Gokuai folder (no online documents there)', async () => {
      const { base } = await setup();
      const { error, user } = await runExpectingError(api, [], 'docWorkspaces.newDocument', uriOf(base));
      assert.match(error, /New documents cannot be made in/);
      assert.deepStrictEqual(user.prompts, []);
    });

    it('imports a file from a URL: app space through the async task (with progress), personal through files/cloud', async () => {
      const src = folderWith('appspace', { 'source.txt': '来自 URL 的内容' });
      const client = new KdocsClient({ host: sb.host, appId: sb.credentials.appId, appKey: sb.credentials.appKey });
      const url = (await client.appDownloadUrl(sb.control.tokenOf('appspace', `${src}/source.txt`)!)).url;

      const { uri, progress, user } = await withProgressLog(async (progress) => {
        const r = await run<vscode.Uri>(api, [url, 'imported.txt'], 'docWorkspaces.importFromUrl', kdUri('appspace', src));
        return { uri: r.result, user: r.user, progress };
      });
      assert.strictEqual(uri?.path, `/appspace/${src}/imported.txt`);
      assert.strictEqual(read('appspace', `${src}/imported.txt`), '来自 URL 的内容');
      assert.ok(progress.some((p) => /Importing imported\.txt/.test(p.title ?? '') && p.cancellable), 'cancellable progress');
      assert.match(user.prompts[0].prompt ?? '', /URL of the file/);
      assert.ok(await user.prompts[0].validate?.('ftp://example.com/x'), 'only http(s) URLs');
      assert.strictEqual(user.prompts[1].value, new URL(url).pathname.split('/').pop(), 'the name is suggested from the URL');

      const dir = folderWith('personal', { '.keep': '' });
      const personal = await run(api, [url, '云文件.txt'], 'docWorkspaces.importFromUrl', kdUri('personal', dir));
      assert.match(personal.user.prompts[0].prompt ?? '', /Cloud-drive URL/, 'personal files take cloud-drive links');
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
          const { result: folder } = await run<vscode.Uri>(api, ['新文件夹'], 'docWorkspaces.newFolder', kdUri(space, dir));
          assert.strictEqual(folder?.toString(), kdUri(space, `${dir}/新文件夹`).toString());
          assert.ok(sb.control.exists(space, `${dir}/新文件夹`), `${space}: folder created`);
          await run(api, ['Pick on the Server', { uris: [local] }], 'docWorkspaces.upload', folder);
          assert.strictEqual(read(space, `${dir}/新文件夹/本地 文件.txt`), 'from disk', `${space}: uploaded`);
        }
      } finally {
        await fsp.rm(path.dirname(local.fsPath), { recursive: true, force: true });
      }
    });
  });

  describe('recycle bins and search', function () {
    this.timeout(60_000);

    /** The item nodes named `names` under a space's recycle bin node (re-listed, all pages). */
    const binItems = async (space: KdocsSpace, names: string[]) =>
      (await binChildren(await binNode(space))).filter((x) => x.kind === 'binItem' && names.includes(x.item.name));

    it('the app space calls it Trash; Restore on its item puts the file back, Delete Permanently asks and destroys', async () => {
      const dir = folderWith('appspace', { 'r.txt': 'restore me', 'g.txt': 'gone' });
      await deleteAll([kdUri('appspace', `${dir}/r.txt`), kdUri('appspace', `${dir}/g.txt`)]);
      const bin = await binNode('appspace');
      assert.strictEqual(String((api.tree.getTreeItem(bin) as vscode.TreeItem).label), 'Trash');
      const [r] = await binItems('appspace', ['r.txt']);
      const [g] = await binItems('appspace', ['g.txt']);
      assert.ok(r && g, 'both in the trash');
      const restored = await run(api, [], 'docWorkspaces.restoreFromRecycleBin', r);
      assert.ok(restored.user.notifications.some((n) => /Restored 'r\.txt'/.test(n.message)), JSON.stringify(restored.user.notifications));
      assert.strictEqual(read('appspace', `${dir}/r.txt`), 'restore me');
      const { user } = await run(api, ['Delete Permanently'], 'docWorkspaces.purgeFromRecycleBin', g);
      assert.match(user.prompts[0].message ?? '', /Permanently delete 'g\.txt'\? This cannot be undone/);
      assert.deepStrictEqual(await binItems('appspace', ['r.txt', 'g.txt']), [], 'neither is in the trash any more');
      assert.ok(!sb.control.isInTrash('appspace', `${dir}/g.txt`) && !sb.control.exists('appspace', `${dir}/g.txt`), 'g.txt is gone for good');
    });

    it('Recycle Bin… on the account asks which bin, then restores the picked items', async () => {
      const dir = folderWith('personal', { '找回 1.txt': 'one', '找回 2.txt': 'two' });
      await deleteAll([kdUri('personal', `${dir}/找回 1.txt`), kdUri('personal', `${dir}/找回 2.txt`)]);
      const { user } = await run(api, [/· Personal$/, ['找回 1.txt', '找回 2.txt'], 'Restore'], 'docWorkspaces.recycleBin', KD);
      assert.deepStrictEqual(user.prompts[0].labels.map((l) => l.replace(/^.* · /, '')), ['Personal', 'App space'], 'asked which bin');
      assert.match(user.prompts[1].title ?? '', /Personal · Recycle bin$/);
      assert.match(user.prompts[2].placeholder ?? '', /2 items/, 'the action says how many');
      assert.ok(user.notifications.some((m) => m.kind === 'info' && /Restored 2 items/.test(m.message)), JSON.stringify(user.notifications));
      assert.strictEqual(read('personal', `${dir}/找回 1.txt`), 'one');
      assert.strictEqual(read('personal', `${dir}/找回 2.txt`), 'two');
    });

    it('destroys a multi-selection of recycle-bin nodes of the tree after one confirmation', async () => {
      const dir = folderWith('personal', { 'bin1.txt': '1', 'bin2.txt': '2' });
      await deleteAll([kdUri('personal', `${dir}/bin1.txt`), kdUri('personal', `${dir}/bin2.txt`)]);
      const nodes = await binItems('personal', ['bin1.txt', 'bin2.txt']);
      assert.strictEqual(nodes.length, 2, 'both listed under the Recycle bin node');
      const { user } = await run(api, ['Delete Permanently'], 'docWorkspaces.purgeFromRecycleBin', nodes[0], nodes);
      assert.match(user.prompts[0].message ?? '', /2 items\? This cannot be undone/);
      assert.ok(user.notifications.some((n) => /Deleted 2 items permanently/.test(n.message)), JSON.stringify(user.notifications));
      assert.deepStrictEqual(await binItems('personal', ['bin1.txt', 'bin2.txt']), [], 'gone for good');
    });

    it('the live search QuickPick: results as you type, a scope button switches to content, errors in place, Enter opens', async () => {
      // The service searches the app's folder (vendor-facts.md): the files go there.
      const dir = `${sb.appFolderPath}/kdcmd-live-${Date.now().toString(36)}`;
      sb.control.writeFile('personal', `${dir}/实时查找 one.txt`, 'first');
      sb.control.writeFile('personal', `${dir}/two.txt`, 'only the content says 内容暗号');
      const shown = async (search: string, toggle: string[] = []) =>
        (await run(api, [{ search, toggle, pick: CANCEL }], 'docWorkspaces.search', KD)).user.prompts[0];
      try {
        const byName = await shown('实时查找');
        assert.match(byName.title ?? '', /File name/);
        assert.deepStrictEqual(byName.labels, ['实时查找 one.txt']);
        // The content scope finds a file whose name does not contain the keyword (and the QuickPick still shows it).
        assert.deepStrictEqual((await shown('内容暗号', ['Full text'])).labels, ['two.txt']);
        assert.deepStrictEqual((await shown('内容暗号')).labels, [], 'not in the name');

        // A failing request shows the error as the only line (not an empty "nothing found"), and keeps the search open.
        sb.control.malformNext(5, '/search/content');
        const failed = await shown('暗号', ['Full text']);
        assert.strictEqual(failed.labels.length, 1);
        assert.match(failed.items.find((i) => i.kind !== vscode.QuickPickItemKind.Separator)?.label ?? '', /^\$\(error\) /);
        sb.control.resetMisbehaviour();

        const { result: opened } = await run<vscode.Uri>(api, [{ search: '实时查找', pick: '实时查找 one.txt' }], 'docWorkspaces.search', KD);
        assert.ok(opened, 'the picked file was opened');
        assert.strictEqual(opened.path, '/personal/实时查找 one.txt', 'the name, no token, in the path');
        assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), opened.toString());
        assert.strictEqual(vscode.window.activeTextEditor?.document.getText(), 'first', 'it reads through that URI');
      } finally {
        await closeAllEditors();
      }
    });

    it('one Search across every account, results grouped by account', async () => {
      const { base } = await setup();
      const word = `共同词${Date.now().toString(36)}`;
      sb.control.writeFile('personal', `${sb.appFolderPath}/${word} kd.txt`, 'k');
      await vscode.workspace.fs.writeFile(uriOf(`${base}/${word} gk.txt`), new TextEncoder().encode('g'));
      const { user } = await run(api, [{ search: word, pick: CANCEL }], 'docWorkspaces.search');
      assert.match(user.prompts[0].title ?? '', /Search all accounts/);
      assert.deepStrictEqual([...user.prompts[0].labels].sort(), [`${word} gk.txt`, `${word} kd.txt`]);
      const groups = user.prompts[0].items.filter((i) => i.kind === vscode.QuickPickItemKind.Separator).map((i) => i.label);
      assert.ok(groups.length >= 2 && groups.some((g) => /Kingsoft Docs/.test(g)), `one group per account: ${groups.join(' | ')}`);
    });
  });

});
