/**
 * A Vika account as a store: its spaces at the root, their folders, and each datasheet as a table document
 * (`<name>.csv` or `<name>.json`, read and saved through core TableFiles). A view of a datasheet opens as
 * `<datasheet> · <view>.csv` next to it (found by name, not listed: the tree shows views under their datasheet).
 *
 * Names are Vika's; a `/` in a name shows as `∕` (U+2215), and a second node of the same name in a folder gets its id
 * added (` ~dst…`), so every path names one node. Folder listings are fetched fresh; finding a path uses what the last
 * listing said and lists again once when a name is not found.
 */
import { InvalidInputError, NotFoundError, UnsupportedError } from '../../core/errors';
import type { CallOptions, Entry, Page } from '../../core/model';
import { baseName, parentPath, rootEntry } from '../../core/paths';
import type { RemoteFs, WritableFs } from '../../core/remote';
import type { TableFormat } from '../../core/tablecodec';
import { TableFiles, type TableFilesOptions } from '../../core/tablefiles';
import type { VikaClient } from './client';
import { VikaRecords, type VikaTable, type VikaTableResolver } from './records';
import type { VikaNode } from './wire';

/** A node as this store shows it: its unique display name in its folder. */
interface Shown {
  name: string;
  node: VikaNode;
}

interface Place {
  spaceId: string;
  /** undefined: the space's root. */
  folderId?: string;
}

const VIEW_SEP = ' · ';

function display(name: string): string {
  return name.replace(/\//g, '\u2215');
}

function extOf(name: string): TableFormat | undefined {
  const m = /\.(csv|json)$/i.exec(name);
  return m ? (m[1].toLowerCase() as TableFormat) : undefined;
}

function stemOf(name: string): string {
  return name.replace(/\.(csv|json)$/i, '');
}

export interface VikaStoreOptions extends TableFilesOptions {
  /** The extension datasheets are listed with (CSV by default). */
  format?: () => TableFormat;
  /** The web app host for record links (default: the API host without `api.`). */
  webHost?: string;
}

export class VikaRemoteFs implements RemoteFs, VikaTableResolver {
  readonly tables: TableFiles;
  readonly records: VikaRecords;
  readonly writer: WritableFs;
  private spaces?: Shown[];
  private readonly children = new Map<string, Shown[]>();

  constructor(private readonly client: VikaClient, private readonly opts: VikaStoreOptions = {}) {
    this.records = new VikaRecords(client, this, opts.webHost ?? client.host.replace('//api.', '//'));
    this.tables = new TableFiles(this.records, opts);
    this.records.documents = this.tables;
    this.writer = new VikaWriter(this);
  }

  private get format(): TableFormat {
    return this.opts.format?.() ?? 'csv';
  }

  // ---------------------------------------------------------------------------------------------- listing

  private async listSpaces(o?: CallOptions): Promise<Shown[]> {
    this.spaces = unique((await this.client.listSpaces(o)).map((s) => ({ id: s.id, name: s.name, type: 'Folder' as const })));
    return this.spaces;
  }

  private async listFolder(path: string, place: Place, o?: CallOptions): Promise<Shown[]> {
    const nodes = place.folderId
      ? (await this.client.getNode(place.spaceId, place.folderId, o)).children ?? []
      : await this.client.listNodes(place.spaceId, o);
    const shown = unique(nodes.filter((n) => n.type === 'Folder' || n.type === 'Datasheet' || n.isFolder));
    this.children.set(path, shown);
    return shown;
  }

  /** Refresh: the next lookups list again. */
  forget(): void {
    this.spaces = undefined;
    this.children.clear();
  }

  /** The folder (or space) at `path`. */
  private async place(path: string, o?: CallOptions): Promise<Place> {
    const segs = path.split('/').filter(Boolean);
    if (!segs.length) throw new InvalidInputError('the account root holds spaces, not datasheets');
    const space = await this.find('', segs[0], () => this.spaces ?? this.listSpaces(o), () => this.listSpaces(o));
    let place: Place = { spaceId: space.node.id };
    let at = segs[0];
    for (const seg of segs.slice(1)) {
      const here = place;
      const dir = at;
      const hit = await this.find(dir, seg, () => this.children.get(dir) ?? this.listFolder(dir, here, o), () => this.listFolder(dir, here, o));
      if (hit.node.type !== 'Folder' && !hit.node.isFolder) throw new NotFoundError(`${path}: ${seg} is not a folder`);
      place = { spaceId: place.spaceId, folderId: hit.node.id };
      at = `${at}/${seg}`;
    }
    return place;
  }

  private async find(dir: string, name: string, cached: () => Shown[] | Promise<Shown[]>, fresh: () => Promise<Shown[]>): Promise<Shown> {
    const hit = (await cached()).find((s) => s.name === name) ?? (await fresh()).find((s) => s.name === name);
    if (!hit) throw new NotFoundError(`${dir ? dir + '/' : ''}${name}: not found`);
    return hit;
  }

  /** The node of a datasheet document (`<name>.csv`) or view document (`<datasheet> · <view>.csv`). */
  async table(path: string, o?: CallOptions): Promise<VikaTable> {
    const name = baseName(path);
    if (!extOf(name)) throw new NotFoundError(`${path}: not a datasheet document`);
    const dir = parentPath(path);
    const place = await this.place(dir, o);
    const stem = stemOf(name);
    // the datasheet of that name, else the one whose name is the longest prefix before ' · ' (a view of it)
    const pick = (list: Shown[]) => list.find((s) => s.node.type === 'Datasheet' && s.name === stem)
      ?? list.filter((s) => s.node.type === 'Datasheet' && stem.startsWith(s.name + VIEW_SEP)).sort((a, b) => b.name.length - a.name.length)[0];
    let hit = pick(this.children.get(dir) ?? await this.listFolder(dir, place, o));
    if (!hit) hit = pick(await this.listFolder(dir, place, o));
    if (!hit) throw new NotFoundError(`${path}: not found`);
    const table: VikaTable = { id: hit.node.id, name: hit.name, spaceId: place.spaceId };
    if (hit.name === stem) return table;
    const viewName = stem.slice(hit.name.length + VIEW_SEP.length);
    const view = (await this.client.listViews(hit.node.id, o)).find((v) => display(v.name) === viewName);
    if (!view) throw new NotFoundError(`${path}: ${hit.name} has no view called ${viewName}`);
    return { ...table, name: `${hit.name}${VIEW_SEP}${viewName}`, viewId: view.id };
  }

  async views(path: string, o?: CallOptions): Promise<Array<{ name: string; path: string; type?: string }>> {
    const t = await this.table(path, o);
    const dir = parentPath(path);
    const ext = extOf(baseName(path)) ?? this.format;
    return (await this.client.listViews(t.id, o)).map((v) => ({
      name: display(v.name), type: v.type, path: `${dir}/${t.name}${VIEW_SEP}${display(v.name)}.${ext}`,
    }));
  }

  async createTable(folder: string, name: string, o?: CallOptions): Promise<string> {
    const clean = name.trim();
    if (!clean) throw new InvalidInputError('a datasheet needs a name');
    if (clean.length > 100) throw new InvalidInputError('a datasheet name has at most 100 characters');
    const place = await this.place(folder, o);
    await this.client.createDatasheet(place.spaceId, { name: clean, folderId: place.folderId }, o);
    const shown = await this.listFolder(folder, place, o);
    const made = [...shown].reverse().find((s) => s.node.type === 'Datasheet' && (s.node.name === clean));
    return `${folder}/${made?.name ?? display(clean)}.${this.format}`;
  }

  // ---------------------------------------------------------------------------------------------- RemoteFs

  private entry(path: string, s: Shown): Entry {
    if (s.node.type === 'Datasheet') {
      const p = `${path}.${this.format}`;
      const st = this.tables.stat(p);
      return { name: baseName(p), path: p, type: 'file', size: st?.size ?? 0, mtime: st?.mtime ?? 0, ctime: 0, id: s.node.id, version: st?.version };
    }
    return { name: s.name, path, type: 'folder', size: 0, mtime: 0, ctime: 0, id: s.node.id };
  }

  async stat(path: string, o?: CallOptions): Promise<Entry> {
    if (!path) return rootEntry();
    const name = baseName(path);
    const dir = parentPath(path);
    if (extOf(name)) {
      const t = await this.table(path, o);
      const st = this.tables.stat(path);
      return { name, path, type: 'file', size: st?.size ?? 0, mtime: st?.mtime ?? 0, ctime: 0, id: t.viewId ?? t.id, version: st?.version };
    }
    if (!dir) {
      const space = (this.spaces ?? await this.listSpaces(o)).find((s) => s.name === name) ?? (await this.listSpaces(o)).find((s) => s.name === name);
      if (!space) throw new NotFoundError(`${path}: not found`);
      return this.entry(path, space);
    }
    const place = await this.place(dir, o);
    const hit = await this.find(dir, name, () => this.children.get(dir) ?? this.listFolder(dir, place, o), () => this.listFolder(dir, place, o));
    if (hit.node.type === 'Datasheet') throw new NotFoundError(`${path}: not found (the datasheet is ${name}.${this.format})`);
    return this.entry(path, hit);
  }

  async list(path: string, _cursor?: string, o?: CallOptions): Promise<Page<Entry>> {
    return { items: await this.listAll(path, o) };
  }

  async listAll(path: string, o?: CallOptions): Promise<Entry[]> {
    if (!path) return (await this.listSpaces(o)).map((s) => this.entry(s.name, s));
    const place = await this.place(path, o);
    return (await this.listFolder(path, place, o)).map((s) => this.entry(`${path}/${s.name}`, s));
  }

  async read(path: string, o?: CallOptions): Promise<{ data: Uint8Array; entry: Entry }> {
    const fmt = extOf(baseName(path));
    if (!fmt) throw new UnsupportedError(`${path}: only datasheets open here`);
    const { data, stat } = await this.tables.read(path, fmt, o);
    const t = await this.table(path, o);
    return { data, entry: { name: baseName(path), path, type: 'file', size: stat.size, mtime: stat.mtime, ctime: 0, id: t.viewId ?? t.id, version: stat.version } };
  }

  async download(path: string, localPath: string, o?: CallOptions): Promise<void> {
    const { data } = await this.read(path, o);
    const { promises: fsp } = await import('fs');
    await fsp.writeFile(localPath, data);
  }
}

/** Datasheets are saved record by record; files and folders are not what a Vika space holds. */
class VikaWriter implements WritableFs {
  constructor(private readonly fs: VikaRemoteFs) {}

  async write(path: string, data: Uint8Array, o: CallOptions & { create: boolean; overwrite: boolean; expectedVersion?: string }): Promise<Entry> {
    const fmt = extOf(baseName(path));
    if (!fmt) throw new UnsupportedError('Vika spaces hold datasheets: name the new file <name>.csv to make a datasheet');
    let exists = true;
    try {
      await this.fs.table(path, o);
    } catch (e) {
      if (!(e instanceof NotFoundError) || !o.create) throw e;
      exists = false;
    }
    if (!exists) {
      // A save of a document whose datasheet is gone (renamed, moved or deleted on the server) must not make a new,
      // empty one: nothing is saved, the editor keeps its text.
      if (o.expectedVersion !== undefined) throw new NotFoundError(`${baseName(path)}: the datasheet was renamed, moved or deleted on the server; nothing was saved`);
      // New File "<name>.csv" in a folder: a new datasheet with its default fields. Rows cannot come with it (their
      // columns would not be its fields): refused before anything is made.
      if (data.byteLength > 0) throw new InvalidInputError(`${baseName(path)}: a new datasheet starts empty; create it, then paste the rows into it and save`);
      const made = await this.fs.createTable(parentPath(path), stemOf(baseName(path)), o);
      return this.fs.stat(made, o);
    }
    const { stat } = await this.fs.tables.write(path, fmt, data, { signal: o.signal, expectedVersion: o.expectedVersion });
    const e = await this.fs.stat(path, o);
    return { ...e, size: stat.size, mtime: stat.mtime, version: stat.version };
  }

  upload(): Promise<Entry> {
    throw new UnsupportedError('Vika spaces hold datasheets, not files: open a datasheet and paste rows, or use Upload Attachment… on a record');
  }

  mkdir(): Promise<Entry> {
    throw new UnsupportedError("Vika's API cannot create folders: create them in Vika, then Refresh");
  }

  delete(): Promise<void> {
    throw new UnsupportedError("Vika's API cannot delete datasheets or folders: delete them in Vika, then Refresh");
  }

  rename(): Promise<void> {
    throw new UnsupportedError("Vika's API cannot rename datasheets or folders");
  }

  copy(): Promise<void> {
    throw new UnsupportedError("Vika's API cannot copy datasheets");
  }
}

/** Display names, unique in their folder. */
function unique(nodes: VikaNode[]): Shown[] {
  const seen = new Set<string>();
  return nodes.map((node) => {
    let name = display(node.name);
    if (seen.has(name)) name = `${name} ~${node.id}`;
    seen.add(name);
    return { name, node };
  });
}
