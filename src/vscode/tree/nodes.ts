import type { Entry } from '../../core/model';
import type { GkFile, GkStat } from '../../vendors/gokuai/wire';
import type { ErrorDescription } from '../errors';

/**
 * Elements of the Doc Workspaces tree. Plain data: the provider keeps one instance per `id` so refresh events can
 * name the element VS Code already knows.
 */
export type TreeNode =
  | { kind: 'account'; id: string; accountId: string }
  | { kind: 'library'; id: string; accountId: string; stat: GkStat }
  | { kind: 'entry'; id: string; accountId: string; entry: Entry }
  /** "Load more" at the end of a folder listing (`parentPath`) or, with `recycleBin`, of the account's recycle bin. */
  | { kind: 'loadMore'; id: string; accountId: string; parentPath: string; recycleBin?: true }
  | { kind: 'recycleBin'; id: string; accountId: string }
  | { kind: 'recycled'; id: string; accountId: string; file: GkFile }
  | { kind: 'error'; id: string; accountId: string; error: ErrorDescription; retry?: TreeNode };

export function isTreeNode(x: unknown): x is TreeNode {
  return typeof x === 'object' && x !== null && typeof (x as { kind?: unknown }).kind === 'string'
    && typeof (x as { accountId?: unknown }).accountId === 'string';
}

/** Remote folder path a node stands for (library = root), undefined for nodes that are not folders. */
export function folderPathOf(n: TreeNode): string | undefined {
  if (n.kind === 'library') return '';
  if (n.kind === 'entry' && n.entry.type === 'folder') return n.entry.path;
  return undefined;
}
