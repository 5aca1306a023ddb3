import * as vscode from 'vscode';
import { config } from './config';
import { ui } from './ui';
import { baseName, fromUri, refKey, toRoUri } from './uri';

/** One key per file however its URI is spelled (encodings, the token in the path or in the query). */
const keyOf = (uri: vscode.Uri) => refKey(fromUri(uri));

/**
 * What a save does when the server copy changed since the editor loaded it. ONE prompt per conflict:
 *
 * - VS Code checks first: before writing it stats the file and, when the modification time advanced and the size
 *   changed, refuses the save with its own "The content of the file is newer" notification (Compare / Overwrite; its
 *   Compare diff has "Accept" and "Revert" in the title). When the user chooses to overwrite there, the file system
 *   provider lets that save through without asking again (saves.ts tells it that VS Code refused the attempt before).
 * - What VS Code cannot see is asked here: a change of the same size, a change between VS Code's check and the write,
 *   or a document whose starting version is unknown. One modal (Compare / Overwrite / Cancel). Compare opens the
 *   diff "server ↔ yours" in the foreground, with "Overwrite Server Copy" and "Discard My Changes" in its title.
 * - Auto-saves never open the modal: they are refused and one notification says to save by hand (fsProvider.ts).
 */
export type ConflictChoice = 'overwrite' | 'compare' | 'cancel';

export interface ConflictContext {
  /** The URI being saved (gokuai://, kdocs://...). */
  uri: vscode.Uri;
  /** File name for messages. */
  name: string;
  /** The server version the user would overwrite (the one the Compare diff shows). */
  serverVersion?: string;
  /**
   * 'changed': the server copy changed since it was read; 'unknown': the version the editor started from is unknown;
   * 'deleted': the file is gone from the server (nothing to compare: the choice is to save it again or not).
   */
  reason: 'changed' | 'unknown' | 'deleted';
}

/** The open Compare diffs of conflicts, and the overwrites the user approved from them. */
export class Conflicts implements vscode.Disposable {
  /** refKey -> server version shown when Compare was chosen. */
  private readonly pending = new Map<string, string | undefined>();
  /** refKey -> server version the user chose to overwrite (consumed by the next write). */
  private readonly approved = new Map<string, string | undefined>();
  /** refKey -> URI string of the document (the context key lists URIs). */
  private readonly uris = new Map<string, string>();

  dispose(): void {
    this.pending.clear();
    this.approved.clear();
  }

  /** The modal: 'overwrite' lets this save through; 'compare' and 'cancel' refuse it (the editor stays dirty). */
  async ask(c: ConflictContext): Promise<ConflictChoice> {
    if (config.conflictResolution() === 'cancel') return 'cancel';
    const compare = vscode.l10n.t('Compare');
    const overwrite = vscode.l10n.t('Overwrite');
    if (c.reason === 'deleted') {
      const again = vscode.l10n.t('Save It Again');
      try {
        await ui().confirm(vscode.l10n.t("'{0}' was deleted on the server since you opened it", c.name), {
          detail: vscode.l10n.t('Save It Again makes it anew with your content. Cancel keeps your changes unsaved.'),
        }, again);
        return 'overwrite';
      } catch {
        return 'cancel';
      }
    }
    let pick: string;
    try {
      pick = await ui().confirm(
        c.reason === 'unknown'
          ? vscode.l10n.t("Doc Workspaces cannot tell whether '{0}' changed on the server since you opened it", c.name)
          : vscode.l10n.t("'{0}' was changed on the server since you opened it", c.name),
        { detail: vscode.l10n.t('Compare shows the server copy next to yours, with Overwrite and Discard in the title of the comparison. Cancel keeps your changes unsaved.') },
        compare, overwrite,
      );
    } catch {
      return 'cancel'; // dismissed
    }
    if (pick === overwrite) return 'overwrite';
    await this.compare(c.uri, c.serverVersion);
    return 'compare';
  }

  /** Opens the diff server ↔ yours in the foreground, with the conflict actions in its title. */
  async compare(uri: vscode.Uri, serverVersion?: string): Promise<void> {
    const key = keyOf(uri);
    this.pending.set(key, serverVersion);
    this.uris.set(key, uri.toString());
    this.updateContext();
    await compareWithServer(uri);
  }

  /** Takes the overwrite the user approved for this URI, if any (the version they agreed to overwrite). */
  takeApproval(uri: vscode.Uri): { version: string | undefined } | undefined {
    const key = keyOf(uri);
    if (!this.approved.has(key)) return undefined;
    const version = this.approved.get(key);
    this.approved.delete(key);
    return { version };
  }

  /** "Overwrite Server Copy" in the diff title: saves the document over the version the diff showed. */
  async overwrite(uri: vscode.Uri): Promise<boolean> {
    const key = keyOf(uri);
    const doc = vscode.workspace.textDocuments.find((d) => keyOf(d.uri) === key);
    if (!doc) return false;
    this.approved.set(key, this.pending.get(key));
    try {
      await vscode.workspace.save(doc.uri);
    } finally {
      this.approved.delete(key);
    }
    // save() answers undefined when it saved through a diff editor (whose input has no single resource): whether
    // the document is clean now is what tells.
    if (doc.isDirty) return false;
    this.resolved(uri);
    await closeComparison(uri);
    return true;
  }

  /** "Discard My Changes": the document goes back to the server copy. */
  async discard(uri: vscode.Uri): Promise<void> {
    const doc = vscode.workspace.textDocuments.find((d) => keyOf(d.uri) === keyOf(uri));
    if (doc?.isDirty) {
      await vscode.window.showTextDocument(doc, { preview: false });
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    this.resolved(uri);
    await closeComparison(uri);
  }

  /** A save went through (or the changes were discarded): the diff's actions are gone. */
  resolved(uri: vscode.Uri): void {
    const key = keyOf(uri);
    this.uris.delete(key);
    if (this.pending.delete(key)) this.updateContext();
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'docWorkspaces.conflicts', [...this.uris.values()]);
  }
}

/** Opens a diff: the server copy (read-only, left) against the document (right), in the foreground. */
export async function compareWithServer(uri: vscode.Uri): Promise<void> {
  const ref = fromUri(uri);
  const name = baseName(ref.path);
  await vscode.commands.executeCommand('vscode.diff', toRoUri(ref), uri, vscode.l10n.t('{0} (server) ↔ {0} (yours)', name), { preview: false, preserveFocus: false });
}

/** Closes the Compare diffs of a document (the document's own editor stays). */
async function closeComparison(uri: vscode.Uri): Promise<void> {
  const key = keyOf(uri);
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputTextDiff && keyOf(t.input.modified) === key);
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}
