import * as vscode from 'vscode';

// Path arithmetic is the core's (same '/'-separated, no-leading-slash paths); re-exported for the glue.
import { baseName, joinPath, parentPath } from '../core/paths';
export { baseName, joinPath, parentPath };

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
 * Items addressed by id rather than by folders (Kingsoft Docs Recent / Starred / search results: the vendor's path
 * `personal/~token/<file token>/<name>`) carry an anchor, the segment pair `~token/<id>`, in their ref path. Users
 * must see names, not ids: in URIs (tab labels and descriptions, breadcrumbs, the Explorer) the anchor leaves the path
 * for the query, `anchor=<segment index>/token/<id>`, and fromUri puts it back. URIs with the anchor still in the
 * path are understood too. Only that one reserved segment name counts (a real folder named `~tmp` stays a folder).
 */
const ANCHOR_SEGMENT = /^~token$/;

function liftAnchor(path: string): { path: string; query?: string } {
  const segs = path.split('/');
  const i = segs.findIndex((seg, n) => ANCHOR_SEGMENT.test(seg) && n + 1 < segs.length - 1);
  if (i < 0) return { path };
  const [kind, id] = segs.splice(i, 2);
  return { path: segs.join('/'), query: `anchor=${encodeURIComponent(`${i}/${kind.slice(1)}/${id}`)}` };
}

function dropAnchor(path: string, anchor: string | undefined): string {
  const m = anchor ? /^(\d+)\/([a-z]+)\/(.+)$/.exec(anchor) : null;
  if (!m) return path;
  const segs = path.split('/');
  segs.splice(Number(m[1]), 0, `~${m[2]}`, m[3]);
  return segs.join('/');
}

/**
 * Builds URIs with `Uri.from` so VS Code does the percent-encoding: names with '#', '%', '?', spaces, Chinese or emoji
 * round-trip through `uri.path`. Never build these URIs by string concatenation + `Uri.parse`.
 */
export function toUri(ref: RemoteRef): vscode.Uri {
  const { path, query } = liftAnchor(ref.path);
  return vscode.Uri.from({ scheme: ref.scheme, authority: ref.accountId, path: '/' + path, query });
}

/**
 * The read-only snapshot of a file: the current server copy, or the given version. A version's tab must not look like
 * the live file: its URI path names the version (`report (2026-12-05 10.31).md`, `label` or the version's start), the
 * file's real path travels in the query (`?version=...&path=...`) and fromUri reads it from there. The extension stays
 * last so the editor picks the same language.
 */
export function toRoUri(ref: RemoteRef, version?: string, label?: string): vscode.Uri {
  if (!version) return toUri(ref).with({ scheme: roSchemeOf(ref.scheme) });
  const name = baseName(ref.path);
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const tag = (label ?? version.slice(0, 8)).replace(/[\\/]/g, '-');
  const shown = joinPath(parentPath(liftAnchor(ref.path).path), `${stem} (${tag})${ext}`);
  return vscode.Uri.from({
    scheme: roSchemeOf(ref.scheme),
    authority: ref.accountId,
    path: '/' + shown,
    query: `version=${encodeURIComponent(version)}&path=${encodeURIComponent(ref.path)}&label=${encodeURIComponent(tag)}`,
  });
}

/** The ref of a (writable or read-only) remote URI. Callers check the scheme is one of ours first. */
export function fromUri(uri: vscode.Uri): RemoteRef {
  const real = queryParam(uri, 'path');
  const path = real ?? dropAnchor(uri.path.replace(/^\/+/, '').replace(/\/+$/, ''), queryParam(uri, 'anchor'));
  return { scheme: writableSchemeOf(uri.scheme), accountId: uri.authority, path };
}

function queryParam(uri: vscode.Uri, name: string): string | undefined {
  const m = new RegExp(`(?:^|&)${name}=([^&]*)`).exec(uri.query);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined; // a malformed query (typed or pasted by hand) names nothing
  }
}

/** The `version` query of a read-only URI, if any. */
export function versionOf(uri: vscode.Uri): string | undefined {
  return queryParam(uri, 'version');
}

/** How a version snapshot names its version (its time), for prompts and diff titles. */
export function versionLabelOf(uri: vscode.Uri): string | undefined {
  return queryParam(uri, 'label');
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
