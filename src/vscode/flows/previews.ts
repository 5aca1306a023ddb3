import * as vscode from 'vscode';
import type { PreviewLink, PreviewSource } from '../../core/capabilities';
import { UnsupportedError } from '../../core/errors';
import { registerSecret } from '../../core/redact';
import { activeEditorUri, isFromTree, refOf } from '../commands/targets';
import { withCancellableProgress } from '../commands/wrap';
import { formatTime } from '../format';
import type { Services } from '../types';
import { ui } from '../ui';
import { baseName } from '../uri';
import { type AccountStore, pickStore, storeAt } from './common';

/**
 * Anonymous preview links for every account whose store makes them (PreviewsCapability): Create Preview Link… on a
 * file of the account, a local file (the Explorer) or a document on the web (its URL), with or without download; the
 * link goes to the clipboard. Preview Links… lists the links made here with when their token expires: copy, renew
 * (a new token; the old one stops working), revoke. Links carry their token: the list lives in SecretStorage only.
 */

interface Saved {
  accountId: string;
  /** The store that made it (its root in the account). */
  root: string;
  name: string;
  url: string;
  token: string;
  expires?: number;
  created: number;
}

const KEY = 'docWorkspaces.previews';

export function registerPreviewCommands(s: Services): vscode.Disposable[] {
  const load = async (): Promise<Saved[]> => {
    try {
      const list = JSON.parse(await s.secrets.get(KEY) ?? '[]') as Saved[];
      for (const p of list) { registerSecret(p.token); registerSecret(p.url); }
      return list;
    } catch {
      return [];
    }
  };
  const store = (list: Saved[]) => s.secrets.store(KEY, JSON.stringify(list));
  const remember = (p: Saved) => { registerSecret(p.token); registerSecret(p.url); };

  /** The store that made a saved link (refused in words when its account is gone). */
  const storeOf = (p: Saved) => storeAt(s, p.accountId, p.root, 'previews', vscode.l10n.t("The account that made the preview of '{0}' is not here any more.", p.name));

  const copied = async (name: string, link: PreviewLink) => {
    await vscode.env.clipboard.writeText(link.url);
    void ui().notify('info', link.expires
      ? vscode.l10n.t("Preview link of '{0}' copied to the clipboard (works until {1}).", name, formatTime(link.expires))
      : vscode.l10n.t("Preview link of '{0}' copied to the clipboard.", name));
  };

  return [
    s.command('docWorkspaces.createPreview', async (arg?: unknown): Promise<void> => {
      const { st, source, name } = await sourceOf(s, arg);
      const title = vscode.l10n.t("Preview link for '{0}'", name);
      const { download } = await ui().pick([
        { label: vscode.l10n.t('View only'), download: false },
        { label: vscode.l10n.t('View and download'), download: true },
      ], { title, placeHolder: vscode.l10n.t('What may people with the link do?') });
      const link = await withCancellableProgress(title, (signal) => st.mount.caps.previews.create(source, { signal, download }));
      const saved: Saved = { accountId: st.account.id, root: st.mount.root, name, url: link.url, token: link.token, expires: link.expires, created: Date.now() };
      remember(saved);
      await store([...await load(), saved]);
      await copied(name, link);
    }),

    s.command('docWorkspaces.previewLinks', async (): Promise<void> => {
      const list = await load();
      if (!list.length) {
        void ui().notify('info', vscode.l10n.t('No preview links were made here yet: use "Create Preview Link…" on a document.'));
        return;
      }
      const title = vscode.l10n.t('Preview links');
      const now = Date.now();
      const { p } = await ui().pick(list.map((x) => ({
        label: x.name,
        description: x.expires ? (x.expires > now ? vscode.l10n.t('works until {0}', formatTime(x.expires)) : vscode.l10n.t('expired {0}', formatTime(x.expires))) : undefined,
        detail: s.accounts.label(x.accountId), p: x,
      })), { title, placeHolder: vscode.l10n.t('Pick a link to copy, renew or revoke it') });
      const copy = vscode.l10n.t('Copy Link');
      const renew = vscode.l10n.t('Renew');
      const revoke = vscode.l10n.t('Revoke');
      const action = (await ui().pick([{ label: copy }, { label: renew }, { label: revoke }], { title: vscode.l10n.t("Preview link of '{0}'", p.name) })).label;
      const others = list.filter((x) => x !== p);
      if (action === copy) return copied(p.name, p);
      const st = await storeOf(p);
      if (action === renew) {
        const link = await withCancellableProgress(vscode.l10n.t("Renewing the preview link of '{0}'", p.name), (signal) => st.mount.caps.previews.renew(p.token, { signal }));
        const next = { ...p, url: link.url, token: link.token, expires: link.expires };
        remember(next);
        await store([...others, next]);
        return copied(p.name, link);
      }
      await ui().confirm(vscode.l10n.t("Revoke the preview link of '{0}'?", p.name), { detail: vscode.l10n.t('People who have the link can no longer open the preview.') }, revoke);
      await st.mount.caps.previews.revoke(p.token);
      await store(others);
      void ui().notify('info', vscode.l10n.t("The preview link of '{0}' no longer works.", p.name));
    }),
  ];
}

/** What a preview is made of: a file of a store that previews, a local file, or (from the palette) a URL. */
async function sourceOf(s: Services, arg: unknown): Promise<{ st: AccountStore<'previews'>; source: PreviewSource; name: string }> {
  const x = isFromTree(arg) ? s.treeView.selection[0] : arg ?? activeEditorUri();
  const none = vscode.l10n.t('None of your accounts makes preview links.');
  const placeHolder = vscode.l10n.t('Which account makes the preview?');
  if (x instanceof vscode.Uri && !s.vendors.isRemoteUri(x)) {
    const name = baseName(x.path);
    const st = await pickStore(s, undefined, 'previews', placeHolder, none);
    if (!st.mount.caps.previews.sources.includes('bytes')) throw new UnsupportedError(vscode.l10n.t("'{0}' cannot be previewed from this computer.", name));
    return { st, source: { kind: 'bytes', name, data: await vscode.workspace.fs.readFile(x) }, name };
  }
  const ref = refOf(s, x);
  if (ref?.path) {
    const name = baseName(ref.path);
    const m = await s.files.resolve(ref);
    const cap = m.caps.previews;
    if (!cap?.sources.includes('store')) throw new UnsupportedError(vscode.l10n.t("'{0}' cannot get a preview link here.", name));
    const st = await pickStore(s, x, 'previews', placeHolder, none);
    return { st, source: { kind: 'store', path: m.path }, name };
  }
  const st = await pickStore(s, undefined, 'previews', placeHolder, none);
  const url = (await ui().input({
    title: vscode.l10n.t('Preview link for a document on the web'), prompt: vscode.l10n.t('URL of the document (the service downloads it)'), ignoreFocusOut: true,
    validateInput: (v) => (/^https?:\/\/\S+$/i.test(v.trim()) ? undefined : vscode.l10n.t('Enter an http or https URL.')),
  })).trim();
  const suggested = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '');
  const name = await ui().input({
    title: vscode.l10n.t('Preview link for a document on the web'), prompt: vscode.l10n.t('Name of the document, with its extension (e.g. report.docx)'), value: suggested, ignoreFocusOut: true,
    validateInput: (v) => (/\.\w+$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter a name with its extension.')),
  });
  return { st, source: { kind: 'url', url, name: name.trim() }, name: name.trim() };
}
