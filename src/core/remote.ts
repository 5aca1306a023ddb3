import type { CallOptions, Entry, Page, ProgressFn } from './model';

/**
 * What every store has: browse and read. Paths are '/'-separated, no leading slash, '' = root. Implementations live
 * in src/vendors/<vendor>/ and never import vscode. All methods throw core DocError subclasses. Writing and
 * organizing is a capability (`WritableFs`, Capabilities.write) a store may lack (a read-only listing, a store of
 * records rather than files).
 */
export interface RemoteFs {
  /** Entry for a path; throws NotFoundError. '' returns the root folder. */
  stat(path: string, opts?: CallOptions): Promise<Entry>;
  /** One page of a folder's children. `cursor` comes from the previous page's `next`. */
  list(path: string, cursor?: string, opts?: CallOptions & { pageSize?: number }): Promise<Page<Entry>>;
  /** Every child of a folder (follows pages). */
  listAll(path: string, opts?: CallOptions): Promise<Entry[]>;
  /** Whole content plus the version that was read. Refreshes expired download URLs by itself. */
  read(path: string, opts?: CallOptions): Promise<{ data: Uint8Array; entry: Entry }>;
  /** Stream a remote file to a local path. */
  download(path: string, localPath: string, opts?: CallOptions & { onProgress?: ProgressFn }): Promise<void>;
}

/**
 * What the caller has just seen on the server, so that a store whose own check would cost a request can skip it (a
 * request to these clouds costs 50-200 ms). Only set from an answer of this very action (VS Code's pre-save stat, its
 * stat of a target that found nothing), never from a cache.
 */
export interface Checked {
  /** write: the server's entry of this file, read just before (its version is compared with expectedVersion). */
  current?: Entry;
  /** mkdir / rename / copy: nothing was at the target just before. */
  targetAbsent?: boolean;
}

/** Writing and organizing the files of a store (same paths as its RemoteFs). */
export interface WritableFs {
  /**
   * Create or replace a file.
   * - `create: false` and the file does not exist -> NotFoundError.
   * - `overwrite: false` and it exists -> AlreadyExistsError.
   * - `expectedVersion` set and the remote version differs -> ConflictError (nothing is uploaded).
   * - a locked file -> LockedError.
   * Returns the new entry (new version).
   */
  write(
    path: string,
    data: Uint8Array,
    opts: CallOptions & Checked & { create: boolean; overwrite: boolean; expectedVersion?: string; onProgress?: ProgressFn },
  ): Promise<Entry>;
  /** Upload from a local file path, streaming (memory stays flat). */
  upload(
    localPath: string,
    path: string,
    opts: CallOptions & { overwrite: boolean; onProgress?: ProgressFn },
  ): Promise<Entry>;
  mkdir(path: string, opts?: CallOptions & Checked): Promise<Entry>;
  /** `permanent: false` moves to the recycle bin where the vendor has one. */
  delete(path: string, opts: CallOptions & { permanent: boolean }): Promise<void>;
  rename(from: string, to: string, opts: CallOptions & Checked & { overwrite: boolean }): Promise<void>;
  /** Copies, waiting for asynchronous copy queues to finish. */
  copy(from: string, to: string, opts: CallOptions & { overwrite: boolean }): Promise<void>;
}

/** A store of files that can be read and written (Gokuai libraries, Kingsoft Docs spaces). */
export type FileStore = RemoteFs & WritableFs;
