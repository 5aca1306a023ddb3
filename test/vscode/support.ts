// Shared set-up of the in-VS-Code suites: the activated extension, its embedded sandbox and small helpers that drive
// VS Code the way a user would (documents, editors, the tree's data provider).
import * as assert from 'assert';
import { createHash } from 'crypto';
import * as vscode from 'vscode';
import type { GokuaiSandbox, GokuaiSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/tree/nodes';
import { installIdleUser } from './user';

export const EXT_ID = 'doc-workspaces.doc-workspaces';
export const ACCOUNT = 'sandbox';

export interface Env {
  api: DocWorkspacesApi;
  sandbox: GokuaiSandbox;
  control: GokuaiSandboxControl;
  /** A folder of the sandbox library that belongs to this run: suites work below it and do not see each other. */
  base: string;
}

let env: Promise<Env> | undefined;

/** Activates the extension once per run and waits for the embedded sandbox. */
export function setup(): Promise<Env> {
  env ??= (async () => {
    const ext = vscode.extensions.getExtension<DocWorkspacesApi>(EXT_ID);
    assert.ok(ext, `extension ${EXT_ID} is installed`);
    const api = await ext.activate();
    await api.sandboxReady();
    const sandbox = api.vendorSandbox('gokuai') as GokuaiSandbox | undefined;
    assert.ok(sandbox, 'the embedded sandbox runs (docWorkspaces.sandbox.enabled defaults to true)');
    installIdleUser(api);
    const base = `vscode-tests-${Date.now().toString(36)}`;
    await vscode.workspace.fs.createDirectory(uriOf(base));
    return { api, sandbox, control: sandbox.control, base };
  })();
  return env;
}

export const uriOf = (p: string) => vscode.Uri.from({ scheme: 'gokuai', authority: ACCOUNT, path: '/' + p });
export const text = (s: string) => new TextEncoder().encode(s);
export const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

export async function children(api: DocWorkspacesApi, node?: TreeNode): Promise<TreeNode[]> {
  return (await api.tree.getChildren(node)) ?? [];
}

/** The kind of a node: a generic kind ('account', 'entry', 'bin'...) or a vendor's own ('library', 'kdSpace'...). */
export const kindOf = (n: TreeNode | undefined): string | undefined => (n?.kind === 'vendor' ? n.vendorKind : n?.kind);

/** The file or folder entry of a node (undefined for other nodes). */
export const entryOf = (n: TreeNode | undefined) => (n?.kind === 'entry' ? n.entry : undefined);

/** The library node of the sandbox account. */
export async function libraryNode(api: DocWorkspacesApi): Promise<TreeNode> {
  const account = (await children(api)).find((n) => n.kind === 'account' && n.accountId === ACCOUNT);
  assert.ok(account, 'sandbox account node');
  const [library] = await children(api, account);
  assert.strictEqual(kindOf(library), 'library');
  return library;
}

/** Walks the tree from the library down to the node of `path`, as a user expanding folders would. */
export async function nodeAt(api: DocWorkspacesApi, path: string): Promise<TreeNode> {
  let node = await libraryNode(api);
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const want = parts.slice(0, i + 1).join('/');
    const next = (await children(api, node)).find((n) => n.kind === 'entry' && n.entry.path === want);
    assert.ok(next, `tree node for "${want}"`);
    node = next;
  }
  return node;
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Opens a file in an editor and appends text, leaving the document dirty. */
export async function openAndEdit(uri: vscode.Uri, append: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc);
  const end = doc.lineAt(doc.lineCount - 1).range.end;
  assert.ok(await editor.edit((e) => e.insert(end, append)), 'edit applied');
  assert.ok(doc.isDirty);
  return editor;
}

/** Throws away unsaved changes of the active editor and closes all editors, so later tests start clean. */
export async function revertActive(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await closeAllEditors();
}

// --- Helpers of the command / account / conflict suites -----------------------------------------------------------

/** Runs `fn` with a user (global) setting changed, then restores the previous value. */
export async function withSetting<T>(key: string, value: unknown, fn: () => Promise<T>): Promise<T> {
  const dot = key.lastIndexOf('.');
  const cfg = vscode.workspace.getConfiguration(key.slice(0, dot));
  const name = key.slice(dot + 1);
  const before = cfg.inspect(name)?.globalValue;
  await cfg.update(name, value, vscode.ConfigurationTarget.Global);
  try {
    return await fn();
  } finally {
    await cfg.update(name, before, vscode.ConfigurationTarget.Global);
  }
}

/** The tree item of a node as the hover shows it: resolveTreeItem (when the provider has one) fills in the tooltip. */
export async function resolvedItem(api: DocWorkspacesApi, node: TreeNode): Promise<vscode.TreeItem> {
  const item = await api.tree.getTreeItem(node);
  const resolved = await api.tree.resolveTreeItem?.(item, node, new vscode.CancellationTokenSource().token);
  return resolved ?? item;
}

/** Tooltip text of a tree item (plain or Markdown). */
export function tooltipText(item: vscode.TreeItem): string {
  const t = item.tooltip;
  return t instanceof vscode.MarkdownString ? t.value : String(t ?? '');
}

/** The recycle-bin node of the sandbox library, re-listed so it shows the server's current bin. */
export async function recycleBinNode(api: DocWorkspacesApi): Promise<TreeNode> {
  const bin = (await children(api, await libraryNode(api))).find((n) => n.kind === 'bin');
  assert.ok(bin, 'recycle bin node under the library');
  await vscode.commands.executeCommand('docWorkspaces.refreshNode', bin);
  return bin;
}

/** All text tabs and diff tabs currently open. */
export function openTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs);
}

/**
 * Throws away the unsaved changes of every open document and closes all editors. Unlike revertActive it also copes
 * with a diff editor in front of the dirty one (closing a dirty editor would wait on a "Save?" dialog).
 */
export async function revertAllAndClose(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await closeAllEditors();
}

/**
 * Marks the sandbox's request log now; the returned function lists the requests seen since. Works across the log's
 * cap (it keeps only the newest entries) by remembering the last entry rather than a count.
 */
export function requestsSince(control: GokuaiSandboxControl): () => Array<{ method: string; path: string; status: number }> {
  const log = () => control.requests;
  const mark = log()[log().length - 1];
  return () => {
    const all = log();
    return all.slice(mark === undefined ? 0 : all.lastIndexOf(mark) + 1);
  };
}
