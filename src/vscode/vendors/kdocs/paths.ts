import type * as vscode from 'vscode';
import type { KdSpaceName, PersonalSection } from '../../../vendors/kdocs/operations';
import { toUri } from '../../uri';

/**
 * kdocs://<account>/<space>/<path>: the first URI path segment names the space ('personal' or 'appspace', each one
 * KdocsRemoteFs), the rest is the path inside it. Plain helpers shared by the connection, the tree and the commands.
 */
export const KDOCS_SCHEME = 'kdocs';
export const KD_SPACES: readonly KdSpaceName[] = ['personal', 'appspace'];

/** Where a kdocs file or folder lives: account, space and the path inside that space's KdocsRemoteFs. */
export interface KdocsLocation {
  readonly accountId: string;
  readonly space: KdSpaceName;
  /** Path inside the space ('' = its root); may be a token path (`~token/<t>/<name>`, Recent / Starred / search). */
  readonly path: string;
}

/** URI path inside an account of a space path: `appspace/a/b.txt`. */
export function uriPathOf(space: KdSpaceName, path: string): string {
  return path ? `${space}/${path}` : space;
}

export function kdocsUri(accountId: string, space: KdSpaceName, path: string): vscode.Uri {
  return toUri({ scheme: KDOCS_SCHEME, accountId, path: uriPathOf(space, path) });
}

/** The location of a URI path of a kdocs account; undefined for the account root or an unknown first segment. */
export function locate(accountId: string, uriPath: string): KdocsLocation | undefined {
  const i = uriPath.indexOf('/');
  const space = i < 0 ? uriPath : uriPath.slice(0, i);
  if (!(KD_SPACES as readonly string[]).includes(space)) return undefined;
  return { accountId, space: space as KdSpaceName, path: i < 0 ? '' : uriPath.slice(i + 1) };
}

/** Key of a Recent / Starred / App folder listing in the tree. */
export const sectionListing = (accountId: string, section: PersonalSection) => `kdocs.section\n${accountId}\n${section}`;
