import { bufferBlob, type Blob } from '../common/blob';
import { minimalDocx } from '../common/ooxml';
import type { TemporaryUrls } from '../common/urls';
import type { OAuth } from './auth';
import { kerr } from './errors';
import type { Entry, Space, SpaceName } from './store';
import type { Tasks } from './tasks';

/** State shared by the kdocs route handlers. */

export type { SpaceName } from './store';

/** Target of an edit page URL (`/edit/<token>`). */
export interface EditPage { space: SpaceName; token: string; editToken: string }
export type KdocsUrls = TemporaryUrls<EditPage>;

export interface KdocsUser { id: string; unionId: string; nickname: string; avatar: string }

export interface Deps {
  host: string;
  personal: Space;
  app: Space;
  /** The app's folder inside the personal space (search and apps/files work there). */
  appFolder(): Entry;
  user: KdocsUser;
  urls: KdocsUrls;
  oauth: OAuth;
  tasks: Tasks;
  /** Personal share links: sid -> file token. */
  shares: Map<string, string>;
  /** Content the sandbox made (conversion results, previews, outline images), served by /dl/ URLs like files. */
  results: Map<string, Blob>;
}

/** Bounds of `results`: the embedded sandbox runs for days, results are only worth their URLs' 30 minutes. */
export const RESULTS_MAX = { count: 300, bytes: 256 * 1024 * 1024 };

/** Keeps `blob` in `results` (newest last), dropping the oldest results beyond RESULTS_MAX; their URLs answer 404. */
export function keepResult(d: Deps, blob: Blob): void {
  d.results.delete(blob.sha1);
  d.results.set(blob.sha1, blob);
  let bytes = 0;
  for (const b of d.results.values()) bytes += b.size;
  for (const [key, b] of d.results) {
    if (d.results.size <= RESULTS_MAX.count && bytes <= RESULTS_MAX.bytes) break;
    if (key === blob.sha1) continue;
    d.results.delete(key);
    bytes -= b.size;
  }
}

export function spaceOf(d: Deps, name: SpaceName): Space {
  return name === 'personal' ? d.personal : d.app;
}

/** Content type by extension (what "获取文档信息" reports). */
export function contentType(name: string): string {
  const ext = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  const known: Record<string, string> = {
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    doc: 'application/msword',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    xls: 'application/vnd.ms-excel',
    pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ppt: 'application/vnd.ms-powerpoint',
    pdf: 'application/pdf',
    txt: 'text/plain', md: 'text/markdown', csv: 'text/csv', json: 'application/json',
    png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg',
    ksheet: 'application/vnd.kdocs.ksheet', dbt: 'application/vnd.kdocs.dbt', otl: 'application/vnd.kdocs.otl',
  };
  return known[ext] ?? 'application/octet-stream';
}

/**
 * Content behind a URL given to "create from cloud file" / async upload. The sandbox has no internet: only its own
 * temporary download URLs resolve; anything else fails like an unreachable URL would.
 */
export function contentFromUrl(d: Deps, url: string): Blob {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw kerr.param('url must be an absolute URL');
  }
  const m = /^\/dl\/([^/]+)$/.exec(u.pathname);
  if (u.origin !== new URL(d.host).origin || !m) throw kerr.param('url could not be downloaded (the sandbox only reaches its own download URLs)');
  const target = d.urls.resolveDownload(m[1], Object.fromEntries(u.searchParams));
  const blob = d.personal.blobs.get(target.filehash) ?? d.app.blobs.get(target.filehash);
  if (!blob) throw kerr.notFound('content');
  return blob;
}

/** File types "创建空白文档" accepts. */
export const BLANK_TYPES = ['.ksheet', '.dbt', '.otl', '.pptx', '.ppt', '.docx', '.doc', '.xlsx', '.xls'];

/** Content of a new blank document (a valid empty .docx; other types start empty). */
export function blankContent(name: string): Blob {
  const ext = /\.[^.]+$/.exec(name)?.[0]?.toLowerCase() ?? '';
  if (!BLANK_TYPES.includes(ext)) throw kerr.param(`unsupported document type; use one of ${BLANK_TYPES.join(' ')}`);
  return bufferBlob(ext === '.docx' ? minimalDocx([]) : Buffer.alloc(0));
}
