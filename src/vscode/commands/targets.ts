import * as vscode from 'vscode';
import { InvalidInputError, UnsupportedError } from '../../core/errors';
import type { Services } from '../services';
import { isGenericNode, isTreeNode } from '../tree/nodes';
import { parentPath, type RemoteRef } from '../uri';
import type { RemoteTarget, VendorId } from '../vendors/types';

export type { RemoteTarget };

/**
 * Commands are reachable from the tree (node, selected nodes), the explorer / editor title (uri, selected uris), the
 * palette (nothing: tree selection, then active editor) and tests (a Uri or an options object). These helpers turn
 * all of those into RemoteRefs of any vendor, so each command body deals with one shape.
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

/** All targets of a command invocation; falls back to the tree selection, then the active editor. */
export function targetsOf(s: Services, arg: unknown, multi?: unknown): RemoteTarget[] {
  const all = (xs: readonly unknown[]) => xs.map((x) => refOf(s, x)).filter((r): r is RemoteTarget => !!r);
  const picked = all(Array.isArray(multi) && multi.length ? multi : [arg]);
  if (picked.length) return picked;
  if (arg === undefined) {
    const fromTree = all(s.treeView.selection);
    if (fromTree.length) return fromTree;
    const uri = vscode.window.activeTextEditor?.document.uri;
    const ref = uri && refOf(s, uri);
    if (ref) return [ref];
  }
  throw new InvalidInputError(vscode.l10n.t('Select a file or folder in Doc Workspaces first.'));
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

/** Options objects passed by tests and other extensions: `{ target: uri, ... }`. */
export function isOptions<T extends object>(x: unknown, key: keyof T): x is T {
  return typeof x === 'object' && x !== null && !(x instanceof vscode.Uri) && !isTreeNode(x) && key in x;
}
