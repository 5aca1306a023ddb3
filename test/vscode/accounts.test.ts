// Accounts as a user manages them: adding a library checks the credentials with one call and keeps the secret out of
// settings, state and the log; removing an account takes it out of the tree and the file system; the sandbox account
// stays; "Open as workspace folder" mounts the library root.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { GokuaiSandbox, GokuaiSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import { ACCOUNT, children, libraryNode, requestsSince, setup, uriOf, kindOf } from './support';
import { CANCEL, run, runExpectingError } from './user';

let api: DocWorkspacesApi;
let sandbox: GokuaiSandbox;
let control: GokuaiSandboxControl;
let base: string;

/** Credentials of the sandbox library entered as a regular account (a distinct account id, not 'sandbox'). */
const credentials = () => ({ host: sandbox.host, orgClientId: sandbox.credentials.orgClientId, orgClientSecret: sandbox.credentials.orgClientSecret });

/** Removes the accounts this suite adds: regular accounts pointing at the embedded sandbox. */
async function removeAdded(): Promise<void> {
  for (const a of api.accounts.list()) if (!a.sandbox && a.host === sandbox.host) await api.accounts.remove(a.id);
}

const STAT = '/m-open/1/file/stat';

describe('adding a Gokuai library', function () {
  this.timeout(60_000);

  before(async () => {
    ({ api, sandbox, control, base } = await setup());
    await removeAdded();
  });

  afterEach(removeAdded);

  it('verifies the credentials with exactly one call (stat) and names the account after the library', async () => {
    const since = requestsSince(control);
    const info = await api.accounts.add('gokuai', credentials());
    assert.deepStrictEqual(since().map((r) => `${r.method} ${r.path} ${r.status}`), [`POST ${STAT} 200`], 'one stat call, nothing else');
    assert.notStrictEqual(info.id, ACCOUNT, 'a regular account, not the sandbox one');
    assert.strictEqual(info.libraryName, sandbox.libraryName, 'the name comes from stat');
    assert.ok(api.accounts.list().some((a) => a.id === info.id && !a.sandbox), 'listed');

    // The account works: its URIs reach the same library.
    const root = await vscode.workspace.fs.readDirectory(vscode.Uri.from({ scheme: 'gokuai', authority: info.id, path: '/' }));
    assert.ok(root.some(([n, t]) => n === base && t === vscode.FileType.Directory), 'the new account lists the library root');
  });

  it('Add Account… asks which service, then host, client id and secret, verifies with one call and shows the library in the tree', async () => {
    const since = requestsSince(control);
    const c = credentials();
    const { result: id, user } = await run<string>(api, ['Gokuai', c.host, c.orgClientId, c.orgClientSecret], 'docWorkspaces.addAccount');
    assert.deepStrictEqual(since().map((r) => r.path), [STAT]);
    assert.deepStrictEqual(user.prompts.map((q) => q.title), ['Add Account', 'Add Gokuai library (1/3)', 'Add Gokuai library (2/3)', 'Add Gokuai library (3/3)']);
    assert.deepStrictEqual(user.prompts[0].labels, ['Gokuai', 'Kingsoft Docs', 'Vika', 'Shimo'], 'every service of this build is offered');
    assert.strictEqual(user.prompts[1].value, 'https://yk3.gokuai.com', 'the public cloud host is the default');
    assert.strictEqual(user.prompts[3].password, true, 'the secret is typed hidden');
    assert.ok(user.notifications.some((n) => n.kind === 'info' && n.message.includes(sandbox.libraryName)), 'says which library was added');
    assert.ok(id && api.accounts.list().some((a) => a.id === id), 'the returned id is a listed account');
    const node = (await children(api)).find((n) => n.kind === 'account' && n.accountId === id);
    assert.ok(node, 'the account is a root node of the tree');
    assert.strictEqual(String((await api.tree.getTreeItem(node)).label), sandbox.libraryName);
  });

  it('keeps the secret in SecretStorage only: not in the account list (globalState), the settings or the log', async () => {
    const info = await api.accounts.add('gokuai', credentials());
    const secret = sandbox.credentials.orgClientSecret;
    // list() is exactly what is persisted in globalState (plus the sandbox entry).
    assert.ok(!JSON.stringify(api.accounts.list()).includes(secret), 'not in the stored account descriptions');
    const settings = vscode.workspace.getConfiguration('docWorkspaces');
    assert.ok(!JSON.stringify(settings).includes(secret), 'not in the settings');
    // The connection is created after adding (the cache is cleared), and for a regular account the only place it
    // can get the secret from is SecretStorage: a working call proves the secret is stored there.
    const fs = await api.getRemoteFs(info.id);
    assert.strictEqual((await fs.stat(base)).type, 'folder');
    assert.ok(!(await logDocument()).getText().includes(secret), 'not in the log');
  });

  it('rejects a wrong secret with a clear message that does not repeat it, and stores nothing', async () => {
    const bad = { ...credentials(), orgClientSecret: 'CaNaRy-wrong-secret-☃-123' };
    const before = api.accounts.list().length;
    const { error } = await runExpectingError(api, ['Gokuai', bad.host, bad.orgClientId, bad.orgClientSecret], 'docWorkspaces.addAccount');
    assert.match(error, /secret|signature|credential/i, `says what is wrong: ${error}`);
    assert.ok(!error.includes(bad.orgClientSecret), 'the secret is not shown');
    await assert.rejects(api.accounts.add('gokuai', bad), (e: Error) => !e.message.includes(bad.orgClientSecret));
    assert.strictEqual(api.accounts.list().length, before, 'no account was added');
    // The failure is logged (with the request that failed); neither secret may be in it.
    const log = await logWhen((t) => /docWorkspaces\.addAccount failed/.test(t), 'the failure in the log');
    assert.ok(!log.includes(bad.orgClientSecret), 'the wrong secret is not in the log');
    assert.ok(!log.includes(sandbox.credentials.orgClientSecret), 'nor the right one');
  });
});

describe('updating credentials', function () {
  this.timeout(60_000);

  before(async () => {
    ({ api, sandbox, control, base } = await setup());
  });

  afterEach(removeAdded);

  it('Sign In Again… asks a library for its new secret (hidden, naming the account) and the account works with it', async () => {
    const info = await api.accounts.add('gokuai', credentials());
    const node = (await children(api)).find((n) => n.kind === 'account' && n.accountId === info.id);
    assert.ok(node);
    // A wrong secret first (a canary: the run fails if it reaches a log): the account answers with an error node.
    const wrong = 'CaNaRy-updated-wrong-secret';
    const { user } = await run(api, [wrong], 'docWorkspaces.signIn', node);
    assert.strictEqual(user.prompts[0].password, true, 'typed hidden');
    assert.ok(user.prompts[0].title?.includes(sandbox.libraryName), `names the account: ${user.prompts[0].title}`);
    await vscode.commands.executeCommand('docWorkspaces.refreshNode', node);
    const [error] = await children(api, node);
    assert.strictEqual(error?.kind, 'error', 'the wrong secret is refused by the library');
    assert.ok(!JSON.stringify(await api.tree.getTreeItem(error)).includes(wrong), 'and not shown');
    // Then the right one: the library lists again.
    await run(api, [sandbox.credentials.orgClientSecret], 'docWorkspaces.signIn', node);
    await vscode.commands.executeCommand('docWorkspaces.refreshNode', node);
    const [library] = await children(api, node);
    assert.strictEqual(kindOf(library), 'library');
  });

  it('the sandbox account has no credentials to update, and says so', async () => {
    const { error } = await runExpectingError(api, [], 'docWorkspaces.signIn', ACCOUNT);
    assert.match(error, /has no credentials to update/);
  });
});

describe('removing an account', function () {
  this.timeout(60_000);

  before(async () => {
    ({ api, sandbox, control, base } = await setup());
  });

  afterEach(removeAdded);

  it('Remove Account asks first naming the account; dismissing keeps it, "Remove" takes it out of the list, the tree and the file system', async () => {
    const info = await api.accounts.add('gokuai', credentials());
    const uri = vscode.Uri.from({ scheme: 'gokuai', authority: info.id, path: '/' + base });
    assert.strictEqual((await vscode.workspace.fs.stat(uri)).type, vscode.FileType.Directory);
    const node = (await children(api)).find((n) => n.kind === 'account' && n.accountId === info.id);
    assert.ok(node);

    const { user } = await run(api, [CANCEL], 'docWorkspaces.removeAccount', node);
    assert.strictEqual(user.prompts.length, 1, 'a confirmation dialog');
    assert.ok(user.prompts[0].message?.includes(sandbox.libraryName), `names the library: ${user.prompts[0].message}`);
    assert.ok(api.accounts.list().some((a) => a.id === info.id), 'dismissed: still there');

    await run(api, ['Remove'], 'docWorkspaces.removeAccount', node);
    assert.ok(!api.accounts.list().some((a) => a.id === info.id), 'gone from the list');
    assert.ok(!(await children(api)).some((n) => n.accountId === info.id), 'gone from the tree');
    await assert.rejects(api.getRemoteFs(info.id), 'no connection for a removed account');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(uri)), (e: unknown) => e instanceof vscode.FileSystemError);
  });

  it('from the palette it asks which account (the sandbox is not offered)', async () => {
    const info = await api.accounts.add('gokuai', credentials());
    const { user } = await run(api, [(q) => {
      assert.ok(!q.items.some((i) => (i as { info?: { sandbox?: boolean } }).info?.sandbox), 'no sandbox account offered');
      return q.labels[q.items.findIndex((i) => (i as { info?: { id: string } }).info?.id === info.id)];
    }, 'Remove'], 'docWorkspaces.removeAccount');
    assert.strictEqual(user.prompts[0].kind, 'pick');
    assert.ok(!api.accounts.list().some((a) => a.id === info.id), 'removed');
  });

  it('the sandbox account cannot be removed, and the message says how to turn it off', async () => {
    const { error } = await runExpectingError(api, [], 'docWorkspaces.removeAccount', ACCOUNT);
    assert.match(error, /docWorkspaces\.sandbox\.enabled/);
    assert.ok(api.accounts.list().some((a) => a.id === ACCOUNT && a.sandbox), 'the sandbox account is still listed');
    assert.ok(await vscode.workspace.fs.stat(uriOf(base)));
  });
});

describe('Open as workspace folder', function () {
  this.timeout(60_000);

  before(async () => {
    ({ api, sandbox, control, base } = await setup());
  });

  /**
   * Adding a folder to this single-folder window turns it into a multi-root workspace, which reloads the window in
   * VS Code for the Web and would end the test run. So the call to VS Code is recorded instead of performed; the URI
   * it carries is then checked to be a working mount of the library root.
   */
  async function recordAdd(arg: unknown): Promise<Array<{ start: number; deleteCount: number; folders: Array<{ uri: vscode.Uri; name?: string }> }>> {
    const ws = vscode.workspace as unknown as Record<string, unknown>;
    const original = ws.updateWorkspaceFolders;
    const calls: Array<{ start: number; deleteCount: number; folders: Array<{ uri: vscode.Uri; name?: string }> }> = [];
    ws.updateWorkspaceFolders = (start: number, deleteCount: number, ...folders: Array<{ uri: vscode.Uri; name?: string }>) => {
      calls.push({ start, deleteCount, folders });
      return true;
    };
    try {
      await vscode.commands.executeCommand('docWorkspaces.openAsWorkspaceFolder', arg);
    } finally {
      ws.updateWorkspaceFolders = original;
    }
    return calls;
  }

  for (const via of ['account id', 'library node'] as const) {
    it(`adds the library root (gokuai://sandbox/) after the open folders, named after the library (${via})`, async () => {
      const calls = await recordAdd(via === 'account id' ? ACCOUNT : await libraryNode(api));
      const open = vscode.workspace.workspaceFolders?.length ?? 0;
      assert.strictEqual(calls.length, 1, 'one workspace change');
      assert.strictEqual(calls[0].start, open, 'appended: the folders already open stay');
      assert.strictEqual(calls[0].deleteCount, 0);
      assert.strictEqual(calls[0].folders.length, 1);
      const { uri, name } = calls[0].folders[0];
      assert.strictEqual(uri.scheme, 'gokuai');
      assert.strictEqual(uri.authority, ACCOUNT);
      assert.match(uri.path, /^\/?$/, 'the library root');
      assert.ok(name?.includes(sandbox.libraryName), `named after the library: ${name}`);
      const listing = await vscode.workspace.fs.readDirectory(uri);
      assert.ok(listing.some(([n]) => n === base), 'the mounted root lists the library');
    });
  }
});

/** The document of the extension's log channel ("Doc Workspaces" output, scheme `output`), shown through Show Log. */
async function logDocument(): Promise<vscode.TextDocument> {
  const isLog = (d: vscode.TextDocument) => d.uri.scheme === 'output' && /doc-workspaces/i.test(d.uri.toString());
  let sub: vscode.Disposable | undefined;
  const opened = new Promise<vscode.TextDocument>((resolve) => {
    sub = vscode.workspace.onDidOpenTextDocument((d) => { if (isLog(d)) resolve(d); });
  });
  try {
    await vscode.commands.executeCommand('docWorkspaces.showLog');
    return vscode.workspace.textDocuments.find(isLog) ?? await bounded(opened, 'the log channel opens as a document');
  } finally {
    sub?.dispose();
  }
}

/** The log text once it satisfies `ready` (the output document follows the log file with a short delay). */
async function logWhen(ready: (text: string) => boolean, what: string): Promise<string> {
  const doc = await logDocument();
  if (ready(doc.getText())) return doc.getText();
  let sub: vscode.Disposable | undefined;
  try {
    return await bounded(new Promise<string>((resolve) => {
      sub = vscode.workspace.onDidChangeTextDocument((e) => { if (e.document === doc && ready(doc.getText())) resolve(doc.getText()); });
    }), what);
  } finally {
    sub?.dispose();
  }
}

/** Fails after 10 s instead of hanging the suite (an upper bound, not a synchronisation delay). */
function bounded<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out waiting: ${what}`)), 10_000); });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}
