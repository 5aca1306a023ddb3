import * as vscode from 'vscode';
import type { Services } from '../types';
import { isTreeNode, type TreeNode } from '../tree/nodes';

/** Commands that act on the tree itself: refresh, paging and keyboard "open" (Enter). */
export function registerTreeCommands(s: Services): vscode.Disposable[] {

  return [
    s.command('docWorkspaces.refresh', () => {
      s.files.forgetListings();
      s.tree.refresh();
    }),
    s.command('docWorkspaces.refreshNode', (node?: TreeNode) => {
      s.files.forgetListings();
      s.tree.refresh(isTreeNode(node) ? node : undefined);
    }),
    // The "Load more" row's own command (hidden from the palette); anything else has no more to load.
    s.command('docWorkspaces.loadMore', async (node?: unknown) => (isTreeNode(node) ? s.tree.loadMore(node) : undefined)),

    // Enter in the tree: every selected node does what a click does (files open, "Load more" loads, error nodes
    // retry or ask for credentials); nodes without a click action (folders, accounts) expand.
    s.command('docWorkspaces.open', async (arg?: unknown, multi?: unknown) => {
      const picked = (Array.isArray(multi) && multi.length ? multi : arg !== undefined ? [arg] : s.treeView.selection).filter(isTreeNode);
      for (const node of picked) {
        const item = s.tree.getTreeItem(node);
        if (item.command?.command === 'vscode.open' && picked.length > 1) {
          // A preview tab would be replaced by the next file: open each one for real.
          await vscode.commands.executeCommand('vscode.open', item.resourceUri, { preview: false });
        } else if (item.command) {
          await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
        } else if (item.collapsibleState !== vscode.TreeItemCollapsibleState.None) {
          await s.treeView.reveal(node, { expand: true, focus: true, select: false });
        }
      }
    }),
  ];
}
