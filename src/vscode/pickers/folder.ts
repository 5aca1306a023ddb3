import * as vscode from 'vscode';
import type { Services } from '../types';
import { ui } from '../ui';
import { baseName, joinPath, parentPath, type RemoteRef, refKey, withPath } from '../uri';

/**
 * A destination folder chosen by browsing instead of typing a path: a QuickPick of the subfolders of the current
 * folder, ".." to go up and "Select this folder". It stays inside the RemoteFs of `start` (a library, a kdocs space):
 * copies and moves cannot leave it anyway. One QuickPick per folder (showQuickPick with the listing as a promise, so
 * it shows its busy state while the server answers).
 */

export interface PickFolderOptions {
  title: string;
  /** Items being copied or moved: a folder cannot go into itself, so they are not offered. */
  exclude?: readonly RemoteRef[];
}

type Item = vscode.QuickPickItem & { go?: string; select?: true };

export async function pickFolder(s: Services, start: RemoteRef, o: PickFolderOptions): Promise<RemoteRef> {
  const { fs, root, path: startPath } = await s.files.resolve(start);
  const excluded = new Set((o.exclude ?? []).map(refKey));
  const uriPath = (inner: string) => joinPath(root, inner);
  let here = startPath;
  for (;;) {
    const at = here;
    const items = fs.listAll(at).then((entries): Item[] => [
      { label: '$(check) ' + vscode.l10n.t('Select this folder'), description: '/' + uriPath(at), select: true },
      ...(at ? [{ label: '$(arrow-up) ..', description: vscode.l10n.t('Parent folder'), go: parentPath(at) }] : []),
      ...entries
        .filter((e) => e.type === 'folder' && !excluded.has(refKey(withPath(start, uriPath(e.path)))))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((e) => ({ label: '$(folder) ' + e.name, go: e.path })),
    ]);
    const pick = await ui().pick(items, {
      title: o.title,
      placeHolder: vscode.l10n.t('In {0}: open a folder, or pick "Select this folder"', baseName(uriPath(at)) || '/'),
      ignoreFocusOut: true,
    });
    if (pick.select) return withPath(start, uriPath(at));
    if (pick.go !== undefined) here = pick.go;
  }
}
