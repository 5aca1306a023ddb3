import * as crypto from 'node:crypto';
import { serr } from './errors';
import {
  cloneContent, newSheet, type Content, type FileType, type History, type Mention, type Revision, type ShimoFile, type User,
} from './model';

/**
 * State of the Shimo sandbox: the app (its license and callback URL), the users Shimo knows with their seat status, and
 * the collaborative files by the integrator's ids.
 *
 * Choices where the reference is silent:
 * - File ids: non-empty, at most 64 characters (reference), no control characters. An id stays taken after a delete
 *   (create/import/copy with it: 409 40900): the integrator mints a new id per file, and a reused id would mix the old
 *   file's history with the new one's. While an import runs, its id is reserved (409 too) and the file does not exist
 *   yet (404); a failed import frees the id.
 * - A new file's content: an empty document; a spreadsheet with one empty sheet named after the language (`lang`
 *   query, else Accept-Language, else zh-CN): 工作表1 / Sheet1 / シート1; a presentation with one empty slide; an
 *   application table with one sheet 数据表1. Titles (the integrator's data, kept for export file names): 无标题 /
 *   Untitled / 無題.
 * - Every content edit (sheet update/append/delete rows/add sheet, import, control.setText/setSheetValues) adds 1 to
 *   the file's `revision` and records an edit history entry (historyType 2, content
 *   `{"range":[from,to],"changeset":"<what changed>"}`). Saved versions (the revisions API) are made by users in the
 *   editor (history action createRevision), never by the REST API: the seed has some, control.createRevision adds one.
 * - A copy gets the source's content and @mentions, no comments, no history and no versions; its title is the
 *   source's with " 副本" ("copy").
 * - Times are UTC instants; the APIs format them as the reference's examples do (see api.ts).
 */

export const API_USER = { userId: '1001', name: '沙箱用户 Sandbox User' } as const;
export const OTHER_USER = { userId: '1002', name: '张三' } as const;

export type Lang = 'zh-CN' | 'en' | 'ja';

const NEW_NAMES: Record<Lang, { title: string; sheet: string }> = {
  'zh-CN': { title: '无标题', sheet: '工作表1' },
  en: { title: 'Untitled', sheet: 'Sheet1' },
  ja: { title: '無題', sheet: 'シート1' },
};

/** lang query value or Accept-Language header -> one of the three languages the reference names (zh-CN default). */
export function langOf(query: string | null, acceptLanguage: string | undefined): Lang {
  const pick = (tag: string): Lang | undefined => {
    const t = tag.trim().toLowerCase();
    if (t.startsWith('zh')) return 'zh-CN';
    if (t.startsWith('en')) return 'en';
    if (t.startsWith('ja') || t === 'jp') return 'ja';
    return undefined;
  };
  if (query) return pick(query) ?? 'zh-CN';
  for (const part of (acceptLanguage ?? '').split(',')) {
    const l = pick(part.split(';')[0]);
    if (l) return l;
  }
  return 'zh-CN';
}

export function emptyContent(type: FileType, lang: Lang): Content {
  switch (type) {
    case 'spreadsheet':
      return { kind: 'sheets', sheets: [newSheet(NEW_NAMES[lang].sheet)] };
    case 'table':
      return { kind: 'sheets', sheets: [newSheet('数据表1')] };
    case 'presentation':
      return { kind: 'slides', slides: [[]] };
    default:
      return { kind: 'text', blocks: [] };
  }
}

export function checkFileId(v: unknown, field = 'fileId'): string {
  if (typeof v !== 'string' || v === '') throw serr.bad(`${field} is required`);
  if ([...v].length > 64) throw serr.bad(`${field} is longer than 64 characters`);
  if (/[\u0000-\u001f\u007f]/.test(v)) throw serr.bad(`${field} contains control characters`);
  return v;
}

export class Store {
  appName = '石墨沙箱应用 Shimo Sandbox App';
  endpointUrl = '';
  /** License window (app detail validFrom / validUntil). */
  readonly validFrom = Date.UTC(2023, 11, 31, 16);
  readonly validUntil = Date.UTC(2035, 11, 30, 16);
  readonly files = new Map<string, ShimoFile>();
  readonly reserved = new Set<string>();
  readonly users = new Map<string, User>();
  now: () => number = () => Date.now();
  private historySeq = 0;
  private revisionSeq = 11088;

  constructor(public seatLimit: number) {}

  // -------------------------------------------------------------- users and seats

  user(userId: string, name = userId, status: User['status'] = -1, createdAt = this.now()): User {
    let u = this.users.get(userId);
    if (!u) {
      u = { userId, name, status, createdAt };
      this.users.set(userId, u);
    }
    return u;
  }

  userName(userId: string): string {
    return this.users.get(userId)?.name ?? userId;
  }

  activeCount(): number {
    let n = 0;
    for (const u of this.users.values()) if (u.status === 1) n++;
    return n;
  }

  /** The reference: a 未启用 (-1) user is activated by its first call when a seat is free, else refused. */
  admit(userId: string): void {
    const u = this.users.get(userId);
    if (!u || u.status === 1) return;
    if (u.status === 0) throw serr.disabled(userId);
    if (this.activeCount() >= this.seatLimit) throw serr.seats(this.seatLimit);
    u.status = 1;
  }

  /** Activates all `ids` or none (403 40301 when they would not fit). Unknown ids become users Shimo knows. */
  activate(ids: string[]): void {
    const newlyActive = new Set(ids.filter((id) => this.users.get(id)?.status !== 1));
    if (this.activeCount() + newlyActive.size > this.seatLimit) throw serr.seats(this.seatLimit);
    for (const id of newlyActive) this.user(id).status = 1;
  }

  /** Known ids become 已禁用 (0); unknown ids are ignored. */
  deactivate(ids: string[]): void {
    for (const id of ids) {
      const u = this.users.get(id);
      if (u) u.status = 0;
    }
  }

  // -------------------------------------------------------------- files

  /** A live file, or 404 40401 (unknown, deleted, or an import still running). */
  get(id: string): ShimoFile {
    const f = this.files.get(id);
    if (!f || f.deleted) throw serr.file();
    return f;
  }

  /** 409 40900 unless `id` was never used. */
  checkFree(id: string): void {
    if (this.files.has(id) || this.reserved.has(id)) throw serr.exists(id);
  }

  add(id: string, type: FileType, title: string, content: Content, at = this.now()): ShimoFile {
    const f: ShimoFile = {
      id, type, title, revision: 1, deleted: false, content, createdAt: at, updatedAt: at,
      mentions: [], comments: 0, revisions: [], histories: [],
    };
    this.files.set(id, f);
    return f;
  }

  create(id: string, type: FileType, lang: Lang): ShimoFile {
    this.checkFree(id);
    return this.add(id, type, NEW_NAMES[lang].title, emptyContent(type, lang));
  }

  copy(source: ShimoFile, targetId: string): 'created' | 'repeated' {
    const existing = this.files.get(targetId);
    if (existing && existing.copiedFrom === source.id && !existing.deleted) return 'repeated';
    if (existing || this.reserved.has(targetId)) throw serr.copyConflict();
    const f = this.add(targetId, source.type, `${source.title} 副本`, cloneContent(source.content));
    f.mentions = source.mentions.map((m) => ({ ...m }));
    f.copiedFrom = source.id;
    return 'created';
  }

  // -------------------------------------------------------------- history and versions

  private objectId(at: number): string {
    const seq = (this.historySeq++).toString(16).padStart(16, '0');
    return Math.floor(at / 1000).toString(16).padStart(8, '0') + seq;
  }

  history(f: ShimoFile, historyType: 1 | 2, content: unknown, userIds: string[], at = this.now()): History {
    const h: History = { id: this.objectId(at), historyType, content: JSON.stringify(content), name: '', createdAt: at, updatedAt: at, userIds };
    f.histories.push(h);
    return h;
  }

  /** An edit by `userId`: revision + 1, updatedAt, and an edit history entry. */
  edited(f: ShimoFile, userId: string, changeset: string, at = this.now()): void {
    const from = f.revision;
    f.revision++;
    f.updatedAt = at;
    this.history(f, 2, { range: [from, f.revision], changeset }, [userId], at);
  }

  /** A saved version (what a user does in the editor): a createRevision operation history entry and the version. */
  saveRevision(f: ShimoFile, userId: string, title: string, at = this.now()): Revision {
    const h = this.history(f, 1, { action: 'createRevision' }, [userId], at);
    const r: Revision = { id: ++this.revisionSeq, title, docHistoryId: h.id, createdAt: at, updatedAt: at, userId };
    f.revisions.push(r);
    return r;
  }

  mention(f: ShimoFile, userId: string): Mention {
    const m = { userId, atGuid: `MODOC${crypto.randomBytes(8).toString('base64url').replace(/[-_]/g, 'x').slice(0, 11)}` };
    f.mentions.push(m);
    return m;
  }
}
