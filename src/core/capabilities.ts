/**
 * What a store can do besides browsing and reading (RemoteFs). A vendor implements the capabilities it has, per store
 * (an account may hold several stores: a Kingsoft Docs account has its personal files and its app space, with
 * different capabilities), and the VS Code glue has ONE flow per capability that works for every vendor that declares
 * it: one Recycle Bin, one History, one Share, one Search... (like GitLens' `supports(feature)`: a missing capability
 * is a command that does not show, never a vendor name in generic code).
 *
 * Paths are those of the store's RemoteFs ('' = its root; items without folders are addressed by the store's own path
 * forms, e.g. kdocs `~token/<id>/<name>`). Every method takes CallOptions (AbortSignal) and throws core DocErrors.
 * Vendor-specific choices are data the capability returns (which share periods exist, which scopes search has), so
 * the glue asks the right questions without knowing the vendor.
 *
 * Plain Node: never imports vscode.
 */
import type { CallOptions, Entry, Page, ProgressFn } from './model';
import type { RecordsCapability } from './records';
import type { WritableFs } from './remote';

/** Per-item outcome of an operation on many items: the ids done, and the ones that failed with their own error. */
export interface ItemResults {
  succeeded: string[];
  failed: Array<{ id: string; error: unknown }>;
}

export type ItemOptions = CallOptions & { onProgress?: ProgressFn };

// ------------------------------------------------------------------------------------------------ recycle bin

/** An item in a recycle bin. `id` is what restore and purge take (Gokuai: its former path; kdocs: its file token). */
export interface TrashedItem {
  id: string;
  name: string;
  type: 'file' | 'folder';
  /** Where it was (folder path in the store), when the vendor tells. */
  folder?: string;
  size?: number;
  /** ms since epoch. */
  deletedAt?: number;
  deletedBy?: string;
}

/** The store's recycle bin (Gokuai "Recycle bin", kdocs personal "Recycle bin" / app-space "Trash"). */
export interface TrashCapability {
  /** How the vendor calls it: 'recycleBin' or 'trash' (the glue words it). */
  readonly kind: 'recycleBin' | 'trash';
  list(cursor?: string, o?: CallOptions & { pageSize?: number }): Promise<Page<TrashedItem>>;
  /** Puts items back where they were; per-item results. */
  restore(ids: string[], o?: ItemOptions): Promise<ItemResults>;
  /** Deletes items for good; per-item results. */
  purge(ids: string[], o?: ItemOptions): Promise<ItemResults>;
}

// ------------------------------------------------------------------------------------------------ versions

export interface VersionInfo {
  /** What read / restore take. */
  id: string;
  /** ms since epoch. */
  mtime: number;
  size: number;
  by?: string;
  /** A number or name the vendor gives the version ("3"), when it has one. */
  label?: string;
  /** What happened ("edited", "uploaded"), when the vendor tells. */
  action?: string;
}

export interface VersionsCapability {
  /** Newest first. Throws UnsupportedError (in words) for a file of the store that has no versions. */
  list(path: string, o?: CallOptions): Promise<VersionInfo[]>;
  read(path: string, versionId: string, o?: CallOptions): Promise<Uint8Array>;
  /** Makes the old content the newest version (nothing in between is lost); returns the file's new entry. */
  restore(path: string, versionId: string, o?: CallOptions): Promise<Entry>;
}

// ------------------------------------------------------------------------------------------------ sharing

/**
 * What a link may allow, by id. The glue words the ids it knows: 'preview' (view only), 'download' (view and
 * download), 'upload' (view, download and upload), 'read' (view), 'comment' (view and comment), 'write' (edit).
 */
export type ShareAccess = 'preview' | 'download' | 'upload' | 'read' | 'comment' | 'write';

/** The questions a new link asks: they differ per vendor. */
export interface ShareSpec {
  /** How long a link works: any whole number of days (with a default), or one of these (0 = never expires). */
  readonly expiry: { readonly days: 'any'; readonly default: number } | { readonly days: readonly number[] };
  readonly access: readonly ShareAccess[];
  /** Links can have a password. */
  readonly password: boolean;
  /** One link per item (creating again changes it) rather than a new link each time. */
  readonly single: boolean;
}

export interface ShareLink {
  url: string;
  /** What the link allows; undefined when the vendor's listing does not say (Gokuai's list of links has no `auth`). */
  access?: ShareAccess;
  /** ms since epoch; undefined = never expires. */
  expires?: number;
  hasPassword?: boolean;
  /** The item it shares (listings of all links). */
  path?: string;
  name?: string;
}

export interface ShareLinksCapability {
  readonly spec: ShareSpec;
  /** The links of an item (none: []). */
  linksOf(path: string, o?: CallOptions): Promise<ShareLink[]>;
  /** Creates a link, or changes the one link of a `single` store. `days` 0 = never expires. */
  share(path: string, s: { access: ShareAccess; days: number; password?: string; folder: boolean }, o?: CallOptions): Promise<ShareLink>;
  /** Stops every link of the item. */
  stop(path: string, o?: CallOptions): Promise<void>;
  /** Every link of the store (when the vendor can list them). */
  all?(o?: CallOptions): Promise<ShareLink[]>;
}

export interface Collaborator { userId: string; name?: string; permission: string }

export interface CollaboratorsCapability {
  /** The permissions a collaborator can have ('read', 'write'), weakest first. */
  readonly permissions: readonly string[];
  list(path: string, o?: CallOptions): Promise<Collaborator[]>;
  add(path: string, userIds: string[], permission: string, o?: CallOptions): Promise<void>;
  change(path: string, userId: string, permission: string, o?: CallOptions): Promise<void>;
  remove(path: string, userId: string, o?: CallOptions): Promise<void>;
}

// ------------------------------------------------------------------------------------------------ search

export type SearchScope = 'name' | 'content' | 'tag';

export interface SearchCapability {
  /** The scopes this store searches in; `oneScopeAtATime`: a request searches one of them. */
  readonly scopes: readonly SearchScope[];
  readonly oneScopeAtATime: boolean;
  /** Entries (at paths this store's RemoteFs accepts) matching `keyword` in any of `scopes`. */
  search(keyword: string, scopes: readonly SearchScope[], o?: CallOptions & { limit?: number }): Promise<Entry[]>;
}

// ------------------------------------------------------------------------------------------------ locks, tags

export interface LocksCapability {
  lock(path: string, o?: CallOptions): Promise<void>;
  unlock(path: string, o?: CallOptions): Promise<void>;
}

/** Tags show in Entry.tags. */
export interface TagsCapability {
  add(path: string, tags: string[], o?: CallOptions): Promise<void>;
  remove(path: string, tags: string[], o?: CallOptions): Promise<void>;
}

// ------------------------------------------------------------------------------------------------ documents

/** Online documents: made blank by type, opened in the browser, brought in from a URL. */
export interface DocumentsCapability {
  /** File extensions of the types `create` makes ('.docx', '.ksheet'...), in the order to offer them. */
  readonly types: readonly string[];
  /**
   * A new blank document at `folder`/`name` (the name ends with one of `types`). The server may pick `name (1)`.
   * `url` opens it in the browser when it could be had (a secret: never logged); `urlError` says why not.
   */
  create(folder: string, name: string, o?: CallOptions): Promise<{ entry: Entry; url?: string; urlError?: unknown }>;
  /** Brings the file at `url` in as `folder`/`name` (the server downloads it); undefined: the store cannot. */
  importUrl?(folder: string, url: string, name: string, o?: ItemOptions): Promise<Entry>;
  /** What `importUrl` accepts, for the prompt: 'any' URL or 'cloud' (a link of the vendor's own cloud drive). */
  readonly importFrom?: 'any' | 'cloud';
}

/** Opens items in the vendor's web UI (online documents, previews). */
export interface WebCapability {
  /** The page of an item (may carry a secret such as an edit token: never logged, never returned to callers). */
  url(path: string, o?: CallOptions): Promise<string>;
}

// ------------------------------------------------------------------------------------------------ copies

/**
 * For stores whose files cannot be updated in place (kdocs personal files: uploading again makes a second file that
 * share links do not follow): the two explicit ways to store a changed copy.
 */
export interface CopiesCapability {
  /** Saves `data` next to the file under the first free `name (n).ext`; `elsewhere` when it went to the root. */
  saveAsNew(path: string, data: Uint8Array, o?: ItemOptions): Promise<{ entry: Entry; elsewhere: boolean }>;
  /** The new content takes the name, the original goes to the recycle bin; ConflictError when it changed meanwhile. */
  replace(path: string, data: Uint8Array, o?: ItemOptions & { expectedVersion?: string }): Promise<Entry>;
}

// ------------------------------------------------------------------------------------------------ batches

/** Copy / move / delete of many items at once (server-side tasks), each with its own result (ids = paths). */
export interface BatchCapability {
  copy(paths: string[], folder: string, o?: ItemOptions): Promise<ItemResults>;
  move(paths: string[], folder: string, o?: ItemOptions): Promise<ItemResults>;
  delete(paths: string[], o: ItemOptions & { permanent: boolean }): Promise<ItemResults>;
}

// ------------------------------------------------------------------------------------------------ conversion

/**
 * What to convert: a file of this store, or any other file (a local one, another vendor's) as its bytes, which the
 * vendor makes reachable for its converter the way a real account allows (e.g. a temporary upload it removes after).
 */
export type ConvertSource =
  | { readonly kind: 'store'; readonly path: string }
  | { readonly kind: 'bytes'; readonly name: string; readonly data: Uint8Array };

export interface ConvertOptions extends ItemOptions {
  /** Password of a protected source; asked only after a PasswordRequiredError. A secret: never logged. */
  password?: string;
  /** 1-based inclusive page range, for targets that take one (`takesPages`). */
  pages?: { from: number; to: number };
}

/** A converted file: images come one per page (`page.png`, `page-2.png`...). */
export interface ConvertedFile { name: string; data: Uint8Array }

/** Format conversion and text extraction by the vendor's converter service. */
export interface ConvertCapability {
  /** False when it converts only its own store's files (no local files or other accounts' files; default true). */
  readonly takesBytes?: boolean;
  /** False when results cannot be saved next to the source in its store (Shimo lists files, not folders of them). */
  readonly resultsNextToSource?: boolean;
  /**
   * Formats a file named `name` converts to, most useful first, as lower-case extensions without the dot
   * ('pdf', 'docx', 'xlsx', 'pptx', 'txt', 'jpg', 'png'); [] = the converter does not take it.
   */
  targets(name: string): readonly string[];
  /** Whether a conversion to `target` takes a page range. */
  takesPages(target: string): boolean;
  /**
   * Converts (a server task, polled; `onProgress` in percent). Throws PasswordRequiredError for a protected source,
   * QuotaExceededError when the day's conversions are used up.
   */
  convert(source: ConvertSource, target: string, o?: ConvertOptions): Promise<ConvertedFile[]>;
  /** Whether extractText takes a file named `name`. */
  canExtract?(name: string): boolean;
  /** The plain text of a document (a server task). */
  extractText?(source: ConvertSource, o?: ConvertOptions): Promise<string>;
  /** Whether `markdown` takes a file named `name` (outline documents). */
  hasMarkdown?(name: string): boolean;
  /** A structured online document (kdocs .otl) as Markdown: headings, lists, tables, images as links. */
  markdown?(path: string, o?: CallOptions): Promise<string>;
}

// ------------------------------------------------------------------------------------------------ scripts

/** One log line of a script run. */
export interface ScriptLog {
  /** ms since epoch. */
  time: number;
  /** 'info', 'warn', 'error', 'debug', as the service says. */
  level: string;
  text: string;
  /** `<system>` for the service's own lines; the script's name for its lines, with their position. */
  file?: string;
  line?: number;
  column?: number;
}

export interface ScriptRun {
  /** The script's source and its name (`report.js`: log lines and errors refer to it). */
  code: string;
  name: string;
  /** Arguments the script reads as `Context.argv`. */
  argv?: unknown;
  /** Run synchronously (one request) rather than as a polled task: for short scripts. */
  sync?: boolean;
  /** Syntax version the script is written for ('1.0', '2.0'), when the service takes one. */
  version?: string;
}

/** Scripts run against a document of the store (Kingsoft Docs AirScript against an online sheet). */
export interface ScriptsCapability {
  /** 'airscript'. */
  readonly language: string;
  /** Whether scripts run against a file named `name`. */
  canTarget(name: string): boolean;
  /**
   * Runs `run.code` against the file at `target`. `onLog` gets every log line once, in order, while the run goes on.
   * Resolves with the script's result; a syntax or runtime error rejects with ScriptFailedError (line and column
   * in the script). Aborting stops waiting; the remote run may still finish.
   */
  run(target: string, run: ScriptRun, o?: CallOptions & { onLog?(line: ScriptLog): void }): Promise<{ result: unknown }>;
}

// ------------------------------------------------------------------------------------------------ previews

/** A document to preview: a file of this store, a document on the web (its URL), or any file as its bytes. */
export type PreviewSource =
  | { readonly kind: 'store'; readonly path: string }
  | { readonly kind: 'url'; readonly url: string; readonly name: string }
  | { readonly kind: 'bytes'; readonly name: string; readonly data: Uint8Array };

/** An anonymous preview: a page anyone with the link can open (the token is in it: both are secrets). */
export interface PreviewLink {
  url: string;
  token: string;
  /** ms since epoch when the token stops working. */
  expires?: number;
}

/** Anonymous previews (no sign-in needed to open them) with tokens that expire, renew and can be revoked. */
export interface PreviewsCapability {
  readonly sources: ReadonlyArray<PreviewSource['kind']>;
  create(source: PreviewSource, o?: CallOptions & { download?: boolean }): Promise<PreviewLink>;
  /** A new token for the same preview; the old one stops working. */
  renew(token: string, o?: CallOptions): Promise<PreviewLink>;
  revoke(token: string, o?: CallOptions): Promise<void>;
}

// ------------------------------------------------------------------------------------------------ chat

/**
 * Where a message goes: a group robot (`woa` Kingsoft collaboration, `wecom` WeCom, `dingtalk` DingTalk) by its
 * webhook key, or an app message to a user by email (`woaApp`). Keys are secrets (SecretStorage only).
 */
export interface ChatDestination {
  kind: string;
  key?: string;
  email?: string;
}

/** Sends messages to chat destinations. */
export interface ChatCapability {
  /**
   * The destination kinds ('woa', 'woaApp', 'wecom', 'dingtalk') and what each needs: a `key` (a robot's webhook key;
   * for an app message the app's id and secret key as `<app id>:<secret key>`) and/or an `email`.
   */
  readonly kinds: ReadonlyArray<{ kind: string; needs: ReadonlyArray<'key' | 'email'> }>;
  send(to: ChatDestination, message: { text: string; link?: { title: string; url: string } }, o?: CallOptions): Promise<void>;
}

// ------------------------------------------------------------------------------------------------ to come

/** Records rather than bytes (Vika datasheets; kdocs sheets and dbt, Shimo sheets next): see records.ts. */
export type { RecordsCapability };

// ------------------------------------------------------------------------------------------------ the set

/** The capabilities of one store; absent = the store does not have it. */
export interface Capabilities {
  /** Write and organize files: save, new file or folder, upload, rename, move, copy, delete. */
  write?: WritableFs;
  trash?: TrashCapability;
  versions?: VersionsCapability;
  links?: ShareLinksCapability;
  collaborators?: CollaboratorsCapability;
  search?: SearchCapability;
  locks?: LocksCapability;
  tags?: TagsCapability;
  documents?: DocumentsCapability;
  web?: WebCapability;
  copies?: CopiesCapability;
  batch?: BatchCapability;
  convert?: ConvertCapability;
  scripts?: ScriptsCapability;
  previews?: PreviewsCapability;
  chat?: ChatCapability;
  records?: RecordsCapability;
}

export type CapabilityName = keyof Capabilities;

export const CAPABILITY_NAMES: readonly CapabilityName[] = [
  'write', 'trash', 'versions', 'links', 'collaborators', 'search', 'locks', 'tags', 'documents', 'web', 'copies', 'batch',
  'convert', 'scripts', 'previews', 'chat', 'records',
];

/** Narrows `caps` to one that has capability `name`. */
export function supports<K extends CapabilityName>(caps: Capabilities | undefined, name: K): caps is Capabilities & Required<Pick<Capabilities, K>> {
  return !!caps && caps[name] !== undefined;
}

/** The names of the capabilities `caps` has, in CAPABILITY_NAMES order. */
export function capabilityNames(caps: Capabilities | undefined): CapabilityName[] {
  return CAPABILITY_NAMES.filter((n) => supports(caps, n));
}
