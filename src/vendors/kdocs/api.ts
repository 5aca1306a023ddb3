import type { CallOptions, ProgressFn } from '../../core/model';
import type {
  KdDownload, KdEditToken, KdFile, KdLink, KdPage, KdScope, KdTask, KdTokenPair, KdUsage, KdUser, KdVersion,
} from './wire';

export interface KdocsCredentials {
  /** e.g. https://developer.kdocs.cn (no trailing slash) */
  host: string;
  appId: string;
  appKey: string;
}

/** Content for uploads: bytes in memory, or a local file streamed from disk. */
export type KdSource = { data: Uint8Array } | { path: string };

/** Where a new personal document goes: a folder token, or a folder path (created when missing). */
export interface KdPersonalParent { parent_id?: string; parent_path?: string[] }
/** Where a new app-space document goes. */
export interface KdAppParent { parent_token?: string; parent_path?: string[] }

export interface KdPaging { offset?: number; count?: number }
export interface KdPersonalListQuery extends KdPaging {
  parent_id?: string;
  order?: 'asc' | 'desc';
  order_by?: 'mtime' | 'fname' | 'fsize';
  filter?: 'folder' | 'file';
}

export type UploadOptions = CallOptions & { onProgress?: ProgressFn };

/**
 * One method per endpoint of endpoints.tsv for the kdocs groups `user`, `personal` and `appspace` (59), in TSV order.
 * `user`/`personal` calls carry the user's OAuth access token; `appspace` calls are WPS-2 signed with the app key.
 * Errors are core DocError subclasses. Paths of the table: KDOCS_ENDPOINTS in client.ts.
 */
export interface KdocsApi {
  // --- user ---
  userBasic(o?: CallOptions): Promise<KdUser>;
  userCreateEditToken(o?: CallOptions): Promise<KdEditToken>;
  userCancelEditToken(token: string, o?: CallOptions): Promise<void>;

  // --- personal ---
  personalListFiles(q: KdPersonalListQuery, o?: CallOptions): Promise<KdPage<KdFile>>;
  personalListFilesFlat(q: KdPersonalListQuery & { exts?: string[]; ignore?: string[] }, o?: CallOptions): Promise<KdPage<KdFile>>;
  personalDownloadUrl(fileToken: string, o?: CallOptions): Promise<KdDownload>;
  personalCreateFile(p: { filename: string } & KdPersonalParent, o?: CallOptions): Promise<KdFile>;
  personalUpload(p: { filename: string; source: KdSource; path_from_root?: string } & KdPersonalParent, o?: UploadOptions): Promise<KdFile>;
  personalCreateFromCloud(p: { url: string; filename: string } & KdPersonalParent, o?: CallOptions): Promise<KdFile>;
  personalCreateLink(fileToken: string, p: { range?: 'anyone'; permission: 'read' | 'write'; status?: 'open' | 'close'; ext_perm_list?: string[]; period?: 0 | 7 | 30; reset?: boolean }, o?: CallOptions): Promise<KdLink>;
  personalGetLink(fileToken: string, o?: CallOptions): Promise<KdLink>;
  personalCancelLink(fileToken: string, o?: CallOptions): Promise<void>;
  personalAddLinkMembers(fileToken: string, p: { user_ids: string[]; permission: 'read' | 'write' }, o?: CallOptions): Promise<KdLink>;
  personalUpdateLinkMember(fileToken: string, userId: string, p: { permission: 'read' | 'write' }, o?: CallOptions): Promise<KdLink>;
  personalRemoveLinkMember(fileToken: string, userId: string, o?: CallOptions): Promise<void>;
  personalSearchName(q: { keyword: string } & KdPaging, o?: CallOptions): Promise<KdPage<KdFile>>;
  personalSearchContent(q: { keyword: string } & KdPaging, o?: CallOptions): Promise<KdPage<KdFile>>;
  personalSimple(fileToken: string, o?: CallOptions): Promise<KdFile>;
  personalRename(fileToken: string, newName: string, o?: CallOptions): Promise<KdFile>;
  personalCreateFolder(p: { name: string } & KdPersonalParent, o?: CallOptions): Promise<KdFile>;
  personalTrash(fileToken: string, o?: CallOptions): Promise<void>;
  personalRecycles(q: KdPaging, o?: CallOptions): Promise<KdPage<KdFile>>;
  personalRecover(fileTokens: string[], o?: CallOptions): Promise<KdFile[]>;
  personalDestroy(fileTokens: string[], o?: CallOptions): Promise<void>;
  personalEditUrl(fileToken: string, q?: { edit_token?: string }, o?: CallOptions): Promise<{ url: string }>;
  personalLinkWithEditToken(fileToken: string, q?: { edit_token?: string }, o?: CallOptions): Promise<{ url: string }>;
  personalCopyTask(p: { file_tokens: string[]; parent_id: string }, o?: CallOptions): Promise<{ taskId: string }>;
  personalMoveTask(p: { file_tokens: string[]; parent_id: string }, o?: CallOptions): Promise<{ taskId: string }>;
  personalDeleteTask(p: { file_tokens: string[] }, o?: CallOptions): Promise<{ taskId: string }>;
  personalTask(taskId: string, o?: CallOptions): Promise<KdTask>;
  personalAppFiles(q: KdPaging, o?: CallOptions): Promise<KdPage<KdFile>>;
  personalRecent(q: KdPaging, o?: CallOptions): Promise<KdPage<KdFile>>;
  personalStar(q: KdPaging, o?: CallOptions): Promise<KdPage<KdFile>>;

  // --- app space ---
  appCreateFile(p: { filename: string; creator?: string } & KdAppParent, o?: CallOptions): Promise<{ fileToken: string }>;
  appUpload(p: { filename: string; source: KdSource; creator?: string } & KdAppParent, o?: UploadOptions): Promise<KdFile>;
  appCreateFolder(p: { name: string; creator?: string } & KdAppParent, o?: CallOptions): Promise<{ fileToken: string }>;
  appFileInfo(fileToken: string, o?: CallOptions): Promise<KdFile>;
  appDownloadUrl(fileToken: string, o?: CallOptions): Promise<KdDownload>;
  appListFiles(q: { parent_token?: string } & KdPaging, o?: CallOptions): Promise<KdPage<KdFile>>;
  appVersions(fileToken: string, q: KdPaging, o?: CallOptions): Promise<KdPage<KdVersion>>;
  appVersion(fileToken: string, version: number, o?: CallOptions): Promise<KdVersion>;
  appVersionDownloadUrl(fileToken: string, version: number, o?: CallOptions): Promise<KdDownload>;
  appRevertVersion(fileToken: string, version: number, o?: CallOptions): Promise<KdFile>;
  appRename(fileToken: string, p: { name: string; modifier?: string }, o?: CallOptions): Promise<KdFile>;
  appUpdateContent(fileToken: string, p: { source: KdSource; filename?: string; modifier?: string }, o?: UploadOptions): Promise<KdFile>;
  appCopy(fileToken: string, p: { parent_token?: string; filename?: string; creator?: string }, o?: CallOptions): Promise<{ fileToken: string }>;
  appTrash(fileToken: string, o?: CallOptions): Promise<void>;
  appDestroy(fileToken: string, o?: CallOptions): Promise<void>;
  appEditUrl(fileToken: string, q?: { edit_token?: string }, o?: CallOptions): Promise<{ url: string }>;
  appAsyncUpload(p: { url: string; filename: string } & KdAppParent, o?: CallOptions): Promise<{ taskId: string }>;
  appAsyncUploadStatus(taskId: string, o?: CallOptions): Promise<KdTask>;
  appCopyTask(p: { file_tokens: string[]; parent_token: string }, o?: CallOptions): Promise<{ taskId: string }>;
  appMoveTask(p: { file_tokens: string[]; parent_token: string }, o?: CallOptions): Promise<{ taskId: string }>;
  appTask(taskId: string, o?: CallOptions): Promise<KdTask>;
  appTrashList(q: KdPaging, o?: CallOptions): Promise<KdPage<KdFile>>;
  appPutBack(fileToken: string, o?: CallOptions): Promise<KdFile>;
  appDeleteTrash(fileToken: string, o?: CallOptions): Promise<void>;
  appDestroyTrash(fileTokens: string[], o?: CallOptions): Promise<void>;
  appVolumeUsage(o?: CallOptions): Promise<KdUsage>;
}

/** OAuth of the personal APIs (not endpoints of the TSV; vendor-facts.md). */
export interface KdocsOAuth {
  /** The page the user opens in a browser to grant access. */
  authorizeUrl(p: { redirectUri: string; scopes: KdScope[]; state?: string }): string;
  exchangeCode(code: string, o?: CallOptions): Promise<KdTokenPair>;
  refreshAccessToken(refreshToken: string, o?: CallOptions): Promise<KdTokenPair>;
}
