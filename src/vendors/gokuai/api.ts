import type { CallOptions, ProgressFn } from '../../core/model';
import type {
  GkCopyResult, GkCreateFileResult, GkFile, GkHistory, GkInfo, GkLink, GkLinkListItem, GkList, GkPermission,
  GkPermissions, GkQueueStatus, GkStat, GkUpdates, GkUploadServers, GkWebUploadResult,
} from './wire';

/** Identifies a file by path or by hash (the API accepts either). */
export type GkRef = { fullpath: string; hash?: undefined } | { hash: string; fullpath?: undefined };
/** Operator fields accepted by most write endpoints. */
export interface GkOp { op_id?: number; op_name?: string }

export interface GokuaiCredentials {
  /** e.g. https://yk3.gokuai.com (no trailing slash) */
  host: string;
  orgClientId: string;
  orgClientSecret: string;
}

/**
 * One method per endpoint of endpoints.tsv (35) plus the upload-server protocol of vendor-facts.md and a few
 * composite helpers. Every method accepts CallOptions (AbortSignal). Errors are core DocError subclasses.
 */
export interface GokuaiApi {
  // --- library (endpoints.tsv order) ---
  ls(p: { fullpath: string; tag?: string; start?: number; size?: number; hashs?: string[] }, o?: CallOptions): Promise<GkList>;
  updates(p: { fetch_dateline: number; mode?: 'compare'; dir?: 0 | 1 }, o?: CallOptions): Promise<GkUpdates>;
  updatesCount(p: { begin_dateline: number; end_dateline: number; showdel?: 0 | 1 }, o?: CallOptions): Promise<{ count: number }>;
  downloadUrl(p: GkRef & GkOp & { filehash?: string; open?: 0 | 1; filename?: string; net?: 'in' }, o?: CallOptions): Promise<{ urls: string[] }>;
  previewUrl(p: GkRef & GkOp & { watermark?: 0 | 1; member_name?: string; thumbnail?: 0 | 1; annotation?: 'on' | 'display'; annotation_mode?: 'view' | 'admin'; out_id?: string; account?: string }, o?: CallOptions): Promise<{ url: string; thumbnail?: string }>;
  ceditUrl(p: GkRef & { readonly?: 0 | 1; timeout?: number; op_id?: number; out_id?: string; account?: string }, o?: CallOptions): Promise<{ url: string }>;
  info(p: GkRef & { net?: 'in'; attribute?: 0 | 1 | 10; hid?: string; nop?: 0 | 1; ignores?: string[] }, o?: CallOptions): Promise<GkInfo>;
  search(p: { keywords: string; path?: string; scope?: Array<'filename' | 'tag' | 'content'>; start?: number; size?: number }, o?: CallOptions): Promise<GkList>;
  createFolder(p: { fullpath: string } & GkOp, o?: CallOptions): Promise<{ hash: string; fullpath: string }>;
  createFile(p: { fullpath: string; filehash: string; filesize: number; overwrite?: 0 | 1 } & GkOp, o?: CallOptions): Promise<GkCreateFileResult>;
  uploadServers(p: { fullpath: string; timeout: number; rand?: string }, o?: CallOptions): Promise<GkUploadServers>;
  /** POST {server}/2/web_upload multipart form. */
  webUpload(server: string, p: { key: string; path: string; name: string; overwrite?: 0 | 1; data: Uint8Array } & GkOp, o?: CallOptions): Promise<GkWebUploadResult>;
  copy(p: { from_fullpath: string; fullpath: string; overwrite?: 0 | 1 } & GkOp, o?: CallOptions): Promise<GkCopyResult>;
  mcopy(p: { from_fullpaths: string[]; paths: string[]; copy_all?: 0 | 1; sp?: string } & GkOp, o?: CallOptions): Promise<GkCopyResult[]>;
  move(p: { fullpath: string; dest_fullpath: string } & GkOp, o?: CallOptions): Promise<void>;
  del(p: ({ fullpath: string } | { tag: string[]; path?: string }) & GkOp & { destroy?: 0 | 1 }, o?: CallOptions): Promise<void>;
  delCompletely(p: ({ fullpaths: string[] } | { tag: string[] }) & GkOp, o?: CallOptions): Promise<void>;
  recycle(p: { start?: number; size?: number; order?: string; keyword?: string }, o?: CallOptions): Promise<GkList>;
  recover(p: { fullpaths: string[] } & GkOp, o?: CallOptions): Promise<void>;
  history(p: { fullpath: string; start?: number; size?: number }, o?: CallOptions): Promise<GkHistory>;
  link(p: { fullpath: string; deadline?: number; auth?: 'preview' | 'download' | 'upload'; password?: string; dir?: 0 | 1; startline?: number; keep?: 1; access_limit?: number } & GkOp, o?: CallOptions): Promise<GkLink>;
  linkClose(p: ({ code: string } | { fullpath: string }) & GkOp, o?: CallOptions): Promise<void>;
  links(p: { file?: 0 | 1 }, o?: CallOptions): Promise<GkLinkListItem[]>;
  lock(p: { fullpath: string; lock: 'lock' | 'unlock' } & GkOp, o?: CallOptions): Promise<void>;
  setPermissionInherit(p: { fullpath: string; inherit: 0 | 1 }, o?: CallOptions): Promise<void>;
  getAllPermission(p: { fullpath: string }, o?: CallOptions): Promise<GkPermissions>;
  filePermission(p: { fullpath: string; permissions: Record<string, GkPermission[]>; is_group?: 0 | 1; is_out?: 0 | 1 }, o?: CallOptions): Promise<void>;
  resetPermission(p: { fullpath: string; members?: string[]; groups?: string[]; clear?: 0 | 1 }, o?: CallOptions): Promise<void>;
  /** With member_id/out_id/account: the list of that user's permissions; without: { members }. */
  getPermission(p: { fullpath: string; member_id?: number; out_id?: string; account?: string }, o?: CallOptions): Promise<GkPermission[] | GkPermissions>;
  addTag(p: { fullpath: string; tag: string[] } & GkOp, o?: CallOptions): Promise<void>;
  delTag(p: { fullpath: string; tag: string[] } & GkOp, o?: CallOptions): Promise<void>;
  setMetadata(p: GkRef & { key: string; metadata: Record<string, unknown>; display?: string[] }, o?: CallOptions): Promise<void>;
  delMetadata(p: GkRef & { key: string }, o?: CallOptions): Promise<void>;
  stat(o?: CallOptions): Promise<GkStat>;
  queueStatus(p: { queue_id: string }, o?: CallOptions): Promise<GkQueueStatus>;

  // --- chunked upload server (vendor-facts.md), unsigned ---
  uploadInit(server: string, p: { filename: string; pathhash: string; filehash: string; filesize: number }, o?: CallOptions): Promise<{ session?: string; complete: boolean }>;
  uploadPart(server: string, p: { session: string; start: number; end: number; crc: number; data: Uint8Array }, o?: CallOptions): Promise<{ complete: boolean; expect?: number }>;
  uploadReq(server: string, p: { session: string }, o?: CallOptions): Promise<{ received: number }>;
  uploadFinish(server: string, p: { session: string }, o?: CallOptions): Promise<{ done: boolean }>;
  uploadAbort(server: string, p: { session: string }, o?: CallOptions): Promise<void>;

  // --- composites ---
  /** Whole chunked-upload flow from a local file (streams) or bytes; instant upload when the server has the content. */
  uploadFile(
    p: { fullpath: string; source: { path: string } | { data: Uint8Array }; overwrite: boolean } & GkOp,
    o?: CallOptions & { onProgress?: ProgressFn },
  ): Promise<{ hash: string; fullpath: string; filehash: string; filesize: number; instant: boolean }>;
  /**
   * A file of at most WEB_UPLOAD_MAX bytes in one request: /2/web_upload with an upload-server key that is reused
   * until shortly before it expires (upload_servers is asked only for the first upload, and again when a key is
   * refused). Returns the sha1 of what was sent as `filehash`.
   */
  uploadSmall(
    p: { fullpath: string; data: Uint8Array; overwrite: boolean } & GkOp, o?: CallOptions,
  ): Promise<{ hash: string; fullpath: string; filehash: string; filesize: number }>;
  /**
   * GET a download URL (refreshing it once when it has expired) and return the bytes, or stream to a local file.
   * `url`: a download link already at hand (info's `uri`), tried first.
   */
  downloadBytes(ref: GkRef & { filehash?: string; url?: string }, o?: CallOptions): Promise<Uint8Array>;
  downloadToFile(ref: GkRef & { filehash?: string; url?: string }, localPath: string, o?: CallOptions & { onProgress?: ProgressFn }): Promise<void>;
  /** Poll queue_status until 2 (done) or 3 (error -> throws). */
  waitQueue(queueId: string, o?: CallOptions): Promise<GkQueueStatus>;
}

export type { GkFile };
