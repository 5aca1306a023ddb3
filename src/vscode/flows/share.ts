import * as vscode from 'vscode';
import type { ShareAccess, ShareLink } from '../../core/capabilities';
import { targetOf, typeOf } from '../commands/targets';
import { withCancellableProgress } from '../commands/wrap';
import { formatTime } from '../format';
import type { Services } from '../types';
import { ui } from '../ui';
import { capabilityOf, nameOf, pickStore } from './common';

/**
 * One Share for every vendor whose stores share (ShareLinksCapability, CollaboratorsCapability): the questions a link
 * asks come from the store's ShareSpec (how long, what people may do, a password), so Gokuai's "any number of days,
 * preview / download / upload, password" and Kingsoft Docs' "never / 7 / 30 days, view / comment / edit" are the same
 * flow. Every prompt names the item. Link URLs go to the clipboard; links with an edit token are the vendor's own
 * commands (secrets).
 */

/** What a link allows, in words ('' when the vendor's listing does not say). */
export function accessLabel(access: ShareAccess | undefined): string {
  switch (access) {
    case undefined: return '';
    case 'preview': return vscode.l10n.t('Preview only');
    case 'download': return vscode.l10n.t('Preview and download');
    case 'upload': return vscode.l10n.t('Preview, download and upload');
    case 'read': return vscode.l10n.t('Anyone with the link can view');
    case 'comment': return vscode.l10n.t('Anyone with the link can view and comment');
    case 'write': return vscode.l10n.t('Anyone with the link can edit');
  }
}

function expiryLabel(expires: number | undefined): string {
  return expires === undefined ? vscode.l10n.t('never expires') : vscode.l10n.t('expires {0}', formatTime(expires));
}

function daysLabel(days: number): string {
  return days === 0 ? vscode.l10n.t('Never expires') : days === 1 ? vscode.l10n.t('1 day') : vscode.l10n.t('{0} days', days);
}

export function permissionLabel(p: string): string {
  return p === 'write' ? vscode.l10n.t('Can edit') : p === 'read' ? vscode.l10n.t('Can view') : p;
}

export function registerShareCommands(s: Services): vscode.Disposable[] {
  const noLinks = (what: string) => vscode.l10n.t("'{0}' cannot be shared with a link here.", what);
  const noCollaborators = (what: string) => vscode.l10n.t("'{0}' has no collaborators here.", what);

  return [
    s.command('docWorkspaces.share', async (arg?: unknown) => {
      const t = targetOf(s, arg);
      const m = await capabilityOf(s, t, 'links', noLinks);
      const { spec } = m.caps.links;
      const name = nameOf(s, t);
      const folder = (await typeOf(s, t)) === 'folder';
      const current = spec.single ? (await m.caps.links.linksOf(m.path))[0] : undefined;
      const title = current ? vscode.l10n.t("Change the share link of '{0}'", name) : vscode.l10n.t("Share link for '{0}'", name);
      const mark = (on: boolean) => (on ? vscode.l10n.t('current') : undefined);
      const { access } = await ui().pick(spec.access.map((a) => ({ label: accessLabel(a), description: mark(current?.access === a), access: a })), {
        title, placeHolder: vscode.l10n.t('What may people with the link do?'),
      });
      let days: number;
      if (spec.expiry.days === 'any') {
        days = Number(await ui().input({
          title, prompt: vscode.l10n.t('Link expires after how many days? (0 = never)'), value: String(spec.expiry.default), ignoreFocusOut: true,
          validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter a whole number of days.')),
        }));
      } else {
        days = (await ui().pick(spec.expiry.days.map((d) => ({ label: daysLabel(d), days: d })), { title, placeHolder: vscode.l10n.t('How long does the link work?') })).days;
      }
      const password = spec.password
        ? await ui().input({ title, prompt: vscode.l10n.t('Password (optional, leave empty for none)'), password: true, ignoreFocusOut: true })
        : undefined;
      const link = await withCancellableProgress(title, (signal) => m.caps.links.share(m.path, { access, days, password: password || undefined, folder }, { signal }));
      await vscode.env.clipboard.writeText(link.url);
      void ui().notify('info', vscode.l10n.t("Share link for '{0}' copied to the clipboard ({1}, {2}).", name, accessLabel(link.access ?? access), expiryLabel(link.expires)));
      return link.url;
    }),

    s.command('docWorkspaces.stopSharing', async (arg?: unknown) => {
      const t = targetOf(s, arg);
      const m = await capabilityOf(s, t, 'links', noLinks);
      const name = nameOf(s, t);
      const stop = vscode.l10n.t('Stop Sharing');
      await ui().confirm(vscode.l10n.t("Stop sharing '{0}'?", name), { detail: vscode.l10n.t('People who have a link can no longer open it. The file itself stays.') }, stop);
      await m.caps.links.stop(m.path);
      void ui().notify('info', vscode.l10n.t("The share links of '{0}' no longer work.", name));
    }),

    s.command('docWorkspaces.showSharedLinks', async (arg?: unknown) => {
      let links: ShareLink[];
      let title: string;
      const t = isItem(s, arg) ? targetOf(s, arg) : undefined;
      if (t && t.path && (await s.files.resolve(t)).path !== '') {
        const m = await capabilityOf(s, t, 'links', noLinks);
        links = await m.caps.links.linksOf(m.path);
        title = vscode.l10n.t("Share links of '{0}'", nameOf(s, t));
      } else {
        const st = await pickStore(s, arg, 'links', vscode.l10n.t('Whose shared links?'), vscode.l10n.t('There are no shared links to list here.'));
        const all = st.mount.caps.links.all;
        if (!all) {
          void ui().notify('info', vscode.l10n.t('{0} lists share links per file: use Shared Links… on a file.', st.label));
          return [];
        }
        links = await withCancellableProgress(vscode.l10n.t('Reading the shared links of {0}', st.label), (signal) => all.call(st.mount.caps.links, { signal }));
        title = vscode.l10n.t('Shared links of {0}', st.label);
      }
      if (!links.length) {
        void ui().notify('info', vscode.l10n.t('{0}: no share links.', title));
        return links;
      }
      let pick;
      try {
        pick = await ui().pick(links.map((l) => ({
          label: l.name ?? l.url, description: l.path ?? '', link: l,
          detail: [accessLabel(l.access), expiryLabel(l.expires), l.hasPassword ? vscode.l10n.t('password') : ''].filter(Boolean).join(' · '),
        })), { title, placeHolder: vscode.l10n.t('Pick a link to copy it') });
      } catch (e) {
        if (e instanceof vscode.CancellationError) return links; // looked, copied nothing
        throw e;
      }
      await vscode.env.clipboard.writeText(pick.link.url);
      void ui().notify('info', vscode.l10n.t("Share link for '{0}' copied to the clipboard.", pick.label));
      return links;
    }),

    s.command('docWorkspaces.collaborators', async (arg?: unknown) => {
      const t = targetOf(s, arg);
      const m = await capabilityOf(s, t, 'collaborators', noCollaborators);
      const cap = m.caps.collaborators;
      const name = nameOf(s, t);
      const title = vscode.l10n.t("Collaborators on '{0}'", name);
      const list = await cap.list(m.path);
      const add = { label: '$(add) ' + vscode.l10n.t('Add collaborators…'), add: true as const };
      const choice = await ui().pick([add, ...list.map((c) => ({ label: c.name ?? c.userId, description: permissionLabel(c.permission), c }))], { title });
      const askPermission = (current?: string) => ui().pick(cap.permissions.map((p) => ({
        label: permissionLabel(p), description: p === current ? vscode.l10n.t('current') : undefined, p,
      })), { title, placeHolder: vscode.l10n.t('What may they do?') }).then((x) => x.p);
      if ('add' in choice) {
        const ids = splitIds(await ui().input({
          title, prompt: vscode.l10n.t('User ids of the collaborators (separate with , or ;)'), ignoreFocusOut: true,
          validateInput: (v) => (splitIds(v).length ? undefined : vscode.l10n.t('Enter at least one user id.')),
        }));
        await cap.add(m.path, ids, await askPermission());
        void ui().notify('info', vscode.l10n.t('Collaborators added to {0}: {1}.', name, ids.join(', ')));
        return;
      }
      const who = choice.c.name ?? choice.c.userId;
      const change = vscode.l10n.t('Change Permission…');
      const remove = vscode.l10n.t('Remove');
      const what = (await ui().pick([{ label: change }, { label: remove }], { title, placeHolder: who })).label;
      if (what === change) {
        await cap.change(m.path, choice.c.userId, await askPermission(choice.c.permission));
        void ui().notify('info', vscode.l10n.t("{0}'s permission on {1} changed.", who, name));
      } else {
        await ui().confirm(vscode.l10n.t('Remove {0} from the collaborators on {1}?', who, name), {}, remove);
        await cap.remove(m.path, choice.c.userId);
        void ui().notify('info', vscode.l10n.t('{0} no longer collaborates on {1}.', who, name));
      }
    }),
  ];
}

function splitIds(text: string): string[] {
  return [...new Set(text.split(/[\s,;，；]+/).map((t) => t.trim()).filter(Boolean))];
}

/** A file or folder (tree row, URI, palette with an open editor): the per-item listing; else the store-wide one. */
function isItem(s: Services, arg: unknown): boolean {
  try {
    return targetOf(s, arg).path !== '';
  } catch {
    return false;
  }
}
