/**
 * Tables whose content is records rather than bytes (Vika datasheets; kdocs sheets and dbt and Shimo sheets next).
 * A vendor implements `RecordsCapability` for its tables; `TableFiles` (tablefiles.ts) turns any of them into
 * documents (CSV or JSON) that open, diff and save back as the smallest set of record changes.
 *
 * Values are vendor-neutral (`CellValue`): the vendor maps its wire values to these and back.
 */
import type { CallOptions, ProgressFn } from './model';

/**
 * How a field's values look as text and what they accept:
 * - `text` (single and multi-line text, URL, email, phone): the string.
 * - `number` (number, currency, percent, rating, auto number): a number.
 * - `checkbox`: boolean.
 * - `select`: one option name; `multiselect`: option names.
 * - `datetime`: milliseconds since the epoch.
 * - `links`, `members`, `attachments`: references ({ id, name }).
 * - `other`: anything else a vendor returns (read-only lookups and formulas of several values).
 */
export type CellKind = 'text' | 'number' | 'checkbox' | 'select' | 'multiselect' | 'datetime' | 'links' | 'members' | 'attachments' | 'other';

/** A reference to a record, a member or an attachment (`id` is its token). */
export interface CellRef { id: string; name?: string }

export type CellValue = null | string | number | boolean | readonly string[] | readonly CellRef[] | unknown;

export interface TableField {
  /** The vendor's field id. */
  id: string;
  /** The column header in documents (unique in a table). */
  name: string;
  /** The vendor's type name (tooltips, messages). */
  type: string;
  kind: CellKind;
  /** Computed or protected: edits are refused before anything is sent. */
  readOnly: boolean;
  primary?: boolean;
  /** Option names of a select field (values outside them are refused). */
  options?: readonly string[];
  /** Members a member field can take (names resolve to ids through them). */
  members?: readonly CellRef[];
  /** A rating's maximum. */
  max?: number;
}

/** One record as read: its id, when it last changed (ms) and its values by field id (empty cells absent). */
export interface TableRecord {
  id: string;
  updatedAt?: number;
  values: Readonly<Record<string, CellValue>>;
}

/** New values for the fields of one record (field id -> value; null clears). */
export type RecordValues = Record<string, CellValue>;

/** A table inside a store (its path there), as the vendor resolved it. */
export interface TableInfo {
  /** A display name for messages ("项目任务 🚀", "项目任务 🚀 · 全部"). */
  name: string;
  /** Stable id of the table (the datasheet id). */
  id: string;
  /** The view the document shows, when it is one. */
  viewId?: string;
  /** Record count when the vendor tells it without reading them. */
  recordCount?: number;
  /** A web address of a record of this table (Copy Record Link). */
  recordUrl?(recordId: string): string;
}

/** The documents of a records store (core TableFiles): what the glue needs besides reading and saving. */
export interface TableDocuments {
  /** After a save that created records: true once, and the document's stat moves on so an editor reloads. */
  takeReload(path: string): boolean;
  /** Refresh: the next read of `path` goes to the server, and an open editor reloads. */
  forget(path: string): void;
}

export interface RecordsCapability {
  /** The documents of this store's tables. */
  readonly documents?: TableDocuments;
  /** Records per create, update or delete request (Vika: 10). */
  readonly maxBatch: number;
  /** Records per page of `records` (Vika: 1000) and ids per request of `get` (Vika: 100): a save reads the touched
   * records of a whole table in pages when that takes fewer requests. */
  readonly pageSize?: number;
  readonly idsPerGet?: number;
  /** The table a store path stands for (a datasheet file, a view...); NotFoundError when it is none. */
  table(path: string, o?: CallOptions): Promise<TableInfo>;
  /** The fields, in document column order (a view's order, hidden fields left out). */
  fields(table: TableInfo, o?: CallOptions): Promise<TableField[]>;
  /** Every record in order (a view's filter and order), page by page; `onProgress(done, total)`. */
  records(table: TableInfo, fields: readonly TableField[], o?: CallOptions & { onProgress?: ProgressFn }): AsyncIterable<TableRecord[]>;
  /** These records as the server has them now (absent ones are left out of the answer). */
  get(table: TableInfo, fields: readonly TableField[], ids: readonly string[], o?: CallOptions): Promise<TableRecord[]>;
  /** At most maxBatch each; the answers carry the records as stored (ids, updatedAt). */
  create(table: TableInfo, fields: readonly TableField[], rows: readonly RecordValues[], o?: CallOptions): Promise<TableRecord[]>;
  update(table: TableInfo, fields: readonly TableField[], rows: ReadonlyArray<{ id: string; values: RecordValues }>, o?: CallOptions): Promise<TableRecord[]>;
  delete(table: TableInfo, ids: readonly string[], o?: CallOptions): Promise<void>;

  // ---- table structure (the commands of a records store)
  /** Makes a table in a folder of the store; returns its store path. */
  createTable?(folder: string, name: string, o?: CallOptions): Promise<string>;
  /** Field types a new field can have (vendor names). */
  readonly fieldTypes?: readonly string[];
  addField?(table: TableInfo, field: { name: string; type: string }, o?: CallOptions): Promise<TableField>;
  deleteField?(table: TableInfo, fieldId: string, o?: CallOptions): Promise<void>;
  /** Uploads a file into an attachment field of a record (the file's bytes, its name). */
  attach?(table: TableInfo, recordId: string, fieldId: string, file: { name: string; data: Uint8Array }, o?: CallOptions): Promise<void>;
  /** The views of a table (tree children): their store paths. */
  views?(path: string, o?: CallOptions): Promise<Array<{ name: string; path: string; type?: string }>>;
}
