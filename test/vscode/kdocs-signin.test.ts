// Kingsoft Docs sign-in as a user meets it: "Add Kingsoft Docs account" runs the OAuth flow (authorize page in the
// browser, the code back through the URI handler, tokens into SecretStorage), the account shows the user's name and
// its two spaces, expired access tokens are renewed silently, and a sign-in that cannot be renewed leaves a
// "Sign in again" node (the app space keeps working) until the user signs in again.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { KdocsSandbox, KdocsSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/tree/nodes';
import { children } from './support';
import { type Answer, CANCEL, type Prompt, run } from './user';
import { childOf, KD_ACCOUNT, kdAccountNode, kdRequestsSince, kdSetup, kdUri, kinds, withBrowser, field } from './kdocs-support';

let api: DocWorkspacesApi;
let sandbox: KdocsSandbox;
let control: KdocsSandboxControl;

async function removeAdded(): Promise<void> {
  for (const a of api.accounts.list()) if (!a.sandbox && a.vendor === 'kdocs' && a.host === sandbox.host) await api.accounts.remove(a.id);
}

/** My documents of an account, listed afresh. */
async function myDocuments(account = KD_ACCOUNT): Promise<TreeNode[]> {
  const personal = await childOf(api, await kdAccountNode(api, account), 'kdSpace', (n) => field(n, 'space') === 'personal');
  const mine = await childOf(api, personal, 'kdMyDocs');
  await vscode.commands.executeCommand('docWorkspaces.refreshNode', mine);
  return children(api, mine);
}

/** An answer that keeps the prompt it answers in `seen` (to look at it afterwards). */
const keep = (seen: Prompt[], answer: Answer): Answer => (p) => { seen.push(p); return answer; };

describe('Kingsoft Docs sign-in', function () {
  this.timeout(60_000);

  before(async () => {
    ({ api, sandbox, control } = await kdSetup());
    await removeAdded();
  });

  afterEach(async () => {
    control.resetMisbehaviour();
    await removeAdded();
  });

  it('the embedded sandbox account is signed in and shows Personal and App space', async () => {
    const account = await kdAccountNode(api);
    assert.strictEqual(String((await api.tree.getTreeItem(account)).label), 'Sandbox · Kingsoft Docs');
    assert.deepStrictEqual(await kinds(api, account), ['kdSpace', 'kdSpace']);
    const mine = await myDocuments();
    assert.ok(mine.some((n) => n.kind === 'entry' && n.entry.name === '工作周报.docx'), 'personal files are listed');
  });

  it('"Add Kingsoft Docs account" runs the OAuth flow through the URI handler and stores no secret outside SecretStorage', async () => {
    const since = kdRequestsSince(control);
    const info = await withBrowser(api, async (opened) => {
      const added = await api.accounts.add('kdocs', {
        host: sandbox.host, appId: sandbox.credentials.appId, appKey: sandbox.credentials.appKey,
      });
      assert.strictEqual(opened.length, 1, 'the authorize page was opened once');
      const page = new URL(opened[0]);
      assert.strictEqual(page.pathname, '/h5/auth');
      assert.ok(page.searchParams.get('state'), 'with a state nonce');
      assert.match(page.searchParams.get('scope') ?? '', /access_personal_files/);
      assert.match(page.searchParams.get('redirect_uri') ?? '', /kdocs-auth/, 'the callback is the extension URI handler');
      return added;
    });
    assert.ok(info, 'the command returns the new account');
    assert.match(info.id, /^kd-[0-9a-f]{12}$/);
    assert.strictEqual(info.libraryName, '沙箱用户 Sandbox User', 'named after user/basic');
    const calls = since();
    assert.ok(calls.some((c) => c.startsWith('GET /api/v1/oauth2/access_token 200')), `code exchanged: ${calls.join('; ')}`);

    // The account works and shows the user's name; its stored description holds no secret.
    const node = await kdAccountNode(api, info.id);
    assert.strictEqual(String((await api.tree.getTreeItem(node)).label), '沙箱用户 Sandbox User');
    assert.ok((await myDocuments(info.id)).length > 0, 'the new account lists My documents');
    const stored = JSON.stringify(api.accounts.list());
    assert.ok(!stored.includes(sandbox.credentials.appKey), 'the app key is not in globalState');
    assert.ok(!/access|refresh|token/i.test(stored), 'no tokens in globalState');
  });

  it('"Add Kingsoft Docs account" from the UI asks for the host first (default filled in, validated), then app_id and app_key', async () => {
    const { appId, appKey } = sandbox.credentials;
    const asked: Prompt[] = [];
    const info = await withBrowser(api, async () => {
      const added = await vscode.commands.executeCommand<string | undefined>('docWorkspaces.addAccount', 'kdocs');
      assert.strictEqual(asked.length, 3, 'host, app_id and app_key were asked');
      const [hostBox, idBox, keyBox] = asked;
      assert.strictEqual(hostBox.value, 'https://developer.kdocs.cn', 'the public host is the default');
      assert.match(hostBox.prompt ?? '', /host/i);
      const validate = hostBox.validate;
      assert.ok(validate, 'the host box validates what is typed');
      assert.match(String(await validate('developer.kdocs.cn')), /not a host URL/);
      assert.strictEqual(await validate('https://kdocs.example.com/'), undefined, 'a private deployment host is accepted');
      assert.match(idBox.prompt ?? '', /app_id/);
      assert.ok(keyBox.password, 'the app key is typed hidden');
      return added;
    }, { answers: [keep(asked, `${sandbox.host}/`), keep(asked, appId), keep(asked, appKey)] });
    assert.ok(info, 'the command returns the new account');
    assert.strictEqual(api.accounts.list().find((a) => a.id === info)?.host, sandbox.host, 'signed in at the typed host (trailing slash dropped)');
  });

  it('asks nothing more when the UI is dismissed at the host box', async () => {
    const { result: added, user } = await run(api, [CANCEL], 'docWorkspaces.addAccount', 'kdocs');
    assert.strictEqual(user.prompts.length, 1, 'only the host was asked');
    assert.strictEqual(added, undefined);
  });

  it('ignores a callback whose state no sign-in is waiting for', async () => {
    const info = await withBrowser(api, async () => api.accounts.add('kdocs', {
      host: sandbox.host, appId: sandbox.credentials.appId, appKey: sandbox.credentials.appKey,
    }), {
      // A forged callback arrives first: it must neither fail nor complete the sign-in.
      beforeCallback: () => api.handleUri(vscode.Uri.parse(`${vscode.env.uriScheme}://doc-workspaces.doc-workspaces/kdocs-auth?code=forged&state=forged`)),
    });
    assert.ok(info?.id, 'the real callback still completes the sign-in');
  });

  it('renews an expired access token silently and replays the refused call', async () => {
    await myDocuments();
    control.expireAccessTokens();
    const since = kdRequestsSince(control);
    const listed = await myDocuments();
    assert.ok(listed.some((n) => n.kind === 'entry'), 'My documents listed');
    assert.ok(!listed.some((n) => n.kind === 'error'), 'no error node');
    const calls = since();
    const refused = calls.findIndex((c) => c.startsWith('GET /api/v1/openapi/') && c.endsWith(' 401'));
    const renewed = calls.findIndex((c) => c === 'POST /api/v1/oauth2/refresh_token 200');
    assert.ok(refused >= 0 && renewed > refused, `the expired token was refused, then renewed: ${calls.join('; ')}`);
    assert.strictEqual(calls.filter((c) => c.includes('/oauth2/refresh_token')).length, 1, 'one renewal');
    assert.strictEqual(calls[refused + 2], calls[refused].replace(/ 401$/, ' 200'), 'the refused call was replayed');
  });

  it('a sign-in that cannot be renewed shows "Sign in again"; the app space keeps working; signing in again restores Personal', async () => {
    await myDocuments();
    control.revokeRefreshTokens();
    control.expireAccessTokens();

    // The next personal call finds out: it fails with "sign in again", and "Sign in again" takes the place of
    // Personal (App space stays).
    const failed = await myDocuments();
    const [node] = failed;
    assert.ok(failed.length === 1 && node.kind === 'error', `an error node: ${failed.map((n) => n.kind).join(', ')}`);
    assert.match(node.error.message, /sign in again/i);
    assert.ok(node.error.credentials, 'the error node offers the way out');
    const account = await kdAccountNode(api);
    assert.deepStrictEqual(await kinds(api, account), ['kdSignIn', 'kdSpace']);
    const signIn = await childOf(api, account, 'kdSignIn');
    const item = await api.tree.getTreeItem(signIn);
    assert.strictEqual(String(item.label), 'Sign in again');
    assert.strictEqual(item.command?.command, 'docWorkspaces.signIn');
    const app = await childOf(api, account, 'kdSpace');
    assert.ok((await children(api, app)).some((n) => n.kind === 'entry' && n.entry.name === 'README.txt'), 'app space lists');
    const readme = await vscode.workspace.fs.readFile(kdUri('appspace', 'README.txt'));
    assert.ok(readme.byteLength > 0, 'app-space files still open');

    // Personal URIs fail with a clear error instead of hanging or listing nothing.
    await assert.rejects(Promise.resolve(vscode.workspace.fs.readDirectory(kdUri('personal', ''))), /sign in again/i);

    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    assert.deepStrictEqual(await kinds(api, await kdAccountNode(api)), ['kdSpace', 'kdSpace']);
    assert.ok((await myDocuments()).some((n) => n.kind === 'entry'), 'Personal lists again');
  });
});
