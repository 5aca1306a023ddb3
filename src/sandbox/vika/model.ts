import type { Ast } from './formula';

/** The data model of the Vika sandbox (shared by store.ts, cells.ts and api.ts; no behaviour here). */

/** Field types, in the order of the reference's table. */
export const FIELD_TYPES = [
  'SingleText', 'Text', 'SingleSelect', 'MultiSelect', 'Number', 'Currency', 'Percent', 'DateTime', 'Attachment', 'Member',
  'Checkbox', 'Rating', 'URL', 'Phone', 'Email', 'MagicLink', 'MagicLookUp', 'Formula', 'AutoNumber', 'CreatedTime',
  'LastModifiedTime', 'CreatedBy', 'LastModifiedBy',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Computed fields: never written by a create or update (400 naming the field). */
export const READ_ONLY_TYPES: ReadonlySet<string> = new Set(['Formula', 'AutoNumber', 'CreatedTime', 'LastModifiedTime', 'CreatedBy', 'LastModifiedBy', 'MagicLookUp']);

export const VIEW_TYPES = ['Grid', 'Gallery', 'Kanban', 'Gantt'] as const;
export type ViewType = (typeof VIEW_TYPES)[number];

export type NodeType = 'Datasheet' | 'Folder' | 'Form' | 'Dashboard';

export interface SelectOption { id: string; name: string; color: { name: string; value: string } }

export interface Field {
  id: string;
  name: string;
  type: FieldType;
  /**
   * The property as the API reports it, minus what is computed at read time (Member / CreatedBy / LastModifiedBy
   * `options`, MagicLookUp `entityField` and `hasError`, Formula `hasError`).
   */
  property: Record<string, unknown>;
  desc?: string;
  /** Parsed Formula expression (or why it is not in the sandbox's subset), cached. */
  formula?: { ast?: Ast; error?: string };
}

export interface View {
  id: string;
  name: string;
  type: ViewType;
  /** Filter as a formula of the sandbox subset (formula.ts), field refs by id or name. */
  filter?: string;
  sort?: Array<{ fieldId: string; desc: boolean }>;
  hidden: string[];
  /** Column order (field ids); fields not listed follow in datasheet order. */
  columns?: string[];
}

/**
 * One record. Stored cell forms by field id (an empty cell is absent): text types string; Number, Currency, Percent,
 * Rating number; Checkbox `true`; SingleSelect option id; MultiSelect option ids; DateTime ms; Member unit ids;
 * MagicLink record ids; Attachment StoredAttachment[]. Computed fields are never stored.
 */
export interface Rec {
  id: string;
  cells: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  /** User uuids. */
  createdBy: string;
  updatedBy: string;
  autoNumber: number;
}

export interface Datasheet {
  id: string;
  name: string;
  spaceId: string;
  description?: string;
  fields: Field[];
  views: View[];
  records: Rec[];
  byId: Map<string, Rec>;
  nextAutoNumber: number;
  /** Creates the records on first access (the 50 000-row demo sheet), then removes itself. */
  generate?: () => void;
  /** Row count known before generation (nodes and state do not trigger it). */
  plannedRows?: number;
}

export interface NodeEntry {
  id: string;
  name: string;
  type: NodeType;
  icon?: string;
  isFav: boolean;
  spaceId: string;
  /** Folder id, or undefined at the space's root. */
  parentId?: string;
  /** Folders: child node ids in order. */
  children?: string[];
}

export interface Space {
  id: string;
  name: string;
  isAdmin: boolean;
  /** Root node ids in order. */
  root: string[];
  /** Attachment bytes stored (1 GB capacity, code 426 beyond). */
  usedBytes: number;
}

/** A space member (organisation unit) as Member cells show it. */
export interface Member { id: string; name: string; type: 'Member' | 'Team'; avatar: string }
/** An account, as CreatedBy / LastModifiedBy cells show it. */
export interface User { uuid: string; name: string; avatar: string }

export interface StoredAttachment { token: string; name: string; size: number; mimeType: string; width?: number; height?: number }

export interface AttachmentBlob extends StoredAttachment { data: Buffer; spaceId: string }

/** What cell conversion needs to see of the store. */
export interface World {
  readonly host: string;
  datasheet(id: string): Datasheet | undefined;
  member(id: string): Member | undefined;
  user(uuid: string): User | undefined;
  attachmentMeta(token: string): AttachmentBlob | undefined;
}
