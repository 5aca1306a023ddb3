import { promises as nodeFs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { isDocError } from '../core/errors';
import type { RemoteFs } from '../core/remote';
import type { Services } from './services';
import { baseName, joinPath, type RemoteRef, toUri } from './uri';

/** Upload/download between the local disk and a library, shared by the commands and drag and drop. */

export type Report = (message: string, increment?: number) => void;

export interface UploadOptions {
  signal: AbortSignal;
  report: Report;
  /** true/false decides for every existing file; undefined asks the user (modal) per file. */
  overwrite?: boolean;
}

interface UploadPlan {
  folders: string[];
  files: Array<{ local: string; remote: string; size: number }>;
  top: string[];
}

async function planUpload(sources: readonly vscode.Uri[], folder: string): Promise<UploadPlan> {
  const plan: UploadPlan = { folders: [], files: [], top: [] };
  const walk = async (local: string, remote: string): Promise<void> => {
    const st = await nodeFs.stat(local);
    if (st.isDirectory()) {
      plan.folders.push(remote);
      for (const name of (await nodeFs.readdir(local)).sort()) await walk(path.join(local, name), joinPath(remote, name));
    } else if (st.isFile()) {
      plan.files.push({ local, remote, size: st.size });
    }
  };
  for (const src of sources) {
    if (src.scheme !== 'file') continue;
    const remote = joinPath(folder, path.basename(src.fsPath));
    plan.top.push(remote);
    await walk(src.fsPath, remote);
  }
  return plan;
}

async function askReplace(name: string): Promise<boolean> {
  const replace = vscode.l10n.t('Replace');
  const pick = await vscode.window.showWarningMessage(vscode.l10n.t("'{0}' already exists in the library. Replace it?", name), { modal: true }, replace);
  return pick === replace;
}

/** Uploads local files and folders (recursively) into a remote folder, streaming each file. Returns remote paths created. */
export async function uploadLocal(s: Services, sources: readonly vscode.Uri[], folder: RemoteRef, o: UploadOptions): Promise<string[]> {
  const fs = await s.fsp.remoteFs(folder.accountId);
  const plan = await planUpload(sources, folder.path);
  const total = plan.files.reduce((n, f) => n + f.size, 0) || 1;
  for (const dir of plan.folders) {
    try {
      await fs.mkdir(dir, { signal: o.signal });
    } catch (e) {
      if (!isDocError(e, 'AlreadyExists')) throw e;
    }
  }
  const uploaded: string[] = [];
  for (const f of plan.files) {
    let sent = 0;
    const onProgress = (done: number) => {
      o.report(baseName(f.remote), ((done - sent) / total) * 100);
      sent = done;
    };
    try {
      await fs.upload(f.local, f.remote, { overwrite: o.overwrite ?? false, signal: o.signal, onProgress });
    } catch (e) {
      if (!isDocError(e, 'AlreadyExists') || o.overwrite !== undefined) throw e;
      if (!(await askReplace(baseName(f.remote)))) continue; // the user chose to skip this file
      await fs.upload(f.local, f.remote, { overwrite: true, signal: o.signal, onProgress });
    }
    uploaded.push(f.remote);
  }
  s.fsp.notify([...plan.folders, ...uploaded].map((p) => ({ type: vscode.FileChangeType.Changed, uri: toUri({ accountId: folder.accountId, path: p }) })));
  return uploaded;
}

async function downloadTree(fs: RemoteFs, remote: string, local: string, o: { signal: AbortSignal; report: Report }): Promise<void> {
  const entry = await fs.stat(remote, { signal: o.signal });
  if (entry.type === 'file') {
    o.report(entry.name);
    await fs.download(remote, local, { signal: o.signal });
    return;
  }
  await nodeFs.mkdir(local, { recursive: true });
  for (const child of await fs.listAll(remote, { signal: o.signal })) {
    await downloadTree(fs, child.path, path.join(local, child.name), o);
  }
}

/**
 * Downloads remote files/folders. `destination` is the local target itself when there is exactly one file and
 * `destinationIsFolder` is false; otherwise items go inside it under their own names.
 */
export async function downloadRemote(
  s: Services, refs: readonly RemoteRef[], destination: vscode.Uri, destinationIsFolder: boolean,
  o: { signal: AbortSignal; report: Report },
): Promise<void> {
  for (const ref of refs) {
    const fs = await s.fsp.remoteFs(ref.accountId);
    const local = destinationIsFolder ? path.join(destination.fsPath, baseName(ref.path) || 'library') : destination.fsPath;
    await downloadTree(fs, ref.path, local, o);
  }
}

/** Moves items into a folder through vscode.workspace.fs, so open editors follow the files. */
export async function moveInto(refs: readonly RemoteRef[], folder: RemoteRef): Promise<void> {
  for (const ref of refs) {
    const to = { accountId: folder.accountId, path: joinPath(folder.path, baseName(ref.path)) };
    if (to.path === ref.path || (folder.path + '/').startsWith(ref.path + '/')) continue; // same place, or into itself
    await vscode.workspace.fs.rename(toUri(ref), toUri(to), { overwrite: false });
  }
}
