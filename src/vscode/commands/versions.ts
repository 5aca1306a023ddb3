import * as vscode from 'vscode';
import { ui } from '../ui';
import { versionLabelOf as labelInUri } from '../uri';

/**
 * The version history flow every vendor shares: a QuickPick of the versions, the picked one opened read-only
 * (`<scheme>-ro://...?version=`) in a tab of its own, and the diff "current ↔ version".
 */

export type VersionItem<V> = vscode.QuickPickItem & { version: V };

/** Asks for a version (CancellationError when the user dismissed the list). */
export async function pickVersion<V>(items: ReadonlyArray<VersionItem<V>>, placeHolder: string): Promise<V> {
  return (await ui().pick(items, { placeHolder })).version;
}

/** Opens a version snapshot; not as a preview, which the next snapshot opened would replace. */
export async function openSnapshot(snapshot: vscode.Uri): Promise<vscode.Uri> {
  await vscode.commands.executeCommand('vscode.open', snapshot, { preview: false });
  return snapshot;
}

/** The diff of the current file (left) and a version (right, where the vendors' Restore buttons look for it). */
export async function compareSnapshot(current: vscode.Uri, snapshot: vscode.Uri, name: string, versionLabel: string): Promise<void> {
  await vscode.commands.executeCommand('vscode.diff', current, snapshot, vscode.l10n.t('{0} (current) ↔ {0} (version {1})', name, versionLabel));
}

/** The label of a snapshot's version (its time, as in the tab name), else the start of the version id. */
export function versionLabelOf(uri: vscode.Uri, version: string): string {
  return labelInUri(uri) ?? version.slice(0, 8);
}
