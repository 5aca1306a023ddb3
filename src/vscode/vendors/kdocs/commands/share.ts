import * as vscode from 'vscode';
import { InvalidInputError } from '../../../../core/errors';
import type { KdLink } from '../../../../vendors/kdocs';
import type { ShareOptions } from '../../../../vendors/kdocs/operations';
import { isOptions } from '../../../commands/targets';
import { ui } from '../../../ui';
import { formatTime } from '../../../format';
import type { KdocsTarget } from '../context';
import { type KdocsCommandDeps, nameOf, requireSpace } from './common';

/**
 * Share links of personal files (create, change, show, cancel), collaborators on a link, the link with an edit token,
 * and the user's edit tokens. The API has share links only for personal files; app-space targets are refused with
 * that reason. Link URLs with edit tokens and the tokens themselves are secrets: clipboard only, never logged, never
 * returned to the command's caller (any extension can run our commands). Plain share link URLs are not secrets.
 */

type Permission = 'read' | 'write';
type Period = NonNullable<ShareOptions['period']>;

/** Options instead of UI. `target`: a kdocs://<account>/personal/... URI. */
export interface KdShareArgs { target: vscode.Uri; permission: Permission; comment?: boolean; period?: Period; reset?: boolean }
export interface KdTargetArgs { target: vscode.Uri; confirm?: boolean }
export interface KdCollaboratorsArgs { target: vscode.Uri; userIds: string[]; permission: Permission }
export interface KdCollaboratorArgs { target: vscode.Uri; userId: string; permission?: Permission }
export interface KdEditTokenArgs { account: string; token: string }

/** A share link as commands return it (no raw vendor fields). */
export interface KdShareInfo {
  url?: string;
  permission: string;
  /** Readers may comment. */
  comment: boolean;
  /** Unix seconds; 0 or undefined = never expires. */
  expireTime?: number;
  collaborators: Array<{ userId: string; permission: string }>;
}

function shareInfo(l: KdLink): KdShareInfo {
  return {
    url: l.url, permission: l.permission ?? 'read', comment: l.extPermList?.includes('comment') ?? false,
    expireTime: l.expireTime, collaborators: (l.members ?? []).map((m) => ({ userId: m.userId, permission: m.permission })),
  };
}

function permissionLabel(p: string, comment = false): string {
  if (p === 'write') return vscode.l10n.t('can edit');
  return comment ? vscode.l10n.t('can view and comment') : vscode.l10n.t('can view');
}

function expiryLabel(expireTime: number | undefined): string {
  return expireTime ? vscode.l10n.t('expires {0}', formatTime(expireTime * 1000)) : vscode.l10n.t('never expires');
}

function splitIds(text: string): string[] {
  return [...new Set(text.split(/[\s,;，；]+/).map((t) => t.trim()).filter(Boolean))];
}

async function pickPermission(title: string, current?: string): Promise<Permission> {
  const items = [
    { label: vscode.l10n.t('Can view'), permission: 'read' as const },
    { label: vscode.l10n.t('Can edit'), permission: 'write' as const },
  ];
  const pick = await ui().pick(items.map((i) => ({ ...i, picked: i.permission === current, description: i.permission === current ? vscode.l10n.t('current') : undefined })), { title });
  return pick.permission;
}

/** Edit tokens created in this window, per account: in memory only (secrets), to offer them when revoking. */
const createdTokens = new Map<string, Array<{ token: string; created: number; expires?: number }>>();

export function registerShareCommands({ s, kd }: KdocsCommandDeps): vscode.Disposable[] {
  const personalOnly = (t: KdocsTarget) =>
    requireSpace(t, 'personal', vscode.l10n.t('Share links and collaborators exist only for personal files, not for the app space.'));
  const personalTarget = (arg: unknown): KdocsTarget => personalOnly(kd.target(arg));

  /** Asks for the settings of a link (current ones preselected) and creates or changes it. */
  async function shareInteractive(t: KdocsTarget): Promise<KdShareInfo | undefined> {
    const { ops } = await kd.account(t.accountId);
    const current = await ops.getShare(t.path);
    const title = current ? vscode.l10n.t('Change the share link of {0}', nameOf(t)) : vscode.l10n.t('Share {0}', nameOf(t));
    const curComment = current?.extPermList?.includes('comment') ?? false;
    const access = await ui().pick([
      { label: vscode.l10n.t('Anyone with the link can view'), permission: 'read' as const, comment: false },
      { label: vscode.l10n.t('Anyone with the link can view and comment'), permission: 'read' as const, comment: true },
      { label: vscode.l10n.t('Anyone with the link can edit'), permission: 'write' as const, comment: false },
    ].map((i) => ({ ...i, description: current && current.permission === i.permission && (i.permission === 'write' || curComment === i.comment) ? vscode.l10n.t('current') : undefined })), { title });
    const period = await ui().pick([
      { label: vscode.l10n.t('Never expires'), period: 0 as const },
      { label: vscode.l10n.t('7 days'), period: 7 as const },
      { label: vscode.l10n.t('30 days'), period: 30 as const },
    ], { title, placeHolder: vscode.l10n.t('How long does the link work?') });
    const link = await ops.share(t.path, { permission: access.permission, comment: access.comment, period: period.period });
    if (link.url) await vscode.env.clipboard.writeText(link.url);
    void ui().notify('info', vscode.l10n.t('Share link of {0} copied to the clipboard ({1}, {2}).', nameOf(t), permissionLabel(access.permission, access.comment), expiryLabel(link.expireTime)));
    return shareInfo(link);
  }

  async function cancel(t: KdocsTarget, confirm: boolean): Promise<boolean> {
    if (confirm) {
      const ok = vscode.l10n.t('Cancel link');
      const msg = vscode.l10n.t('Cancel the share link of {0}? People who have the link can no longer open it.', nameOf(t));
      await ui().confirm(msg, {}, ok);
    }
    await (await kd.account(t.accountId)).ops.cancelShare(t.path);
    return true;
  }

  /** A member of the link picked by the user; undefined when dismissed or there is none (then it says so). */
  async function pickCollaborator(t: KdocsTarget, title: string): Promise<{ userId: string; permission: string } | undefined> {
    const link = await (await kd.account(t.accountId)).ops.getShare(t.path);
    const members = link?.members ?? [];
    if (!members.length) {
      void ui().notify('info', link ? vscode.l10n.t('{0} has no collaborators.', nameOf(t)) : vscode.l10n.t('{0} has no share link.', nameOf(t)));
      return undefined;
    }
    const pick = await ui().pick(members.map((m) => ({ label: m.userId, description: permissionLabel(m.permission), member: m })), { title });
    return pick.member;
  }

  return [
    s.command('docWorkspaces.kdocs.share', async (arg?: unknown): Promise<KdShareInfo | undefined> => {
      if (!isOptions<KdShareArgs>(arg, 'permission')) return shareInteractive(personalTarget(arg));
      const t = personalTarget(arg.target);
      const link = await (await kd.account(t.accountId)).ops.share(t.path, { permission: arg.permission, comment: arg.comment, period: arg.period, reset: arg.reset });
      return shareInfo(link);
    }),

    s.command('docWorkspaces.kdocs.showShare', async (arg?: unknown): Promise<KdShareInfo | undefined> => {
      const o = isOptions<KdTargetArgs>(arg, 'target') ? arg : undefined;
      const t = personalTarget(o ? o.target : arg);
      const link = await (await kd.account(t.accountId)).ops.getShare(t.path);
      const info = link && shareInfo(link);
      if (o) return info;
      if (!info) {
        const create = vscode.l10n.t('Create share link…');
        if ((await ui().notify('info', vscode.l10n.t('{0} has no share link.', nameOf(t)), create)) === create) return shareInteractive(t);
        return undefined;
      }
      const copy = vscode.l10n.t('Copy link');
      const change = vscode.l10n.t('Change…');
      const cancelLabel = vscode.l10n.t('Cancel link');
      const who = info.collaborators.length ? ' ' + vscode.l10n.t('{0} collaborators.', info.collaborators.length) : '';
      const pick = await ui().notify('info',
        vscode.l10n.t('Share link of {0}: anyone with the link {1}, {2}.', nameOf(t), permissionLabel(info.permission, info.comment), expiryLabel(info.expireTime)) + who,
        copy, change, cancelLabel,
      );
      if (pick === copy && info.url) await vscode.env.clipboard.writeText(info.url);
      if (pick === change) return shareInteractive(t);
      if (pick === cancelLabel && await cancel(t, true)) return undefined;
      return info;
    }),

    s.command('docWorkspaces.kdocs.cancelShare', async (arg?: unknown): Promise<boolean> => {
      const o = isOptions<KdTargetArgs>(arg, 'target') ? arg : undefined;
      const t = personalTarget(o ? o.target : arg);
      const done = await cancel(t, o?.confirm !== false);
      if (done && !o) void ui().notify('info', vscode.l10n.t('The share link of {0} no longer works.', nameOf(t)));
      return done;
    }),

    s.command('docWorkspaces.kdocs.addCollaborators', async (arg?: unknown): Promise<KdShareInfo | undefined> => {
      const o = isOptions<KdCollaboratorsArgs>(arg, 'userIds') ? arg : undefined;
      const t = personalTarget(o ? o.target : arg);
      let userIds = o?.userIds;
      let permission = o?.permission;
      if (!o) {
        const title = vscode.l10n.t('Add collaborators to {0}', nameOf(t));
        const text = await ui().input({
          title, prompt: vscode.l10n.t('User ids of the collaborators (separate with , or ;)'), ignoreFocusOut: true,
          validateInput: (v) => (splitIds(v).length ? undefined : vscode.l10n.t('Enter at least one user id.')),
        });
        userIds = splitIds(text);
        permission = await pickPermission(title);
      }
      const link = await (await kd.account(t.accountId)).ops.addCollaborators(t.path, userIds ?? [], permission ?? 'read');
      if (!o) void ui().notify('info', vscode.l10n.t('Collaborators added to {0}: {1}.', nameOf(t), (userIds ?? []).join(', ')));
      return shareInfo(link);
    }),

    s.command('docWorkspaces.kdocs.changeCollaborator', async (arg?: unknown): Promise<KdShareInfo | undefined> => {
      const o = isOptions<KdCollaboratorArgs>(arg, 'userId') ? arg : undefined;
      const t = personalTarget(o ? o.target : arg);
      let userId = o?.userId;
      let permission = o?.permission;
      if (!o) {
        const title = vscode.l10n.t('Change the permission of a collaborator on {0}', nameOf(t));
        const member = await pickCollaborator(t, title);
        if (!member) return undefined;
        userId = member.userId;
        permission = await pickPermission(title, member.permission);
      }
      if (!userId || !permission) throw new InvalidInputError(vscode.l10n.t('Name the collaborator and the new permission.'));
      return shareInfo(await (await kd.account(t.accountId)).ops.updateCollaborator(t.path, userId, permission));
    }),

    s.command('docWorkspaces.kdocs.removeCollaborator', async (arg?: unknown): Promise<boolean> => {
      const o = isOptions<KdCollaboratorArgs>(arg, 'userId') ? arg : undefined;
      const t = personalTarget(o ? o.target : arg);
      const userId = o?.userId ?? (await pickCollaborator(t, vscode.l10n.t('Remove a collaborator from {0}', nameOf(t))))?.userId;
      if (!userId) return false;
      await (await kd.account(t.accountId)).ops.removeCollaborator(t.path, userId);
      if (!o) void ui().notify('info', vscode.l10n.t('{0} no longer collaborates on {1}.', userId, nameOf(t)));
      return true;
    }),

    s.command('docWorkspaces.kdocs.copyLinkWithEditToken', async (arg?: unknown): Promise<void> => {
      const o = isOptions<KdTargetArgs>(arg, 'target') ? arg : undefined;
      const t = personalTarget(o ? o.target : arg);
      const { ops } = await kd.account(t.accountId);
      // Without a share link the service answers "not found", which would read as if the file were gone.
      if (!await ops.getShare(t.path)) {
        if (o) throw new InvalidInputError(vscode.l10n.t('{0} has no share link yet: create one first.', nameOf(t)));
        const create = vscode.l10n.t('Create share link…');
        if ((await ui().notify('info', vscode.l10n.t('{0} has no share link yet: create one first.', nameOf(t)), create)) !== create) return undefined;
        if (!await shareInteractive(t)) return undefined;
      }
      const url = await ops.linkWithEditToken(t.path);
      await vscode.env.clipboard.writeText(url);
      if (!o) void ui().notify('info', vscode.l10n.t('Link of {0} with an edit token copied to the clipboard. Whoever has it can edit: share it with care.', nameOf(t)));
      s.log.info(`Kingsoft Docs: a link with an edit token for "${t.path}" was copied`);
    }),

    s.command('docWorkspaces.kdocs.createEditToken', async (arg?: unknown): Promise<void> => {
      const accountId = await kd.pickAccount(arg);
      const t = await (await kd.account(accountId)).ops.createEditToken();
      const now = Date.now();
      const list = createdTokens.get(accountId) ?? [];
      list.push({ token: t.token, created: now, expires: t.expires_in ? now + t.expires_in * 1000 : undefined });
      createdTokens.set(accountId, list);
      await vscode.env.clipboard.writeText(t.token);
      if (typeof arg !== 'string') {
        void ui().notify('info', t.expires_in
          ? vscode.l10n.t('Edit token copied to the clipboard (valid until {0}).', formatTime(now + t.expires_in * 1000))
          : vscode.l10n.t('Edit token copied to the clipboard.'));
      }
      s.log.info('Kingsoft Docs: an edit token was created and copied');
    }),

    s.command('docWorkspaces.kdocs.revokeEditToken', async (arg?: unknown): Promise<boolean> => {
      const o = isOptions<KdEditTokenArgs>(arg, 'token') ? arg : undefined;
      const accountId = o ? o.account : await kd.pickAccount(arg);
      let token = o?.token;
      if (!o) {
        const mine = (createdTokens.get(accountId) ?? []).filter((x) => !x.expires || x.expires > Date.now());
        const other = { label: vscode.l10n.t('Enter another token…'), token: undefined };
        const pick = mine.length ? await ui().pick([
          ...mine.map((x) => ({
            label: vscode.l10n.t('Created {0}', formatTime(x.created)),
            // Only the start of the token: enough to tell them apart, not enough to use one.
            description: `${x.token.slice(0, 4)}…`, detail: x.expires ? vscode.l10n.t('valid until {0}', formatTime(x.expires)) : undefined, token: x.token,
          })), other,
        ], { placeHolder: vscode.l10n.t('Edit token to revoke') }) : other;
        token = pick.token ?? await ui().input({ prompt: vscode.l10n.t('Edit token to revoke'), password: true, ignoreFocusOut: true });
      }
      if (!token) return false;
      await (await kd.account(accountId)).ops.revokeEditToken(token);
      const revoked = token;
      createdTokens.set(accountId, (createdTokens.get(accountId) ?? []).filter((x) => x.token !== revoked));
      if (!o) void ui().notify('info', vscode.l10n.t('Edit token revoked: links made with it no longer allow editing.'));
      s.log.info('Kingsoft Docs: an edit token was revoked');
      return true;
    }),
  ];
}
