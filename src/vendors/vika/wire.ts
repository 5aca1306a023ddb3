/**
 * Vika fusion API v1 wire shapes (../shared/api-docs/vika-fusion-api-v1.txt; vendor-facts.md "Vika"). Every answer
 * is the envelope `{success, code, message, data}`; failures come as HTTP 200 with `success: false` and a business
 * code (301, 400, 426, 428, 602, 304) or as HTTP 401/403/404/429/500 with the same envelope.
 */

export interface VikaEnvelope<T> {
  success: boolean;
  code: number;
  message: string;
  data: T;
}

/** Business codes of the reference's table. */
export const VIKA_CODE = {
  OK: 200,
  DATASHEET_NOT_FOUND: 301,
  ROW_LIMIT: 304,
  BAD_PARAMS: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UPLOAD_FAILED: 426,
  TOO_MANY_FILES: 428,
  RATE_LIMITED: 429,
  NO_NODE_PERMISSION: 602,
} as const;

export interface VikaRecord {
  recordId: string;
  fields: Record<string, unknown>;
  createdAt?: number;
  updatedAt?: number;
}

export interface VikaRecordPage {
  total: number;
  pageSize: number;
  pageNum: number;
  records: VikaRecord[];
}

export interface VikaField {
  id: string;
  name: string;
  type: string;
  /** Column permission: false = read-only for this token. */
  editable?: boolean;
  property?: Record<string, unknown> | null;
  isPrimary?: boolean;
  desc?: string;
}

export interface VikaView {
  id: string;
  name: string;
  type: string;
}

export interface VikaSpace {
  id: string;
  name: string;
  isAdmin?: boolean;
}

export type VikaNodeType = 'Datasheet' | 'Folder' | 'Form' | 'Dashboard' | string;

export interface VikaNode {
  id: string;
  name: string;
  type: VikaNodeType;
  icon?: string;
  isFav?: boolean;
  isFolder?: boolean;
  /** Only in node detail of a folder: one level of children. */
  children?: VikaNode[];
}

export interface VikaAttachment {
  token: string;
  name: string;
  size: number;
  mimeType: string;
  url?: string;
  width?: number;
  height?: number;
  preview?: string;
}

export interface VikaCreatedDatasheet {
  id: string;
  createdAt?: number;
  fields?: Array<{ id: string; name: string }>;
}

export interface VikaSort { field: string; order: 'asc' | 'desc' }

/** GET records query (all optional). */
export interface VikaRecordQuery {
  viewId?: string;
  pageSize?: number;
  pageNum?: number;
  maxRecords?: number;
  recordIds?: readonly string[];
  fields?: readonly string[];
  sort?: readonly VikaSort[];
  filterByFormula?: string;
  cellFormat?: 'json' | 'string';
  fieldKey?: 'name' | 'id';
}

/** Field types whose cells the API computes or protects (never written). */
export const VIKA_COMPUTED_TYPES: ReadonlySet<string> = new Set([
  'Formula', 'AutoNumber', 'CreatedTime', 'LastModifiedTime', 'CreatedBy', 'LastModifiedBy', 'MagicLookUp',
]);

/** Every field type of the reference (create field). */
export const VIKA_FIELD_TYPES: readonly string[] = [
  'SingleText', 'Text', 'SingleSelect', 'MultiSelect', 'Number', 'Currency', 'Percent', 'DateTime', 'Attachment', 'Member',
  'Checkbox', 'Rating', 'URL', 'Phone', 'Email', 'MagicLink', 'MagicLookUp', 'Formula', 'AutoNumber', 'CreatedTime',
  'LastModifiedTime', 'CreatedBy', 'LastModifiedBy',
];

/** Reference limits. */
export const VIKA_MAX_PAGE_SIZE = 1000;
export const VIKA_MAX_WRITE = 10;
export const VIKA_REQUESTS_PER_SECOND = 5;
