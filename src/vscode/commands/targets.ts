import * as vscode from 'vscode';
import { InvalidInputError } from '../../core/errors';
import type { Services } from '../services';
import { isTreeNode, type TreeNode } from '../tree/nodes';
import { fromUri, isRemoteUri, parentPath, type RemoteRef } from '../uri';

/**
 * Commands are reachable from the tree (node, selected nodes), the explorer / editor title (uri, selected uris), the
 * palette (nothing: tree selection, then active editor) and tests (a Uri or an options object). These helpers turn
 * all of those into RemoteRefs, so each command body deals with one shape.
 */

export type RemoteTarget = RemoteRef & { type?: 'file' | 'folder' };

export function refOf(x: unknown): RemoteTarget | undefined {
  if (x instanceof vscode.Uri) return isRemoteUri(x) ? fromUri(x) : undefined;
  if (!isTreeNode(x)) return undefined;
  const n = x as TreeNode;
  switch (n.kind) {
    case 'account':
    case 'library':
      return { accountId: n.accountId, path: '', type: 'folder' };
    case 'entry':
      return { accountId: n.accountId, path: n.entry.path, type: n.entry.type };
    default:
      return undefined;
  }
}

/** All targets of a command invocation; falls back to the tree selection, then the active editor. */
export function targetsOf(s: Services, arg: unknown, multi?: unknown): RemoteTarget[] {
  const picked = (Array.isArray(multi) && multi.length ? multi : [arg]).map(refOf).filter((r): r is RemoteTarget => !!r);
  if (picked.length) return picked;
  if (arg === undefined) {
    const fromTree = s.treeView.selection.map(refOf).filter((r): r is RemoteTarget => !!r);
    if (fromTree.length) return fromTree;
    const uri = vscode.window.activeTextEditor?.document.uri;
    const ref = uri && refOf(uri);
    if (ref) return [ref];
  }
  throw new InvalidInputError(vscode.l10n.t('Select a file or folder in Doc Workspaces first.'));
}

export function targetOf(s: Services, arg: unknown): RemoteTarget {
  return targetsOf(s, arg)[0];
}

/** Whether a target is a file or a folder; asks the server when the caller did not say (a bare Uri). */
export async function typeOf(s: Services, t: RemoteTarget): Promise<'file' | 'folder'> {
  return t.type ?? (t.path === '' ? 'folder' : (await (await s.fsp.remoteFs(t.accountId)).stat(t.path)).type);
}

/** The folder a target stands for: itself when it is a folder, else its parent. */
export async function folderOf(s: Services, t: RemoteTarget): Promise<RemoteRef> {
  return { accountId: t.accountId, path: (await typeOf(s, t)) === 'folder' ? t.path : parentPath(t.path) };
}

/** Options objects passed by tests and other extensions: `{ target: uri, ... }`. */
export function isOptions<T extends object>(x: unknown, key: keyof T): x is T {
  return typeof x === 'object' && x !== null && !(x instanceof vscode.Uri) && !isTreeNode(x) && key in x;
}
