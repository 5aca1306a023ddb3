import * as vscode from 'vscode';
import { InvalidInputError } from '../../core/errors';
import { compareWithServer } from '../conflict';
import { whatItems } from '../format';
import { pickFolder } from '../pickers/folder';
import type { Services } from '../types';
import { downloadRemote, uploadLocal } from '../transfer';
import { ui } from '../ui';
import { writerOf } from '../writable';
import { baseName, isSafeName, joinPath, parentPath, type RemoteRef, toUri, withPath } from '../uri';
import { runBatch } from './batch';
import type { BatchOutcome } from './report';
import { fileTargetOf, folderOf, targetOf, targetsOf, typeOf } from './targets';
import { withCancellableProgress } from './wrap';

/** File commands of every vendor: they only need RemoteFs, so they work on any scheme (gokuai://, kdocs://...). */

/** Why a name typed for a new or renamed item is not acceptable (undefined = fine); also used by the vendor commands. */
export function validateName(name: string): string | undefined {
  if (!name.trim()) return vscode.l10n.t('Enter a name.');
  if (!isSafeName(name)) return vscode.l10n.t('A name cannot be . or .. nor contain / or \\.');
  return undefined;
}

/** The name itself, or InvalidInputError when it is no acceptable name. */
export function checkName(name: string): string {
  const err = validateName(name);
  if (err) throw new InvalidInputError(err);
  return name;
}

/** Input box for a name (validated by validateName); the stem of `value` is selected, as the explorer does. */
export function askName(prompt: string, value = '', title?: string): Promise<string> {
  const dot = value.lastIndexOf('.');
  return ui().input({ title, prompt, value, valueSelection: [0, dot > 0 ? dot : value.length], validateInput: validateName, ignoreFocusOut: true });
}

/** Name of a folder for prompts: its last segment, or the account's name for its root. */
export function folderLabel(s: Services, ref: RemoteRef): string {
  return baseName(ref.path) || s.accounts.label(ref.accountId);
}

/**
 * In a browser (code-server, vscode.dev) or a remote window, the file dialogs show the files of the machine the
 * extension runs on, not of the user's computer. Say so before showing one, naming what the command acts on, and point
 * to what works from the user's computer: dropping files onto the tree (upload), the Explorer's Download… (download).
 */
async function explainServerPicker(s: Services, transfer: 'upload' | 'download', what: string): Promise<void> {
  const remote = vscode.env.remoteName;
  if (vscode.env.uiKind !== vscode.UIKind.Web && !remote) return;
  // In a browser the files are on the machine that serves the page; a desktop remote window names its remote.
  const machine = remote && vscode.env.uiKind !== vscode.UIKind.Web ? vscode.l10n.t('the remote machine ({0})', remote) : vscode.l10n.t('the machine VS Code runs on');
  const pick = transfer === 'upload' ? vscode.l10n.t('Pick on the Server') : vscode.l10n.t('Save on the Server');
  await ui().confirm(
    transfer === 'upload'
      ? vscode.l10n.t('Upload to {0}: the file picker shows files of {1}, not of this computer.', what, machine)
      : vscode.l10n.t('Download {0}: the folder picker saves to {1}, not to this computer.', what, machine),
    {
      detail: transfer === 'upload'
        ? vscode.l10n.t('To upload from this computer, drag files or folders onto a folder in the Doc Workspaces view.')
        : vscode.l10n.t('To download to this computer, open the account as a workspace folder ("Open Library as Workspace Folder") and use Download… in the Explorer\'s context menu.'),
    },
    pick,
  );
  s.log.debug(`${transfer}: the user picks on the extension host`);
}

export function registerFileCommands(s: Services): vscode.Disposable[] {
  const upload = (folders: boolean) => async (arg?: unknown) => {
    const folder = await folderOf(s, targetOf(s, arg));
    const where = folderLabel(s, folder);
    await explainServerPicker(s, 'upload', `'${where}'`);
    const sources = await ui().openDialog({
      canSelectMany: true, canSelectFiles: !folders, canSelectFolders: folders,
      title: folders ? vscode.l10n.t("Upload folders to '{0}'", where) : vscode.l10n.t("Upload files to '{0}'", where),
      openLabel: vscode.l10n.t('Upload'),
    });
    return withCancellableProgress(vscode.l10n.t("Uploading to '{0}'", where), (signal, report) =>
      uploadLocal(s, sources, folder, { signal, report }));
  };

  return [
    s.command('docWorkspaces.upload', upload(false)),
    s.command('docWorkspaces.uploadFolder', upload(true)),

    s.command('docWorkspaces.download', async (arg?: unknown, multi?: unknown) => {
      const refs = targetsOf(s, arg, multi);
      const names = refs.map((r) => baseName(r.path) || s.accounts.label(r.accountId));
      const one = refs.length === 1 ? refs[0] : undefined;
      await explainServerPicker(s, 'download', whatItems(names));
      let destination: vscode.Uri;
      let intoFolder = true;
      if (one && one.path && (await typeOf(s, one)) === 'file') {
        destination = await ui().saveDialog({
          defaultUri: vscode.Uri.file(names[0]), title: vscode.l10n.t("Download '{0}'", names[0]), saveLabel: vscode.l10n.t('Download'),
        });
        intoFolder = false;
      } else {
        [destination] = await ui().openDialog({
          canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
          title: vscode.l10n.t('Download {0} to…', whatItems(names)), openLabel: vscode.l10n.t('Download here'),
        });
      }
      await withCancellableProgress(vscode.l10n.t('Downloading {0}', whatItems(names)), (signal, report) =>
        downloadRemote(s, refs, destination, intoFolder, { signal, report }));
      return destination;
    }),

    s.command('docWorkspaces.newFile', (arg?: unknown) => newItem(s, arg, 'file')),
    s.command('docWorkspaces.newFolder', (arg?: unknown) => newItem(s, arg, 'folder')),

    s.command('docWorkspaces.rename', async (arg?: unknown) => {
      const t = targetOf(s, arg);
      if (!t.path) throw new InvalidInputError(vscode.l10n.t('An account or library root cannot be renamed.'));
      const old = baseName(t.path);
      const name = await askName(vscode.l10n.t("New name for '{0}'", old), old);
      if (name === old) return undefined;
      const to = toUri(withPath(t, joinPath(parentPath(t.path), name)));
      // Through vscode.workspace.fs so open editors follow the rename.
      await vscode.workspace.fs.rename(toUri(t), to, { overwrite: false });
      return to;
    }),

    s.command('docWorkspaces.delete', (arg?: unknown, multi?: unknown) => deleteCommand(s, arg, multi, false)),
    s.command('docWorkspaces.deletePermanently', (arg?: unknown, multi?: unknown) => deleteCommand(s, arg, multi, true)),

    s.command('docWorkspaces.copy', (arg?: unknown, multi?: unknown) => copyOrMove(s, arg, multi, 'copy')),
    s.command('docWorkspaces.move', (arg?: unknown, multi?: unknown) => copyOrMove(s, arg, multi, 'move')),

    // The diff of the server copy and the open document: every vendor's file system has the read-only twin.
    s.command('docWorkspaces.compareWithServer', async (arg?: unknown) =>
      compareWithServer(toUri(await fileTargetOf(s, arg, vscode.l10n.t('Compare with Server Copy'))))),

    // The title buttons of a save conflict's Compare diff (conflict.ts): the diff's right side is the document.
    // The diff's title passes the document's own URI: used as given (rebuilding it could spell it another way).
    s.command('docWorkspaces.conflict.overwrite', async (arg?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : toUri(targetOf(s, arg));
      if (!(await s.files.conflicts.overwrite(uri))) {
        throw new InvalidInputError(vscode.l10n.t("'{0}' was not saved. Save it again to see why.", baseName(uri.path)));
      }
    }),
    s.command('docWorkspaces.conflict.discard', async (arg?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : toUri(targetOf(s, arg));
      const name = baseName(uri.path);
      await ui().confirm(vscode.l10n.t("Discard your changes to '{0}'?", name), { detail: vscode.l10n.t('The editor shows the server copy again.') }, vscode.l10n.t('Discard My Changes'));
      await s.files.conflicts.discard(uri);
    }),
  ];
}

/** New File / New Folder in the folder of the target; a new file opens in an editor. */
async function newItem(s: Services, arg: unknown, kind: 'file' | 'folder'): Promise<vscode.Uri> {
  const folder = await folderOf(s, targetOf(s, arg));
  const where = folderLabel(s, folder);
  const name = await askName(kind === 'file' ? vscode.l10n.t("Name of the new file in '{0}'", where) : vscode.l10n.t("Name of the new folder in '{0}'", where));
  const ref = withPath(folder, joinPath(folder.path, name));
  const m = await s.files.resolve(ref);
  const writer = writerOf(m, where);
  if (kind === 'file') await writer.write(m.path, new Uint8Array(), { create: true, overwrite: false });
  else await writer.mkdir(m.path);
  const uri = toUri(ref);
  s.files.notify([{ type: vscode.FileChangeType.Created, uri }]);
  if (kind === 'file') await vscode.window.showTextDocument(uri);
  return uri;
}

async function deleteCommand(s: Services, arg: unknown, multi: unknown, permanent: boolean): Promise<BatchOutcome | undefined> {
  const refs = targetsOf(s, arg, multi).filter((r) => r.path !== '');
  if (!refs.length) throw new InvalidInputError(vscode.l10n.t('An account or library root cannot be deleted.'));
  const what = whatItems(refs.map((r) => baseName(r.path)));
  const ok = permanent ? vscode.l10n.t('Delete Permanently') : vscode.l10n.t('Move to Recycle Bin');
  const message = permanent
    ? vscode.l10n.t('Permanently delete {0}? This cannot be undone.', what)
    : vscode.l10n.t('Move {0} to the recycle bin?', what);
  await ui().confirm(message, {}, ok);
  return runBatch(s, { op: 'delete', refs, permanent });
}

async function copyOrMove(s: Services, arg: unknown, multi: unknown, op: 'copy' | 'move'): Promise<BatchOutcome | undefined> {
  const refs = targetsOf(s, arg, multi).filter((r) => r.path !== '');
  if (!refs.length) throw new InvalidInputError(vscode.l10n.t('An account or library root cannot be copied or moved.'));
  const what = whatItems(refs.map((r) => baseName(r.path)));
  const folder = await pickFolder(s, withPath(refs[0], parentPath(refs[0].path)), {
    title: op === 'copy' ? vscode.l10n.t('Copy {0} to…', what) : vscode.l10n.t('Move {0} to…', what),
    exclude: refs,
  });
  return runBatch(s, { op, refs, folder });
}
