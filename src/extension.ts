import * as vscode from 'vscode';
import { GokuaiClient, GokuaiRemoteFs } from './vendors/gokuai';
import { Accounts } from './vscode/accounts';
import type { DocWorkspacesApi, DocWorkspacesPublicApi } from './vscode/api';
import { registerAccountCommands } from './vscode/commands/accounts';
import { registerFileCommands } from './vscode/commands/files';
import { registerGokuaiCommands } from './vscode/commands/gokuai';
import { registerTreeCommands } from './vscode/commands/tree';
import { resolveConflict, setConflictResolver } from './vscode/conflict';
import { GokuaiFileSystemProvider } from './vscode/fsProvider';
import { createChannelLogger } from './vscode/log';
import { OpenDocumentPoller } from './vscode/poller';
import { GokuaiReadonlyProvider } from './vscode/roProvider';
import { EmbeddedSandbox } from './vscode/sandbox';
import type { Services } from './vscode/services';
import { TreeDragAndDrop } from './vscode/tree/dnd';
import type { TreeNode } from './vscode/tree/nodes';
import { DocTreeProvider } from './vscode/tree/provider';
import { RO_SCHEME, SCHEME } from './vscode/uri';

/** Wiring only: every behaviour lives in src/vscode/** (glue) and src/core, src/vendors (no vscode). */
export async function activate(context: vscode.ExtensionContext): Promise<DocWorkspacesPublicApi> {
  // Test hooks (sandbox control, conflict resolver, unverified accounts, drops) exist only outside production.
  const testHooks = context.extensionMode !== vscode.ExtensionMode.Production;
  const channel = vscode.window.createOutputChannel('Doc Workspaces', { log: true });
  const log = createChannelLogger(channel);
  const accounts = new Accounts(context.globalState, context.secrets, (creds) => {
    const api = new GokuaiClient(creds, { logger: log });
    return { api, fs: new GokuaiRemoteFs(api) };
  }, testHooks);
  const fsp = new GokuaiFileSystemProvider(accounts, resolveConflict, log);
  const ro = new GokuaiReadonlyProvider(accounts);
  const tree = new DocTreeProvider(accounts, log);
  const dnd = new TreeDragAndDrop();
  const treeView = vscode.window.createTreeView<TreeNode>('docWorkspaces.tree', {
    treeDataProvider: tree, dragAndDropController: dnd, canSelectMany: true, showCollapseAll: true,
  });
  const services: Services = { accounts, fsp, ro, tree, treeView, log, showLog: () => channel.show(true) };
  dnd.services = services;
  const sandbox = new EmbeddedSandbox(accounts, log);

  context.subscriptions.push(
    channel, accounts, fsp, ro, tree, treeView, sandbox, new OpenDocumentPoller(fsp),
    vscode.workspace.registerFileSystemProvider(SCHEME, fsp, { isCaseSensitive: true }),
    vscode.workspace.registerFileSystemProvider(RO_SCHEME, ro, { isCaseSensitive: true, isReadonly: true }),
    fsp.onDidChangeFile((events) => tree.refreshUris(events.map((e) => e.uri))),
    ...registerAccountCommands(services),
    ...registerFileCommands(services),
    ...registerGokuaiCommands(services),
    ...registerTreeCommands(services),
  );

  // Drives the welcome view and hides target-less commands from the palette when there is nothing to act on.
  const updateContext = () => vscode.commands.executeCommand('setContext', 'docWorkspaces.hasAccounts', accounts.list().length > 0);
  context.subscriptions.push(accounts.onDidChange(updateContext));
  void updateContext();

  await sandbox.apply();

  const api: DocWorkspacesPublicApi = {
    accounts: {
      list: () => accounts.list(),
      addGokuai: (input, opts) => accounts.addGokuai(input, opts),
      remove: (id) => accounts.remove(id),
      onDidChange: accounts.onDidChange,
    },
    getRemoteFs: (id) => fsp.remoteFs(id),
    tree,
  };
  if (!testHooks) return api;
  const testApi: DocWorkspacesApi = {
    ...api,
    get sandbox() { return sandbox.sandbox; },
    sandboxReady: () => sandbox.apply(),
    setConflictResolver,
    dragAndDrop: dnd,
  };
  return testApi;
}

export function deactivate(): void {
  // Everything is in context.subscriptions; the sandbox closes through EmbeddedSandbox.dispose().
}
