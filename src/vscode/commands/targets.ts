import * as vscode from 'vscode';
import { InvalidInputError, UnsupportedError } from '../../core/errors';
import type { Services } from '../types';
import { ui } from '../ui';
import { isGenericNode, isTreeNode } from '../tree/nodes';
import { baseName, parentPath, type RemoteRef } from '../uri';
import type { RemoteTarget, VendorId } from '../types';

export type { RemoteTarget };

/**
 * Commands are reachable from the tree (node, selected nodes; also by keyboard, and view-title buttons get the focused
 * row), the explorer (uri, selected uris), the editor title (uri, then an editor-group object) and the palette
 * (nothing). These helpers turn all of those into RemoteRefs of any vendor, so each command body deals with one shape.
 * From the palette the active editor wins (what the user is looking at), then the tree selection.
 */

export function refOf(s: Services, x: unknown): RemoteTarget | undefined {
  if (x instanceof vscode.Uri) return s.files.refOf(x);
  if (!isTreeNode(x)) return undefined;
  const glue = s.vendors.get(x.vendor);
  if (!isGenericNode(x)) return glue.tree.targetOf?.(x);
  switch (x.kind) {
    case 'account':
      return { scheme: glue.scheme, accountId: x.accountId, path: '', type: 'folder' };
    case 'entry':
      return { scheme: glue.scheme, accountId: x.accountId, path: x.entry.path, type: x.entry.type };
    default:
      return undefined;
  }
}

/**
 * What the tree's keybindings pass (package.json `args`): VS Code hands a command run by a key no argument, so F2,
 * Delete and the others say where they come from, and act on the tree's selection, not the active editor.
 */
export function isFromTree(x: unknown): boolean {
  return typeof x === 'object' && x !== null && (x as { from?: unknown }).from === 'tree';
}

/** All targets of a command invocation; from the palette, the active editor, else the tree selection. */
export function targetsOf(s: Services, arg: unknown, multi?: unknown): RemoteTarget[] {
  const all = (xs: readonly unknown[]) => xs.map((x) => refOf(s, x)).filter((r): r is RemoteTarget => !!r);
  if (isFromTree(arg)) {
    const selected = all(s.treeView.selection);
    if (!selected.length) throw new InvalidInputError(vscode.l10n.t('Select a file or folder in the Doc Workspaces view first.'));
    return selected;
  }
  const given = Array.isArray(multi) && multi.length ? multi : Array.isArray(arg) ? arg : arg === undefined ? [] : [arg];
  const picked = all(given);
  if (picked.length) {
    // An Explorer selection of local files and remote ones: say that the local ones are left out.
    if (picked.length < given.length) {
      void ui().notify('warning', vscode.l10n.t('{0} of the selected items are not in a Doc Workspaces account and were left out.', given.length - picked.length));
    }
    return picked;
  }
  if (given.length === 0) {
    const editor = activeEditorUri();
    const ref = editor && refOf(s, editor);
    if (ref) return [ref];
    const fromTree = all(s.treeView.selection);
    if (fromTree.length) return fromTree;
  }
  // A local file, another extension's item, a node that stands for no file (a section, "Load more"...).
  throw new InvalidInputError(given.length
    ? vscode.l10n.t('This command works on files and folders of Doc Workspaces accounts.')
    : vscode.l10n.t('Open a file of a Doc Workspaces account, or select one in the Doc Workspaces view, first.'));
}

/**
 * The resource of the active editor tab: a text or custom editor, the right side of a diff (the current file of a
 * version comparison), a notebook. Undefined when no editor is active (or it shows no resource).
 */
export function activeEditorUri(): vscode.Uri | undefined {
  const input: unknown = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputNotebook) return input.uri;
  if (input instanceof vscode.TabInputTextDiff || input instanceof vscode.TabInputNotebookDiff) return input.modified;
  return vscode.window.activeTextEditor?.document.uri;
}

export function targetOf(s: Services, arg: unknown): RemoteTarget {
  return targetsOf(s, arg)[0];
}

/** Refuses targets of other vendors (vendor-only commands such as Gokuai share links on a kdocs file). */
export function requireVendor<T extends RemoteRef>(s: Services, vendor: VendorId, targets: T[]): T[] {
  const glue = s.vendors.get(vendor);
  if (targets.some((t) => t.scheme !== glue.scheme)) throw new UnsupportedError(vscode.l10n.t('This command works only on {0} files.', glue.displayName));
  return targets;
}

/** Whether a target is a file or a folder; asks the server when the caller did not say (a bare Uri). */
export async function typeOf(s: Services, t: RemoteTarget): Promise<'file' | 'folder'> {
  if (t.type) return t.type;
  if (t.path === '') return 'folder';
  const m = await s.files.resolve(t);
  return (await m.fs.stat(m.path)).type;
}

/** The folder a target stands for: itself when it is a folder, else its parent. */
export async function folderOf(s: Services, t: RemoteTarget): Promise<RemoteRef> {
  return { scheme: t.scheme, accountId: t.accountId, path: (await typeOf(s, t)) === 'folder' ? t.path : parentPath(t.path) };
}

/** The one file a file-only command (history, share a file...) acts on; a folder is refused in words. */
export async function fileTargetOf(s: Services, arg: unknown, command: string): Promise<RemoteTarget> {
  const t = targetOf(s, arg);
  if ((await typeOf(s, t)) !== 'file') {
    throw new InvalidInputError(vscode.l10n.t('"{0}" works on files; "{1}" is a folder.', command, baseName(t.path) || s.accounts.label(t.accountId)));
  }
  return { ...t, type: 'file' };
}
