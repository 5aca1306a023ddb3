import * as vscode from 'vscode';
import { InvalidInputError } from '../../../core/errors';
import type { KdFile, KdocsClient, KdocsOperations, KdocsRemoteFs } from '../../../vendors/kdocs';
import type { KdSpaceName, PersonalSection } from '../../../vendors/kdocs/operations';
import { pickVendorAccount } from '../../commands/accounts';
import { requireVendor, type RemoteTarget, targetsOf } from '../../commands/targets';
import type { Services } from '../../services';
import { isTreeNode } from '../../tree/nodes';
import { kdocsConnection } from './connection';
import type { KdocsNode } from './nodes';
import { binListing, KDOCS_SCHEME, kdocsUri, type KdocsLocation, locate, sectionListing } from './paths';

export type { KdocsLocation, KdSpaceName, PersonalSection };
export { kdocsUri, KDOCS_SCHEME };

/**
 * What the Kingsoft Docs commands (commands/) get from the rest of the kdocs glue: the live API objects of an account,
 * command arguments (tree nodes, URIs, selections) turned into kdocs targets, and the ways to make the tree and open
 * editors follow a change. Built once by `createKdocsContext(services)` and passed to `registerKdocsCommands(s, kd)`.
 */
export interface KdocsContext {
  /** The live client, operations and file systems of a kdocs account (NotFound for unknown or non-kdocs ids). */
  account(accountId: string): Promise<KdocsAccount>;

  /**
   * The kdocs files/folders of a command invocation (`arg`, `multi` as VS Code passes them; falls back to the tree
   * selection, then the active editor). Refuses other vendors' targets (Unsupported) and the account root / the space
   * folders-of-spaces level (InvalidInput). A space root (App space node, My documents) is `{ path: '' }`.
   */
  targets(arg: unknown, multi?: unknown): KdocsTarget[];
  /** The first of `targets`. */
  target(arg: unknown): KdocsTarget;
  /** Target of a kdocs:// URI (undefined for other URIs or the account root). */
  fromUri(uri: vscode.Uri): KdocsTarget | undefined;
  /** A target from its parts (e.g. a file a command just created). */
  targetAt(accountId: string, space: KdSpaceName, path: string, type?: 'file' | 'folder'): KdocsTarget;

  /** Recycle-bin items picked in the tree (kdRecycled nodes: `arg`, or `multi` for a multi-selection). */
  binItems(arg: unknown, multi?: unknown): KdocsBinItem[];

  /**
   * The kdocs account of an account-level command: a string id, a kdocs tree node or kdocs URI, the only kdocs account,
   * or a QuickPick. Throws vscode.CancellationError when the user dismisses the picker.
   */
  pickAccount(arg?: unknown): Promise<string>;

  /**
   * Announces changes made through the API (created, changed, deleted files): open editors reload or close, the
   * explorer and the tree's folder listings re-list (parents of the given paths).
   */
  changed(items: ReadonlyArray<KdocsLocation>, type?: vscode.FileChangeType): void;
  /** Re-lists a recycle bin (personal Recycle bin / App space Trash) if the tree has shown it. */
  refreshBin(accountId: string, space: KdSpaceName): void;
  /** Re-lists Recent / Starred / App folder if shown (undefined: all three). */
  refreshSection(accountId: string, section?: PersonalSection): void;
  /** Re-lists the whole tree. */
  refreshTree(): void;
}

/** The live API objects of one kdocs account. */
export interface KdocsAccount {
  readonly accountId: string;
  readonly client: KdocsClient;
  readonly ops: KdocsOperations;
  /** The RemoteFs of a space (the same instance `ops` uses). */
  fs(space: KdSpaceName): KdocsRemoteFs;
}

export interface KdocsTarget extends KdocsLocation {
  /** When the caller knows it (tree nodes do; a bare URI does not: ask `fs.stat`). */
  readonly type?: 'file' | 'folder';
  /** kdocs://<account>/<space>/<path> */
  readonly uri: vscode.Uri;
}

export interface KdocsBinItem {
  readonly accountId: string;
  readonly space: KdSpaceName;
  /** The recycled file (`token` is what restoreFromBin / destroyFromBin take). */
  readonly file: KdFile;
}

export function createKdocsContext(s: Services): KdocsContext {
  const targetAt = (accountId: string, space: KdSpaceName, path: string, type?: 'file' | 'folder'): KdocsTarget =>
    ({ accountId, space, path, type, uri: kdocsUri(accountId, space, path) });

  const toTarget = (r: RemoteTarget): KdocsTarget => {
    const loc = locate(r.accountId, r.path);
    if (!loc) throw new InvalidInputError(vscode.l10n.t('Choose a file or folder in Personal or App space.'));
    return targetAt(loc.accountId, loc.space, loc.path, r.type);
  };

  const targets = (arg: unknown, multi?: unknown) => requireVendor(s, 'kdocs', targetsOf(s, arg, multi)).map(toTarget);

  return {
    async account(accountId) {
      const c = await kdocsConnection(s.accounts, accountId);
      return { accountId, client: c.client, ops: c.ops, fs: (space) => c.ops.fsOf(space) };
    },

    targets,
    target: (arg) => targets(arg)[0],
    fromUri(uri) {
      const ref = s.files.refOf(uri);
      const loc = ref && ref.scheme === KDOCS_SCHEME ? locate(ref.accountId, ref.path) : undefined;
      return loc && targetAt(loc.accountId, loc.space, loc.path);
    },
    targetAt,

    binItems(arg, multi) {
      const picked = (Array.isArray(multi) && multi.length ? multi : arg !== undefined ? [arg] : s.treeView.selection)
        .filter((n): n is Extract<KdocsNode, { kind: 'kdRecycled' }> => isTreeNode(n) && n.vendor === 'kdocs' && n.kind === 'kdRecycled');
      if (!picked.length) throw new InvalidInputError(vscode.l10n.t('Select items of a Kingsoft Docs recycle bin first.'));
      return picked.map((n) => ({ accountId: n.accountId, space: n.space, file: n.file }));
    },

    pickAccount: (arg) => pickVendorAccount(s, 'kdocs', arg, vscode.l10n.t('Choose a Kingsoft Docs account')),

    changed(items, type = vscode.FileChangeType.Changed) {
      s.files.notify(items.map((i) => ({ type, uri: kdocsUri(i.accountId, i.space, i.path) })));
    },
    refreshBin: (accountId, space) => s.tree.refreshListing(binListing(accountId, space)),
    refreshSection(accountId, section) {
      for (const sec of section ? [section] : (['recent', 'starred', 'appFolder'] as const)) s.tree.refreshListing(sectionListing(accountId, sec));
    },
    refreshTree: () => s.tree.refresh(),
  };
}
