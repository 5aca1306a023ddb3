/**
 * Shimo SDK v2 wire shapes (../shared/api-docs/shimo-sdk-v2-api.txt; vendor-facts.md "Shimo"). Creates, copies,
 * deletes and sheet writes answer 204 without a body; import/export answer `{status, message, data:{taskId}}`.
 */

export type ShimoFileType = 'document' | 'documentPro' | 'spreadsheet' | 'presentation' | 'table';
export const SHIMO_FILE_TYPES: readonly ShimoFileType[] = ['document', 'documentPro', 'spreadsheet', 'presentation', 'table'];

/** What each type imports from (file extensions) and exports to (vendor-facts.md "Formats"). */
export const SHIMO_IMPORT_FORMATS: Readonly<Record<ShimoFileType, readonly string[]>> = {
  document: ['docx', 'doc', 'md', 'txt'],
  documentPro: ['docx', 'doc', 'wps'],
  spreadsheet: ['xlsx', 'xls', 'csv', 'xlsm'],
  presentation: ['pptx', 'ppt'],
  table: [],
};
export const SHIMO_EXPORT_FORMATS: Readonly<Record<ShimoFileType, readonly string[]>> = {
  document: ['docx', 'md', 'jpg', 'pdf'],
  documentPro: ['docx', 'pdf', 'wps'],
  spreadsheet: ['xlsx'],
  presentation: ['pptx', 'pdf'],
  /** Through export/table-sheets, not the export task. */
  table: ['xlsx'],
};

/** The two path families of the file routes (vendor-facts: the kits moved to collab-files in Dec 2025). */
export type ShimoPathFamily = 'shimo-files' | 'collab-files';

export interface ShimoApp {
  appName: string;
  availableFileTypes: string[];
  activatedUserCount: number;
  userCount: number;
  memberLimit: number;
  validFrom: string;
  validUntil: string;
  endpointUrl: string;
}

export interface ShimoTaskAnswer {
  status: number;
  message?: string;
  data?: { taskId?: string; progress?: number; downloadUrl?: string };
}

export interface ShimoRevision {
  id: string;
  label?: string;
  title?: string;
  docHistoryId?: string;
  createdAt?: string;
  updatedAt?: string;
  user?: { id: string; name?: string };
}

export interface ShimoHistory {
  id: string;
  name?: string;
  content?: string;
  historyType?: number;
  createdAt?: string;
  updatedAt?: string;
  userId?: string;
}

export interface ShimoHistoryPage {
  histories: ShimoHistory[];
  isLastPage?: boolean;
  limit?: number;
  users?: Record<string, string>;
}

export interface ShimoMention { userId: string; atGuid: string }

export interface ShimoSeat {
  userId: string;
  createdAt?: string;
  /** 1 active, 0 disabled, -1 not enabled. */
  status: number;
}

export interface ShimoPreviewAnswer { code: string; message?: string }

export type ShimoCell = string | number | boolean | null;
