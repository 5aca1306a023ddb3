import * as vscode from 'vscode';
import { InvalidInputError, isDocError } from '../../../core/errors';
import type { Entry } from '../../../core/model';
import { FolderUnknownError } from '../../../vendors/kdocs/remotefs';
import { countProgress } from '../../commands/batch';
import { withCancellableProgress } from '../../commands/wrap';
import { ui } from '../../ui';
import { baseName } from '../../uri';
import type { KdocsContext, KdocsTarget } from './context';
import { KDOCS_SCHEME } from './paths';

/**
 * Saving personal files. The personal API cannot update a file's content in place (uploading again makes a second file
 * that the share links do not follow), so personal files open read-only and saving is an explicit choice:
 *
 *   1. "Edit a Copy" opens the content of a text file in an untitled editor (same language), remembering which file
 *      it came from and the version it was copied at (binary content is refused: it would not survive the editor);
 *   2. on that copy, "Save as New File" uploads it next to the original as `name (1).ext` (both stay; in My documents
 *      when the service does not tell the original's folder), and
 *      "Replace (old one to recycle bin)" uploads it, moves the original to the recycle bin and gives the new file the
 *      original's name, after a modal that says the old share links stop working. A replace whose original changed on
 *      the server since the copy was made asks again first.
 *
 * Both close the copy and open the saved file. Automation and tests can pass `{ target, content }` instead of a copy.
 */
export interface SavePersonalArgs {
  /** The personal file (kdocs://<account>/personal/...). */
  target: vscode.Uri;
  content: Uint8Array | string;
}

interface Copy {
  origin: KdocsTarget;
  /** Server version of the original when the copy was made. */
  version?: string;
}

export const EDIT_COPY_CONTEXT = 'docWorkspaces.kdocs.copyActive';

export class PersonalFiles implements vscode.Disposable {
  /** Untitled copies (by URI string) and where they came from. */
  private readonly copies = new Map<string, Copy>();
  /** Files whose read-only notice was shown in this window. */
  private readonly noticed = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly kd: KdocsContext) {
    this.subscriptions = [
      vscode.workspace.onDidCloseTextDocument((d) => this.copies.delete(d.uri.toString())),
      vscode.window.onDidChangeActiveTextEditor((e) => this.onActive(e)),
    ];
    this.onActive(vscode.window.activeTextEditor);
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }

  /** The origin of an untitled copy (undefined for other documents). */
  originOf(uri: vscode.Uri): KdocsTarget | undefined {
    return this.copies.get(uri.toString())?.origin;
  }

  /**
   * Opens the content of a personal file in an untitled editor; returns that document. Only text: binary content
   * (Office files, images...) would come back corrupted from a text editor, so it is refused before anything opens.
   */
  async editCopy(arg: unknown): Promise<vscode.TextDocument> {
    const t = this.personalTarget(arg);
    const name = baseName(t.path);
    const notText = () => new InvalidInputError(vscode.l10n.t('"{0}" is not a text file: only text files can be edited as a copy.', name));
    if (isKnownBinaryName(name)) throw notText();
    const fs = (await this.kd.account(t.accountId)).fs('personal');
    const entry = await fs.stat(t.path);
    if (entry.type !== 'file' || entry.kind === 'online-doc') throw notText();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === t.uri.toString());
    const content = open ? open.getText() : textOf(await vscode.workspace.fs.readFile(t.uri));
    if (content === undefined) throw notText();
    const language = open?.languageId ?? languageOfName(name);
    const doc = await vscode.workspace.openTextDocument({ content, language });
    this.copies.set(doc.uri.toString(), { origin: t, version: entry.version });
    await vscode.window.showTextDocument(doc);
    void vscode.commands.executeCommand('setContext', EDIT_COPY_CONTEXT, true);
    void ui().notify('info', vscode.l10n.t(
      'This is an unsaved copy of "{0}". Use "Save as New File" or "Replace" in the editor title to store it in Kingsoft Docs.', baseName(t.path)));
    return doc;
  }

  /**
   * Uploads the copy as a new file next to the original; returns the new file's URI. When the service does not tell
   * which folder the original is in (a Recent / Starred item), the copy goes to My documents, and the message says so.
   */
  async saveAsNew(arg: unknown): Promise<vscode.Uri> {
    const src = await this.source(arg);
    const name = baseName(src.origin.path);
    const fs = (await this.kd.account(src.origin.accountId)).fs('personal');
    const { entry, elsewhere } = await withCancellableProgress(vscode.l10n.t('Saving a copy of {0}', name), async (signal, report) => {
      const o = { signal, onProgress: countProgress(report, true) };
      try {
        return { entry: await fs.saveAsNew(src.origin.path, src.data, o), elsewhere: false };
      } catch (e) {
        if (!(e instanceof FolderUnknownError)) throw e;
        return { entry: await fs.saveAsNew(src.origin.path, src.data, { ...o, folder: '' }), elsewhere: true };
      }
    });
    return this.finish(src, entry, elsewhere
      ? vscode.l10n.t('Kingsoft Docs does not tell which folder "{1}" is in, so the copy was saved in My documents as "{0}"; "{1}" is unchanged.', entry.name, name)
      : vscode.l10n.t('Saved as the new file "{0}"; "{1}" is unchanged.', entry.name, name));
  }

  /** Replaces the original by the copy (original to the recycle bin) after a modal confirmation. */
  async replace(arg: unknown): Promise<vscode.Uri | undefined> {
    const src = await this.source(arg);
    const name = baseName(src.origin.path);
    const replace = vscode.l10n.t('Replace');
    await ui().confirm(
      vscode.l10n.t('Replace "{0}" with this content?', name),
      { detail: vscode.l10n.t('Kingsoft Docs cannot update personal files in place: the content is uploaded as a new file that takes the name, and the original goes to the recycle bin. Share links and collaborators of the original stop working for the new file.') },
      replace,
    );
    const fs = (await this.kd.account(src.origin.accountId)).fs('personal');
    const upload = (expectedVersion?: string) => withCancellableProgress(vscode.l10n.t('Replacing {0}', name), (signal, report) =>
      fs.replace(src.origin.path, src.data, { expectedVersion, signal, onProgress: countProgress(report, true) }));
    let entry: Entry;
    try {
      entry = await upload(src.version);
    } catch (e) {
      if (!isDocError(e, 'Conflict')) throw e;
      const anyway = vscode.l10n.t('Replace Anyway');
      await ui().confirm(
        vscode.l10n.t('"{0}" was changed on the server since you made the copy.', name),
        { detail: vscode.l10n.t('Replacing it now drops those changes (the changed original goes to the recycle bin).') },
        anyway,
      );
      entry = await upload();
    }
    this.kd.changed([src.origin], vscode.FileChangeType.Deleted);
    this.kd.refreshBin(src.origin.accountId, 'personal');
    return this.finish(src, entry, vscode.l10n.t('"{0}" was replaced; the old file is in the recycle bin.', name));
  }

  private async finish(src: { origin: KdocsTarget; doc?: vscode.TextDocument }, entry: Entry, message: string): Promise<vscode.Uri> {
    const saved = this.kd.targetAt(src.origin.accountId, 'personal', entry.path, 'file');
    this.kd.changed([saved], vscode.FileChangeType.Created);
    this.kd.refreshSection(src.origin.accountId);
    if (src.doc) await closeWithoutSaving(src.doc);
    await vscode.window.showTextDocument(saved.uri, { preview: false });
    void ui().notify('info', message);
    return saved.uri;
  }

  /** What to save: `{ target, content }`, a copy (its URI or the active editor). */
  private async source(arg: unknown): Promise<{ origin: KdocsTarget; data: Uint8Array; version?: string; doc?: vscode.TextDocument }> {
    if (isSaveArgs(arg)) {
      const origin = this.personalTarget(arg.target);
      const data = typeof arg.content === 'string' ? new TextEncoder().encode(arg.content) : arg.content;
      return { origin, data };
    }
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    const copy = uri && this.copies.get(uri.toString());
    const doc = copy && vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!copy || !doc) {
      throw new InvalidInputError(vscode.l10n.t('Personal Kingsoft Docs files are read-only here: run "Edit a Copy" on the file, change the copy, then save it with this command.'));
    }
    return { origin: copy.origin, data: new TextEncoder().encode(doc.getText()), version: copy.version, doc };
  }

  private personalTarget(arg: unknown): KdocsTarget {
    const t = this.kd.target(arg);
    if (t.space !== 'personal' || t.path === '') throw new InvalidInputError(vscode.l10n.t('Choose a file in Kingsoft Docs personal files.'));
    return t;
  }

  /** Context key for the copy's editor title, and a one-time notice when a personal file is shown read-only. */
  private onActive(editor: vscode.TextEditor | undefined): void {
    const uri = editor?.document.uri;
    void vscode.commands.executeCommand('setContext', EDIT_COPY_CONTEXT, !!uri && this.copies.has(uri.toString()));
    const t = uri && this.kd.fromUri(uri);
    if (!t || uri.scheme !== KDOCS_SCHEME || t.space !== 'personal' || this.noticed.has(uri.toString())) return;
    this.noticed.add(uri.toString());
    const edit = vscode.l10n.t('Edit a Copy');
    void ui().notify('info',
      vscode.l10n.t('"{0}" is read-only: Kingsoft Docs cannot update personal files in place (saving would make a second file that its share links do not follow).', baseName(t.path)),
      edit,
    ).then((pick) => (pick === edit ? vscode.commands.executeCommand('docWorkspaces.kdocs.editCopy', uri) : undefined));
  }
}

/**
 * Extensions of formats that are never plain text (Office and WPS documents, archives, media): refused without
 * downloading, and the tree does not offer "Edit a Copy" on them. Other files are checked by content (textOf).
 */
const BINARY_EXTENSIONS = new Set([
  'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'pdf', 'wps', 'et', 'dps', 'odt', 'ods', 'odp',
  'zip', 'rar', '7z', 'gz', 'tgz', 'tar', 'bz2', 'xz', 'exe', 'dll', 'bin', 'iso', 'dmg',
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'webp', 'ico', 'tif', 'tiff', 'psd', 'heic',
  'mp3', 'wav', 'flac', 'aac', 'ogg', 'mp4', 'mov', 'avi', 'mkv', 'webm', 'ttf', 'otf', 'woff', 'woff2',
]);

export function isKnownBinaryName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && BINARY_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/** The content as text, or undefined when it is not UTF-8 text (invalid UTF-8, or a NUL byte as binaries have). */
export function textOf(data: Uint8Array): string | undefined {
  if (data.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return undefined;
  }
}

interface LanguageContribution { id?: string; extensions?: string[]; filenames?: string[] }

/**
 * The language VS Code gives a file of this name: `files.associations` (exact names and `*.ext` patterns), then the
 * languages contributed by extensions (exact file names, then the longest matching extension); else plain text.
 * Asking VS Code itself would mean opening the remote file, that is downloading it again.
 */
export function languageOfName(name: string): string {
  const lower = name.toLowerCase();
  const associations = vscode.workspace.getConfiguration('files').get<Record<string, string>>('associations') ?? {};
  for (const [pattern, id] of Object.entries(associations)) {
    const p = pattern.toLowerCase().replace(/^\*\*\//, '');
    if (p === lower || (/^\*\.[^*?/[\]{}]+$/.test(p) && lower.endsWith(p.slice(1)))) return id;
  }
  let best: { id: string; length: number } | undefined;
  for (const ext of vscode.extensions.all) {
    const langs = (ext.packageJSON as { contributes?: { languages?: LanguageContribution[] } }).contributes?.languages ?? [];
    for (const l of langs) {
      if (!l.id) continue;
      if (l.filenames?.some((f) => f.toLowerCase() === lower)) return l.id;
      for (const e of l.extensions ?? []) {
        if (lower.endsWith(e.toLowerCase()) && e.length > (best?.length ?? 0)) best = { id: l.id, length: e.length };
      }
    }
  }
  return best?.id ?? 'plaintext';
}

function isSaveArgs(x: unknown): x is SavePersonalArgs {
  return typeof x === 'object' && x !== null && (x as SavePersonalArgs).target instanceof vscode.Uri && 'content' in x;
}

/** Closes an untitled copy without the "save?" prompt. */
async function closeWithoutSaving(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
