import * as vscode from 'vscode';
import type { VendorTree } from '../types';

/**
 * The tree of a vendor whose account is one store shown as it is (Vika's spaces, Shimo's type folders): the account's
 * children are the store's root listing, and the vendor has no node kinds of its own. Spread it into the vendor's
 * VendorTree and add what is particular (decorateEntry, tooltips...).
 */
export const storeRootTree: Pick<VendorTree, 'accountChildren' | 'children' | 'treeItem'> = {
  async accountChildren(account, ctx) {
    return ctx.folder(account, '');
  },
  async children() {
    return [];
  },
  treeItem(node) {
    return new vscode.TreeItem(node.id);
  },
};
