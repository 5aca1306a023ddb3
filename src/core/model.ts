/** Vendor-neutral model of remote documents. */

export type EntryType = 'file' | 'folder';

export interface Entry {
  /** Display name (last path segment), exactly as the vendor has it (Chinese, emoji, spaces, '#', '%' allowed). */
  name: string;
  /** Path inside the mount, '/'-separated, no leading slash; '' is the root. */
  path: string;
  type: EntryType;
  /** Bytes; 0 for folders. */
  size: number;
  /** Milliseconds since epoch. */
  mtime: number;
  /** Milliseconds since epoch. */
  ctime: number;
  /**
   * Stable vendor id of the item (Gokuai `hash`, kdocs file token...): it survives renames and moves, so the glue can
   * key per-item state on it. '' for a root and for placeholders, which the vendor has no object for.
   */
  id: string;
  /**
   * Content version used for optimistic concurrency (Gokuai filehash, kdocs version...).
   * Two reads returning the same `version` saw the same content.
   */
  version?: string;
  /** Who last modified it (for tooltips). */
  modifiedBy?: string;
  /** Free-form tags (Gokuai tags). */
  tags?: string[];
  /** Locked by somebody: writes will be rejected. */
  locked?: boolean;
  /** Read-only for this account, or content the vendor cannot update in place (kdocs personal files). */
  readonly?: boolean;
  /**
   * Set when the entry is not plain file content. 'online-doc': a document that lives only online (Kingsoft Docs
   * .otl, .ksheet, .dbt); its bytes are no editable format, so open it in the browser rather than in an editor.
   */
  kind?: 'online-doc';
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; undefined when there is no more. */
  next?: string;
  /** Total count when the vendor tells it. */
  total?: number;
}

/** Progress callback for long operations (bytes or items done / total). */
export type ProgressFn = (done: number, total: number) => void;

export interface CallOptions {
  signal?: AbortSignal;
}
