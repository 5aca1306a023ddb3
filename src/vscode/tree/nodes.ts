import type { GenericNode, TreeNode } from '../types';

export type { AccountNode, BinItemNode, BinNode, EntryNode, ErrorNode, GenericNode, LoadMoreNode, NodeBase, TreeNode, VendorNode } from '../types';

/** Nodes the generic provider handles itself (account, file or folder, load more, error, recycle bin and its items). */
export function isGenericNode(n: TreeNode): n is GenericNode {
  return n.kind !== 'vendor';
}

/** A node of the Doc Workspaces tree (commands get them from menus, keybindings and other extensions). */
export function isTreeNode(x: unknown): x is TreeNode {
  return typeof x === 'object' && x !== null && typeof (x as { kind?: unknown }).kind === 'string'
    && typeof (x as { accountId?: unknown }).accountId === 'string';
}
