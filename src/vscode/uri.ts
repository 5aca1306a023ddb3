import * as vscode from 'vscode';

/** Writable mount of a Gokuai library: gokuai://<accountId>/<fullpath>. */
export const SCHEME = 'gokuai';
/** Read-only snapshots (history versions, the remote side of a conflict): gokuai-ro://<accountId>/<fullpath>?version=<filehash>. */
export const RO_SCHEME = 'gokuai-ro';

export interface RemoteRef {
  accountId: string;
  /** '/'-separated, no leading slash, '' = library root (core RemoteFs convention). */
  path: string;
}

/**
 * Builds URIs with `Uri.from` so VS Code does the percent-encoding: names with '#', '%', '?', spaces, Chinese or emoji
 * round-trip through `uri.path`. Never build these URIs by string concatenation + `Uri.parse`.
 */
export function toUri(ref: RemoteRef, scheme: string = SCHEME, version?: string): vscode.Uri {
  return vscode.Uri.from({
    scheme,
    authority: ref.accountId,
    path: '/' + ref.path,
    query: version ? 'version=' + encodeURIComponent(version) : undefined,
  });
}

export function isRemoteUri(uri: vscode.Uri): boolean {
  return uri.scheme === SCHEME || uri.scheme === RO_SCHEME;
}

export function fromUri(uri: vscode.Uri): RemoteRef {
  return { accountId: uri.authority, path: uri.path.replace(/^\/+/, '').replace(/\/+$/, '') };
}

/** The `version` query of a gokuai-ro URI, if any. */
export function versionOf(uri: vscode.Uri): string | undefined {
  const m = /(?:^|&)version=([^&]*)/.exec(uri.query);
  return m ? decodeURIComponent(m[1]) : undefined;
}

export function joinPath(parent: string, name: string): string {
  return parent ? parent + '/' + name : name;
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * True for a name that stays one path segment wherever it is joined (remote folder or local disk): not empty, not
 * `.`/`..`, no `/`, `\` or NUL. Used for names typed by the user, dropped by the OS and listed by a server.
 */
export function isSafeName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[\\/\0]/.test(name);
}

/** Stable key for per-file state (versions): independent of how a caller encoded the URI. */
export function refKey(ref: RemoteRef): string {
  return ref.accountId + '\n' + ref.path;
}
