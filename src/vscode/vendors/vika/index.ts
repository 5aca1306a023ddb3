import * as vscode from 'vscode';
import { InvalidInputError } from '../../../core/errors';
import type { Logger } from '../../../core/log';
import { registerSecret } from '../../../core/redact';
import type { SaveRunner } from '../../../core/tablefiles';
import { VIKA_DEFAULT_HOST, VikaClient, VikaRemoteFs, vikaCapabilities } from '../../../vendors/vika';
import { withCancellableProgress } from '../../commands/wrap';
import { config } from '../../config';
import { md } from '../../format';
import { baseName } from '../../uri';
import type { AccountInfo, AccountsService, Connection, Mount, VendorGlue } from '../../types';
import { ui } from '../../ui';
import { hashedAccountId, normalizeHost } from '../accountIds';
import { storeRootTree } from '../../tree/storeRoot';

export const VIKA_SCHEME = 'vika';

/** A Vika (or APITable, or self-hosted) account: its API host; the API token is the account's secret. */
export interface VikaAccountInfo extends AccountInfo {
  vendor: 'vika';
  host: string;
}

export interface VikaConnection extends Connection {
  readonly vendor: 'vika';
  readonly api: VikaClient;
  readonly fs: VikaRemoteFs;
}

export interface AddVikaInput {
  host?: string;
  token: string;
  /** Verify with one call before saving (default true; false honoured outside production only). */
  verify?: boolean;
}

/**
 * Long reads and saves of a table show a notification with its progress and Cancel (the save stops between two
 * batches: what was sent is reported, the rest is sent by the next save).
 */
const progress: SaveRunner = (what, total, fn) => {
  const title = what.kind === 'read' ? vscode.l10n.t("Reading '{0}'", what.table) : vscode.l10n.t("Saving '{0}'", what.table);
  return Promise.resolve(withCancellableProgress(title, (signal, report) => {
    let done = 0;
    return fn(() => {
      done++;
      report(vscode.l10n.t('{0} of {1} requests', done, total), 100 / total);
    }, signal);
  }));
};

export function connectVika(host: string, token: string, log: Logger): VikaConnection {
  const api = new VikaClient({ host, token }, { logger: log });
  const fs = new VikaRemoteFs(api, { log, progress, format: () => config.tableFormat() });
  const mount: Mount = { root: '', fs, caps: vikaCapabilities(fs) };
  return { vendor: 'vika', api, fs, mounts: [mount], resolve: (path) => ({ ...mount, path }) };
}

/** Adds (or replaces) a Vika account, verified with one call (the list of spaces). */
export async function addVikaAccount(accounts: AccountsService, input: AddVikaInput, log: Logger, opts: { signal?: AbortSignal } = {}): Promise<VikaAccountInfo> {
  const host = normalizeHost(input.host || VIKA_DEFAULT_HOST, (h) => vscode.l10n.t('"{0}" is not a host URL like https://api.vika.cn', h));
  const token = input.token.trim();
  if (!token) throw new InvalidInputError(vscode.l10n.t('The API token is required.'));
  registerSecret(token);
  const info: VikaAccountInfo = { id: hashedAccountId('vk-', host, token), vendor: 'vika', host };
  if (input.verify !== false || !accounts.allowUnverified) {
    const spaces = await new VikaClient({ host, token }, { logger: log }).listSpaces({ signal: opts.signal });
    info.libraryName = spaces.map((s) => s.name).join(', ') || host;
  }
  await accounts.add(info, token);
  return info;
}

function isAddInput(x: unknown): x is AddVikaInput {
  const o = x as Partial<AddVikaInput> | undefined;
  return typeof o === 'object' && o !== null && typeof o.token === 'string';
}

async function vikaConnection(accounts: AccountsService, id: string): Promise<VikaConnection> {
  return await accounts.connection(id, 'vika') as VikaConnection;
}

/**
 * Vika datasheets: vika://<account>/<space>/<folder>/<datasheet>.csv. One store per account (its spaces at the root);
 * datasheets open as CSV (or JSON, `docWorkspaces.tables.format`) and save back as record changes (core TableFiles).
 * Datasheet commands (new datasheet, fields, attachments, record links) are the generic `records` flow.
 */
export const vikaGlue: VendorGlue = {
  vendor: 'vika',
  displayName: 'Vika',
  scheme: VIKA_SCHEME,
  capabilities: ['write', 'records'],

  connect(account, secret, { log }) {
    return connectVika((account as VikaAccountInfo).host, secret.value, log);
  },

  describeAccount(a: AccountInfo) {
    if (a.sandbox) return { label: vscode.l10n.t('Sandbox · {0}', 'Vika'), icon: 'beaker' };
    return { label: a.libraryName ?? a.host ?? a.id, description: a.host, icon: 'table' };
  },

  tree: {
    ...storeRootTree,
    decorateEntry(item, node) {
      if (node.entry.type !== 'file') return;
      const isView = node.entry.name !== baseName(node.entry.path);
      if (!isView) item.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
      item.iconPath = new vscode.ThemeIcon(isView ? 'eye' : 'table');
    },
    /** A datasheet's views, each a document with its filter and order. */
    async entryChildren(node, ctx) {
      const conn = await vikaConnection(ctx.accounts, node.accountId);
      const views = await conn.fs.views(node.entry.path);
      return views.map((v) => ctx.entry(node, {
        name: `${v.name}`, path: v.path, type: 'file', size: 0, mtime: 0, ctime: 0, id: `${node.entry.id}/${v.name}`,
      }, node.caps));
    },
    /** Field count and record count of a datasheet (two small requests, on hover only). */
    async entryTooltip(node, ctx) {
      if (node.entry.type !== 'file') return [];
      const conn = await vikaConnection(ctx.accounts, node.accountId);
      const t = await conn.fs.records.table(node.entry.path);
      const [fields, page] = await Promise.all([
        conn.api.listFields(t.id, t.viewId),
        conn.api.listRecords(t.id, { viewId: t.viewId, pageSize: 1 }),
      ]);
      return [vscode.l10n.t('Fields: {0}', fields.length), vscode.l10n.t('Records: {0}', page.total), md(t.id)];
    },
    async accountTooltip(info) {
      return [
        info.sandbox ? vscode.l10n.t('Built-in sandbox: a local Vika emulator with demo datasheets. Changes are lost when VS Code closes.') : vscode.l10n.t('Vika account'),
        md(info.host ?? ''),
      ];
    },
  },

  /** Host and API token, checked with one call before anything is stored. */
  async addAccount(s) {
    const host = await ui().input({ title: vscode.l10n.t('Add Vika account (1/2)'), prompt: vscode.l10n.t('Vika API host (APITable and self-hosted servers work too)'), value: VIKA_DEFAULT_HOST, ignoreFocusOut: true });
    const token = await ui().input({
      title: vscode.l10n.t('Add Vika account (2/2)'), prompt: vscode.l10n.t('API token (from your Vika user center; kept in the OS keychain via VS Code SecretStorage)'), password: true, ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the API token.')),
    });
    const info = await withCancellableProgress(vscode.l10n.t('Checking the credentials'), (signal) => addVikaAccount(s.accounts, { host, token }, s.log, { signal }));
    void ui().notify('info', vscode.l10n.t('Vika account {0} added.', s.accounts.describe(info).label));
    return info;
  },

  addAccountWith(s, input, opts) {
    if (!isAddInput(input)) throw new InvalidInputError('A Vika account needs { host?, token }.');
    return addVikaAccount(s.accounts, input, s.log, opts);
  },

  /** A new API token for the account (the old one was reset). */
  async signIn(s, info) {
    const label = s.accounts.describe(info).label;
    if (info.sandbox) throw new InvalidInputError(vscode.l10n.t('{0} has no credentials to update.', label));
    const token = await ui().input({
      title: vscode.l10n.t('Update credentials of {0}', label), prompt: vscode.l10n.t('New API token'), password: true, ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the API token.')),
    });
    registerSecret(token.trim());
    await s.accounts.updateSecret(info.id, token.trim());
    void ui().notify('info', vscode.l10n.t('Credentials of {0} updated.', label));
  },

  describeError(e) {
    if (e.vendor !== 'vika' || e.kind !== 'Unauthorized') return undefined;
    return { message: vscode.l10n.t('Vika refused the API token'), hint: vscode.l10n.t('Update the credentials of this account.'), kind: e.kind, credentials: true };
  },

  sandbox: {
    async start(settings) {
      const { startVikaSandbox } = await import('../../../sandbox/vika');
      const sb = await startVikaSandbox({ port: settings.port ? settings.port + 2 : 0, controlRoutes: settings.controlRoutes });
      const account: VikaAccountInfo = { id: 'sandbox-vika', vendor: 'vika', host: sb.host, libraryName: 'Vika', sandbox: true };
      return { account, secret: sb.token, handle: sb, close: () => sb.close() };
    },
  },
};
