import * as vscode from 'vscode';
import type { GokuaiSandbox } from './sandbox/types';
import { Accounts } from './vscode/accounts';
import type { DocWorkspacesApi, DocWorkspacesPublicApi } from './vscode/api';
import { registerAccountCommands } from './vscode/commands/accounts';
import { registerFileCommands } from './vscode/commands/files';
import { registerTreeCommands } from './vscode/commands/tree';
import { runCommand } from './vscode/commands/wrap';
import { setVendorErrorDescribers } from './vscode/errors';
import { RemoteFiles } from './vscode/files';
import { createChannelLogger } from './vscode/log';
import { OpenDocumentPoller } from './vscode/poller';
import { EmbeddedSandbox } from './vscode/sandbox';
import type { Services } from './vscode/services';
import { initTestMode } from './vscode/testMode';
import { TreeDragAndDrop } from './vscode/tree/dnd';
import { setUserInput } from './vscode/ui';
import type { TreeNode } from './vscode/tree/nodes';
import { DocTreeProvider } from './vscode/tree/provider';
import { UriRouter } from './vscode/uriHandler';
import { VENDORS } from './vscode/vendors';
import { addGokuaiAccount } from './vscode/vendors/gokuai';
import { VendorRegistry } from './vscode/vendors/registry';

/** Wiring only: every behaviour lives in src/vscode/** (glue, vendors in src/vscode/vendors) and src/core, src/vendors. */
export async function activate(context: vscode.ExtensionContext): Promise<DocWorkspacesPublicApi> {
  // Test hooks (sandbox control, conflict resolver, unverified accounts, drops, secrets in command results) exist only
  // outside production.
  const testHooks = initTestMode(context.extensionMode);
  const channel = vscode.window.createOutputChannel('Doc Workspaces', { log: true });
  const log = createChannelLogger(channel);
  const showLog = () => channel.show(true);
  const vendors = new VendorRegistry(VENDORS);
  setVendorErrorDescribers(vendors.all.flatMap((g) => (g.describeError ? [g.describeError.bind(g)] : [])));
  const accounts = new Accounts(context.globalState, context.secrets, vendors, log, testHooks);
  const files = new RemoteFiles(accounts, vendors, log, context.workspaceState);
  const tree = new DocTreeProvider(accounts, vendors, log);
  const dnd = new TreeDragAndDrop();
  const treeView = vscode.window.createTreeView<TreeNode>('docWorkspaces.tree', {
    treeDataProvider: tree, dragAndDropController: dnd, canSelectMany: true, showCollapseAll: true,
  });
  const uris = new UriRouter(log);
  const services: Services = {
    accounts, vendors, files, tree, treeView, log, showLog, uris, storageUri: context.globalStorageUri,
    command: (id, fn) => runCommand(id, fn, log, showLog),
  };
  dnd.services = services;
  const sandbox = new EmbeddedSandbox(accounts, vendors, log);

  context.subscriptions.push(
    channel, accounts, files, tree, treeView, sandbox, new OpenDocumentPoller(files),
    ...files.register(),
    vscode.window.registerUriHandler(uris),
    files.onDidChangeFile((events) => tree.refreshUris(events.map((e) => e.uri))),
    ...registerAccountCommands(services),
    ...registerFileCommands(services),
    ...registerTreeCommands(services),
    ...vendors.all.flatMap((g) => g.registerCommands(services)),
  );

  // Drive the welcome view, the palette and the menus: whether there are accounts (of each vendor), and which URI
  // schemes are ours (`resourceScheme in docWorkspaces.schemes` in explorer and editor menus).
  const updateContext = () => {
    const list = accounts.list();
    void vscode.commands.executeCommand('setContext', 'docWorkspaces.hasAccounts', list.length > 0);
    for (const g of vendors.all) void vscode.commands.executeCommand('setContext', `docWorkspaces.hasAccounts.${g.vendor}`, list.some((a) => a.vendor === g.vendor));
  };
  void vscode.commands.executeCommand('setContext', 'docWorkspaces.schemes', vendors.schemes);
  context.subscriptions.push(accounts.onDidChange(updateContext));
  updateContext();

  // Not awaited: the emulators start and seed in the background (the tree shows their accounts through
  // accounts.onDidChange; apply() logs its failures), so a real account's activation does not wait for them.
  accounts.sandboxesStarted(sandbox.apply());

  const api: DocWorkspacesPublicApi = {
    accounts: {
      list: () => accounts.list(),
      addGokuai: (input, opts) => addGokuaiAccount(accounts, input, log, opts),
      remove: (id) => accounts.remove(id),
      onDidChange: accounts.onDidChange,
    },
    getRemoteFs: (id) => files.remoteFs(id),
    tree,
  };
  if (!testHooks) return api;
  const testApi: DocWorkspacesApi = {
    ...api,
    get sandbox() { return sandbox.handle('gokuai') as GokuaiSandbox | undefined; },
    vendorSandbox: (vendor) => sandbox.handle(vendor),
    sandboxReady: () => sandbox.apply(),
    setUserInput,
    treeView,
    dragAndDrop: dnd,
    handleUri: (uri) => uris.handleUri(uri),
  };
  return testApi;
}

export function deactivate(): void {
  // Everything is in context.subscriptions; the sandboxes close through EmbeddedSandbox.dispose().
}
