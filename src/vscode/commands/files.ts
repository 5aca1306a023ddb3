import * as vscode from 'vscode';
import { InvalidInputError } from '../../core/errors';
import { compareWithServer } from '../conflict';
import type { Services } from '../services';
import { pickFolder } from '../pickers/folder';
import { downloadRemote, uploadLocal } from '../transfer';
import { baseName, isSafeName, joinPath, parentPath, toUri, withPath } from '../uri';
import { runBatch } from './batch';
import type { BatchOutcome } from './report';
import { folderOf, isOptions, targetOf, targetsOf } from './targets';
import { withCancellableProgress } from './wrap';

/**
 * File commands of every vendor: they only need RemoteFs, so they work on any scheme (gokuai://, kdocs://...).
 * Options accepted instead of UI (tests, automation): every Uri is a remote URI unless noted.
 */
export interface UploadArgs { target: vscode.Uri; /** file:// URIs */ sources: vscode.Uri[]; overwrite?: boolean }
export interface DownloadArgs { targets: vscode.Uri[]; /** file:// URI: a folder, or the file itself for one file */ destination: vscode.Uri }
export interface NewItemArgs { target: vscode.Uri; name: string }
export interface RenameArgs { target: vscode.Uri; name: string }
export interface DeleteArgs { targets: vscode.Uri[]; confirm?: boolean }
export interface CopyMoveArgs { targets: vscode.Uri[]; /** destination folder */ destination: vscode.Uri }

/** Why a name typed for a new or renamed item is not acceptable (undefined = fine); also used by the vendor commands. */
export function validateName(name: string): string | undefined {
  if (!name.trim()) return vscode.l10n.t('Enter a name.');
  if (!isSafeName(name)) return vscode.l10n.t('A name cannot be . or .. nor contain / or \\.');
  return undefined;
}

/** Input box for a name (validated by validateName); the stem of `value` is selected, as the explorer does. */
export async function askName(prompt: string, value = ''): Promise<string | undefined> {
  const dot = value.lastIndexOf('.');
  return vscode.window.showInputBox({ prompt, value, valueSelection: [0, dot > 0 ? dot : value.length], validateInput: validateName, ignoreFocusOut: true });
}

/** The name itself, or InvalidInputError when it is no acceptable name (names passed in options objects). */
export function checkName(name: string): string {
  const err = validateName(name);
  if (err) throw new InvalidInputError(err);
  return name;
}

export function registerFileCommands(s: Services): vscode.Disposable[] {

  const upload = (folders: boolean) => async (arg?: unknown) => {
    const o = isOptions<UploadArgs>(arg, 'sources') ? arg : undefined;
    const folder = await folderOf(s, targetOf(s, o ? o.target : arg));
    const sources = o?.sources ?? await vscode.window.showOpenDialog({
      canSelectMany: true, canSelectFiles: !folders, canSelectFolders: folders,
      openLabel: vscode.l10n.t('Upload'),
    });
    if (!sources?.length) return [];
    return withCancellableProgress(vscode.l10n.t('Uploading to {0}', folder.path || '/'), (signal, report) =>
      uploadLocal(s, sources, folder, { signal, report, overwrite: o?.overwrite }));
  };

  return [
    s.command('docWorkspaces.upload', upload(false)),
    s.command('docWorkspaces.uploadFolder', upload(true)),

    s.command('docWorkspaces.download', async (arg?: unknown, multi?: unknown) => {
      const o = isOptions<DownloadArgs>(arg, 'destination') ? arg : undefined;
      const refs = o ? targetsOf(s, undefined, o.targets) : targetsOf(s, arg, multi);
      let destination = o?.destination;
      let intoFolder = true;
      if (o) {
        intoFolder = refs.length > 1 || (await vscode.workspace.fs.stat(o.destination).then((st) => st.type === vscode.FileType.Directory, () => false));
      } else if (refs.length === 1 && refs[0].type !== 'folder') {
        destination = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(baseName(refs[0].path)), saveLabel: vscode.l10n.t('Download') });
        intoFolder = false;
      } else {
        destination = (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: vscode.l10n.t('Download here') }))?.[0];
      }
      if (!destination) return;
      const dest = destination;
      await withCancellableProgress(vscode.l10n.t('Downloading'), (signal, report) => downloadRemote(s, refs, dest, intoFolder, { signal, report }));
    }),

    s.command('docWorkspaces.newFile', (arg?: unknown) => newItem(s, arg, 'file')),
    s.command('docWorkspaces.newFolder', (arg?: unknown) => newItem(s, arg, 'folder')),

    s.command('docWorkspaces.rename', async (arg?: unknown) => {
      const o = isOptions<RenameArgs>(arg, 'name') ? arg : undefined;
      const t = targetOf(s, o ? o.target : arg);
      if (!t.path) throw new InvalidInputError(vscode.l10n.t('The library root cannot be renamed.'));
      const name = o?.name ?? await askName(vscode.l10n.t('New name'), baseName(t.path));
      if (!name || name === baseName(t.path)) return;
      const to = toUri(withPath(t, joinPath(parentPath(t.path), checkName(name))));
      // Through vscode.workspace.fs so open editors follow the rename.
      await vscode.workspace.fs.rename(toUri(t), to, { overwrite: false });
      return to;
    }),

    s.command('docWorkspaces.delete', (arg?: unknown, multi?: unknown) => deleteCommand(s, arg, multi, false)),
    s.command('docWorkspaces.deletePermanently', (arg?: unknown, multi?: unknown) => deleteCommand(s, arg, multi, true)),

    s.command('docWorkspaces.copy', (arg?: unknown, multi?: unknown) => copyOrMove(s, arg, multi, 'copy')),
    s.command('docWorkspaces.move', (arg?: unknown, multi?: unknown) => copyOrMove(s, arg, multi, 'move')),

    // The diff of the server copy and the open document: every vendor's file system has the read-only twin.
    s.command('docWorkspaces.compareWithServer', async (arg?: unknown) => compareWithServer(toUri(targetOf(s, arg)))),
  ];
}

/** New File / New Folder in the folder of the target; a new file opens in an editor unless options were passed. */
async function newItem(s: Services, arg: unknown, kind: 'file' | 'folder'): Promise<vscode.Uri | undefined> {
  const o = isOptions<NewItemArgs>(arg, 'name') ? arg : undefined;
  const folder = await folderOf(s, targetOf(s, o ? o.target : arg));
  const name = o?.name ?? await askName(kind === 'file' ? vscode.l10n.t('Name of the new file') : vscode.l10n.t('Name of the new folder'));
  if (!name) return undefined;
  const ref = withPath(folder, joinPath(folder.path, checkName(name)));
  const m = await s.files.resolve(ref);
  if (kind === 'file') await m.fs.write(m.path, new Uint8Array(), { create: true, overwrite: false });
  else await m.fs.mkdir(m.path);
  const uri = toUri(ref);
  s.files.notify([{ type: vscode.FileChangeType.Created, uri }]);
  if (kind === 'file' && !o) await vscode.window.showTextDocument(uri);
  return uri;
}

async function deleteCommand(s: Services, arg: unknown, multi: unknown, permanent: boolean): Promise<BatchOutcome | undefined> {
  const o = isOptions<DeleteArgs>(arg, 'targets') ? arg : undefined;
  const refs = (o ? targetsOf(s, undefined, o.targets) : targetsOf(s, arg, multi)).filter((r) => r.path !== '');
  if (!refs.length) return undefined;
  if (o?.confirm !== false) {
    const what = refs.length === 1 ? `'${baseName(refs[0].path)}'` : vscode.l10n.t('{0} items', refs.length);
    const ok = permanent ? vscode.l10n.t('Delete permanently') : vscode.l10n.t('Move to recycle bin');
    const message = permanent
      ? vscode.l10n.t('Permanently delete {0}? This cannot be undone.', what)
      : vscode.l10n.t('Move {0} to the recycle bin?', what);
    if ((await vscode.window.showWarningMessage(message, { modal: true }, ok)) !== ok) return undefined;
  }
  return runBatch(s, { op: 'delete', refs, permanent, quiet: !!o });
}

async function copyOrMove(s: Services, arg: unknown, multi: unknown, op: 'copy' | 'move'): Promise<BatchOutcome | undefined> {
  const o = isOptions<CopyMoveArgs>(arg, 'destination') ? arg : undefined;
  const refs = (o ? targetsOf(s, undefined, o.targets) : targetsOf(s, arg, multi)).filter((r) => r.path !== '');
  if (!refs.length) return undefined;
  const what = refs.length === 1 ? `'${baseName(refs[0].path)}'` : vscode.l10n.t('{0} items', refs.length);
  const folder = o
    ? await folderOf(s, targetOf(s, o.destination))
    : await pickFolder(s, withPath(refs[0], parentPath(refs[0].path)), {
      title: op === 'copy' ? vscode.l10n.t('Copy {0} to…', what) : vscode.l10n.t('Move {0} to…', what),
      exclude: refs,
    });
  if (!folder) return undefined;
  return runBatch(s, { op, refs, folder, quiet: !!o });
}
