import * as vscode from 'vscode';
import type { Mount } from '../types';
import { ui } from '../ui';
import { baseName, parentPath } from '../uri';

/**
 * A file of a store chosen by browsing: a QuickPick of the current folder's subfolders and of the files `accept`
 * keeps, with ".." to go up. One QuickPick per folder (the listing as a promise: it shows busy while the server
 * answers). Returns the file's path in the store.
 */
export async function pickFile(store: Pick<Mount, 'fs'>, o: { title: string; accept(name: string): boolean; none: string }): Promise<{ path: string; name: string }> {
  let here = '';
  type Item = vscode.QuickPickItem & { go?: string; file?: { path: string; name: string } };
  for (;;) {
    const at = here;
    const items = store.fs.listAll(at).then((entries): Item[] => {
      const folders = entries.filter((e) => e.type === 'folder').sort((a, b) => a.name.localeCompare(b.name));
      const files = entries.filter((e) => e.type === 'file' && o.accept(e.name)).sort((a, b) => a.name.localeCompare(b.name));
      return [
        ...(at ? [{ label: '$(arrow-up) ..', description: vscode.l10n.t('Parent folder'), go: parentPath(at) }] : []),
        ...files.map((e) => ({ label: '$(file) ' + e.name, file: { path: e.path, name: e.name } })),
        ...folders.map((e) => ({ label: '$(folder) ' + e.name, go: e.path })),
      ];
    });
    const pick = await ui().pick(items, {
      title: o.title,
      placeHolder: vscode.l10n.t('In {0}: pick a file, or open a folder ({1})', baseName(at) || '/', o.none),
      ignoreFocusOut: true,
    });
    if (pick.file) return pick.file;
    if (pick.go !== undefined) here = pick.go;
  }
}
