/**
 * Vendor-level composites behind the Kingsoft Docs commands of the extension (plain Node, no vscode): batch
 * copy/move/delete with per-file results, blank documents, imports from URLs, share links and collaborators, edit
 * tokens, app-space versions, recycle bins, search and the path-less personal sections. Everything takes the same
 * paths as the two KdocsRemoteFs mounts (plain or token paths, see tokenpath.ts), so the glue stays thin.
 *
 * Batches use the task APIs. The real service documents no result shape beyond success/failure of the task; the
 * sandbox processes every file and lists per-file outcomes in `result.results` (`{file_token, status, msg}`, see
 * src/sandbox/kdocs/tasks.ts). After a failed task its final status is read once more: a file it reports is taken as
 * reported (a reported failure is not retried: the service said why, and the same batch would fail again), and only
 * files it does not report are checked for their state and, when not done, retried one by one. Every file ends in
 * `succeeded` or in `failed` with its own error. Errors that concern the whole batch (cancelled, signed out, offline,
 * rate limited) are thrown instead.
 */
import {
  AlreadyExistsError, BadResponseError, DocError, type DocErrorKind, InvalidInputError, isDocError, rewrapError,
  unlessNotFound,
} from '../../core/errors';
import type { CallOptions, Entry, Page, ProgressFn } from '../../core/model';
import { parseCursor } from '../../core/paging';
import { baseName, normalizePath, parentPath, splitExt } from '../../core/paths';
import { type KdocsClient, taskError } from './client';
import { corePage, type KdocsRemoteFs } from './remotefs';
import {
  isRaw, type KdEditToken, type KdFile, type KdLink, type KdPage, type KdUsage, type KdVersion, taskState, toKdFile,
} from './wire';

export type KdSpaceName = 'personal' | 'appspace';

/** Types "create blank document" accepts (online documents first). */
export const KD_BLANK_TYPES = ['.otl', '.ksheet', '.dbt', '.docx', '.xlsx', '.pptx', '.doc', '.xls', '.ppt'] as const;

/** Per-file outcome of a batch on paths. */
export interface BatchResult { succeeded: string[]; failed: Array<{ path: string; error: DocError }> }
/** Per-item outcome of a batch on recycle-bin tokens. */
export interface TokenBatchResult { succeeded: string[]; failed: Array<{ token: string; error: DocError }> }

/** `onProgress(done, total)` counts files. */
export type BatchOptions = CallOptions & { onProgress?: ProgressFn };
export type PageOptions = CallOptions & { pageSize?: number };

export interface ShareOptions {
  permission: 'read' | 'write';
  /** Readers may comment (ext_perm_list ["comment"]). */
  comment?: boolean;
  /** Days the link stays valid; 0 = forever (default). */
  period?: 0 | 7 | 30;
  /** Who the link is for; the API knows only "anyone". */
  range?: 'anyone';
  /** A new link address (the old one stops working). */
  reset?: boolean;
}

export type PersonalSection = 'recent' | 'starred' | 'appFolder';

/** Errors that are about the whole batch, never about one file: thrown, not reported per file. */
const BATCH_LEVEL: ReadonlySet<DocErrorKind> = new Set(['Cancelled', 'Unauthorized', 'Network', 'Timeout', 'RateLimited']);

function isBatchLevel(e: unknown): boolean {
  return !isDocError(e) || BATCH_LEVEL.has(e.kind);
}

const DEFAULT_PAGE = 100;

/** One resolved source of a batch. */
interface Source { path: string; token: string; name: string }

/** Per-file outcomes a finished batch task reported, by source token: undefined = done, else the failure message. */
type FileReports = ReadonlyMap<string, string | undefined>;

/** A batch task that failed and said per file what happened (kind and message of the task's error). */
class FailedTask extends DocError {
  constructor(cause: DocError, readonly files: FileReports) {
    super(cause.kind, cause.message, { status: cause.status, vendorCode: cause.vendorCode, vendor: cause.vendor, cause });
  }
}

/** How one kind of batch runs in one space. */
interface BatchKind {
  /** Starts the task for `tokens`; resolves when it finished successfully (a FailedTask when it reported per file). */
  run(tokens: string[], o: BatchOptions): Promise<void>;
  /** After a failed task: the sources it did handle. */
  done(sources: Source[], o: CallOptions): Promise<Set<string>>;
}

export class KdocsOperations {
  constructor(
    readonly client: KdocsClient,
    private readonly mounts: { personal: KdocsRemoteFs; appspace: KdocsRemoteFs },
  ) {}

  fsOf(space: KdSpaceName): KdocsRemoteFs {
    return this.mounts[space];
  }

  // ---------------------------------------------------------------- personal sections and search

  /** Recent, starred or app-folder items as entries at token paths (KdocsRemoteFs.entryOf). */
  async section(section: PersonalSection, cursor?: string, o?: PageOptions): Promise<Page<Entry>> {
    const q = { offset: parseCursor(cursor), count: o?.pageSize ?? DEFAULT_PAGE };
    const page = section === 'recent' ? await this.client.personalRecent(q, o)
      : section === 'starred' ? await this.client.personalStar(q, o) : await this.client.personalAppFiles(q, o);
    return this.personalEntries(page);
  }

  /** Personal files by name or by content (the service searches the app's folder), as entries at token paths. */
  async search(keyword: string, mode: 'name' | 'content', cursor?: string, o?: PageOptions): Promise<Page<Entry>> {
    if (keyword.trim() === '') throw new InvalidInputError('Type something to search for');
    const q = { keyword, offset: parseCursor(cursor), count: o?.pageSize ?? DEFAULT_PAGE };
    const page = mode === 'name' ? await this.client.personalSearchName(q, o) : await this.client.personalSearchContent(q, o);
    return this.personalEntries(page);
  }

  private personalEntries(page: KdPage<KdFile>): Page<Entry> {
    return corePage(page, (f) => this.mounts.personal.entryOf(f));
  }

  // ---------------------------------------------------------------- batches

  /** Copies `paths` into folder `destFolder` of the same space (taken names become "name (1)"). */
  copyMany(space: KdSpaceName, paths: string[], destFolder: string, o: BatchOptions = {}): Promise<BatchResult> {
    return this.batch(space, paths, o, async () => {
      const folder = await this.fsOf(space).folderTokenOf(destFolder, o);
      const before = await this.childTokens(space, folder, o);
      return {
        run: (tokens, ro) => this.runTask(space, space === 'personal'
          ? () => this.client.personalCopyTask({ file_tokens: tokens, parent_id: folder ?? '0' }, ro)
          : () => this.client.appCopyTask({ file_tokens: tokens, parent_token: folder ?? '' }, ro), ro),
        // Copies get new tokens: a source counts as copied when a new item in the folder carries its name (or
        // "name (n)"); each new item vouches for one source.
        done: async (group, co) => {
          const fresh = (await this.fsOf(space).children(folder, co)).filter((f) => !before.has(f.token));
          const copied = new Set<string>();
          for (const s of group) {
            const i = fresh.findIndex((f) => isCopyName(f.name, s.name));
            if (i >= 0) {
              copied.add(s.token);
              fresh.splice(i, 1);
            }
          }
          return copied;
        },
      };
    });
  }

  /** Moves `paths` into folder `destFolder` of the same space (taken names become "name (1)"). */
  async moveMany(space: KdSpaceName, paths: string[], destFolder: string, o: BatchOptions = {}): Promise<BatchResult> {
    const result = await this.batch(space, paths, o, async () => {
      const folder = await this.fsOf(space).folderTokenOf(destFolder, o);
      return {
        run: (tokens, ro) => this.runTask(space, space === 'personal'
          ? () => this.client.personalMoveTask({ file_tokens: tokens, parent_id: folder ?? '0' }, ro)
          : () => this.client.appMoveTask({ file_tokens: tokens, parent_token: folder ?? '' }, ro), ro),
        done: async (_s, co) => this.childTokens(space, folder, co),
      };
    });
    this.forgetPaths(space, result.succeeded);
    return result;
  }

  /**
   * Deletes `paths`: to the recycle bin, or for good with `permanent`. Personal files go in one delete task (and with
   * `permanent` are then destroyed in the recycle bin); the app space has no batch delete, so its files go one by one.
   */
  async deleteMany(space: KdSpaceName, paths: string[], o: BatchOptions & { permanent?: boolean } = {}): Promise<BatchResult> {
    let sources: Source[] = [];
    const result = space === 'appspace'
      ? await this.batch(space, paths, o, async () => ({
        run: async ([t], ro) => { await (o.permanent ? this.client.appDestroy(t, ro) : this.client.appTrash(t, ro)); },
        done: async () => new Set<string>(), // never asked: groups of one
      }), 1)
      : await this.batch(space, paths, o, async (all) => {
        sources = all;
        return {
          run: (tokens, ro) => this.runTask(space, () => this.client.personalDeleteTask({ file_tokens: tokens }, ro), ro),
          done: async (group, co) => {
            const gone = new Set<string>();
            for (const s of group) if (!(await unlessNotFound(this.client.personalSimple(s.token, co)))) gone.add(s.token);
            return gone;
          },
        };
      });
    this.forgetPaths(space, result.succeeded);
    if (space === 'personal' && o.permanent) {
      await this.destroyTrashed(result, sources.filter((s) => result.succeeded.includes(s.path)), o);
    }
    return result;
  }

  /** Permanent personal delete, step 2: destroys the trashed files; when that fails they stay in the recycle bin. */
  private async destroyTrashed(result: BatchResult, trashed: Source[], o: CallOptions): Promise<void> {
    if (!trashed.length) return;
    try {
      await this.client.personalDestroy(trashed.map((s) => s.token), o);
    } catch (e) {
      if (isBatchLevel(e)) throw e;
      for (const s of trashed) {
        result.succeeded.splice(result.succeeded.indexOf(s.path), 1);
        result.failed.push({ path: s.path, error: rewrapError(e, `"${s.path}" is in the recycle bin but could not be deleted for good`) });
      }
    }
  }

  /**
   * The common batch: resolve every path (failures are per file), run `kind` on groups of `chunk` sources (default:
   * all at once), and after a failed group take what it reported per file; for the files it did not report, check
   * which it handled and retry the others one by one.
   */
  private async batch(
    space: KdSpaceName, paths: string[], o: BatchOptions, prepare: (sources: Source[]) => Promise<BatchKind>, chunk = Infinity,
  ): Promise<BatchResult> {
    const unique = [...new Set(paths.map(normalizePath))];
    const result: BatchResult = { succeeded: [], failed: [] };
    const settled = () => result.succeeded.length + result.failed.length;
    const progress = () => o.onProgress?.(settled(), unique.length);
    const fail = (path: string, err: unknown) => {
      if (isBatchLevel(err)) throw err;
      result.failed.push({ path, error: err as DocError });
    };
    const sources: Source[] = [];
    for (const path of unique) {
      try {
        const e = await this.fsOf(space).stat(path, o);
        if (!e.id) throw new InvalidInputError(`"${path}" is no file or folder that can be copied, moved or deleted`);
        sources.push({ path, token: e.id, name: e.name });
      } catch (err) {
        fail(path, err);
      }
    }
    if (!sources.length) return result;
    const kind = await prepare(sources);
    for (let i = 0; i < sources.length; i += chunk) {
      const group = sources.slice(i, i + chunk);
      const before = settled();
      const onProgress = (pct: number) => o.onProgress?.(before + Math.floor((pct * group.length) / 100), unique.length);
      let failure: unknown;
      try {
        await kind.run(group.map((s) => s.token), { signal: o.signal, onProgress });
        result.succeeded.push(...group.map((s) => s.path));
        progress();
        continue;
      } catch (err) {
        failure = err;
      }
      if (isBatchLevel(failure)) throw failure;
      if (group.length === 1) {
        fail(group[0].path, sourceError(group[0], failure));
        progress();
        continue;
      }
      const reported: FileReports = failure instanceof FailedTask ? failure.files : new Map();
      const done = group.every((s) => reported.has(s.token)) ? new Set<string>() : await kind.done(group, o);
      for (const s of group) {
        if (reported.has(s.token)) {
          if (reported.get(s.token) === undefined) result.succeeded.push(s.path);
          else fail(s.path, sourceError(s, failure));
        } else if (done.has(s.token)) {
          result.succeeded.push(s.path);
        } else {
          try {
            await kind.run([s.token], { signal: o.signal });
            result.succeeded.push(s.path);
          } catch (err) {
            fail(s.path, sourceError(s, err));
          }
        }
        progress();
      }
    }
    return result;
  }

  /**
   * Starts a task and waits for it, reporting its percentage. When it fails, its final status is read again for the
   * per-file outcomes (waitTask keeps only the message): then the error is a FailedTask.
   */
  private async runTask(space: KdSpaceName, start: () => Promise<{ taskId: string }>, o: BatchOptions): Promise<void> {
    const { taskId } = await start();
    try {
      await this.client.waitTask(space, taskId, o);
    } catch (err) {
      if (isBatchLevel(err)) throw err;
      const files = await this.taskReports(space, taskId, o);
      throw files.size ? new FailedTask(err as DocError, files) : err;
    }
  }

  /** Per-file outcomes of a finished task; none when it lists none or cannot be read again (batch-level errors throw). */
  private async taskReports(space: KdSpaceName, taskId: string, o: CallOptions): Promise<FileReports> {
    try {
      const t = space === 'personal' ? await this.client.personalTask(taskId, o) : await this.client.appTask(taskId, o);
      return fileReports(t.result);
    } catch (err) {
      if (isBatchLevel(err)) throw err;
      return new Map();
    }
  }

  private async childTokens(space: KdSpaceName, folder: string | undefined, o: CallOptions): Promise<Set<string>> {
    return new Set((await this.fsOf(space).children(folder, o)).map((f) => f.token));
  }

  private forgetPaths(space: KdSpaceName, paths: string[]): void {
    for (const p of paths) this.fsOf(space).invalidate(p);
  }

  // ---------------------------------------------------------------- creating

  /**
   * A blank document of a KD_BLANK_TYPES type at `path` (AlreadyExistsError when taken), with the URL that opens it
   * for editing in the browser (it carries an edit token: treat it as a secret, never log it). Once the document
   * exists it is returned even when that URL cannot be had: then `editUrl` is missing and `editUrlError` says why.
   */
  async createBlank(
    space: KdSpaceName, path: string, o?: CallOptions,
  ): Promise<{ entry: Entry; editUrl?: string; editUrlError?: DocError }> {
    const p = normalizePath(path);
    const name = baseName(p);
    const ext = splitExt(name).ext.toLowerCase();
    if (!(KD_BLANK_TYPES as readonly string[]).includes(ext)) {
      throw new InvalidInputError(`A blank Kingsoft Docs document must end in one of ${KD_BLANK_TYPES.join(' ')}`);
    }
    const fs = this.fsOf(space);
    const dir = parentPath(p);
    const folder = await fs.folderTokenOf(dir, o);
    if (await unlessNotFound(fs.stat(p, o))) throw new AlreadyExistsError(`"${p}" already exists`);
    const f = space === 'personal'
      ? await this.client.personalCreateFile({ filename: name, parent_id: folder }, o)
      : await this.client.appFileInfo((await this.client.appCreateFile({ filename: name, parent_token: folder }, o)).fileToken, o);
    const entry = fs.entryIn(dir, f);
    try {
      return { entry, editUrl: await this.editUrlOf(space, f.token, undefined, o) };
    } catch (e) {
      return { entry, editUrlError: isDocError(e) ? e : rewrapError(e, `"${p}" was created; its edit link`) };
    }
  }

  /**
   * A new file `filename` in `folderPath` with the content behind `url`: personal files from a cloud-drive URL
   * (`files/cloud`, immediate), app-space files by the async upload task (polled; `onProgress(percent, 100)`).
   * The URL never appears in errors or logs.
   */
  async importFromUrl(
    space: KdSpaceName, folderPath: string, url: string, filename: string, o: CallOptions & { onProgress?: ProgressFn } = {},
  ): Promise<Entry> {
    const fs = this.fsOf(space);
    const folder = await fs.folderTokenOf(folderPath, o);
    if (space === 'personal') {
      const f = await this.client.personalCreateFromCloud({ url, filename, parent_id: folder }, o);
      o.onProgress?.(100, 100);
      return fs.entryIn(folderPath, f);
    }
    const { taskId } = await this.client.appAsyncUpload({ url, filename, parent_token: folder }, o);
    const token = toKdFile(await this.client.waitTask('asyncUpload', taskId, o))?.token;
    if (!token) throw new BadResponseError(`upload of "${filename}" from a URL: the task named no file`);
    return fs.entryIn(folderPath, await this.client.appFileInfo(token, o));
  }

  /** URL that opens the document for editing in the browser (secret: it carries an edit token). */
  async editUrl(space: KdSpaceName, path: string, o?: CallOptions & { editToken?: string }): Promise<string> {
    return this.editUrlOf(space, await this.fsOf(space).tokenOf(path, o), o?.editToken, o);
  }

  private async editUrlOf(space: KdSpaceName, token: string, editToken: string | undefined, o?: CallOptions): Promise<string> {
    const q = editToken ? { edit_token: editToken } : undefined;
    return (space === 'personal' ? await this.client.personalEditUrl(token, q, o) : await this.client.appEditUrl(token, q, o)).url;
  }

  // ---------------------------------------------------------------- sharing (personal files)

  /** Creates the share link of a personal file, or changes its settings (re-opens a cancelled one). */
  async share(path: string, s: ShareOptions, o?: CallOptions): Promise<KdLink> {
    return this.client.personalCreateLink(await this.personalToken(path, o), {
      range: s.range ?? 'anyone',
      permission: s.permission,
      status: 'open',
      ext_perm_list: s.comment ? ['comment'] : [],
      period: s.period ?? 0,
      reset: s.reset,
    }, o);
  }

  /** The open share link of a personal file; undefined when it has none or it was cancelled. */
  async getShare(path: string, o?: CallOptions): Promise<KdLink | undefined> {
    const link = await unlessNotFound(this.client.personalGetLink(await this.personalToken(path, o), o));
    return link && link.status !== 'close' ? link : undefined;
  }

  async cancelShare(path: string, o?: CallOptions): Promise<void> {
    await this.client.personalCancelLink(await this.personalToken(path, o), o);
  }

  /** Adds collaborators (user ids) to the file's share link (NotFoundError when the file is not shared). */
  async addCollaborators(path: string, userIds: string[], permission: 'read' | 'write', o?: CallOptions): Promise<KdLink> {
    if (!userIds.length) throw new InvalidInputError('Name at least one collaborator');
    return this.client.personalAddLinkMembers(await this.personalToken(path, o), { user_ids: userIds, permission }, o);
  }

  async updateCollaborator(path: string, userId: string, permission: 'read' | 'write', o?: CallOptions): Promise<KdLink> {
    return this.client.personalUpdateLinkMember(await this.personalToken(path, o), userId, { permission }, o);
  }

  async removeCollaborator(path: string, userId: string, o?: CallOptions): Promise<void> {
    await this.client.personalRemoveLinkMember(await this.personalToken(path, o), userId, o);
  }

  /** The share link with an edit token, for pasting (secret). NotFoundError when the file has no share link yet. */
  async linkWithEditToken(path: string, o?: CallOptions & { editToken?: string }): Promise<string> {
    const q = o?.editToken ? { edit_token: o.editToken } : undefined;
    return (await this.client.personalLinkWithEditToken(await this.personalToken(path, o), q, o)).url;
  }

  createEditToken(o?: CallOptions): Promise<KdEditToken> {
    return this.client.userCreateEditToken(o);
  }

  revokeEditToken(token: string, o?: CallOptions): Promise<void> {
    return this.client.userCancelEditToken(token, o);
  }

  private personalToken(path: string, o?: CallOptions): Promise<string> {
    return this.mounts.personal.tokenOf(path, o);
  }

  // ---------------------------------------------------------------- app-space versions

  /** Versions of an app-space file, newest first. */
  async versions(path: string, cursor?: string, o?: PageOptions): Promise<Page<KdVersion>> {
    const token = await this.mounts.appspace.tokenOf(path, o);
    const page = await this.client.appVersions(token, { offset: parseCursor(cursor), count: o?.pageSize ?? DEFAULT_PAGE }, o);
    return corePage(page, (v) => v);
  }

  /** Bytes of one version (for a read-only editor or a diff with the current content). */
  async readVersion(path: string, version: number, o?: CallOptions): Promise<Uint8Array> {
    return this.client.downloadVersionBytes(await this.mounts.appspace.tokenOf(path, o), version, o);
  }

  /** Makes `version` the current content (as a new version); the fresh entry. */
  async revertVersion(path: string, version: number, o?: CallOptions): Promise<Entry> {
    await this.client.appRevertVersion(await this.mounts.appspace.tokenOf(path, o), version, o);
    return this.mounts.appspace.stat(path, o);
  }

  // ---------------------------------------------------------------- recycle bins

  /** One page of the space's recycle bin (items have no path; `deletedTime` when the service tells). */
  async recycleBin(space: KdSpaceName, cursor?: string, o?: PageOptions): Promise<Page<KdFile>> {
    const q = { offset: parseCursor(cursor), count: o?.pageSize ?? DEFAULT_PAGE };
    return corePage(space === 'personal' ? await this.client.personalRecycles(q, o) : await this.client.appTrashList(q, o), (f) => f);
  }

  /** Puts recycle-bin items back where they were (a taken name gets "name (1)"). */
  restoreFromBin(space: KdSpaceName, tokens: string[], o: BatchOptions = {}): Promise<TokenBatchResult> {
    return space === 'personal'
      ? this.tokenBatch(tokens, o, async (ts) => { await this.client.personalRecover(ts, o); })
      : this.tokenBatch(tokens, o, undefined, async (t) => { await this.client.appPutBack(t, o); });
  }

  /** Deletes recycle-bin items for good. */
  destroyFromBin(space: KdSpaceName, tokens: string[], o: BatchOptions = {}): Promise<TokenBatchResult> {
    return space === 'personal'
      ? this.tokenBatch(tokens, o, (ts) => this.client.personalDestroy(ts, o))
      : this.tokenBatch(tokens, o, (ts) => this.client.appDestroyTrash(ts, o), (t) => this.client.appDeleteTrash(t, o));
  }

  /**
   * `all` for every token in one request when given; when it fails for an item-level reason (or is not given), each
   * token on its own with `one` (default: `all` with that single token).
   */
  private async tokenBatch(
    tokens: string[], o: BatchOptions, all?: (tokens: string[]) => Promise<void>, one?: (token: string) => Promise<void>,
  ): Promise<TokenBatchResult> {
    const unique = [...new Set(tokens)];
    const result: TokenBatchResult = { succeeded: [], failed: [] };
    if (!unique.length) return result;
    const progress = () => o.onProgress?.(result.succeeded.length + result.failed.length, unique.length);
    if (all && unique.length > 1) {
      try {
        await all(unique);
        result.succeeded.push(...unique);
        progress();
        return result;
      } catch (e) {
        if (isBatchLevel(e)) throw e;
      }
    }
    const single = one ?? ((t: string) => all!([t]));
    for (const t of unique) {
      try {
        await single(t);
        result.succeeded.push(t);
      } catch (e) {
        if (isBatchLevel(e)) throw e;
        result.failed.push({ token: t, error: e as DocError });
      }
      progress();
    }
    return result;
  }

  // ---------------------------------------------------------------- usage

  /** Used and total bytes of the app space. */
  usage(o?: CallOptions): Promise<KdUsage> {
    return this.client.appVolumeUsage(o);
  }
}

// ---------------------------------------------------------------- helpers

/** The error of source `s` after its task failed: the problem the task reported for it, else the task's error. */
function sourceError(s: Source, err: unknown): unknown {
  const report = err instanceof FailedTask ? err.files.get(s.token) : undefined;
  return report !== undefined ? taskError(report, `"${s.path}" failed in the Kingsoft Docs task`) : err;
}

/**
 * `result.results` of a batch task, `[{file_token, status: 'success'|'failure', msg}]` (status words as in
 * taskState); lines that are not finished or name no token are left out (those files are then checked like unreported
 * ones).
 */
function fileReports(result: unknown): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const lines: unknown[] = isRaw(result) && Array.isArray(result.results) ? result.results : [];
  for (const r of lines) {
    if (!isRaw(r) || typeof r.file_token !== 'string') continue;
    const state = taskState(String(r.status));
    if (state === 'success') out.set(r.file_token, undefined);
    else if (state === 'failed') out.set(r.file_token, typeof r.msg === 'string' && r.msg ? r.msg : 'failed');
  }
  return out;
}

/** `name` itself or the `stem (n).ext` a server picks for a copy when the name is taken. */
export function isCopyName(candidate: string, name: string): boolean {
  if (candidate === name) return true;
  const { stem, ext } = splitExt(name);
  const c = splitExt(candidate);
  return c.ext === ext && c.stem.startsWith(`${stem} (`) && /^\(\d+\)$/.test(c.stem.slice(stem.length + 1));
}
