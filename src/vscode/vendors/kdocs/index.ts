import * as vscode from 'vscode';
import { InvalidInputError } from '../../../core/errors';
import { KD_ERR } from '../../../vendors/kdocs/wire';
import type { AccountInfo, Services, VendorGlue } from '../../types';
import { addKdocsAccount, AUTH_PATH, type AddKdocsInput, autoApprovedCode, finishSignIn, KdocsAuthFlow, signInAgain } from './auth';
import { Avatars } from './avatars';
import { connectKdocs, type KdocsAccountInfo, KDOCS_SANDBOX_ACCOUNT_ID, onDidSignOut, serializeKdocsSecret } from './connection';
import { KDOCS_SCHEME } from './paths';
import { avatarOf, initProfiles } from './profile';
import { registerEditTokenCommands } from './tokens';
import { kdocsTree } from './tree';

export { KDOCS_SCHEME };
export type { AddKdocsInput, KdocsAccountInfo };

/** Vendor codes of a lost personal sign-in (the way out is signing in again). */
const SIGN_IN_CODES: ReadonlySet<number | string | undefined> = new Set([KD_ERR.BAD_TOKEN, KD_ERR.TOKEN_EXPIRED, KD_ERR.BAD_REFRESH, KD_ERR.BAD_OAUTH_CODE]);

/** The browser sign-in of this window (its callbacks come through the extension's URI handler). */
let authFlow: KdocsAuthFlow | undefined;
function flowOf(s: Services): KdocsAuthFlow {
  return authFlow ??= new KdocsAuthFlow(s.log);
}
const deps = (s: Services) => ({ accounts: s.accounts, flow: flowOf(s), log: s.log });

/**
 * Kingsoft Docs (WPS open platform): kdocs://<account>/personal/... (the user's documents, OAuth) and
 * kdocs://<account>/appspace/... (the app's space, WPS-2 signed): two stores with their own capabilities
 * (src/vendors/kdocs/capabilities.ts), served by the generic flows. Here: sign-in, the tree, and the only
 * Kingsoft Docs-only commands, edit tokens (tokens.ts).
 */
export const kdocsGlue: VendorGlue = {
  vendor: 'kdocs',
  displayName: 'Kingsoft Docs',
  scheme: KDOCS_SCHEME,
  capabilities: ['write', 'trash', 'versions', 'links', 'collaborators', 'search', 'documents', 'web', 'copies', 'batch', 'convert', 'scripts', 'previews', 'chat'],

  connect(account, secret, { log }) {
    return connectKdocs(account as KdocsAccountInfo, secret, log);
  },

  describeAccount(a: AccountInfo) {
    const iconPath = avatarOf(a);
    if (a.sandbox) return { label: vscode.l10n.t('Sandbox · {0}', 'Kingsoft Docs'), description: a.libraryName, icon: 'beaker' };
    return { label: a.libraryName ?? a.id, description: 'Kingsoft Docs', icon: 'account', iconPath };
  },

  storeLabel(root) {
    return root === 'personal' ? vscode.l10n.t('Personal') : root === 'appspace' ? vscode.l10n.t('App space') : root;
  },

  tree: kdocsTree,

  async addAccount(s) {
    const info = await addKdocsAccount(deps(s));
    if (!info) throw new vscode.CancellationError();
    return info;
  },

  async addAccountWith(s, input) {
    if (!isAddInput(input)) throw new InvalidInputError('A Kingsoft Docs account needs { host?, appId, appKey }.');
    const info = await addKdocsAccount(deps(s), input);
    if (!info) throw new vscode.CancellationError();
    return info;
  },

  async signIn(s, info) {
    await signInAgain(deps(s), info.id);
  },

  registerCommands(s) {
    flowOf(s);
    initProfiles(new Avatars(s.storageUri, s.log), () => s.tree.refresh());
    return [
      s.uris.on(AUTH_PATH, (uri) => flowOf(s).handleUri(uri)),
      onDidSignOut(() => s.tree.refresh()),
      ...registerEditTokenCommands(s),
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

  // Old ids of earlier releases (one release): they run the generic commands they became.
  aliases: {
    'docWorkspaces.addKdocsAccount': { command: 'docWorkspaces.addAccount', args: ['kdocs'] },
    'docWorkspaces.kdocs.signIn': { command: 'docWorkspaces.signIn' },
    'docWorkspaces.kdocs.share': { command: 'docWorkspaces.share' },
    'docWorkspaces.kdocs.showShare': { command: 'docWorkspaces.showSharedLinks' },
    'docWorkspaces.kdocs.cancelShare': { command: 'docWorkspaces.stopSharing' },
    'docWorkspaces.kdocs.addCollaborators': { command: 'docWorkspaces.collaborators' },
    'docWorkspaces.kdocs.changeCollaborator': { command: 'docWorkspaces.collaborators' },
    'docWorkspaces.kdocs.removeCollaborator': { command: 'docWorkspaces.collaborators' },
    'docWorkspaces.kdocs.versionHistory': { command: 'docWorkspaces.fileHistory' },
    'docWorkspaces.kdocs.compareVersion': { command: 'docWorkspaces.compareWithCurrent' },
    'docWorkspaces.kdocs.revertVersion': { command: 'docWorkspaces.restoreVersion' },
    'docWorkspaces.kdocs.recycleBin': { command: 'docWorkspaces.recycleBin' },
    'docWorkspaces.kdocs.restoreFromBin': { command: 'docWorkspaces.restoreFromRecycleBin' },
    'docWorkspaces.kdocs.destroyFromBin': { command: 'docWorkspaces.purgeFromRecycleBin' },
    'docWorkspaces.kdocs.search': { command: 'docWorkspaces.search' },
    'docWorkspaces.kdocs.createBlank': { command: 'docWorkspaces.newDocument' },
    'docWorkspaces.kdocs.importFromUrl': { command: 'docWorkspaces.importFromUrl' },
    'docWorkspaces.kdocs.openInBrowser': { command: 'docWorkspaces.openInBrowser' },
    'docWorkspaces.kdocs.editCopy': { command: 'docWorkspaces.editCopy' },
    'docWorkspaces.kdocs.saveAsNew': { command: 'docWorkspaces.saveCopyAsNew' },
    'docWorkspaces.kdocs.replace': { command: 'docWorkspaces.replaceWithCopy' },
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
