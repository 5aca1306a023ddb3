import * as vscode from 'vscode';
import { config } from './config';
import { baseName, fromUri, toRoUri } from './uri';

/** What to do when a save finds that the server copy changed since it was read. */
export type ConflictChoice = 'overwrite' | 'cancel';
export interface ConflictContext {
  /** The URI being saved (gokuai://, kdocs://...). */
  uri: vscode.Uri;
  /** File name for messages. */
  name: string;
}
export type ConflictResolver = (c: ConflictContext) => Promise<ConflictChoice>;

/**
 * Test/automation hook. A modal cannot be clicked in an integration test, so tests install a resolver here (through the
 * extension API) or set `docWorkspaces.conflictResolution` to "cancel". Production leaves it undefined.
 */
let override: ConflictResolver | undefined;
export function setConflictResolver(r: ConflictResolver | undefined): void {
  override = r;
}

/** Opens a diff: the server copy (read-only, left) against the document being saved (right). */
export async function compareWithServer(uri: vscode.Uri): Promise<void> {
  const ref = fromUri(uri);
  const remote = toRoUri(ref);
  const name = baseName(ref.path);
  await vscode.commands.executeCommand('vscode.diff', remote, uri, vscode.l10n.t('{0} (server) ↔ {0} (yours)', name));
}

/**
 * Zowe-Explorer-style modal: Compare / Overwrite / Cancel. Only "Overwrite" lets the save through; Compare opens the
 * diff and still refuses this save (the editor stays dirty, the user saves again and chooses Overwrite once merged).
 */
export async function resolveConflict(c: ConflictContext): Promise<ConflictChoice> {
  if (override) return override(c);
  if (config.conflictResolution() === 'cancel') return 'cancel';
  const compare = vscode.l10n.t('Compare');
  const overwrite = vscode.l10n.t('Overwrite');
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t("'{0}' was changed on the server since you opened it", c.name),
    { modal: true, detail: vscode.l10n.t('Compare shows both versions; your changes stay unsaved until you save again and choose Overwrite.') },
    compare, overwrite,
  );
  if (pick === overwrite) return 'overwrite';
  if (pick === compare) await compareWithServer(c.uri);
  return 'cancel';
}
