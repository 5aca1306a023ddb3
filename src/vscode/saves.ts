import * as vscode from 'vscode';
import type { Entry } from '../core/model';

/**
 * Editor saves as the file system provider sees them. VS Code saves a document in steps: onWillSaveTextDocument,
 * then its pre-save check (a `stat`: when the modification time advanced and the size changed it refuses the save with
 * its own "The content of the file is newer" dialog and never calls the provider), then `writeFile`. A `writeFile`
 * without a save in progress is a write through the API (another extension, a command), not an editor save.
 *
 * This tells the provider, for one `writeFile`:
 * - whether it is an editor save, and whether the user saved or VS Code auto-saved;
 * - whether the previous save of that editor was refused by VS Code's check, and over which server version: the user
 *   then chose Overwrite in VS Code's dialog (only that lets the save through), so asking again would be a second
 *   prompt for one conflict.
 */
export interface SaveInProgress {
  reason: vscode.TextDocumentSaveReason;
  /** What VS Code's pre-save stat saw during this save. */
  stat?: Entry;
  /** The server version of a conflict VS Code showed its own dialog about (the previous attempt of this save). */
  refusedOver?: string;
}

export class EditorSaves implements vscode.Disposable {
  private readonly pending = new Map<string, SaveInProgress>();
  /** key -> server version VS Code's conflict dialog was about. */
  private readonly refused = new Map<string, string>();
  private readonly subscriptions: vscode.Disposable[];

  /**
   * `keyOf` maps our URIs to per-file keys (undefined for other URIs); `vscodeChecks(doc)` says whether VS Code's own
   * check runs for a document (files.saveConflictResolution, per language); `baselineOf` gives what the editor loaded.
   */
  constructor(
    private readonly keyOf: (uri: vscode.Uri) => string | undefined,
    private readonly baselineOf: (key: string) => { mtime: number; size: number } | undefined,
  ) {
    this.subscriptions = [
      vscode.workspace.onWillSaveTextDocument((e) => this.willSave(e.document, e.reason)),
      vscode.workspace.onDidSaveTextDocument((d) => this.forget(d.uri)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    ];
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.pending.clear();
    this.refused.clear();
  }

  /** The provider's `stat` answered for a file: VS Code's pre-save check of a save in progress reads exactly this. */
  sawStat(key: string, entry: Entry): void {
    const p = this.pending.get(key);
    if (p) p.stat = entry;
  }

  /** Called by `writeFile`: the editor save this write belongs to (undefined for an API write); consumed. */
  take(key: string): SaveInProgress | undefined {
    const p = this.pending.get(key);
    if (!p) return undefined;
    this.pending.delete(key);
    const refusedOver = this.refused.get(key);
    this.refused.delete(key);
    return { ...p, refusedOver };
  }

  private willSave(doc: vscode.TextDocument, reason: vscode.TextDocumentSaveReason): void {
    const key = this.keyOf(doc.uri);
    if (!key) return;
    // The previous attempt stat'ed the file but never reached writeFile: VS Code refused it. Its check fires only
    // when the modification time advanced and the size changed against what the editor loaded; anything else that
    // stops a save before the write (read-only, a failing participant) is no conflict dialog.
    const before = this.pending.get(key);
    const base = this.baselineOf(key);
    if (before?.stat?.version && vscodeChecks(doc) && (!base || (before.stat.mtime > base.mtime && before.stat.size !== base.size))) {
      this.refused.set(key, before.stat.version);
    }
    this.pending.set(key, { reason });
  }

  private forget(uri: vscode.Uri): void {
    const key = this.keyOf(uri);
    if (!key) return;
    this.pending.delete(key);
    this.refused.delete(key);
  }
}

/**
 * Whether VS Code checks a document's file for changes before saving it: `files.saveConflictResolution` is read the
 * way VS Code reads it, for the resource and its language (`"[markdown]": { ... }` overrides).
 */
export function vscodeChecks(doc: vscode.TextDocument): boolean {
  const value = vscode.workspace.getConfiguration('files', { uri: doc.uri, languageId: doc.languageId }).get<string>('saveConflictResolution', 'askUser');
  return value !== 'overwriteFileOnDisk';
}
