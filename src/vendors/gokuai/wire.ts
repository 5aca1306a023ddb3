/**
 * Wire shapes of the Gokuai library file API (/m-open/1/file/*) and the chunked upload server.
 * See shared/api-docs/gokuai-library-file-api.txt and vendor-facts.md. Numbers are as the server sends them.
 */

export interface GkFile {
  hash: string;
  dir: 0 | 1;
  fullpath: string;
  filename: string;
  filehash: string;
  filesize: number;
  create_member_name?: string;
  create_dateline?: number;
  last_member_name?: string;
  last_dateline?: number;
  property?: GkProperty;
  /** updates?mode=compare only: 0 deleted, 1 present */
  cmd?: 0 | 1;
}

export interface GkProperty {
  /** tags joined by ';' */
  tag?: string;
  op_name?: string;
  inherit?: 0 | 1;
  permisson?: unknown;
  lock?: 0 | 1;
  lock_member_name?: string;
}

export interface GkList { count: number; list: GkFile[] }

export interface GkUpdates { fetch_dateline: number; list: GkFile[] }

export interface GkInfo extends GkFile {
  uri?: string;
  preview?: string;
  thumbnail?: string;
  tag?: string;
  file_count?: number;
  folder_count?: number;
  files_size?: number;
  lock?: 0 | 1;
}

export interface GkCreateFileResult { hash: string; fullpath: string; state: 0 | 1; server: string }
export interface GkUploadServers { 'm-upload': string[]; key: string }
export interface GkWebUploadResult { fullpath: string; filesize: number; hash: string }
export interface GkCopyResult { hash: string; fullpath: string; queue_id?: string }

export interface GkHistoryItem {
  hid: string;
  act: number;
  act_name: string;
  dir: 0 | 1;
  hash: string;
  fullpath: string;
  filename?: string;
  filehash: string;
  filesize: number;
  member_id: number;
  member_name: string;
  dateline: number;
  property?: string;
}
export interface GkHistory { count: number; list: GkHistoryItem[] }

export interface GkLink { link: string; code: string }
export interface GkLinkListItem { filename: string; filesize: number; link: string; deadline: number; password: 0 | 1; fullpath?: string; code?: string }

export type GkPermission = 'file_preview' | 'file_read' | 'file_upload' | 'file_write' | 'file_delete' | 'file_link';
export interface GkPermissions { members?: Record<string, GkPermission[]>; groups?: Record<string, GkPermission[]> }

export interface GkStat {
  org_id: number;
  org_name: string;
  mount_id: number;
  capacity: number;
  size: number;
  size_recycle: number;
  count_file: number;
  storage_point: string;
}

/** 0 queued, 1 running, 2 done, 3 failed */
export interface GkQueueStatus { status: 0 | 1 | 2 | 3; fullpath: string; add_dateline: number; start_dateline: number; finish_dateline: number }

export interface GkErrorBody { error_code: number; error_msg: string }

/** Known error codes (sandbox and client agree through this list, which comes from the docs, not from code). */
export const GK_ERR = {
  BAD_SIGN: 401041,
  // The codes below are not documented by the vendor; they are the local sandbox's choice (see
  // src/sandbox/gokuai/errors.ts). The client maps errors by HTTP status first, so the real service works too.
  BAD_DATELINE: 401042,
  BAD_CLIENT_ID: 401043,
  BAD_UPLOAD_SESSION: 40402,
  QUOTA: 40302,
  LINK_EXPIRED: 40303,
  UNEXPECTED_RANGE: 40903,
  LOCKED: 40902,
} as const;
