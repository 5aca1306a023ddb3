import * as vscode from 'vscode';
import { refOf, type RemoteTarget } from '../commands/targets';
import { runBatch } from '../commands/batch';
import { folderLabel } from '../commands/files';
import { reportError, withCancellableProgress } from '../commands/wrap';
import type { Services } from '../types';
import { type UploadSource, uploadLocal } from '../transfer';
import { parentPath, type RemoteRef, toUri, withPath } from '../uri';
import type { TreeNode } from './nodes';

/** VS Code puts the dragged elements of a tree under this MIME type (tree id, lower-cased). */
const TREE_MIME = 'application/vnd.code.tree.docworkspaces.tree';
const URI_LIST = 'text/uri-list';
/** Special drop type: every dropped file, whatever its own MIME type (the only way files arrive in a browser). */
const FILES = 'files';

/**
 * Drop files from the OS / Explorer onto a folder = upload; drag nodes inside the tree = move. Dragging nodes out
 * offers their remote URIs (e.g. to open them in an editor group).
 */
export class TreeDragAndDrop implements vscode.TreeDragAndDropController<TreeNode> {
  readonly dropMimeTypes = [TREE_MIME, FILES, URI_LIST];
  readonly dragMimeTypes = [URI_LIST];

  /** Set right after the tree view exists (the services include the view, the view needs this controller). */
  services?: Services;

  handleDrag(source: readonly TreeNode[], data: vscode.DataTransfer): void {
    const s = this.services;
    if (!s) return;
    const uris = source.map((n) => refOf(s, n)).filter((r): r is RemoteTarget => !!r && r.path !== '')
      .map((r) => toUri(r).toString());
    if (uris.length) data.set(URI_LIST, new vscode.DataTransferItem(uris.join('\r\n')));
  }

  async handleDrop(target: TreeNode | undefined, data: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const s = this.services;
    const folder = target && s && dropFolder(s, target);
    if (!s || !folder || token.isCancellationRequested) return;
    try {
      const dragged = data.get(TREE_MIME)?.value as TreeNode[] | undefined;
      if (dragged?.length) {
        const refs = dragged.map((n) => refOf(s, n)).filter((r): r is RemoteTarget => !!r && r.path !== '' && r.accountId === folder.accountId);
        if (refs.length) await runBatch(s, { op: 'move', refs, folder });
        return;
      }
      const sources = await droppedSources(data);
      if (!sources.length) return;
      await withCancellableProgress(vscode.l10n.t("Uploading to '{0}'", folderLabel(s, folder)), (signal, report) =>
        uploadLocal(s, sources, folder, { signal, report }));
    } catch (e) {
      reportError('Drop', e, s.log, () => s.showLog());
    }
  }
}

/**
 * What an OS / Explorer drop carries: files (asFile(): a local uri on the desktop, only name and bytes in a browser)
 * and a text/uri-list (also folders). The same local file often comes both ways: keep it once.
 */
async function droppedSources(data: vscode.DataTransfer): Promise<UploadSource[]> {
  const files: vscode.DataTransferFile[] = [];
  data.forEach((item) => {
    const f = item.asFile();
    if (f) files.push(f);
  });
  const local = new Map<string, vscode.Uri>();
  for (const f of files) if (f.uri?.scheme === 'file') local.set(f.uri.toString(), f.uri);
  const list = await data.get(URI_LIST)?.asString();
  for (const line of (list ?? '').split(/\r?\n/)) {
    if (!line.trim() || line.startsWith('#')) continue;
    const uri = vscode.Uri.parse(line.trim());
    if (uri.scheme === 'file' && !local.has(uri.toString())) local.set(uri.toString(), uri);
  }
  return [...local.values(), ...files.filter((f) => f.uri?.scheme !== 'file')];
}

/** Dropping on a file means its folder; on the account or a library (any folder-like node), that folder. */
function dropFolder(s: Services, n: TreeNode): RemoteRef | undefined {
  const t = refOf(s, n);
  if (!t) return undefined;
  return t.type === 'file' ? withPath(t, parentPath(t.path)) : t;
}
