/**
 * Kingsoft Docs wire shapes. The reference pages document the envelope but few response fields (vendor-facts.md marks
 * most as [I]nferred), so answers are read through tolerant normalizers that accept the known spellings and hand the
 * rest of the client typed, stable shapes. The raw object is kept for callers that need a vendor-specific field.
 */

/** `{"code":0,"data":...}` on success, `{"code":n,"msg":"..."}` on error. */
export interface KdEnvelope<T = unknown> { code: number; data?: T; msg?: string; message?: string }

export type KdRaw = Record<string, unknown>;

/** A personal or app-space document or folder. */
export interface KdFile {
  /** file_token (personal: `id.open_id`). */
  token: string;
  unionId?: string;
  name: string;
  type: 'file' | 'folder';
  size: number;
  /** Unix seconds. */
  mtime: number;
  /** Unix seconds. */
  ctime: number;
  /** Content version number (app space). */
  version?: number;
  sha1?: string;
  /** Folder the item is in: its token, null = the root, undefined = the answer does not say. */
  parentToken?: string | null;
  creator?: string;
  modifier?: string;
  contentType?: string;
  /** Unix seconds when it went to the recycle bin (recycle-bin listings only). */
  deletedTime?: number;
  raw: KdRaw;
}

/** One page of a listing. `nextOffset` undefined = no more (the wire says -1). */
export interface KdPage<T> { items: T[]; nextOffset?: number; total?: number }

export interface KdDownload { url: string; size?: number; sha1?: string }

export interface KdVersion { version: number; size: number; mtime: number; modifier?: string; sha1?: string; raw: KdRaw }

export interface KdLink {
  url?: string;
  sid?: string;
  permission?: string;
  status?: string;
  /** Unix seconds, 0 = never. */
  expireTime?: number;
  extPermList?: string[];
  /** Collaborators added to the link (`members`), when the answer lists them. */
  members?: KdLinkMember[];
  raw: KdRaw;
}

export interface KdLinkMember { userId: string; permission: string }

export type KdTaskState = 'running' | 'success' | 'failed';
export interface KdTask { taskId: string; status: KdTaskState; progress?: number; result?: unknown; error?: string }

export interface KdTokenPair { app_id?: string; access_token: string; refresh_token: string; expires_in: number }
export interface KdUser { id: string; nickname?: string; avatar?: string; raw: KdRaw }
export interface KdEditToken { token: string; expires_in?: number }
export interface KdUsage { used: number; total?: number; raw: KdRaw }

/** OAuth scopes (vendor-facts.md). */
export const KD_SCOPES = [
  'user_basic', 'access_personal_files', 'download_personal_files', 'create_personal_files', 'edit_personal_files',
  'modify_personal_files',
] as const;
export type KdScope = (typeof KD_SCOPES)[number];

/** Vendor codes the client reacts to. Only 10003 and 20001 are documented; the 4xxxx are the sandbox's choice. */
export const KD_ERR = {
  NO_SHARE_RIGHT: 10003,
  BAD_OAUTH_CODE: 20001,
  BAD_SIGNATURE: 40001,
  BAD_DATE: 40002,
  BAD_MD5: 40003,
  BAD_TOKEN: 40101,
  TOKEN_EXPIRED: 40102,
  BAD_REFRESH: 40103,
  SCOPE: 40301,
  URL_EXPIRED: 40302,
  CAPACITY: 40303,
  /** The daily call quota of an endpoint is used up (HTTP 429); it resets at midnight UTC+8. */
  DAILY_QUOTA: 42901,
} as const;

// ---------------------------------------------------------------- normalizers

export function isRaw(v: unknown): v is KdRaw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first non-empty string among `vs` (a finite number as its text when there is none). */
export function str(...vs: unknown[]): string | undefined {
  for (const v of vs) if (typeof v === 'string' && v !== '') return v;
  for (const v of vs) if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** The first finite number among `vs` (numeric strings count). */
export function num(...vs: unknown[]): number | undefined {
  for (const v of vs) {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n === 'number' && Number.isFinite(n)) return n;
  }
  return undefined;
}

/** Seconds; millisecond timestamps (13 digits) are scaled down. */
function seconds(v: number | undefined): number {
  if (v === undefined) return 0;
  return v > 1e11 ? Math.floor(v / 1000) : v;
}

/** A file item from any kdocs answer, or undefined when it has no token. */
export function toKdFile(raw: unknown): KdFile | undefined {
  if (!isRaw(raw)) return undefined;
  const id = raw.id;
  const token = str(isRaw(id) ? id.open_id : id, raw.file_token, raw.token, raw.file_id);
  if (!token) return undefined;
  const ftype = str(raw.ftype, raw.type, raw.file_type)?.toLowerCase();
  const folder = ftype === 'folder' || ftype === 'dir' || raw.is_folder === true || raw.is_dir === true;
  const checksums = raw.checksums;
  return {
    token,
    unionId: str(isRaw(id) ? id.union_id : undefined, raw.union_id),
    name: str(raw.fname, raw.name, raw.file_name, raw.filename) ?? '',
    type: folder ? 'folder' : 'file',
    size: folder ? 0 : num(raw.fsize, raw.size, raw.file_size) ?? 0,
    mtime: seconds(num(raw.mtime, raw.modify_time, raw.update_time, raw.updated_at)),
    ctime: seconds(num(raw.ctime, raw.create_time, raw.created_at)),
    version: num(raw.version, raw.fver),
    sha1: str(raw.sha1, isRaw(checksums) ? checksums.sha1 : undefined),
    parentToken: parentTokenOf(raw),
    creator: str(isRaw(raw.creator) ? raw.creator.name : raw.creator, raw.creator_id),
    modifier: str(isRaw(raw.modifier) ? raw.modifier.name : raw.modifier, raw.modifier_id),
    contentType: str(raw.content_type, raw.mime_type),
    ...withDeletedTime(num(raw.deleted_time, raw.delete_time, raw.deleted_at)),
    raw,
  };
}

/** The first parent key the answer has decides: '' / '0' / 0 / null name the root (null), any other value a folder. */
function parentTokenOf(raw: KdRaw): string | null | undefined {
  for (const key of ['parent_token', 'parent_id', 'parentid']) {
    if (!(key in raw)) continue;
    const v = raw[key];
    return v === '' || v === '0' || v === 0 || v === null || v === undefined ? null : String(v);
  }
  return undefined;
}

/** Only recycle-bin items have the field, so other items keep their exact shape. */
function withDeletedTime(v: number | undefined): { deletedTime?: number } {
  return v === undefined ? {} : { deletedTime: seconds(v) };
}

/** The item array of a list answer (`files`, `list`, `items`... or the data itself). */
function itemsOf(data: unknown, keys: string[]): unknown[] {
  if (Array.isArray(data)) return data;
  if (!isRaw(data)) return [];
  for (const k of keys) if (Array.isArray(data[k])) return data[k] as unknown[];
  return [];
}

/**
 * A page from a list answer. Next offset: `next_offset` (-1 = no more) or `next`; without either, a full page means
 * "maybe more" at offset + items (caller passes the request's offset and count).
 */
export function toPage<T>(data: unknown, map: (raw: unknown) => T | undefined, req: { offset?: number; count?: number } = {}, keys = ['files', 'list', 'items', 'versions', 'records']): KdPage<T> {
  const rawItems = itemsOf(data, keys);
  const items = rawItems.map(map).filter((x): x is T => x !== undefined);
  const d = isRaw(data) ? data : {};
  const total = num(d.total, d.total_count);
  const next = num(d.next_offset, d.next);
  let nextOffset: number | undefined;
  if (next !== undefined) nextOffset = next >= 0 && rawItems.length > 0 ? next : undefined;
  else if (d.has_more === true || (d.has_more === undefined && req.count !== undefined && rawItems.length >= req.count)) {
    nextOffset = (req.offset ?? 0) + rawItems.length;
  }
  if (nextOffset !== undefined && total !== undefined && nextOffset >= total) nextOffset = undefined;
  return { items, nextOffset, total };
}

export function toDownload(data: unknown): KdDownload | undefined {
  if (!isRaw(data)) return undefined;
  const url = str(data.url, data.download_url);
  if (!url) return undefined;
  const checksums = data.checksums;
  return { url, size: num(data.fsize, data.size), sha1: str(isRaw(checksums) ? checksums.sha1 : undefined, data.sha1) };
}

export function toVersion(raw: unknown): KdVersion | undefined {
  if (!isRaw(raw)) return undefined;
  const version = num(raw.version, raw.fver);
  if (version === undefined) return undefined;
  return {
    version,
    size: num(raw.fsize, raw.size) ?? 0,
    mtime: seconds(num(raw.mtime, raw.modify_time, raw.update_time)),
    modifier: str(isRaw(raw.modifier) ? raw.modifier.name : raw.modifier, raw.modifier_id),
    sha1: str(raw.sha1),
    raw,
  };
}

export function toLink(data: unknown): KdLink | undefined {
  if (!isRaw(data)) return undefined;
  const ext = data.ext_perm_list;
  return {
    url: str(data.link_url, data.url),
    sid: str(data.sid, data.link_id),
    permission: str(data.link_permission, data.permission),
    status: str(data.status),
    expireTime: num(data.expire_time, data.expire_period),
    extPermList: Array.isArray(ext) ? ext.map(String) : undefined,
    members: Array.isArray(data.members) ? data.members.map(toMember).filter((m): m is KdLinkMember => m !== undefined) : undefined,
    raw: data,
  };
}

function toMember(raw: unknown): KdLinkMember | undefined {
  if (!isRaw(raw)) return undefined;
  const userId = str(raw.user_id, raw.userid, raw.id);
  return userId ? { userId, permission: str(raw.permission, raw.link_permission) ?? 'read' } : undefined;
}

/**
 * State of a task (or of one file in a batch task's results) from its status word. Every spelling of an end without
 * success is 'failed': an unrecognised end state would otherwise be polled until the poll timeout. Anything else
 * (running, pending, queued, '' ...) is still running.
 */
export function taskState(status: string): KdTaskState {
  const s = status.toLowerCase();
  if (/^(success|succeeded|ok|finish|finished|done|complete|completed)$/.test(s)) return 'success';
  if (/^(fail|failed|failure|error|cancel|cancelled|canceled|abort|aborted|timeout|timed_out|expired)$/.test(s)) return 'failed';
  return 'running';
}

export function toTask(data: unknown, fallbackId = ''): KdTask | undefined {
  if (!isRaw(data)) return undefined;
  const word = str(data.status, data.state) ?? '';
  const status = taskState(word);
  return {
    taskId: str(data.task_id, data.taskId, data.id) ?? fallbackId,
    status,
    progress: num(data.progress),
    result: data.result ?? data.data,
    // A task that ended without a message (e.g. "cancelled") is described by its state.
    error: str(data.error, data.msg, data.message) ?? (status === 'failed' ? word : undefined),
  };
}

/** `task_id` (sometimes `taskId`) of an answer that starts a task. */
export function taskIdOf(data: unknown): string | undefined {
  return isRaw(data) ? str(data.task_id, data.taskId, data.id) : typeof data === 'string' ? data : undefined;
}

export function toUser(data: unknown): KdUser | undefined {
  if (!isRaw(data)) return undefined;
  const id = str(data.id, data.user_id, data.open_id, data.union_id);
  return id ? { id, nickname: str(data.nickname, data.name), avatar: str(data.avatar), raw: data } : undefined;
}
