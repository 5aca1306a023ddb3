/**
 * Tables as documents: any vendor's RecordsCapability read as CSV or JSON, and saved back as the smallest set of
 * record changes.
 *
 * A read keeps what it read (the base, by the version it hands out), so a save is diffed against exactly what its
 * editor started from. A save:
 * 1. plans the change (tablediff.ts): every problem is reported before a request is sent;
 * 2. reads the records it would update or delete as the server has them now: one changed since the read in a field
 *    the save changes too (or deleted) is a conflict (ConflictError; with `overwrite` the document wins), a field that
 *    already holds the new value is not sent again;
 * 3. sends updates, creates, deletes in batches of the vendor's maximum, paced by the client, reporting progress;
 * 4. a failure part way says exactly what was applied, and the base moves on by what was: saving again sends only
 *    what is still different, and rows created before the failure are recognised (no duplicates).
 */
import { createHash } from 'crypto';
import { CancelledError, ConflictError, DocError, isDocError, rewrapError } from './errors';
import type { Logger } from './log';
import { nullLogger } from './log';
import type { CallOptions } from './model';
import type { CellValue, RecordsCapability, TableDocuments, TableField, TableInfo, TableRecord } from './records';
import { parseCsv, parseJson, renderCell, toCsv, toJson, type TableFormat } from './tablecodec';
import { planChanges, type BaseRow, type TableBase, type TablePlan } from './tablediff';

/** Runs a save's requests with progress (and a cancel button) where the host can show it. */
export type SaveRunner = <T>(what: { kind: 'read' | 'save'; table: string }, total: number, fn: (step: () => void, signal?: AbortSignal) => Promise<T>) => Promise<T>;

export interface TableFilesOptions {
  log?: Logger;
  /** Progress of long reads and saves (the VS Code glue shows a notification with Cancel). */
  progress?: SaveRunner;
  now?: () => number;
  /** Bases kept per table path (default 2: the editor's and one newer read, e.g. a comparison). */
  basesPerPath?: number;
}

/**
 * What a document's stat says: the version of the last read or save here, and when its content last changed. The
 * size is always 0: a table has no byte size of its own, and VS Code's own "newer on disk" check (modification time
 * AND size changed) must not refuse saves: whether records changed is the save's check, record by record.
 */
export interface TableStat {
  version?: string;
  mtime: number;
  size: number;
}

/** What a save did (counts of records). */
export interface SaveSummary {
  created: number;
  updated: number;
  deleted: number;
  requests: number;
}

interface Kept extends TableBase {
  version: string;
  table: TableInfo;
}

const enc = new TextEncoder();

export class TableFiles implements TableDocuments {
  private readonly bases = new Map<string, Kept[]>();
  private readonly stats = new Map<string, TableStat>();
  /** Paths whose editor should reload (a save created records: their ids are to be shown) -> the text to show. */
  private readonly reloads = new Map<string, string>();
  /** Paths whose last save met a conflict: the version a save must name to overwrite. */
  private readonly approvals = new Map<string, { version: string; base: Kept | undefined }>();
  private readonly log: Logger;
  private readonly now: () => number;
  private seq = 0;

  constructor(private readonly records: RecordsCapability, private readonly opts: TableFilesOptions = {}) {
    this.log = opts.log ?? nullLogger;
    this.now = opts.now ?? Date.now;
  }

  /** The stat of a document read or saved here (undefined before the first read). */
  stat(path: string): TableStat | undefined {
    return this.stats.get(path);
  }

  /** Reads the table at `path` as a document; the base is kept under the version returned. */
  async read(path: string, format: TableFormat, o: CallOptions = {}): Promise<{ data: Uint8Array; stat: TableStat }> {
    const shown = this.reloads.get(path);
    if (shown !== undefined) {
      // The editor reloads after a save that created records: what the server has is what the save left (the base).
      // From now on the editor shows their ids: they are no longer rows to recognise by their cells.
      this.reloads.delete(path);
      const b = this.latest(path);
      if (b) b.created = [];
      const data = enc.encode(shown);
      const stat = this.stats.get(path) as TableStat;
      return { data, stat };
    }
    const table = await this.records.table(path, o);
    const fields = await this.records.fields(table, o);
    const rows = new Map<string, BaseRow>();
    // The first page says how many there are; a big table reads the rest with progress and Cancel.
    const ctrl = new AbortController();
    const stop = () => ctrl.abort();
    o.signal?.addEventListener('abort', stop, { once: true });
    let total = 0;
    let done = 0;
    try {
      const pages = this.records.records(table, fields, { signal: ctrl.signal, onProgress: (_d, t) => { total = t; } })[Symbol.asyncIterator]();
      const take = async (): Promise<boolean> => {
        const r = await pages.next();
        if (r.done) return false;
        for (const rec of r.value) rows.set(rec.id, baseRow(fields, rec));
        done += r.value.length;
        return true;
      };
      if (await take()) {
        const perPage = Math.max(1, done);
        const left = Math.ceil(Math.max(0, total - done) / perPage);
        const run = this.opts.progress;
        if (run && left > 2) {
          await run({ kind: 'read', table: table.name }, left, async (step, signal) => {
            signal?.addEventListener('abort', stop, { once: true });
            while (await take()) step();
          });
        } else {
          while (await take()) { /* next page */ }
        }
      }
    } finally {
      o.signal?.removeEventListener('abort', stop);
    }
    const kept: Kept = { version: '', table, fields, rows, created: [] };
    const rendered = render(format, kept);
    // The version is the content's: reading an unchanged table again hands out the same version (an editor showing
    // it is not told it changed), and the modification time moves only when the content did.
    kept.version = contentVersion(rendered);
    this.keep(path, kept);
    const data = enc.encode(rendered);
    const before = this.stats.get(path);
    const stat = { version: kept.version, mtime: before?.version === kept.version ? before.mtime : this.now(), size: 0 };
    this.stats.set(path, stat);
    return { data, stat };
  }

  /**
   * Saves a document of the table at `path`. `expectedVersion`: the version its editor read (undefined or unknown =
   * a conflict unless `overwrite`). Returns the new stat and what was sent.
   */
  async write(
    path: string, format: TableFormat, content: Uint8Array,
    o: CallOptions & { expectedVersion?: string; overwrite?: boolean },
  ): Promise<{ stat: TableStat; summary: SaveSummary }> {
    // A conflict hands out a version of its own (stat says it): a save with it is the user's "Overwrite".
    const approved = this.approvals.get(path);
    let overwrite = !!o.overwrite;
    let base: Kept | undefined;
    if (approved && o.expectedVersion === approved.version) {
      this.approvals.delete(path);
      overwrite = true;
      base = approved.base;
    } else {
      base = this.base(path, o.expectedVersion);
    }
    if (!base && o.expectedVersion && !overwrite) {
      // Not read here (the window was reloaded and the editor restored): the table as it is now is that version when
      // nothing changed since, and then the save goes on from it.
      await this.read(path, format, o);
      const fresh = this.latest(path);
      if (fresh?.version === o.expectedVersion) base = fresh;
    }
    let unknownBase = false;
    if (!base) {
      if (!overwrite) throw this.conflict(path, undefined, 'the table changed on the server since this document was read');
      await this.read(path, format, o);
      base = this.latest(path) as Kept;
      unknownBase = true;
    }
    const text = Buffer.from(content).toString('utf8');
    let doc;
    try {
      doc = format === 'json' ? parseJson(text, base.fields) : parseCsv(text);
    } catch (e) {
      throw new DocError('InvalidInput', `Nothing was saved to ${JSON.stringify(base.table.name)}: ${(e as Error).message}.`);
    }
    const plan = planChanges(base, doc, base.table.name);
    // Overwriting without knowing what the editor read: records missing from the document may be others' new ones,
    // so nothing is deleted (the document's rows are created or updated).
    if (unknownBase) plan.deletes = [];
    try {
      await this.checkServer(base, plan, overwrite, o);
    } catch (e) {
      if (isDocError(e, 'Conflict')) throw this.conflict(path, base, e.message);
      throw e;
    }
    const summary = await this.apply(base, plan, o);
    // The base is the table as the save left it: the editor's text is that version now.
    const version = contentVersion(render(format, base));
    this.retag(path, base, version);
    const stat = { version, mtime: this.now(), size: 0 };
    this.stats.set(path, stat);
    if (summary.created > 0 || plan.alreadyCreated.length) this.reloads.set(path, render(format, base));
    else base.created = [];
    return { stat, summary };
  }

  /**
   * After a save that created records: moves the stat on (another modification time) so that the editor,
   * told the file changed, reloads and shows the new ids. Returns false when there is nothing to reload.
   */
  takeReload(path: string): boolean {
    const text = this.reloads.get(path);
    if (text === undefined) return false;
    const s = this.stats.get(path);
    if (s) this.stats.set(path, { ...s, mtime: s.mtime + 1 });
    return true;
  }

  /**
   * A save met a conflict: the stat of the document shows a new version, and a save expecting exactly that version
   * overwrites (the editor's "Overwrite" after the question), diffed against `base` (or against the server now when
   * the base is not known).
   */
  private conflict(path: string, base: Kept | undefined, message: string): ConflictError {
    const version = this.nextVersion();
    this.approvals.set(path, { version, base });
    const s = this.stats.get(path);
    this.stats.set(path, { mtime: s?.mtime ?? this.now(), size: 0, version });
    return new ConflictError(message, { remoteVersion: version });
  }

  /** Forgets what was read at `path` (Refresh: the next read goes to the server). */
  forget(path: string): void {
    // The bases stay: a dirty editor of this document still saves against what it read.
    this.reloads.delete(path);
    this.approvals.delete(path);
    const s = this.stats.get(path);
    // Another stat than the editor's: told the file changed, it reads it again.
    if (s) this.stats.set(path, { mtime: s.mtime + 1, size: 0 });
  }

  // ---------------------------------------------------------------------------------------------- saving

  /**
   * Step 2: the records the save touches as the server has them now. A field the save changes that changed on the
   * server too (or a record deleted there) is a conflict; fields that already hold the new value are dropped.
   */
  private async checkServer(base: Kept, plan: TablePlan, overwrite: boolean, o: CallOptions): Promise<void> {
    const touched = [...plan.updates.map((u) => u.id), ...plan.deletes];
    if (!touched.length) return;
    const now = new Map<string, TableRecord>();
    const perGet = this.records.idsPerGet ?? 100;
    const byPages = this.records.pageSize && !base.table.viewId
      ? Math.ceil(Math.max(1, base.rows.size) / this.records.pageSize) : Infinity;
    if (byPages < Math.ceil(touched.length / perGet)) {
      // Most of the table changed: its pages cost fewer requests than asking for the records by id.
      const wanted = new Set(touched);
      for await (const page of this.records.records(base.table, base.fields, o)) for (const r of page) if (wanted.has(r.id)) now.set(r.id, r);
    } else {
      for (let i = 0; i < touched.length; i += perGet) {
        for (const r of await this.records.get(base.table, base.fields, touched.slice(i, i + perGet), o)) now.set(r.id, r);
      }
    }
    const conflicts: string[] = [];
    for (const u of [...plan.updates]) {
      const server = now.get(u.id);
      const rec = base.rows.get(u.id) as BaseRow;
      if (!server) {
        conflicts.push(`${u.id} was deleted`);
        if (overwrite) plan.updates.splice(plan.updates.indexOf(u), 1);
        continue;
      }
      const cells = base.fields.map((f) => renderCell(f, server.values[f.id]));
      for (const fi of [...u.changed]) {
        const field = base.fields[fi];
        if (cells[fi] === u.cells[fi]) {
          // Already on the server (an earlier save whose answer was lost, or the same edit by someone else).
          u.changed.splice(u.changed.indexOf(fi), 1);
          delete u.values[field.id];
        } else if (cells[fi] !== rec.cells[fi]) {
          conflicts.push(`${u.id} ${JSON.stringify(field.name)} is now ${JSON.stringify(cells[fi])}`);
        }
      }
      if (!u.changed.length) plan.updates.splice(plan.updates.indexOf(u), 1);
    }
    for (const id of [...plan.deletes]) {
      const server = now.get(id);
      const rec = base.rows.get(id) as BaseRow;
      if (!server) {
        plan.deletes.splice(plan.deletes.indexOf(id), 1); // deleted already
        base.rows.delete(id);
        continue;
      }
      const cells = base.fields.map((f) => renderCell(f, server.values[f.id]));
      if (cells.some((c, i) => c !== rec.cells[i])) conflicts.push(`${id} (to delete) changed`);
    }
    if (conflicts.length && !overwrite) {
      const more = conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : '';
      throw new ConflictError(`records of ${JSON.stringify(base.table.name)} changed on the server since they were read: ${conflicts.slice(0, 5).join('; ')}${more}`);
    }
  }

  /** Step 3 and 4: the batches, in order; the base follows every batch that went through. */
  private async apply(base: Kept, plan: TablePlan, o: CallOptions): Promise<SaveSummary> {
    const n = this.records.maxBatch;
    const batches: Array<() => Promise<void>> = [];
    const summary: SaveSummary = { created: 0, updated: 0, deleted: 0, requests: 0 };
    const { table, fields } = base;
    for (let i = 0; i < plan.updates.length; i += n) {
      const chunk = plan.updates.slice(i, i + n);
      batches.push(async () => {
        const answer = await this.records.update(table, fields, chunk.map((u) => ({ id: u.id, values: u.values })), { signal: o.signal });
        const at = new Map(answer.map((r) => [r.id, r]));
        for (const u of chunk) {
          const rec = base.rows.get(u.id) as BaseRow;
          const r = at.get(u.id);
          base.rows.set(u.id, r ? { ...baseRow(fields, r), cells: u.cells } : { ...rec, cells: u.cells });
        }
        summary.updated += chunk.length;
      });
    }
    for (let i = 0; i < plan.creates.length; i += n) {
      const chunk = plan.creates.slice(i, i + n);
      batches.push(async () => {
        const answer = await this.records.create(table, fields, chunk.map((c) => c.values), { signal: o.signal });
        answer.forEach((r) => {
          const row = baseRow(fields, r);
          base.rows.set(r.id, row);
          base.created.push(row);
        });
        summary.created += answer.length;
      });
    }
    for (let i = 0; i < plan.deletes.length; i += n) {
      const chunk = plan.deletes.slice(i, i + n);
      batches.push(async () => {
        await this.records.delete(table, chunk, { signal: o.signal });
        for (const id of chunk) {
          base.rows.delete(id);
          const c = base.created.findIndex((x) => x.id === id);
          if (c >= 0) base.created.splice(c, 1);
        }
        summary.deleted += chunk.length;
      });
    }
    for (const a of plan.alreadyCreated) {
      const c = base.created.findIndex((x) => x.id === a.id);
      if (c >= 0) base.created.splice(c, 1);
    }
    if (!batches.length) return summary;
    const runAll = async (step: () => void, signal?: AbortSignal) => {
      for (const b of batches) {
        if (signal?.aborted || o.signal?.aborted) throw new CancelledError();
        await b();
        summary.requests++;
        step();
      }
    };
    try {
      if (this.opts.progress && batches.length > 1) {
        await this.opts.progress({ kind: 'save', table: table.name }, batches.length, async (step, signal) => {
          const inner = signal ?? o.signal;
          // the progress' Cancel stops between batches; a batch in flight finishes
          await runAll(step, inner);
        });
      } else {
        await runAll(() => undefined);
      }
    } catch (e) {
      if (!summary.requests) throw e;
      const what = describe(summary);
      const rest = batches.length - summary.requests;
      this.log.warn(`Save of ${table.name} stopped after ${summary.requests} of ${batches.length} requests (${what})`);
      const msg = `Part of ${JSON.stringify(table.name)} was saved (${what}); ${rest} of ${batches.length} requests were not sent. Save again to send the rest: nothing is applied twice`;
      if (isDocError(e, 'Cancelled')) throw new CancelledError(msg);
      throw rewrapError(e, msg);
    }
    return summary;
  }

  // ---------------------------------------------------------------------------------------------- bases

  private nextVersion(): string {
    return `t${this.now().toString(36)}.${++this.seq}`;
  }

  private keep(path: string, b: Kept): void {
    const list = (this.bases.get(path) ?? []).filter((x) => x.version !== b.version);
    list.push(b);
    while (list.length > (this.opts.basesPerPath ?? 2)) list.shift();
    this.bases.set(path, list);
  }

  private retag(path: string, b: Kept, version: string): void {
    const list = (this.bases.get(path) ?? []).filter((x) => x !== b && x.version !== version);
    b.version = version;
    list.push(b);
    this.bases.set(path, list);
  }

  private base(path: string, version: string | undefined): Kept | undefined {
    if (!version) return undefined;
    return this.bases.get(path)?.find((b) => b.version === version);
  }

  private latest(path: string): Kept | undefined {
    const list = this.bases.get(path);
    return list?.[list.length - 1];
  }
}

/** What a save needs of a record: its cells, and the values of its attachment fields (they are named by them). */
function contentVersion(text: string): string {
  return 'c' + createHash('sha1').update(text).digest('hex').slice(0, 20);
}

function baseRow(fields: readonly TableField[], r: TableRecord): BaseRow {
  const values: Record<string, CellValue> = {};
  for (const f of fields) if (f.kind === 'attachments' && r.values[f.id] !== undefined) values[f.id] = r.values[f.id];
  return { id: r.id, updatedAt: r.updatedAt, cells: fields.map((f) => renderCell(f, r.values[f.id])), values };
}

function render(format: TableFormat, b: TableBase): string {
  const rows = [...b.rows.values()];
  return format === 'json' ? toJson(b.fields, rows) : toCsv(b.fields, rows);
}

function describe(s: SaveSummary): string {
  return `${s.updated} updated, ${s.created} created, ${s.deleted} deleted`;
}
