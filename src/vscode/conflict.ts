import * as vscode from 'vscode';
import { config } from './config';
import { ui } from './ui';
import { baseName, fromUri, toRoUri } from './uri';

/**
 * What a save does when the server copy changed since the editor loaded it. ONE prompt per conflict:
 *
 * - VS Code checks first: before writing it stats the file and, when the modification time advanced and the size
 *   changed, refuses the save with its own "The content of the file is newer" notification (Compare / Overwrite; its
 *   Compare diff has "Overwrite" and "Revert" in the title). When the user chooses Overwrite there, the file system
 *   provider sees the write and lets it through without asking again (fsProvider.ts: `approvedByVsCode`).
 * - What VS Code cannot see is asked here: a change of the same size, a change between VS Code's check and the write,
 *   or a document whose starting version is unknown. One modal (Compare / Overwrite / Cancel). Compare opens the
 *   diff "server ↔ yours" in the foreground, with "Overwrite Server Copy" and "Discard My Changes" in its title.
 */
export type ConflictChoice = 'overwrite' | 'cancel';

export interface ConflictContext {
  /** The URI being saved (gokuai://, kdocs://...). */
  uri: vscode.Uri;
  /** File name for messages. */
  name: string;
  /** The server version the user would overwrite (the one the Compare diff shows). */
  serverVersion?: string;
  /** 'changed': the server copy changed since it was read; 'unknown': the version the editor started from is unknown. */
  reason: 'changed' | 'unknown';
}

/** The open Compare diffs of conflicts, and the overwrites the user approved from them. */
export class Conflicts implements vscode.Disposable {
  /** URI string -> server version shown when Compare was chosen. */
  private readonly pending = new Map<string, string | undefined>();
  /** URI string -> server version the user chose to overwrite (consumed by the next write). */
  private readonly approved = new Map<string, string | undefined>();

  dispose(): void {
    this.pending.clear();
    this.approved.clear();
  }

  /** The modal: 'overwrite' lets this save through; Compare and Cancel refuse it (the editor stays dirty). */
  async ask(c: ConflictContext): Promise<ConflictChoice> {
    if (config.conflictResolution() === 'cancel') return 'cancel';
    const compare = vscode.l10n.t('Compare');
    const overwrite = vscode.l10n.t('Overwrite');
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
    return 'cancel';
  }

  /** Opens the diff server ↔ yours in the foreground, with the conflict actions in its title. */
  async compare(uri: vscode.Uri, serverVersion?: string): Promise<void> {
    this.pending.set(uri.toString(), serverVersion);
    this.updateContext();
    await compareWithServer(uri);
  }

  /** Takes the overwrite the user approved for this URI, if any (the version they agreed to overwrite). */
  takeApproval(uri: vscode.Uri): { version: string | undefined } | undefined {
    const key = uri.toString();
    if (!this.approved.has(key)) return undefined;
    const version = this.approved.get(key);
    this.approved.delete(key);
    return { version };
  }

  /** "Overwrite Server Copy" in the diff title: saves the document over the version the diff showed. */
  async overwrite(uri: vscode.Uri): Promise<boolean> {
    const key = uri.toString();
    this.approved.set(key, this.pending.get(key));
    try {
      await vscode.workspace.save(uri);
    } finally {
      this.approved.delete(key);
    }
    // save() answers undefined when it saved through a diff editor (whose input has no single resource): whether
    // the document is clean now is what tells.
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (!doc || doc.isDirty) return false;
    this.resolved(uri);
    await closeComparison(uri);
    return true;
  }

  /** "Discard My Changes": the document goes back to the server copy. */
  async discard(uri: vscode.Uri): Promise<void> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) {
      await vscode.window.showTextDocument(doc, { preview: false });
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    this.resolved(uri);
    await closeComparison(uri);
  }

  /** A save went through (or the changes were discarded): the diff's actions are gone. */
  resolved(uri: vscode.Uri): void {
    if (this.pending.delete(uri.toString())) this.updateContext();
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'docWorkspaces.conflicts', [...this.pending.keys()]);
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
  const key = uri.toString();
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === key);
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}
