import type { Entry } from './model';
import { baseName, parentPath } from './paths';

/**
 * What a window knows of one store's entries without asking the server, so that the calls VS Code makes around each
 * action (a stat before opening, a stat of a new folder's name, a stat after a save) cost no request when the answer
 * is already here. A request to these clouds costs 50-200 ms.
 *
 * - Folder listings, for `listingMs` (expanding a folder again, or the Explorer asking again, is free; our own changes
 *   are applied to them, Refresh drops them, and they expire so that colleagues' changes show up).
 * - The outcome of our own operations (a save, a new folder, a rename, a delete), for `ownMs`: VS Code stats a file
 *   right after writing it.
 *
 * Paths are the store's ('/'-separated, '' = root). Pure data: no I/O, no vscode.
 */
export class EntryCache {
  private readonly listings = new Map<string, { at: number; byName: Map<string, Entry> }>();
  private readonly own = new Map<string, { at: number; entry: Entry | undefined }>();
  /** Bumped by every change we learn of inside a folder: a listing fetched across one is not stored. */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly opts: { listingMs: number; ownMs: number } = { listingMs: 30_000, ownMs: 5_000 },
    private readonly now: () => number = Date.now,
  ) {}

  /** The children of `dir` when a listing of it is fresh. */
  listing(dir: string): Entry[] | undefined {
    const l = this.freshListing(dir);
    return l ? [...l.byName.values()] : undefined;
  }

  /** Where the changes inside `dir` stand: pass it to setListing with the listing fetched from now on. */
  generation(dir: string): number {
    return this.generations.get(dir) ?? 0;
  }

  /**
   * A listing of `dir`. With `generation` (taken before the fetch started), it is not stored when a change we made or
   * were told of happened inside `dir` meanwhile: it may not show it.
   */
  setListing(dir: string, entries: readonly Entry[], generation?: number): void {
    if (generation !== undefined && generation !== this.generation(dir)) return;
    this.listings.set(dir, { at: this.now(), byName: new Map(entries.map((e) => [e.name, e])) });
  }

  private changed(dir: string): void {
    this.generations.set(dir, this.generation(dir) + 1);
  }

  /**
   * What is known of `path`: `{ entry }` (undefined entry = nothing there) with where it comes from, or undefined when
   * only the server can say. `own`: the outcome of our own operation moments ago; `listing`: a fresh listing of its
   * folder (the entry may be older than the listing's age).
   */
  lookup(path: string): { entry: Entry | undefined; from: 'own' | 'listing' } | undefined {
    const o = this.own.get(path);
    if (o && this.now() - o.at <= this.opts.ownMs) return { entry: o.entry, from: 'own' };
    if (path === '') return undefined;
    const l = this.freshListing(parentPath(path));
    if (l) return { entry: l.byName.get(baseName(path)), from: 'listing' };
    // A folder whose own listing is fresh exists.
    return this.freshListing(path) ? { entry: { name: baseName(path), path, type: 'folder', size: 0, mtime: 0, ctime: 0, id: '' }, from: 'listing' } : undefined;
  }

  /**
   * Our own operation's outcome for `path`, once: VS Code stats a file right after writing it, and that stat is
   * answered by what we wrote. Gone after one answer (the next stat asks the server).
   */
  takeOwn(path: string): Entry | undefined {
    const o = this.own.get(path);
    if (!o || this.now() - o.at > this.opts.ownMs) return undefined;
    this.own.delete(path);
    return o.entry;
  }

  /** Something other than our operations told us about `path` (a read, a stat): listings show it. */
  saw(path: string, entry: Entry): void {
    const l = path === '' ? undefined : this.listings.get(parentPath(path));
    if (l) l.byName.set(baseName(path), { ...entry, name: baseName(path) });
  }

  /** Our own operation left `entry` at `path` (undefined: nothing is there now, with everything below it). */
  learn(path: string, entry: Entry | undefined): void {
    this.own.set(path, { at: this.now(), entry });
    if (!entry || entry.type === 'folder') this.dropBelow(path);
    if (path === '') return;
    this.changed(parentPath(path));
    const l = this.listings.get(parentPath(path));
    if (!l) return;
    if (entry) l.byName.set(baseName(path), { ...entry, name: baseName(path) });
    else l.byName.delete(baseName(path));
  }

  /** Something changed at `path` that we did not do ourselves: forget what we knew of it, below it and of its folder. */
  forget(path: string): void {
    this.own.delete(path);
    this.dropBelow(path);
    if (path === '') return;
    this.listings.delete(parentPath(path));
    this.changed(parentPath(path));
  }

  clear(): void {
    this.listings.clear();
    this.own.clear();
    for (const dir of this.generations.keys()) this.changed(dir);
  }

  private dropBelow(path: string): void {
    const prefix = path === '' ? '' : path + '/';
    for (const k of [...this.listings.keys()]) if (k === path || k.startsWith(prefix)) this.listings.delete(k);
    for (const k of [...this.own.keys()]) if (k !== path && k.startsWith(prefix)) this.own.delete(k);
  }

  private freshListing(dir: string): { at: number; byName: Map<string, Entry> } | undefined {
    const l = this.listings.get(dir);
    if (!l) return undefined;
    if (this.now() - l.at > this.opts.listingMs) {
      this.listings.delete(dir);
      return undefined;
    }
    return l;
  }
}
