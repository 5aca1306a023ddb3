/**
 * A Shimo account as a store. Shimo has no file-list API: the integrator keeps the list of its file ids, and so does
 * this store, in a manifest (`ShimoManifest`, kept by the glue) of the files created, imported, copied or added by id.
 *
 * Paths: `documents/<title>.md` (documents: exported to Markdown; traditional documents: `<title>.txt`, their plain
 * text), `spreadsheets/<title>/<sheet>.csv` (each sheet's values, saved back as range writes), `presentations/<title>.txt`
 * (plain text), `tables/<title>.xlsx` (the table exported). A `/` in a title shows as `∕`; a second file of the same
 * name anywhere in the account gets its id added (` ~<id>`), so a name says which file it is. Documents open
 * read-only: the API cannot write a document in place (re-import into a new file id is the explicit way).
 */
import { createHash } from 'crypto';
import { ConflictError, InvalidInputError, NotFoundError, UnsupportedError } from '../../core/errors';
import { applyGrid, planGrid, trimGrid } from '../../core/griddiff';
import type { CallOptions, Entry, Page } from '../../core/model';
import { baseName, parentPath, rootEntry } from '../../core/paths';
import type { RemoteFs, WritableFs } from '../../core/remote';
import { parseCsvGrid } from '../../core/tablecodec';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { a1Range, columnName, newShimoFileId, type ShimoClient } from './client';
import type { ShimoCell, ShimoFileType } from './wire';

/** One file of the manifest. */
export interface ShimoFileRecord {
  id: string;
  type: ShimoFileType;
  title: string;
  /** How it came to the list. */
  origin: 'created' | 'imported' | 'copied' | 'added' | 'sandbox';
  /** ms since epoch. */
  created: number;
  /** Sheet names of a spreadsheet (the API has no call that lists them: kept here). */
  sheets?: string[];
}

/** The list of files of an account (the glue keeps it: extension state or a workspace file). */
export interface ShimoManifest {
  list(): readonly ShimoFileRecord[];
  add(r: ShimoFileRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<ShimoFileRecord, 'id'>>): Promise<void>;
  remove(id: string): Promise<void>;
}

export const SHIMO_FOLDERS = ['documents', 'spreadsheets', 'presentations', 'tables'] as const;
type Folder = (typeof SHIMO_FOLDERS)[number];

const folderOf = (t: ShimoFileType): Folder =>
  t === 'spreadsheet' ? 'spreadsheets' : t === 'presentation' ? 'presentations' : t === 'table' ? 'tables' : 'documents';
const extOf = (t: ShimoFileType): string => (t === 'document' ? '.md' : t === 'table' ? '.xlsx' : t === 'spreadsheet' ? '' : '.txt');
const display = (s: string) => s.replace(/\//g, '\u2215');

interface Named { name: string; file: ShimoFileRecord }

const hash = (s: string) => 'c' + createHash('sha1').update(s).digest('hex').slice(0, 20);

/** A sheet's values as cell texts (numbers as written, empty cells ''). */
function texts(values: ShimoCell[][]): string[][] {
  return values.map((row) => (row ?? []).map((c) => (c === null || c === undefined ? '' : String(c))));
}

function csvOf(grid: string[][]): string {
  return stringifyCsv(grid, { eof: true, record_delimiter: 'unix' });
}

/** A sheet's version: over its cells without the empty padding (a read pads short rows, a save's result does not). */
const versionOfGrid = (grid: string[][]) => hash(csvOf(trimGrid(grid)));

/** What to send for a cell: a number when the text is one as the sheet would show it, else the text. */
function cellValue(text: string): ShimoCell {
  return text !== '' && /^-?\d+(\.\d+)?$/.test(text) && String(Number(text)) === text ? Number(text) : text;
}

export class ShimoRemoteFs implements RemoteFs {
  readonly writer: WritableFs;
  /** What each sheet document was read from (by version), so a save writes only what changed since. */
  private readonly sheets = new Map<string, { version: string; grid: string[][]; at: number }>();

  constructor(readonly client: ShimoClient, readonly manifest: ShimoManifest) {
    this.writer = new ShimoWriter(this);
  }

  /** Every file with its unique display name (`<title><ext>`, ` ~<id>` on a clash). */
  named(): Named[] {
    const seen = new Set<string>();
    return this.manifest.list().map((file) => {
      const ext = extOf(file.type);
      let name = display(file.title) + ext;
      if (seen.has(name)) name = `${display(file.title)} ~${file.id}${ext}`;
      seen.add(name);
      return { name, file };
    });
  }

  /** The file a path names (its first two segments), and the sheet for `spreadsheets/<title>/<sheet>.csv`. */
  resolve(path: string): { file: ShimoFileRecord; name: string; sheet?: string } {
    const segs = path.split('/');
    const folder = segs[0] as Folder;
    const hit = this.named().find((n) => folderOf(n.file.type) === folder && n.name === segs[1]);
    if (!hit || segs.length > 3 || (segs.length === 3 && hit.file.type !== 'spreadsheet')) throw new NotFoundError(`${path}: not in this account's list of Shimo files`);
    if (segs.length === 3) {
      const sheet = segs[2].replace(/\.csv$/i, '').replace(/\u2215/g, '/');
      if (!segs[2].toLowerCase().endsWith('.csv') || !(hit.file.sheets ?? []).includes(sheet)) throw new NotFoundError(`${path}: no such sheet`);
      return { file: hit.file, name: hit.name, sheet };
    }
    return { file: hit.file, name: hit.name };
  }

  /** The store path of a file of the manifest. */
  pathOf(id: string): string | undefined {
    const n = this.named().find((x) => x.file.id === id);
    return n && `${folderOf(n.file.type)}/${n.name}`;
  }

  private fileEntry(path: string, file: ShimoFileRecord, folder: boolean): Entry {
    const st = this.sheets.get(path);
    return {
      name: baseName(path), path, type: folder ? 'folder' : 'file', size: 0, mtime: st?.at ?? file.created, ctime: file.created, id: file.id,
      version: st?.version, readonly: !folder && file.type !== 'spreadsheet',
    };
  }

  async stat(path: string): Promise<Entry> {
    if (!path) return rootEntry();
    if ((SHIMO_FOLDERS as readonly string[]).includes(path)) return { name: path, path, type: 'folder', size: 0, mtime: 0, ctime: 0, id: '' };
    const r = this.resolve(path);
    return this.fileEntry(path, r.file, r.file.type === 'spreadsheet' && !r.sheet);
  }

  async list(path: string): Promise<Page<Entry>> {
    return { items: await this.listAll(path) };
  }

  async listAll(path: string): Promise<Entry[]> {
    if (!path) return SHIMO_FOLDERS.map((f) => ({ name: f, path: f, type: 'folder' as const, size: 0, mtime: 0, ctime: 0, id: '' }));
    if ((SHIMO_FOLDERS as readonly string[]).includes(path)) {
      return this.named().filter((n) => folderOf(n.file.type) === path).map((n) => this.fileEntry(`${path}/${n.name}`, n.file, n.file.type === 'spreadsheet'));
    }
    const r = this.resolve(path);
    if (r.file.type !== 'spreadsheet' || r.sheet) throw new InvalidInputError(`${path} is not a folder`);
    return (r.file.sheets ?? []).map((sh) => this.fileEntry(`${path}/${display(sh)}.csv`, r.file, false));
  }

  async read(path: string, o?: CallOptions): Promise<{ data: Uint8Array; entry: Entry }> {
    const r = this.resolve(path);
    let text: string | Uint8Array;
    if (r.sheet !== undefined) {
      const grid = texts(await this.client.readSheet(r.file.id, a1Range(r.sheet), o));
      text = csvOf(grid);
      const version = versionOfGrid(grid);
      const before = this.sheets.get(path);
      this.sheets.set(path, { version, grid, at: before?.version === version ? before.at : Date.now() });
    } else if (r.file.type === 'spreadsheet') {
      throw new InvalidInputError(`${path} is a spreadsheet: open one of its sheets`);
    } else if (r.file.type === 'document') {
      text = await this.client.exportBytes(r.file.id, 'md', o);
    } else if (r.file.type === 'table') {
      text = await this.client.exportBytes(r.file.id, 'xlsx-table', o);
    } else {
      text = await this.client.plainText(r.file.id, o);
    }
    const data = typeof text === 'string' ? new TextEncoder().encode(text) : text;
    return { data, entry: this.fileEntry(path, r.file, false) };
  }

  async download(path: string, localPath: string, o?: CallOptions): Promise<void> {
    const { data } = await this.read(path, o);
    const { promises: fsp } = await import('fs');
    await fsp.writeFile(localPath, data);
  }

  /**
   * Saves a sheet document: the sheet as the server has it now must be the `expectedVersion` the editor read (else a
   * conflict; none given: an unconditional write, as WritableFs.write says), then the smallest range writes (core
   * griddiff) in order. Returns the requests sent.
   */
  async saveSheet(path: string, content: Uint8Array, o: CallOptions & { expectedVersion?: string; overwrite?: boolean }): Promise<{ entry: Entry; writes: number }> {
    const r = this.resolve(path);
    if (r.sheet === undefined) throw new UnsupportedError(`${path}: only the sheets of a spreadsheet can be saved here`);
    let doc: string[][];
    try {
      doc = parseCsvGrid(Buffer.from(content).toString('utf8'));
    } catch (e) {
      throw new InvalidInputError(`Nothing was saved to ${r.sheet}: ${(e as Error).message}`);
    }
    const nowRaw = await this.client.readSheet(r.file.id, a1Range(r.sheet), o);
    const now = texts(nowRaw);
    const nowVersion = versionOfGrid(now);
    if (!o.overwrite && o.expectedVersion !== undefined && nowVersion !== o.expectedVersion) {
      // stat says the server's version from now on: a save naming it (the editor's Overwrite) goes through
      const before = this.sheets.get(path);
      this.sheets.set(path, { version: nowVersion, grid: now, at: before?.at ?? Date.now() });
      throw new ConflictError(`${r.sheet} of ${r.file.title} changed on the server since it was read`, { remoteVersion: nowVersion });
    }
    const ops = planGrid(now, doc);
    let writes = 0;
    // Cells an update rewrites without a change keep their value as the server gave it (a number stays a number);
    // changed cells go as numbers when they read as one.
    const raw = nowRaw.map((row) => [...(row ?? [])]);
    const txt = now.map((row) => [...row]);
    for (const op of ops) {
      if (op.kind === 'deleteRows') {
        await this.client.deleteRows(r.file.id, r.sheet, op.index, op.count, o);
        raw.splice(op.index, op.count);
        txt.splice(op.index, op.count);
      } else if (op.kind === 'append') {
        await this.client.appendSheet(r.file.id, a1Range(r.sheet), op.values.map((row) => row.map(cellValue)), o);
      } else {
        const values = op.values.map((row, k) => row.map((t, c) => (txt[op.row + k]?.[op.col + c] ?? '') === t ? (raw[op.row + k]?.[op.col + c] ?? t) : cellValue(t)));
        const end = `${columnName(op.col + op.values[0].length - 1)}${op.row + op.values.length}`;
        await this.client.updateSheet(r.file.id, a1Range(r.sheet, `${columnName(op.col)}${op.row + 1}:${end}`), values, o);
      }
      writes++;
    }
    const grid = applyGrid(now, ops);
    const version = versionOfGrid(grid);
    this.sheets.set(path, { version, grid, at: Date.now() });
    return { entry: this.fileEntry(path, r.file, false), writes };
  }

  /**
   * A new `<sheet>.csv` in a spreadsheet's folder: the sheet is added to the spreadsheet (and to the list). False when
   * the path is no new sheet of a listed spreadsheet.
   */
  async addSheetAt(path: string, o?: CallOptions): Promise<boolean> {
    const segs = path.split('/');
    if (segs.length !== 3 || segs[0] !== 'spreadsheets' || !/\.csv$/i.test(segs[2])) return false;
    const book = this.named().find((n) => n.file.type === 'spreadsheet' && n.name === segs[1]);
    const name = segs[2].replace(/\.csv$/i, '').replace(/\u2215/g, '/');
    if (!book || (book.file.sheets ?? []).includes(name)) return false;
    await this.client.addSheet(book.file.id, name, o);
    await this.manifest.update(book.file.id, { sheets: [...(book.file.sheets ?? []), name] });
    this.sheets.set(path, { version: versionOfGrid([]), grid: [], at: Date.now() });
    return true;
  }

  /** A new blank file of `type` (a new file id) in the manifest; returns its path. */
  async create(type: ShimoFileType, title: string, o?: CallOptions): Promise<string> {
    const id = newShimoFileId();
    // lang zh-CN: the first sheet is then 工作表1 (its name is not listed by the API, so it is set here)
    await this.client.createFile(type, id, { ...o, lang: 'zh-CN' });
    await this.manifest.add({ id, type, title, origin: 'created', created: Date.now(), sheets: type === 'spreadsheet' ? ['工作表1'] : undefined });
    return this.pathOf(id) as string;
  }
}

/** Sheets save as range writes; documents are read-only; a file leaves the list (and Shimo) by Delete. */
class ShimoWriter implements WritableFs {
  constructor(private readonly fs: ShimoRemoteFs) {}

  async write(path: string, data: Uint8Array, o: CallOptions & { create: boolean; overwrite: boolean; expectedVersion?: string }): Promise<Entry> {
    let sheet = false;
    try {
      sheet = this.fs.resolve(path).sheet !== undefined;
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      if (o.create && await this.fs.addSheetAt(path, o)) sheet = true;
    }
    if (!sheet) {
      throw new UnsupportedError(`${baseName(path)}: Shimo documents cannot be written in place; import the file as a new Shimo document instead ("Import into Shimo…")`);
    }
    return (await this.fs.saveSheet(path, data, { signal: o.signal, expectedVersion: o.expectedVersion })).entry;
  }

  upload(): Promise<Entry> {
    throw new UnsupportedError('Use "Import into Shimo…": a local file becomes a new Shimo file');
  }

  mkdir(): Promise<Entry> {
    throw new UnsupportedError('Shimo files are grouped by type: there are no folders to make');
  }

  async delete(path: string, o: CallOptions & { permanent: boolean }): Promise<void> {
    const r = this.fs.resolve(path);
    if (r.sheet !== undefined) throw new UnsupportedError('A sheet cannot be deleted through the Shimo API');
    await this.fs.client.deleteFile(r.file.id, o);
    await this.fs.manifest.remove(r.file.id);
  }

  async rename(from: string, to: string): Promise<void> {
    const r = this.fs.resolve(from);
    if (r.sheet !== undefined || parentPath(from) !== parentPath(to)) throw new UnsupportedError('Only a file\'s title can change here (its name in this list)');
    const title = baseName(to).replace(/\.(md|txt|xlsx)$/i, '');
    await this.fs.manifest.update(r.file.id, { title });
  }

  async copy(from: string, _to: string, o: CallOptions & { overwrite: boolean }): Promise<void> {
    const r = this.fs.resolve(from);
    const id = newShimoFileId();
    await this.fs.client.copyFile(r.file.id, id, o);
    await this.fs.manifest.add({ ...r.file, id, title: `${r.file.title} (copy)`, origin: 'copied', created: Date.now() });
  }
}
