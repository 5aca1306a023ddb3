import * as vscode from 'vscode';
import { InvalidInputError, UnsupportedError } from '../../../core/errors';
import { KD_ERR } from '../../../vendors/kdocs/wire';
import type { AccountInfo } from '../../accounts';
import { ui } from '../../ui';
import type { VendorGlue } from '../types';
import { addKdocsAccount, AUTH_PATH, type AddKdocsInput, autoApprovedCode, finishSignIn, KdocsAuthFlow, signInAgain } from './auth';
import { Avatars } from './avatars';
import { kdocsBatch, registerKdocsCommands } from './commands';
import {
  connectKdocs, isKdocsConnection, type KdocsAccountInfo, KDOCS_SANDBOX_ACCOUNT_ID, onDidSignOut, serializeKdocsSecret,
} from './connection';
import { createKdocsContext, type KdocsContext } from './context';
import { KDOCS_SCHEME, locate } from './paths';
import { PersonalFiles } from './personal';
import { avatarOf, initProfiles } from './profile';
import { kdocsTree, OPEN_ONLINE_COMMAND, SIGN_IN_COMMAND } from './tree';

export { KDOCS_SCHEME };
export type { AddKdocsInput, KdocsAccountInfo, KdocsContext };

/** Vendor codes of a lost personal sign-in (the way out is signing in again). */
const SIGN_IN_CODES: ReadonlySet<number | string | undefined> = new Set([KD_ERR.BAD_TOKEN, KD_ERR.TOKEN_EXPIRED, KD_ERR.BAD_REFRESH, KD_ERR.BAD_OAUTH_CODE]);

/**
 * Kingsoft Docs (WPS open platform): kdocs://<account>/personal/... (the user's documents, OAuth) and
 * kdocs://<account>/appspace/... (the app's space, WPS-2 signed), one KdocsRemoteFs per space. The kdocs-only
 * commands live in commands/ (registerKdocsCommands, built on context.ts); sign-in, tree, online documents and the
 * personal-file save choices are here.
 */
export const kdocsGlue: VendorGlue = {
  vendor: 'kdocs',
  displayName: 'Kingsoft Docs',
  scheme: KDOCS_SCHEME,

  connect(account, secret, { log }) {
    return connectKdocs(account as KdocsAccountInfo, secret, log);
  },

  describeAccount(a: AccountInfo) {
    const iconPath = avatarOf(a);
    if (a.sandbox) return { label: vscode.l10n.t('Sandbox · {0}', 'Kingsoft Docs'), description: a.libraryName, icon: 'beaker' };
    return { label: a.libraryName ?? a.id, description: 'Kingsoft Docs', icon: 'account', iconPath };
  },

  tree: kdocsTree,

  registerCommands(s) {
    const kd = createKdocsContext(s);
    const flow = new KdocsAuthFlow(s.log);
    const personal = new PersonalFiles(kd);
    initProfiles(new Avatars(s.storageUri, s.log), () => s.tree.refresh());
    const deps = { accounts: s.accounts, flow, log: s.log };
    return [
      personal,
      s.uris.on(AUTH_PATH, (uri) => flow.handleUri(uri)),
      onDidSignOut(() => s.tree.refresh()),
      s.command('docWorkspaces.addKdocsAccount', (arg?: AddKdocsInput) => addKdocsAccount(deps, isAddInput(arg) ? arg : {})),
      s.command(SIGN_IN_COMMAND, async (arg?: unknown) => {
        await signInAgain(deps, await kd.pickAccount(arg));
        s.tree.refresh();
      }),
      s.command(OPEN_ONLINE_COMMAND, (arg?: unknown) => openInBrowser(kd, arg)),
      s.command('docWorkspaces.kdocs.editCopy', (arg?: unknown) => personal.editCopy(arg)),
      s.command('docWorkspaces.kdocs.saveAsNew', (arg?: unknown) => personal.saveAsNew(arg)),
      s.command('docWorkspaces.kdocs.replace', (arg?: unknown) => personal.replace(arg)),
      ...registerKdocsCommands(s, kd),
    ];
  },

  describeError(e) {
    // kdocs errors carry the vendor tag (message text is translated or reworded, and codes overlap other vendors').
    if (e.vendor !== 'kdocs') return undefined;
    const d = (hint: string, credentials = false) => ({ message: e.message, hint, kind: e.kind, credentials });
    if (e.kind === 'RateLimited' && e.vendorCode === KD_ERR.DAILY_QUOTA) {
      return d(vscode.l10n.t('Kingsoft Docs allows this call only so many times a day; the count resets at midnight China time (UTC+8).'));
    }
    if (e.kind !== 'Unauthorized') return undefined;
    if (e.vendorCode === KD_ERR.BAD_DATE) {
      return d(vscode.l10n.t('Set this computer\'s date, time and time zone correctly (automatic time): Kingsoft Docs refuses requests more than a few minutes off.'));
    }
    if (e.vendorCode === KD_ERR.BAD_SIGNATURE || e.vendorCode === KD_ERR.BAD_MD5) {
      return d(vscode.l10n.t('Check the app key: remove the account and add it again with the right app_key.'));
    }
    if (SIGN_IN_CODES.has(e.vendorCode)) return d(vscode.l10n.t('Sign in to Kingsoft Docs again.'), true);
    return d(vscode.l10n.t('Sign in to Kingsoft Docs again; if that does not help, remove the account and add it again with the right app_key.'), true);
  },

  get credentialsCommand() {
    return { command: SIGN_IN_COMMAND, title: vscode.l10n.t('Sign in again') };
  },

  batch: kdocsBatch,

  readVersion(conn, path, version, opts) {
    if (!isKdocsConnection(conn)) throw new UnsupportedError('Not a Kingsoft Docs account.');
    const loc = locate(conn.accountId, path);
    const n = Number(version);
    if (loc?.space !== 'appspace' || !Number.isInteger(n)) throw new UnsupportedError(vscode.l10n.t('Only app-space files have versions.'));
    return conn.ops.readVersion(loc.path, n, opts);
  },

  sandbox: {
    async start(settings, { log }) {
      // Loaded on demand: users who turn the sandbox off never evaluate it. Its own port: settings.port is Gokuai's.
      const { startKdocsSandbox } = await import('../../../sandbox/kdocs');
      const sb = await startKdocsSandbox({ port: 0, controlRoutes: settings.controlRoutes });
      try {
        // The real OAuth flow, with the sandbox's auto-approving authorize page standing in for the browser.
        const { KdocsClient } = await import('../../../vendors/kdocs');
        const client = new KdocsClient({ host: sb.host, ...sb.credentials }, { logger: log });
        const { tokens, user } = await finishSignIn(client, sb.host, await autoApprovedCode(client));
        const account: KdocsAccountInfo = {
          id: KDOCS_SANDBOX_ACCOUNT_ID, vendor: 'kdocs', host: sb.host, appId: sb.credentials.appId, userId: user.id,
          libraryName: user.nickname, sandbox: true,
        };
        return { account, secret: serializeKdocsSecret({ appKey: sb.credentials.appKey, tokens }), handle: sb, close: () => sb.close() };
      } catch (e) {
        await sb.close();
        throw e;
      }
    },
  },
};

function isAddInput(x: unknown): x is AddKdocsInput {
  return typeof x === 'object' && x !== null && !(x instanceof vscode.Uri) && ('appId' in x || 'appKey' in x || 'host' in x);
}

/** Online documents (.otl, .ksheet, .dbt) open in the browser with an edit-token URL (a secret: never returned). */
async function openInBrowser(kd: KdocsContext, arg: unknown): Promise<void> {
  const t = kd.target(arg);
  if (t.path === '') throw new InvalidInputError(vscode.l10n.t('Choose a document.'));
  const url = await (await kd.account(t.accountId)).ops.editUrl(t.space, t.path);
  await ui().openExternal(url);
}
