import * as vscode from 'vscode';
import { InvalidInputError, isDocError } from '../../core/errors';
import type { Entry } from '../../core/model';
import { countProgress } from '../commands/batch';
import { fileTargetOf } from '../commands/targets';
import { withCancellableProgress } from '../commands/wrap';
import { isKnownBinaryName, languageOfName, textOf } from '../text';
import type { Services } from '../types';
import { ui } from '../ui';
import { baseName, type RemoteRef, toUri } from '../uri';
import { capabilityOf, uriIn, type With } from './common';

/**
 * Stores whose files cannot be updated in place (CopiesCapability; e.g. uploading again makes a second file that the
 * share links do not follow) open their files read-only, and saving is an explicit choice:
 *
 *   1. "Edit a Copy" opens the content of a text file in an untitled editor (same language), remembering which file
 *      it came from and the version it was copied at (binary content is refused: it would not survive the editor);
 *   2. on that copy, "Save as New File" stores it next to the original as `name (1).ext` (both stay; at the store's
 *      root when the vendor does not tell the original's folder, and the message says so), and
 *      "Replace with This Copy" stores it, moves the original to the recycle bin and gives the new file the original's
 *      name, after a modal that says the old share links stop working. A replace whose original changed on the server
 *      since the copy was made asks again first.
 *
 * Both close the copy and open the saved file. The first time such a file shows in an editor, a notice says why it is
 * read-only and offers "Edit a Copy".
 */

interface Copy {
  origin: RemoteRef;
  /** Server version of the original when the copy was made. */
  version?: string;
}

/** Context key: the active editor is a copy made by "Edit a Copy" (its title shows the two ways to save it). */
export const COPY_ACTIVE_CONTEXT = 'docWorkspaces.copyActive';

export class Copies implements vscode.Disposable {
  /** Untitled copies (by URI string) and where they came from. */
  private readonly copies = new Map<string, Copy>();
  /** Files whose read-only notice was shown in this window. */
  private readonly noticed = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly s: Services) {
    this.subscriptions = [
      vscode.workspace.onDidCloseTextDocument((d) => this.copies.delete(d.uri.toString())),
      vscode.window.onDidChangeActiveTextEditor((e) => this.onActive(e)),
      s.command('docWorkspaces.editCopy', (arg?: unknown) => this.editCopy(arg)),
      s.command('docWorkspaces.saveCopyAsNew', (arg?: unknown) => this.saveAsNew(arg)),
      s.command('docWorkspaces.replaceWithCopy', (arg?: unknown) => this.replace(arg)),
    ];
    this.onActive(vscode.window.activeTextEditor);
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }

  /**
   * Opens the content of a file in an untitled editor; returns that document. Only text: binary content (Office files,
   * images...) would come back corrupted from a text editor, so it is refused before anything opens.
   */
  private async editCopy(arg: unknown): Promise<vscode.TextDocument> {
    const t = await fileTargetOf(this.s, arg, vscode.l10n.t('Edit a Copy'));
    const name = baseName(t.path);
    const m = await this.store(t);
    const notText = () => new InvalidInputError(vscode.l10n.t('"{0}" is not a text file: only text files can be edited as a copy.', name));
    if (isKnownBinaryName(name)) throw notText();
    const entry = await m.fs.stat(m.path);
    if (entry.type !== 'file' || entry.kind === 'online-doc') throw notText();
    const uri = toUri(t);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const content = open ? open.getText() : textOf(await vscode.workspace.fs.readFile(uri));
    if (content === undefined) throw notText();
    const language = open?.languageId ?? languageOfName(name);
    const doc = await vscode.workspace.openTextDocument({ content, language });
    this.copies.set(doc.uri.toString(), { origin: t, version: entry.version });
    await vscode.window.showTextDocument(doc);
    void vscode.commands.executeCommand('setContext', COPY_ACTIVE_CONTEXT, true);
    void ui().notify('info', vscode.l10n.t(
      'This is an unsaved copy of "{0}". Use "Save as New File" or "Replace with This Copy" in the editor title to store it.', name));
    return doc;
  }

  /** Stores the copy as a new file next to the original; returns the new file's URI. */
  private async saveAsNew(arg: unknown): Promise<vscode.Uri> {
    const src = await this.source(arg);
    const name = baseName(src.origin.path);
    const m = await this.store(src.origin);
    const { entry, elsewhere } = await withCancellableProgress(vscode.l10n.t('Saving a copy of {0}', name), (signal, report) =>
      m.caps.copies.saveAsNew(m.path, src.data, { signal, onProgress: countProgress(report, true) }));
    return this.finish(src, m, entry, elsewhere
      ? vscode.l10n.t('The service does not tell which folder "{1}" is in, so the copy was saved at the top of {2} as "{0}"; "{1}" is unchanged.', entry.name, name, this.storeName(src.origin, m))
      : vscode.l10n.t('Saved as the new file "{0}"; "{1}" is unchanged.', entry.name, name));
  }

  /** Replaces the original by the copy (original to the recycle bin) after a modal confirmation. */
  private async replace(arg: unknown): Promise<vscode.Uri> {
    const src = await this.source(arg);
    const name = baseName(src.origin.path);
    const m = await this.store(src.origin);
    await ui().confirm(
      vscode.l10n.t('Replace "{0}" with this content?', name),
      { detail: vscode.l10n.t('Files here cannot be updated in place: the content is stored as a new file that takes the name, and the original goes to the recycle bin. Share links and collaborators of the original stop working for the new file.') },
      vscode.l10n.t('Replace'),
    );
    const upload = (expectedVersion?: string) => withCancellableProgress(vscode.l10n.t('Replacing {0}', name), (signal, report) =>
      m.caps.copies.replace(m.path, src.data, { expectedVersion, signal, onProgress: countProgress(report, true) }));
    let entry: Entry;
    try {
      entry = await upload(src.version);
    } catch (e) {
      if (!isDocError(e, 'Conflict')) throw e;
      await ui().confirm(
        vscode.l10n.t('"{0}" was changed on the server since you made the copy.', name),
        { detail: vscode.l10n.t('Replacing it now drops those changes (the changed original goes to the recycle bin).') },
        vscode.l10n.t('Replace Anyway'),
      );
      entry = await upload();
    }
    this.s.files.notify([{ type: vscode.FileChangeType.Deleted, uri: toUri(src.origin) }]);
    this.s.tree.refreshBin(src.origin.accountId, m.root);
    return this.finish(src, m, entry, vscode.l10n.t('"{0}" was replaced; the old file is in the recycle bin.', name));
  }

  private async finish(src: { origin: RemoteRef; doc: vscode.TextDocument }, m: With<'copies'>, entry: Entry, message: string): Promise<vscode.Uri> {
    const saved = uriIn(src.origin, m, entry.path);
    this.s.files.notify([{ type: vscode.FileChangeType.Created, uri: saved }]);
    // Listings of the account that are not folders (recent files...) show the new file too.
    this.s.tree.refreshAccount(src.origin.accountId);
    await closeWithoutSaving(src.doc);
    await vscode.window.showTextDocument(saved, { preview: false });
    void ui().notify('info', message);
    return saved;
  }

  /** The copy to save: its URI (editor title) or the active editor. */
  private async source(arg: unknown): Promise<{ origin: RemoteRef; data: Uint8Array; version?: string; doc: vscode.TextDocument }> {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    const copy = uri && this.copies.get(uri.toString());
    const doc = copy && vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!copy || !doc) {
      throw new InvalidInputError(vscode.l10n.t('Run "Edit a Copy" on a read-only file first, change the copy, then save it with this command.'));
    }
    return { origin: copy.origin, data: new TextEncoder().encode(doc.getText()), version: copy.version, doc };
  }

  private store(t: RemoteRef): Promise<With<'copies'>> {
    return capabilityOf(this.s, t, 'copies', (what) => vscode.l10n.t("'{0}' can be saved in place: edit it directly.", what));
  }

  private storeName(t: RemoteRef, m: With<'copies'>): string {
    const account = this.s.accounts.find(t.accountId);
    const label = this.s.accounts.label(t.accountId);
    const store = account && m.root ? this.s.vendors.get(account.vendor).storeLabel?.(m.root) : undefined;
    return store ? `${label} · ${store}` : label;
  }

  /** Context key for the copy's editor title, and a one-time notice when a file of such a store shows read-only. */
  private onActive(editor: vscode.TextEditor | undefined): void {
    const uri = editor?.document.uri;
    void vscode.commands.executeCommand('setContext', COPY_ACTIVE_CONTEXT, !!uri && this.copies.has(uri.toString()));
    const glue = uri && this.s.vendors.forScheme(uri.scheme);
    if (!uri || !glue || glue.scheme !== uri.scheme || this.noticed.has(uri.toString())) return;
    const ref = this.s.files.refOf(uri);
    if (!ref || !ref.path) return;
    this.noticed.add(uri.toString());
    void this.s.files.resolve(ref).then((m) => {
      if (!m.caps.copies || m.path === '') return;
      const edit = vscode.l10n.t('Edit a Copy');
      return ui().notify('info',
        vscode.l10n.t('"{0}" is read-only: files here cannot be updated in place (saving would make a second file that its share links do not follow).', baseName(ref.path)),
        edit,
      ).then((pick) => (pick === edit ? vscode.commands.executeCommand('docWorkspaces.editCopy', uri) : undefined));
    }, (e: unknown) => this.s.log.debug(`No read-only notice for ${uri.toString()}: ${String(e)}`));
  }
}

/** Closes an untitled copy without the "save?" prompt. */
async function closeWithoutSaving(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
