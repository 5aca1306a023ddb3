// A Kingsoft Docs account over time: its avatar as the account icon (the URL kept nowhere), the profile read once
// rather than on every refresh, hints that name the real cause (clock, daily quota), the App space usage, signing in
// again through the browser, two windows renewing the same sign-in, a sign-in page that cannot be opened, and a
// token-path URI still working after a restart.
import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as vscode from 'vscode';
import { nullLogger } from '../../src/core/log';
import type { KdocsSandbox, KdocsSandboxControl } from '../../src/sandbox/types';
import { KdocsClient } from '../../src/vendors/kdocs/client';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import { setUserInput } from '../../src/vscode/ui';
import type { TreeNode } from '../../src/vscode/tree/nodes';
import { autoApprovedCode, finishSignIn, KdocsAuthFlow } from '../../src/vscode/vendors/kdocs/auth';
import { connectKdocs, type KdocsAccountInfo, serializeKdocsSecret } from '../../src/vscode/vendors/kdocs/connection';
import { memoryLogger } from '../unit/support';
import { childOf, KD_ACCOUNT, kdAccountNode, kdRequestsSince, kdSetup, withBrowser, field } from './kdocs-support';
import { children, resolvedItem, tooltipText } from './support';
import { asUser, ScriptedUser } from './user';

let api: DocWorkspacesApi;
let sandbox: KdocsSandbox;
let control: KdocsSandboxControl;

async function removeAdded(): Promise<void> {
  for (const a of api.accounts.list()) if (!a.sandbox && a.vendor === 'kdocs' && a.host === sandbox.host) await api.accounts.remove(a.id);
}

/** "Add Kingsoft Docs account" for the sandbox's user, the browser part played by withBrowser; the new account's id. */
async function addAccount(): Promise<string> {
  const info = await withBrowser(api, async () => api.accounts.add('kdocs', {
    host: sandbox.host, appId: sandbox.credentials.appId, appKey: sandbox.credentials.appKey,
  }));
  assert.ok(info?.id, 'account added');
  return info.id;
}

const personalOf = async (account: string) =>
  childOf(api, await kdAccountNode(api, account), 'kdSpace', (n) => field(n, 'space') === 'personal');
const appSpaceOf = async (account: string) =>
  childOf(api, await kdAccountNode(api, account), 'kdSpace', (n) => field(n, 'space') === 'appspace');

/** The children of `node` listed afresh. */
async function relisted(node: TreeNode): Promise<TreeNode[]> {
  await vscode.commands.executeCommand('docWorkspaces.refreshNode', node);
  return children(api, node);
}

/** The one error node a listing became. */
function errorOf(nodes: TreeNode[]): Extract<TreeNode, { kind: 'error' }> {
  const [node] = nodes;
  assert.ok(nodes.length === 1 && node.kind === 'error', `an error node instead of: ${nodes.map((n) => n.kind).join(', ')}`);
  return node;
}

/** Tokens of a fresh sign-in of the sandbox user, as a second window would hold them. */
async function signInOutside(): Promise<{ info: KdocsAccountInfo; secret: string }> {
  const client = new KdocsClient({ host: sandbox.host, ...sandbox.credentials });
  const { tokens, user } = await finishSignIn(client, sandbox.host, await autoApprovedCode(client));
  const info: KdocsAccountInfo = { id: 'kd-outside', vendor: 'kdocs', host: sandbox.host, appId: sandbox.credentials.appId, userId: user.id };
  return { info, secret: serializeKdocsSecret({ appKey: sandbox.credentials.appKey, tokens }) };
}

describe('Kingsoft Docs account', function () {
  this.timeout(60_000);

  before(async () => {
    ({ api, sandbox, control } = await kdSetup());
    await removeAdded();
  });

  afterEach(async () => {
    control.resetMisbehaviour();
    control.resetQuotas();
    control.setDateSkewWindow(300);
    await removeAdded();
  });

  it('shows the user\'s avatar as the account icon and keeps its URL out of globalState', async () => {
    const id = await addAccount();
    await children(api, await kdAccountNode(api, id)); // listing the account learns the profile
    const icon = (await api.tree.getTreeItem(await kdAccountNode(api, id))).iconPath;
    assert.ok(icon instanceof vscode.Uri && icon.scheme === 'file', `a file icon: ${String(icon)}`);
    const png = await fsp.readFile(icon.fsPath);
    assert.deepStrictEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')], 'the downloaded image');
    const stored = JSON.stringify(api.accounts.list());
    assert.ok(!stored.includes('avatar'), `no avatar URL stored: ${stored}`);
  });

  it('reads the user\'s profile once, not on every refresh of the tree', async () => {
    await children(api, await kdAccountNode(api));
    const since = kdRequestsSince(control);
    for (let i = 0; i < 3; i++) {
      await vscode.commands.executeCommand('docWorkspaces.refresh');
      await children(api, await kdAccountNode(api));
    }
    assert.deepStrictEqual(since().filter((r) => r.includes('/user/basic')), []);
  });

  it('a wrong clock is named as such, not as wrong credentials', async () => {
    control.setDateSkewWindow(-1); // every signed request is "outside the accepted skew"
    const node = errorOf(await relisted(await appSpaceOf(KD_ACCOUNT)));
    assert.match(node.error.hint, /time/i);
    assert.ok(!node.error.credentials, 'no "Sign in again" / credentials fix offered');
  });

  it('a used-up daily quota says when it resets', async () => {
    control.setQuota('GET /api/v1/openapi/appspace/files', 0);
    const node = errorOf(await relisted(await appSpaceOf(KD_ACCOUNT)));
    assert.strictEqual(node.error.kind, 'RateLimited');
    assert.match(node.error.hint, /midnight.*UTC\+8/);
  });

  it('shows the App space usage in its description and tooltips', async () => {
    const item = await api.tree.getTreeItem(await appSpaceOf(KD_ACCOUNT));
    assert.match(String(item.description), /\d.* of \d/, 'used of total');
    const plain = (t: vscode.TreeItem) => tooltipText(t).replace(/\\(.)/g, '$1'); // Markdown escapes off
    assert.ok(plain(item).includes(`Used: ${String(item.description)}`), plain(item));
    const account = await resolvedItem(api, await kdAccountNode(api));
    assert.ok(plain(account).includes(`App space: ${String(item.description)}`), plain(account));
  });

  it('"Sign in again" on an added account runs the browser sign-in and brings Personal back', async () => {
    const id = await addAccount();
    assert.ok((await relisted(await childOf(api, await personalOf(id), 'kdMyDocs'))).some((n) => n.kind === 'entry'));
    control.revokeRefreshTokens();
    control.expireAccessTokens();
    try {
      assert.match(errorOf(await relisted(await childOf(api, await personalOf(id), 'kdMyDocs'))).error.message, /sign in again/i);
      const signIn = await childOf(api, await kdAccountNode(api, id), 'kdSignIn');
      const command = (await api.tree.getTreeItem(signIn)).command;
      assert.ok(command, 'the node runs the sign-in');
      await withBrowser(api, async (opened) => {
        await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
        assert.strictEqual(opened.filter((u) => new URL(u).pathname === '/h5/auth').length, 1, 'the authorize page was opened');
      });
      assert.ok((await relisted(await childOf(api, await personalOf(id), 'kdMyDocs'))).some((n) => n.kind === 'entry'), 'Personal lists again');
    } finally {
      // The revocation hit the sandbox account too: it signs in again by itself.
      await vscode.commands.executeCommand('docWorkspaces.signIn', KD_ACCOUNT);
    }
  });

  it('a sign-in page that cannot be opened ends the sign-in at once and leaves nothing waiting', async () => {
    const log = memoryLogger();
    const flow = new KdocsAuthFlow(log);
    let state = '';
    // This flow is the compiled one of the tests (out/), so its prompt seam is too.
    setUserInput(new ScriptedUser([], {
      onOpenExternal: (url) => {
        state = new URL(url).searchParams.get('state') ?? '';
        throw new Error('no browser here');
      },
    }));
    try {
      await assert.rejects(flow.authorize(new KdocsClient({ host: sandbox.host, ...sandbox.credentials })), /no browser here/);
    } finally {
      setUserInput(undefined);
    }
    assert.ok(state, 'the page was asked for');
    flow.handleUri(vscode.Uri.parse(`${vscode.env.uriScheme}://doc-workspaces.doc-workspaces/kdocs-auth?code=late-code&state=${state}`));
    assert.ok(log.lines.some((l) => /^warn Ignored a Kingsoft Docs sign-in callback/.test(l)), `no sign-in waits: ${log.lines.join('\n')}`);
  });

  it('two windows renewing the same sign-in: the slower one takes the tokens the faster one stored', async () => {
    const { info, secret } = await signInOutside();
    let stored = secret; // the SecretStorage both windows share
    const handle = { value: stored, store: async (v: string) => { stored = v; }, read: async () => stored };
    const fast = connectKdocs(info, handle, nullLogger);
    const slow = connectKdocs(info, { ...handle }, nullLogger);
    await fast.spaces.personal.list('');
    await slow.spaces.personal.list('');
    control.expireAccessTokens();
    await fast.spaces.personal.list(''); // renews: the refresh token both held is used up
    assert.notStrictEqual(stored, secret, 'the faster window stored its new tokens');
    const since = kdRequestsSince(control);
    const listed = await slow.spaces.personal.list('');
    assert.ok(listed.items.length > 0);
    assert.strictEqual(slow.signedOut(), undefined, 'still signed in');
    const calls = since();
    assert.ok(calls.some((c) => /^POST \/api\/v1\/oauth2\/refresh_token 4\d\d$/.test(c)), `its own renewal was refused: ${calls.join('; ')}`);
  });

  it('a token-path URI (Starred) still opens and saves next to its original after a restart', async () => {
    let id = await addAccount();
    const starred = await childOf(api, await personalOf(id), 'kdSection', (n) => field(n, 'section') === 'starred');
    const item = (await relisted(starred)).find((n) => n.kind === 'entry' && n.entry.name === '笔记 notes.md');
    assert.ok(item?.kind === 'entry' && item.entry.path.startsWith('personal/~token/'), 'a starred file at a token path');
    const uri = vscode.Uri.from({ scheme: 'kdocs', authority: id, path: `/${item.entry.path}` });
    const before = await vscode.workspace.fs.readFile(uri);

    // A new connection with nothing cached, as after a restart of VS Code.
    await api.accounts.remove(id);
    id = await addAccount();
    assert.strictEqual(id, uri.authority, 'the same account again');
    assert.deepStrictEqual(await vscode.workspace.fs.readFile(uri), before);
    // Edit a Copy, then Save as New File, as the user does.
    const { result: saved } = await asUser(api, [], async () => {
      const copy = await vscode.commands.executeCommand<vscode.TextDocument>('docWorkspaces.editCopy', uri);
      assert.ok(copy?.isUntitled, 'an untitled copy');
      const editor = await vscode.window.showTextDocument(copy);
      await editor.edit((e) => e.replace(new vscode.Range(0, 0, copy.lineCount, 0), 'after a restart\n'));
      return vscode.commands.executeCommand<vscode.Uri>('docWorkspaces.saveCopyAsNew');
    });
    assert.ok(saved, 'saved');
    try {
      assert.strictEqual(new TextDecoder().decode(await vscode.workspace.fs.readFile(saved)), 'after a restart\n');
      assert.ok(control.exists('personal', `${sandbox.appFolderPath}/笔记 notes (1).md`), 'next to the original, in the app folder');
    } finally {
      await vscode.workspace.fs.delete(saved);
    }
  });
});
