import * as vscode from 'vscode';
import { InvalidInputError } from './core/errors';
import { Accounts } from './vscode/accounts';
import type { DocWorkspacesApi, DocWorkspacesPublicApi } from './vscode/api';
import { registerAccountCommands } from './vscode/commands/accounts';
import { registerAliases } from './vscode/commands/aliases';
import { registerFileCommands } from './vscode/commands/files';
import { registerTreeCommands } from './vscode/commands/tree';
import { runCommand } from './vscode/commands/wrap';
import { setVendorErrorDescribers } from './vscode/errors';
import { RemoteFiles } from './vscode/files';
import { registerChatCommands } from './vscode/flows/chat';
import { registerConvertCommands } from './vscode/flows/convert';
import { Copies } from './vscode/flows/copies';
import { registerDocumentCommands } from './vscode/flows/documents';
import { registerHistoryCommands } from './vscode/flows/history';
import { registerMarkCommands } from './vscode/flows/marks';
import { registerPreviewCommands } from './vscode/flows/previews';
import { Scripts } from './vscode/flows/scripts';
import { registerSearchCommands } from './vscode/flows/search';
import { registerShareCommands } from './vscode/flows/share';
import { registerTableCommands } from './vscode/flows/tables';
import { registerTrashCommands } from './vscode/flows/trash';
import { createChannelLogger } from './vscode/log';
import { OpenDocumentPoller } from './vscode/poller';
import { EmbeddedSandbox } from './vscode/sandbox';
import { initTestMode } from './vscode/testMode';
import { TreeDragAndDrop } from './vscode/tree/dnd';
import { DocTreeProvider } from './vscode/tree/provider';
import type { Services, TreeNode } from './vscode/types';
import { setUserInput } from './vscode/ui';
import { UriRouter } from './vscode/uriHandler';
import { VENDORS } from './vscode/vendors';
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
    accounts, vendors, files, tree, treeView, log, showLog, uris, storageUri: context.globalStorageUri, state: context.workspaceState,
    globalState: context.globalState, secrets: context.secrets,
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
    // One flow per capability, for every vendor that has it.
    ...registerTrashCommands(services),
    ...registerHistoryCommands(services),
    ...registerShareCommands(services),
    ...registerSearchCommands(services),
    ...registerDocumentCommands(services),
    ...registerMarkCommands(services),
    new Copies(services),
    ...registerConvertCommands(services),
    new Scripts(services),
    ...registerPreviewCommands(services),
    ...registerChatCommands(services),
    ...registerTableCommands(services),
    ...vendors.all.flatMap((g) => g.registerCommands?.(services) ?? []),
    ...registerAliases(services),
  );

  // Drive the welcome view, the palette and the menus: whether there are accounts, which URI schemes are ours
  // (`resourceScheme in docWorkspaces.schemes`), and per capability which schemes have it (explorer and editor menus:
  // `resourceScheme in docWorkspaces.caps.versions`) and whether any account may have it (palette:
  // `docWorkspaces.can.versions`).
  const capabilities = [...new Set(vendors.all.flatMap((g) => g.capabilities))];
  const updateContext = () => {
    const list = accounts.list();
    const used = vendors.all.filter((g) => list.some((a) => a.vendor === g.vendor));
    void vscode.commands.executeCommand('setContext', 'docWorkspaces.hasAccounts', list.length > 0);
    void vscode.commands.executeCommand('setContext', 'docWorkspaces.canSignIn', list.some((a) => !a.sandbox && vendors.get(a.vendor).signIn));
    for (const cap of capabilities) {
      void vscode.commands.executeCommand('setContext', `docWorkspaces.can.${cap}`, used.some((g) => g.capabilities.includes(cap)));
    }
    // vendor-only commands in the palette (`docWorkspaces.has.shimo`)
    for (const g of vendors.all) void vscode.commands.executeCommand('setContext', `docWorkspaces.has.${g.vendor}`, used.includes(g));
  };
  for (const cap of capabilities) {
    const schemes = vendors.all.filter((g) => g.capabilities.includes(cap)).flatMap((g) => [g.scheme, `${g.scheme}-ro`]);
    void vscode.commands.executeCommand('setContext', `docWorkspaces.caps.${cap}`, schemes);
  }
  void vscode.commands.executeCommand('setContext', 'docWorkspaces.schemes', vendors.schemes);
  context.subscriptions.push(accounts.onDidChange(updateContext));
  updateContext();

  // Not awaited: the emulators start and seed in the background (the tree shows their accounts through
  // accounts.onDidChange; apply() logs its failures), so a real account's activation does not wait for them.
  accounts.sandboxesStarted(sandbox.apply());

  const api: DocWorkspacesPublicApi = {
    accounts: {
      list: () => accounts.list(),
      add: (vendor, input, opts) => {
        const glue = vendors.get(vendor);
        if (!glue.addAccountWith) throw new InvalidInputError(`Accounts of ${glue.displayName} are added with the "Add Account…" command.`);
        return glue.addAccountWith(services, input, opts);
      },
      remove: (id) => accounts.remove(id),
      onDidChange: accounts.onDidChange,
    },
    getRemoteFs: (id) => files.remoteFs(id),
    tree,
  };
  if (!testHooks) return api;
  const testApi: DocWorkspacesApi = {
    ...api,
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
