/**
 * What the Shimo sandbox holds per collaborative file. Shimo keeps the CONTENT; names, folders, owners and permissions
 * are the integrator's own data (vendor-facts: no file-list API, Shimo asks the integrator's callbacks for file info).
 * The sandbox still keeps a `title` per file (the seed's demo titles, an import's file name, "无标题" for a new file):
 * it names export downloads and shows in control.file(), never in an API answer except a version's title.
 */

export type FileType = 'document' | 'documentPro' | 'spreadsheet' | 'presentation' | 'table';
export const FILE_TYPES: readonly FileType[] = ['document', 'documentPro', 'spreadsheet', 'presentation', 'table'];

export function isFileType(v: unknown): v is FileType {
  return typeof v === 'string' && (FILE_TYPES as readonly string[]).includes(v);
}

/** A cell as the sheet API reads it back: text, number (dates are OADate numbers, as the reference says), boolean, empty. */
export type Cell = string | number | boolean | null;

export interface Sheet {
  name: string;
  /** Ragged rows from A1; a missing cell is empty. */
  rows: Cell[][];
  /** The grid (rows × columns) a range start may not exceed; grows with the data. */
  rowCount: number;
  colCount: number;
}

/** A block of a text document: headings and list items keep their kind so md/docx exports can show them. */
export interface Block {
  kind: 'heading' | 'paragraph' | 'bullet' | 'ordered';
  /** 1..6 for headings. */
  level?: number;
  text: string;
}

export type Content =
  | { kind: 'text'; blocks: Block[] }
  | { kind: 'sheets'; sheets: Sheet[] }
  | { kind: 'slides'; slides: string[][] };

/** A sidebar history entry (doc-sidebar-info): 1 = operation history (locks, versions), 2 = edits. */
export interface History {
  id: string;
  historyType: 1 | 2;
  /** JSON text as the reference shows it. */
  content: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  userIds: string[];
}

/** A saved version (revisions). */
export interface Revision {
  id: number;
  title: string;
  docHistoryId: string;
  createdAt: number;
  updatedAt: number;
  userId: string;
}

export interface Mention { userId: string; atGuid: string }

export interface ShimoFile {
  id: string;
  type: FileType;
  title: string;
  /** Content version: +1 per edit (API or control). */
  revision: number;
  deleted: boolean;
  content: Content;
  createdAt: number;
  updatedAt: number;
  mentions: Mention[];
  comments: number;
  revisions: Revision[];
  histories: History[];
  /** Source id when made by the copy API (a repeated copy request answers 204 again). */
  copiedFrom?: string;
}

/** Seat status (reference): 1 active (occupies a seat), 0 disabled, -1 not enabled yet. */
export type SeatStatus = 1 | 0 | -1;

export interface User {
  userId: string;
  name: string;
  status: SeatStatus;
  createdAt: number;
}

export const DEFAULT_GRID = { rows: 200, cols: 26 } as const;

export function newSheet(name: string, rows: Cell[][] = []): Sheet {
  const width = rows.reduce((n, r) => Math.max(n, r.length), 0);
  return { name, rows, rowCount: Math.max(DEFAULT_GRID.rows, rows.length), colCount: Math.max(DEFAULT_GRID.cols, width) };
}

export function cloneContent(c: Content): Content {
  return structuredClone(c);
}
