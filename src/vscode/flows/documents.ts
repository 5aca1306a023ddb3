import * as vscode from 'vscode';
import { UnsupportedError } from '../../core/errors';
import { splitExt } from '../../core/paths';
import { countProgress } from '../commands/batch';
import { askName, checkName } from '../commands/files';
import { folderOf, targetOf } from '../commands/targets';
import { withCancellableProgress } from '../commands/wrap';
import { describeError } from '../errors';
import type { Services } from '../types';
import { ui } from '../ui';
import { capabilityOf, nameOf, uriIn } from './common';

/**
 * Online documents for every vendor whose stores make them (DocumentsCapability, WebCapability): New Document… (a
 * blank document of a type the store offers, then "Open in Browser"; when its page could not be had, a notice says why:
 * the document exists all the same), New File from URL… (the server downloads it; progress with cancel) and Open in
 * Browser. Page URLs may carry an edit token and source URLs credentials: neither is logged nor returned.
 */

/** How the prompts name a document type (by extension); unknown types show their extension. */
export function typeLabel(ext: string): string {
  switch (ext.toLowerCase()) {
    case '.otl': return vscode.l10n.t('Smart document');
    case '.ksheet': return vscode.l10n.t('Smart sheet');
    case '.dbt': return vscode.l10n.t('Database table');
    case '.docx': case '.doc': return vscode.l10n.t('Word document');
    case '.xlsx': case '.xls': return vscode.l10n.t('Spreadsheet');
    case '.pptx': case '.ppt': return vscode.l10n.t('Presentation');
    default: return ext;
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

export function registerDocumentCommands(s: Services): vscode.Disposable[] {
  const noDocuments = (what: string) => vscode.l10n.t("New documents cannot be made in '{0}'.", what);
  const noImport = (what: string) => vscode.l10n.t("Files cannot be brought in from a URL into '{0}'.", what);
  const noWeb = (what: string) => vscode.l10n.t("'{0}' cannot be opened in the browser.", what);

  // The page URL is a secret (it may carry an edit token): handed to the browser as the exact string (a Uri round trip
  // could decode %26/%2B in its query), never logged.
  const openExternal = (url: string) => ui().openExternal(url);

  /** The document exists but cannot be opened in the browser now: say so and why, instead of offering a dead button. */
  const createdWithoutUrl = (name: string, e: unknown) => {
    s.log.warn(`New document: "${name}" was created but its page could not be had`, e);
    const { message, hint } = describeError(e);
    const show = vscode.l10n.t('Show log');
    const why = hint ? `${message} — ${hint}` : message;
    void ui().notify('warning', vscode.l10n.t('{0} created, but it cannot be opened in the browser now: {1}', name, why), show).then((pick) => {
      if (pick === show) s.showLog();
    });
  };

  return [
    s.command('docWorkspaces.newDocument', async (arg?: unknown): Promise<vscode.Uri> => {
      const folder = await folderOf(s, targetOf(s, arg));
      const where = nameOf(s, folder);
      const m = await capabilityOf(s, folder, 'documents', noDocuments);
      const cap = m.caps.documents;
      const type = await ui().pick(cap.types.map((ext) => ({ label: typeLabel(ext), description: ext, ext })), {
        title: vscode.l10n.t('New document in {0}', where), placeHolder: vscode.l10n.t('Type of the document'),
      });
      const stem = await askName(vscode.l10n.t('Name of the new {0} in {1} (without {2})', typeLabel(type.ext), where, type.ext), vscode.l10n.t('Untitled'));
      const name = checkName(splitExt(stem).ext.toLowerCase() === type.ext ? stem : stem + type.ext);
      const created = await withCancellableProgress(vscode.l10n.t('Creating {0}', name), (signal) => cap.create(m.path, name, { signal }));
      const uri = uriIn(folder, m, created.entry.path);
      s.files.notify([{ type: vscode.FileChangeType.Created, uri }]);
      const { url } = created;
      if (!url) {
        createdWithoutUrl(created.entry.name, created.urlError);
        return uri;
      }
      const open = vscode.l10n.t('Open in Browser');
      void ui().notify('info', vscode.l10n.t('{0} created.', created.entry.name), open).then((pick) => {
        if (pick === open) void openExternal(url);
      });
      return uri;
    }),

    s.command('docWorkspaces.importFromUrl', async (arg?: unknown): Promise<vscode.Uri> => {
      const folder = await folderOf(s, targetOf(s, arg));
      const where = nameOf(s, folder);
      const m = await capabilityOf(s, folder, 'documents', noImport);
      const cap = m.caps.documents;
      const importUrl = cap.importUrl;
      if (!importUrl) throw new UnsupportedError(noImport(where));
      const url = (await ui().input({
        title: vscode.l10n.t('New file from a URL in {0}', where),
        prompt: cap.importFrom === 'cloud'
          ? vscode.l10n.t('Cloud-drive URL of the file (the service copies it into your documents)')
          : vscode.l10n.t('URL of the file (the server downloads it; this can take a while)'),
        validateInput: validateUrl, ignoreFocusOut: true,
      })).trim();
      const name = await askName(vscode.l10n.t('Name of the new file in {0}', where), nameFromUrl(url));
      const entry = await withCancellableProgress(vscode.l10n.t('Importing {0}', name), (signal, report) =>
        importUrl.call(cap, m.path, url, name, { signal, onProgress: countProgress(report, true) }));
      const uri = uriIn(folder, m, entry.path);
      s.files.notify([{ type: vscode.FileChangeType.Created, uri }]);
      void ui().notify('info', vscode.l10n.t('{0} created.', entry.name));
      s.log.info(`Imported "${entry.path}" into ${folder.accountId}/${m.root}`);
      return uri;
    }),

    s.command('docWorkspaces.openInBrowser', async (arg?: unknown): Promise<void> => {
      const t = targetOf(s, arg);
      const m = await capabilityOf(s, t, 'web', noWeb);
      const url = await withCancellableProgress(vscode.l10n.t("Opening '{0}' in the browser", nameOf(s, t)), (signal) => m.caps.web.url(m.path, { signal }));
      await openExternal(url);
    }),
  ];
}
