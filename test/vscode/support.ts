// Shared set-up of the in-VS-Code suites: the activated extension, its embedded sandbox and small helpers that drive
// VS Code the way a user would (documents, editors, the tree's data provider).
import * as assert from 'assert';
import { createHash } from 'crypto';
import * as vscode from 'vscode';
import type { GokuaiSandbox, GokuaiSandboxControl } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/tree/nodes';

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
    assert.ok(api.sandbox, 'the embedded sandbox runs (docWorkspaces.sandbox.enabled defaults to true)');
    const base = `vscode-tests-${Date.now().toString(36)}`;
    await vscode.workspace.fs.createDirectory(uriOf(base));
    return { api, sandbox: api.sandbox, control: api.sandbox.control, base };
  })();
  return env;
}

export const uriOf = (p: string) => vscode.Uri.from({ scheme: 'gokuai', authority: ACCOUNT, path: '/' + p });
export const text = (s: string) => new TextEncoder().encode(s);
export const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

export async function children(api: DocWorkspacesApi, node?: TreeNode): Promise<TreeNode[]> {
  return (await api.tree.getChildren(node)) ?? [];
}

/** The library node of the sandbox account. */
export async function libraryNode(api: DocWorkspacesApi): Promise<TreeNode> {
  const account = (await children(api)).find((n) => n.kind === 'account' && n.accountId === ACCOUNT);
  assert.ok(account, 'sandbox account node');
  const [library] = await children(api, account);
  assert.strictEqual(library?.kind, 'library');
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

// --- Helpers added for the command / account / conflict suites (additive) ---------------------------------------

/** A message the extension showed through vscode.window.show{Information,Warning,Error}Message. */
export interface ShownMessage {
  kind: 'information' | 'warning' | 'error';
  message: string;
  modal: boolean;
  /** Button labels, in order. */
  items: string[];
}

type MessageItemLike = string | { title: string };
const MESSAGE_FNS = { information: 'showInformationMessage', warning: 'showWarningMessage', error: 'showErrorMessage' } as const;

/**
 * Plays the user for message dialogs while `fn` runs: every message the extension shows is recorded in `shown` and
 * answered with the button label `answer` returns (undefined = the dialog was dismissed), instead of waiting for a
 * click nobody can make in a headless run (modals would block forever).
 *
 * This stands in for VS Code's UI, not for the extension: the test files live inside the extension's folder, so the
 * extension host hands them the same `vscode` API object as the extension and the replacement reaches its calls.
 */
export async function withDialogs<T>(
  answer: (m: ShownMessage) => string | undefined,
  fn: (shown: ShownMessage[]) => Promise<T>,
): Promise<T> {
  const win = vscode.window as unknown as Record<string, unknown>;
  const saved = new Map<string, unknown>();
  const shown: ShownMessage[] = [];
  for (const [kind, name] of Object.entries(MESSAGE_FNS) as Array<[ShownMessage['kind'], string]>) {
    saved.set(name, win[name]);
    win[name] = (message: string, ...rest: unknown[]) => {
      const options = rest.length && typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0])
        ? rest.shift() as vscode.MessageOptions : undefined;
      const items = rest as MessageItemLike[];
      const m: ShownMessage = { kind, message, modal: !!options?.modal, items: items.map((i) => (typeof i === 'string' ? i : i.title)) };
      shown.push(m);
      const label = answer(m);
      return Promise.resolve(label === undefined ? undefined : items.find((i) => (typeof i === 'string' ? i : i.title) === label));
    };
  }
  try {
    return await fn(shown);
  } finally {
    for (const [name, f] of saved) win[name] = f;
  }
}

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
  const bin = (await children(api, await libraryNode(api))).find((n) => n.kind === 'recycleBin');
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

// --- stand-ins for VS Code's QuickPick and input box ---------------------------------------------------------------

/** What the stand-ins were asked: each QuickPick's labels and title, each input box's options (prompt, value, validateInput...). */
export interface UiCalls { quickPicks: Array<{ labels: string[]; title?: string }>; inputs: vscode.InputBoxOptions[] }
type PickItem = vscode.QuickPickItem & Record<string, unknown>;

/**
 * Answers showQuickPick (with the item whose label `pick` returns; arrays for canPickMany) and showInputBox (with
 * `input`'s text) while `fn` runs, recording what was asked. Like withDialogs, it stands in for the user.
 */
export async function withUi<T>(
  answers: { pick?: (labels: string[], title?: string) => string | string[] | undefined; input?: (prompt?: string, value?: string) => string | undefined },
  fn: (calls: UiCalls) => Promise<T>,
): Promise<T> {
  const win = vscode.window as unknown as Record<string, unknown>;
  const saved = { pick: win.showQuickPick, input: win.showInputBox };
  const calls: UiCalls = { quickPicks: [], inputs: [] };
  win.showQuickPick = async (items: readonly (string | PickItem)[] | Thenable<readonly (string | PickItem)[]>, options?: vscode.QuickPickOptions) => {
    const list = await items;
    const labels = list.map((i) => (typeof i === 'string' ? i : i.label));
    calls.quickPicks.push({ labels, title: options?.title ?? options?.placeHolder });
    const want = answers.pick?.(labels, options?.title ?? options?.placeHolder);
    if (want === undefined) return undefined;
    const chosen = list.filter((_, i) => (Array.isArray(want) ? want.includes(labels[i]) : labels[i] === want));
    return options?.canPickMany ? chosen : chosen[0];
  };
  win.showInputBox = async (options?: vscode.InputBoxOptions) => {
    calls.inputs.push(options ?? {});
    return answers.input?.(options?.prompt, options?.value);
  };
  try {
    return await fn(calls);
  } finally {
    win.showQuickPick = saved.pick;
    win.showInputBox = saved.input;
  }
}
