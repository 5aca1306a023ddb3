import type { Entry } from '../../core/model';
import type { ErrorDescription } from '../errors';
import type { GokuaiNode } from '../vendors/gokuai/nodes';
import type { KdocsNode } from '../vendors/kdocs/nodes';
import type { VendorId } from '../vendors/types';

/**
 * Elements of the Doc Workspaces tree. Plain data: the provider keeps one instance per `id` (unique in the whole tree;
 * account ids are unique across vendors) so refresh events can name the element VS Code already knows.
 */
export interface NodeBase {
  id: string;
  accountId: string;
  vendor: VendorId;
}

export type AccountNode = NodeBase & { kind: 'account' };
/** A remote file or folder; `entry.path` is the URI path inside the account (the same as the RemoteFs path for Gokuai). */
export type EntryNode = NodeBase & { kind: 'entry'; entry: Entry };
/** "Load more" at the end of a paged listing (`listing` is its key, see TreeContext.paged). */
export type LoadMoreNode = NodeBase & { kind: 'loadMore'; listing: string };
export type ErrorNode = NodeBase & { kind: 'error'; error: ErrorDescription; retry?: TreeNode };

/** The kinds the generic provider handles itself. */
export type GenericNode = AccountNode | EntryNode | LoadMoreNode | ErrorNode;
/**
 * Node kinds a vendor adds (library, recycle bin, sections...): declared in src/vscode/vendors/<vendor>/nodes.ts with
 * `vendor: '<vendor>'` and kinds unique across vendors; the vendor's VendorTree computes their children and items.
 */
export type VendorNode = GokuaiNode | KdocsNode;
export type TreeNode = GenericNode | VendorNode;

const GENERIC_KINDS: ReadonlySet<string> = new Set<GenericNode['kind']>(['account', 'entry', 'loadMore', 'error']);

export function isGenericNode(n: TreeNode): n is GenericNode {
  return GENERIC_KINDS.has(n.kind);
}

export function isTreeNode(x: unknown): x is TreeNode {
  return typeof x === 'object' && x !== null && typeof (x as { kind?: unknown }).kind === 'string'
    && typeof (x as { accountId?: unknown }).accountId === 'string';
}
