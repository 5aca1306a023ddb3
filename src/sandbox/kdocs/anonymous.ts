import * as crypto from 'node:crypto';
import { bufferBlob, readAll, type Blob } from '../common/blob';
import { fetchLoopback, FetchRefused, loopbackUrl } from '../common/fetch';
import { escapeHtml, htmlPage, type Reply } from '../common/http';
import { newSecret } from '../common/secrets';
import { keepResult, type Deps } from './deps';
import { extOf, familyOf } from './documents';
import { KdError, kerr } from './errors';
import type { OfficeTasks } from './office';
import { requiredStr, str, type Ctx, type RouteDef } from './router';

/**
 * Anonymous preview (WPS-2 auth), vendor pages "匿名预览应用文档 / 云盘文档 / 本地文档", "刷新匿名预览凭证", "取消匿名预览凭证",
 * "匿名任务结果查询":
 *
 *   POST   /anonymous/preview/appspace/with_token  {file_token, download?}                 -> {task_id}
 *   POST   /anonymous/preview/cloud/with_token     {filename, url, download?}              -> {task_id}
 *   POST   /anonymous/preview/local/with_token     multipart: file, filename?, download?   -> {task_id}
 *          header `Content-Disposition: filename="x.docx"` (not signed) wins over the form's `filename` field; with
 *          neither: 400, code 10001 "InvalidArgument" (the page's error). The file part's own filename does not count.
 *   GET    /anonymous/tasks/:task_id   -> {task_id, status, progress, message?, task, result?: {url, token, expires_in,
 *                                         expire_time, filename, download}}   (same task mechanics as office.ts)
 *   POST   /anonymous/token  {token}   -> {token, expires_in, expire_time, url}: a new token for the same preview; the
 *                                         old one stops working at once
 *   DELETE /anonymous/token/:token     -> {}: the token stops working
 *
 * Choices where the pages are silent: the preview page is `<host>/preview/<id>?token=<token>` (`result.url` carries
 * the token; after a renewal, put the new token into it): a small HTML page naming the document, with a download link
 * when `download` was true. It answers 403 (code 40304) once the token is expired (24 h by default, as the page says;
 * control.setAnonymousTokenTtl, control.advanceClock) and 404 once it was renewed or cancelled. Renewing an expired
 * token is refused (403 40304: "create a new preview task", as the page says); an unknown or cancelled one is 404
 * 40401. Previewable types: those documents.ts knows (office families and .pdf); others 400.
 */

interface Preview { id: string; filename: string; blob: Blob; download: boolean }
interface AnonToken { token: string; preview: string; expiresAt: number; live: boolean }

export const ANON_TOKEN_TTL_SEC = 24 * 3600;
/** Previews kept (oldest forgotten first, their pages answer 404), so a long-running sandbox does not grow. */
const PREVIEWS_KEPT = 200;

export class AnonymousPreviews {
  ttlSec = ANON_TOKEN_TTL_SEC;
  private readonly previews = new Map<string, Preview>();
  private readonly tokens = new Map<string, AnonToken>();

  constructor(private readonly d: Deps) {}

  private now(): number {
    return this.d.urls.now();
  }

  private url(previewId: string, token: string): string {
    return `${this.d.host}/preview/${previewId}?token=${encodeURIComponent(token)}`;
  }

  private issue(previewId: string): { token: string; expires_in: number; expire_time: number; url: string } {
    const token = newSecret(20, 'hex');
    const expiresAt = this.now() + this.ttlSec * 1000;
    this.tokens.set(token, { token, preview: previewId, expiresAt, live: true });
    return { token, expires_in: this.ttlSec, expire_time: Math.floor(expiresAt / 1000), url: this.url(previewId, token) };
  }

  create(filename: string, data: Buffer, download: boolean): Record<string, unknown> {
    const id = crypto.randomBytes(12).toString('hex');
    this.previews.set(id, { id, filename, blob: bufferBlob(data), download });
    for (const old of this.previews.keys()) {
      if (this.previews.size <= PREVIEWS_KEPT) break;
      this.previews.delete(old);
    }
    const t = this.issue(id);
    return { url: t.url, token: t.token, expires_in: t.expires_in, expire_time: t.expire_time, filename, download };
  }

  private live(token: string): AnonToken {
    const t = this.tokens.get(token);
    if (!t || !t.live) throw new KdError(404, 40401, 'anonymous token not found');
    return t;
  }

  renew(token: string): Record<string, unknown> {
    const t = this.live(token);
    if (t.expiresAt <= this.now()) throw new KdError(403, 40304, 'anonymous token expired: create a new preview task');
    t.live = false;
    return this.issue(t.preview);
  }

  cancel(token: string): void {
    this.live(token).live = false;
  }

  /** The preview page (GET /preview/<id>?token=). */
  page(previewId: string, query: Record<string, string>): Reply {
    const p = this.previews.get(previewId);
    const t = query.token ? this.tokens.get(query.token) : undefined;
    if (!p || !t || !t.live || t.preview !== previewId) throw new KdError(404, 40401, 'preview not found or token cancelled');
    if (t.expiresAt <= this.now()) throw new KdError(403, 40304, 'anonymous token expired');
    const download = p.download
      ? `<p><a href="${escapeHtml(this.d.urls.download({ filehash: p.blob.sha1, filename: p.filename, open: false }))}">下载 Download</a></p>`
      : '<p>(download disabled)</p>';
    keepResult(this.d, p.blob);
    return { status: 200, html: htmlPage(`预览 ${p.filename}`, `<p>${escapeHtml(p.filename)} · ${p.blob.size} bytes</p>${download}`, 'Kingsoft Docs sandbox · anonymous preview') };
  }
}

function boolField(c: Ctx, name: string): boolean {
  const v = c.body[name];
  if (v === undefined || v === null || v === '') return false;
  if (v === true || v === 'true' || v === 1 || v === '1') return true;
  if (v === false || v === 'false' || v === 0 || v === '0') return false;
  throw kerr.param(`${name} must be a boolean`);
}

/** `filename="x"` / `filename*=UTF-8''x` of a Content-Disposition header (raw UTF-8 bytes arrive as latin1). */
export function dispositionFilename(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const ext = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (ext) {
    try {
      return decodeURIComponent(ext[1].trim());
    } catch {
      return undefined;
    }
  }
  const m = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/.exec(header);
  const raw = m ? (m[1]?.replace(/\\(.)/g, '$1') ?? m[2].trim()) : undefined;
  return raw === undefined || raw === '' ? undefined : Buffer.from(raw, 'latin1').toString('utf8');
}

function previewable(filename: string): void {
  const ext = extOf(filename);
  if (!familyOf(ext)) throw kerr.param(`unsupported document type ${ext || '(no extension)'} for preview`);
}

export function anonymousRoutes(d: Deps, previews: AnonymousPreviews, tasks: OfficeTasks): RouteDef[] {
  const w = (method: string, path: string, handle: (c: Ctx) => unknown): RouteDef => ({ method, path, auth: 'wps2', handle });
  const task = (filename: string, download: boolean, data: () => Promise<Buffer>) => ({
    task_id: tasks.create(async (t) => {
      const bytes = await data();
      t.setSize(bytes.length);
      return previews.create(filename, bytes, download);
    }),
  });
  return [
    w('POST', '/anonymous/preview/appspace/with_token', (c) => {
      const e = d.app.live(requiredStr(c, 'file_token'));
      if (e.dir) throw kerr.param('a file is required, got a folder');
      previewable(e.name);
      const bytes = readAll(d.app.blobOf(d.app.current(e)));
      return task(e.name, boolField(c, 'download'), async () => bytes);
    }),
    w('POST', '/anonymous/preview/cloud/with_token', (c) => {
      const filename = requiredStr(c, 'filename');
      const url = requiredStr(c, 'url');
      previewable(filename);
      try {
        loopbackUrl(url);
      } catch (e) {
        throw kerr.param(e instanceof FetchRefused ? e.message : 'url could not be used');
      }
      return task(filename, boolField(c, 'download'), () => fetchLoopback(url));
    }),
    w('POST', '/anonymous/preview/local/with_token', (c) => {
      const file = c.files.find((f) => f.field === 'file');
      if (!file) throw new KdError(400, 10001, 'InvalidArgument: multipart field "file" is required');
      const header = c.headers['content-disposition'];
      const filename = dispositionFilename(Array.isArray(header) ? header[0] : header) || str(c, 'filename');
      if (!filename) throw new KdError(400, 10001, 'InvalidArgument: no file name (Content-Disposition header or form field "filename")');
      previewable(filename);
      return task(filename, boolField(c, 'download'), async () => file.data);
    }),
    w('GET', '/anonymous/tasks/:task_id', (c) => tasks.poll(c.params.task_id)),
    w('POST', '/anonymous/token', (c) => previews.renew(requiredStr(c, 'token'))),
    w('DELETE', '/anonymous/token/:token', (c) => {
      previews.cancel(c.params.token);
      return {};
    }),
  ];
}
