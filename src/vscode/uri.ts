import * as vscode from 'vscode';

// Path arithmetic is the core's (same '/'-separated, no-leading-slash paths); re-exported for the glue.
export { baseName, joinPath, parentPath } from '../core/paths';

/**
 * Every vendor mounts its accounts under its own URI scheme: `<scheme>://<accountId>/<path>` is the writable file
 * system (gokuai://, kdocs://) and `<scheme>-ro://<accountId>/<path>[?version=<v>]` the read-only snapshots (history
 * versions, the server side of a conflict). Account ids are unique across vendors, so they alone key per-account state.
 */
const RO_SUFFIX = '-ro';

/** The read-only twin of a writable scheme. */
export function roSchemeOf(scheme: string): string {
  return scheme + RO_SUFFIX;
}

/** The writable scheme of a URI scheme (itself, or the scheme a `-ro` scheme is the twin of). */
export function writableSchemeOf(scheme: string): string {
  return scheme.endsWith(RO_SUFFIX) ? scheme.slice(0, -RO_SUFFIX.length) : scheme;
}

export interface RemoteRef {
  /** The writable scheme of the vendor (gokuai, kdocs...), also for refs read from a `-ro` URI. */
  scheme: string;
  accountId: string;
  /** '/'-separated, no leading slash, '' = account root (core RemoteFs convention). */
  path: string;
}

/**
 * Builds URIs with `Uri.from` so VS Code does the percent-encoding: names with '#', '%', '?', spaces, Chinese or emoji
 * round-trip through `uri.path`. Never build these URIs by string concatenation + `Uri.parse`.
 */
export function toUri(ref: RemoteRef): vscode.Uri {
  return vscode.Uri.from({ scheme: ref.scheme, authority: ref.accountId, path: '/' + ref.path });
}

/** The read-only snapshot of a file: the current server copy, or the given version. */
export function toRoUri(ref: RemoteRef, version?: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: roSchemeOf(ref.scheme),
    authority: ref.accountId,
    path: '/' + ref.path,
    query: version ? 'version=' + encodeURIComponent(version) : undefined,
  });
}

/** The ref of a (writable or read-only) remote URI. Callers check the scheme is one of ours first. */
export function fromUri(uri: vscode.Uri): RemoteRef {
  return { scheme: writableSchemeOf(uri.scheme), accountId: uri.authority, path: uri.path.replace(/^\/+/, '').replace(/\/+$/, '') };
}

/** The `version` query of a read-only URI, if any. */
export function versionOf(uri: vscode.Uri): string | undefined {
  const m = /(?:^|&)version=([^&]*)/.exec(uri.query);
  return m ? decodeURIComponent(m[1]) : undefined;
}

/** The same account and scheme, another path. */
export function withPath(ref: RemoteRef, path: string): RemoteRef {
  return { scheme: ref.scheme, accountId: ref.accountId, path };
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
  return ref.scheme + '\n' + ref.accountId + '\n' + ref.path;
}
