import * as vscode from 'vscode';
import { InvalidInputError } from '../../../../core/errors';
import { splitExt } from '../../../../core/paths';
import { KD_BLANK_TYPES } from '../../../../vendors/kdocs/operations';
import { askName, checkName } from '../../../commands/files';
import { isOptions } from '../../../commands/targets';
import { withCancellableProgress } from '../../../commands/wrap';
import { describeError } from '../../../errors';
import { ui } from '../../../ui';
import { joinPath } from '../../../uri';
import { countProgress } from '../../../commands/batch';
import { folderTarget, type KdocsCommandDeps, nameOf } from './common';

/**
 * New documents: a blank document of any type the service creates (online documents first), then "Open in browser"
 * (or, when its edit URL could not be had, a notice saying why: the document exists all the same);
 * and a new file from a URL (personal: a cloud-drive URL via `files/cloud`; app space: the async upload task, polled
 * with progress). Edit URLs carry an edit token and source URLs may carry credentials: neither is logged.
 */

/** `name` includes the extension (one of KD_BLANK_TYPES); `open` opens it in the browser afterwards. */
export interface KdCreateBlankArgs { target: vscode.Uri; name: string; open?: boolean }
export interface KdImportArgs { target: vscode.Uri; url: string; name: string }

type BlankType = (typeof KD_BLANK_TYPES)[number];

function typeLabel(ext: BlankType): string {
  switch (ext) {
    case '.otl': return vscode.l10n.t('Smart document');
    case '.ksheet': return vscode.l10n.t('Smart sheet');
    case '.dbt': return vscode.l10n.t('Database table');
    case '.docx': case '.doc': return vscode.l10n.t('Word document');
    case '.xlsx': case '.xls': return vscode.l10n.t('Spreadsheet');
    case '.pptx': case '.ppt': return vscode.l10n.t('Presentation');
  }
}

function validateUrl(v: string): string | undefined {
  try {
    const u = new URL(v.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? undefined : vscode.l10n.t('Enter an http or https URL.');
  } catch {
    return vscode.l10n.t('Enter an http or https URL.');
  }
}

/** A file name suggested by a URL: its last path segment (decoded), without query or fragment. */
function nameFromUrl(url: string): string {
  try {
    const last = new URL(url.trim()).pathname.split('/').filter(Boolean).pop() ?? '';
    return decodeURIComponent(last);
  } catch {
    return '';
  }
}

export function registerCreateCommands({ s, kd }: KdocsCommandDeps): vscode.Disposable[] {
  // The edit URL is a secret (edit token): handed to the browser as the exact string (a Uri round trip could decode
  // %26/%2B in its query), never logged.
  const openInBrowser = (url: string) => ui().openExternal(url);

  /** The document exists but cannot be opened in the browser now: say so and why, instead of offering a dead button. */
  const createdWithoutEditUrl = (name: string, e: unknown) => {
    s.log.warn(`Kingsoft Docs: "${name}" was created but its edit URL could not be had`, e);
    const { message, hint } = describeError(e);
    const show = vscode.l10n.t('Show log');
    const why = hint ? `${message} — ${hint}` : message;
    void ui().notify('warning', vscode.l10n.t('{0} created, but it cannot be opened in the browser now: {1}', name, why), show).then((pick) => {
      if (pick === show) s.showLog();
    });
  };

  return [
    s.command('docWorkspaces.kdocs.createBlank', async (arg?: unknown): Promise<vscode.Uri | undefined> => {
      const o = isOptions<KdCreateBlankArgs>(arg, 'name') ? arg : undefined;
      const folder = await folderTarget(s, kd, kd.target(o ? o.target : arg));
      let name = o ? checkName(o.name) : undefined;
      if (!name) {
        const type = await ui().pick(KD_BLANK_TYPES.map((ext) => ({ label: typeLabel(ext), description: ext, ext })), {
          title: vscode.l10n.t('New Kingsoft Docs document in {0}', nameOf(folder)), placeHolder: vscode.l10n.t('Type of the document'),
        });
        const stem = await askName(vscode.l10n.t('Name of the new {0} in {1} (without {2})', typeLabel(type.ext), nameOf(folder), type.ext), vscode.l10n.t('Untitled'));
        name = checkName(splitExt(stem).ext.toLowerCase() === type.ext ? stem : stem + type.ext);
      }
      const { ops } = await kd.account(folder.accountId);
      const path = joinPath(folder.path, name);
      const created = await withCancellableProgress(vscode.l10n.t('Creating {0}', name), (signal) => ops.createBlank(folder.space, path, { signal }));
      const target = kd.targetAt(folder.accountId, folder.space, created.entry.path, 'file');
      kd.changed([target], vscode.FileChangeType.Created);
      const { editUrl } = created;
      if (!editUrl) {
        if (!o || o.open) createdWithoutEditUrl(created.entry.name, created.editUrlError);
        return target.uri;
      }
      if (o) {
        if (o.open) await openInBrowser(editUrl);
        return target.uri;
      }
      const open = vscode.l10n.t('Open in browser');
      void ui().notify('info', vscode.l10n.t('{0} created.', created.entry.name), open).then((pick) => {
        if (pick === open) void openInBrowser(editUrl);
      });
      return target.uri;
    }),

    s.command('docWorkspaces.kdocs.importFromUrl', async (arg?: unknown): Promise<vscode.Uri | undefined> => {
      const o = isOptions<KdImportArgs>(arg, 'url') ? arg : undefined;
      const folder = await folderTarget(s, kd, kd.target(o ? o.target : arg));
      let url = o?.url;
      let name = o ? checkName(o.name) : undefined;
      if (!o) {
        url = await ui().input({
          title: vscode.l10n.t('New file from a URL in {0}', nameOf(folder)),
          prompt: folder.space === 'personal'
            ? vscode.l10n.t('Cloud-drive URL of the file (Kingsoft Docs copies it into your documents)')
            : vscode.l10n.t('URL of the file (the server downloads it; this can take a while)'),
          validateInput: validateUrl, ignoreFocusOut: true,
        });
        name = await askName(vscode.l10n.t('Name of the new file in {0}', nameOf(folder)), nameFromUrl(url));
      }
      if (!url || validateUrl(url)) throw new InvalidInputError(vscode.l10n.t('Enter an http or https URL.'));
      const source = url.trim();
      const fileName = name!;
      const { ops } = await kd.account(folder.accountId);
      const entry = await withCancellableProgress(vscode.l10n.t('Importing {0}', fileName), (signal, report) =>
        ops.importFromUrl(folder.space, folder.path, source, fileName, { signal, onProgress: countProgress(report, true) }));
      const target = kd.targetAt(folder.accountId, folder.space, entry.path, 'file');
      kd.changed([target], vscode.FileChangeType.Created);
      if (!o) void ui().notify('info', vscode.l10n.t('{0} created.', entry.name));
      s.log.info(`Kingsoft Docs: imported "${entry.path}" into ${folder.space}`);
      return target.uri;
    }),
  ];
}
