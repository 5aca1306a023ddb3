/**
 * Token paths: how a kdocs item that has no known folder path (recent, starred and search results, files other users
 * shared) is still addressed by a KdocsRemoteFs path, stable across restarts.
 *
 *   ~token/<file_token>/<name>[/<child>...]
 *
 * names the item with that file token for as long as it is called <name> (the name keeps tabs readable and makes a
 * rename elsewhere visible, exactly like a renamed folder path); children of a token-addressed folder continue below
 * it. `~token` and `~token/<file_token>` are placeholders: they stat as read-only folders (so a file system can stat a
 * parent) but hold no files. A real top-level entry named `~token` is shadowed (a name nobody picks by chance).
 */
import { normalizePath } from '../../core/paths';

export const TOKEN_SEGMENT = '~token';

export type ParsedPath =
  /** Walks from the root of the space. */
  | { kind: 'plain'; names: string[] }
  /** `~token` (token undefined) or `~token/<file_token>`: no item. */
  | { kind: 'placeholder'; token?: string }
  /** `anchor` = `~token/<token>/<name>`; `rest` = names below it. */
  | { kind: 'anchored'; token: string; name: string; anchor: string; rest: string[] };

/** The token path of an item; names are as the vendor has them (an empty name falls back to the token). */
export function tokenPath(token: string, name: string): string {
  return `${TOKEN_SEGMENT}/${token}/${name || token}`;
}

/** Parses a path (normalized first); '' is plain (the root). */
export function parsePath(path: string): ParsedPath {
  const names = normalizePath(path).split('/').filter((s) => s !== '');
  if (names[0] !== TOKEN_SEGMENT) return { kind: 'plain', names };
  if (names.length < 3) return { kind: 'placeholder', token: names[1] };
  const [, token, name, ...rest] = names;
  return { kind: 'anchored', token, name, anchor: `${TOKEN_SEGMENT}/${token}/${name}`, rest };
}

export function isTokenPath(path: string): boolean {
  return parsePath(path).kind !== 'plain';
}
