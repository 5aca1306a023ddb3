import * as vscode from 'vscode';
import { InvalidInputError, UnsupportedError } from '../../../core/errors';
import type { Logger } from '../../../core/log';
import { registerSecret } from '../../../core/redact';
import { xlsxSheetNames } from '../../../core/xlsx';
import {
  newShimoFileId, SHIMO_FILE_TYPES, SHIMO_IMPORT_FORMATS, shimoCapabilities, ShimoClient, ShimoRemoteFs, type ShimoFileRecord,
  type ShimoFileType, type ShimoManifest, type ShimoPathFamily,
} from '../../../vendors/shimo';
import { targetOf } from '../../commands/targets';
import { withCancellableProgress } from '../../commands/wrap';
import { formatTime, md } from '../../format';
import type { AccountInfo, AccountsService, Connection, Mount, Services, VendorGlue } from '../../types';
import { ui } from '../../ui';
import { baseName, toUri } from '../../uri';
import { hashedAccountId, normalizeHost } from '../accountIds';
import { storeRootTree } from '../../tree/storeRoot';

export const SHIMO_SCHEME = 'shimo';

/** A Shimo SDK app used with one integrator user token: host and AppId; AppSecret and the token are the secret. */
export interface ShimoAccountInfo extends AccountInfo {
  vendor: 'shimo';
  host: string;
  appId: string;
  family?: ShimoPathFamily | 'auto';
  /** The embedded sandbox's files (its list starts with them). */
  seedFiles?: ShimoFileRecord[];
}

interface ShimoSecret { appSecret: string; userToken: string }

export interface ShimoConnection extends Connection {
  readonly vendor: 'shimo';
  readonly api: ShimoClient;
  readonly fs: ShimoRemoteFs;
}

export interface AddShimoInput { host: string; appId: string; appSecret: string; userToken: string; family?: ShimoPathFamily | 'auto'; verify?: boolean }

/**
 * The account's list of files, in the extension's global state (Shimo has no list API; the integrator keeps it).
 * Survives restarts; "Shimo: File List…" saves it to a JSON file a team can keep in its workspace, and loads one.
 */
class MementoManifest implements ShimoManifest {
  constructor(private readonly state: vscode.Memento, private readonly key: string, seed: readonly ShimoFileRecord[] | undefined) {
    if (seed && this.state.get(key) === undefined) void this.state.update(key, seed);
  }
  list(): readonly ShimoFileRecord[] {
    return this.state.get<ShimoFileRecord[]>(this.key) ?? [];
  }
  async add(r: ShimoFileRecord): Promise<void> {
    await this.state.update(this.key, [...this.list().filter((x) => x.id !== r.id), r]);
  }
  async update(id: string, patch: Partial<Omit<ShimoFileRecord, 'id'>>): Promise<void> {
    await this.state.update(this.key, this.list().map((x) => (x.id === id ? { ...x, ...patch } : x)));
  }
  async remove(id: string): Promise<void> {
    await this.state.update(this.key, this.list().filter((x) => x.id !== id));
  }
}

/** The lists of sandbox accounts: in memory, gone with the window like the sandbox's own state. */
const sandboxLists = new Map<string, unknown>();
const sandboxState: vscode.Memento = {
  keys: () => [...sandboxLists.keys()],
  get: <T>(key: string, fallback?: T) => (sandboxLists.has(key) ? sandboxLists.get(key) as T : fallback) as T,
  update: async (key: string, value: unknown) => { sandboxLists.set(key, value); },
};

function parseSecret(value: string): ShimoSecret {
  try {
    const s = JSON.parse(value) as ShimoSecret;
    if (typeof s.appSecret === 'string' && typeof s.userToken === 'string') return s;
  } catch {
    // fall through
  }
  throw new InvalidInputError('The stored Shimo credentials are damaged: run "Sign In Again…" on the account.');
}

export function connectShimo(a: ShimoAccountInfo, secret: ShimoSecret, log: Logger, state: vscode.Memento): ShimoConnection {
  const api = new ShimoClient({ host: a.host, appId: a.appId, appSecret: secret.appSecret, userToken: secret.userToken, family: a.family }, { logger: log });
  // The sandbox's files live as long as the sandbox (a new one starts empty but for its seed): its list too.
  const fs = new ShimoRemoteFs(api, new MementoManifest(a.sandbox ? sandboxState : state, `docWorkspaces.shimo.files.${a.id}@${a.host}`, a.seedFiles));
  const mount: Mount = { root: '', fs, caps: shimoCapabilities(fs) };
  return { vendor: 'shimo', api, fs, mounts: [mount], resolve: (path) => ({ ...mount, path }) };
}

async function shimoConnection(accounts: AccountsService, id: string): Promise<ShimoConnection> {
  const c = await accounts.connection(id);
  if (c.vendor !== 'shimo') throw new UnsupportedError(vscode.l10n.t('This command works only on {0} files.', 'Shimo'));
  return c as ShimoConnection;
}

/** Adds a Shimo account, verified with one call (the app's detail: a license-scoped signature). */
export async function addShimoAccount(accounts: AccountsService, input: AddShimoInput, log: Logger, state: vscode.Memento, o: { signal?: AbortSignal } = {}): Promise<ShimoAccountInfo> {
  const host = normalizeHost(input.host, (h) => vscode.l10n.t('"{0}" is not a host URL like https://shimo.example.com', h));
  const appId = input.appId.trim();
  if (!appId || !input.appSecret || !input.userToken) throw new InvalidInputError(vscode.l10n.t('The AppId, the AppSecret and the user token are all required.'));
  registerSecret(input.appSecret);
  registerSecret(input.userToken);
  const info: ShimoAccountInfo = { id: hashedAccountId('sm-', host, appId, input.userToken), vendor: 'shimo', host, appId, family: input.family ?? 'auto' };
  const secret = JSON.stringify({ appSecret: input.appSecret, userToken: input.userToken });
  if (input.verify !== false || !accounts.allowUnverified) {
    const app = await connectShimo(info, { appSecret: input.appSecret, userToken: input.userToken }, log, state).api.getApp(o);
    info.libraryName = app.appName;
  }
  await accounts.add(info, secret);
  return info;
}

const TYPE_LABEL = (): Record<ShimoFileType, string> => ({
  document: vscode.l10n.t('Document'),
  documentPro: vscode.l10n.t('Traditional document'),
  spreadsheet: vscode.l10n.t('Spreadsheet'),
  presentation: vscode.l10n.t('Presentation'),
  table: vscode.l10n.t('Application table'),
});
const FOLDER_LABEL = (): Record<string, string> => ({
  documents: vscode.l10n.t('Documents'), spreadsheets: vscode.l10n.t('Spreadsheets'), presentations: vscode.l10n.t('Presentations'), tables: vscode.l10n.t('Tables'),
});

/** The Shimo account a command acts on: its tree row or file, else the only one, else a pick. */
async function accountOf(s: Services, arg: unknown): Promise<{ conn: ShimoConnection; id: string; label: string }> {
  let id: string | undefined;
  try {
    const t = arg === undefined ? undefined : targetOf(s, arg);
    if (t && s.accounts.find(t.accountId)?.vendor === 'shimo') id = t.accountId;
  } catch {
    // no target: pick below
  }
  if (!id) {
    const all = s.accounts.list().filter((a) => a.vendor === 'shimo');
    if (!all.length) throw new UnsupportedError(vscode.l10n.t('Add a Shimo account first.'));
    id = all.length === 1 ? all[0].id : (await ui().pick(all.map((a) => ({ label: s.accounts.describe(a).label, id: a.id })), { placeHolder: vscode.l10n.t('Which Shimo account?') })).id;
  }
  return { conn: await shimoConnection(s.accounts, id), id, label: s.accounts.label(id) };
}

const typeOfName = (name: string): ShimoFileType | undefined => {
  const ext = name.split('.').pop()?.toLowerCase() ?? '';
  return (['document', 'spreadsheet', 'presentation', 'documentPro'] as ShimoFileType[]).find((t) => SHIMO_IMPORT_FORMATS[t].includes(ext));
};

/**
 * Shimo SDK v2: shimo://<account>/<type folder>/<title>. The file list is the extension's (a manifest per account:
 * Shimo has no list API). Documents open read-only as Markdown or text, spreadsheets' sheets as CSV saved back as
 * range writes; Export is the generic Convert… flow. The commands here are Shimo's own: its file list (new, import,
 * add by id), the integrator app (detail, callback URL) and its seats.
 */
export const shimoGlue: VendorGlue = {
  vendor: 'shimo',
  displayName: 'Shimo',
  scheme: SHIMO_SCHEME,
  capabilities: ['write', 'convert'],

  connect(account, secret, { log, state }) {
    return connectShimo(account as ShimoAccountInfo, parseSecret(secret.value), log, state);
  },

  describeAccount(a) {
    if (a.sandbox) return { label: vscode.l10n.t('Sandbox · {0}', 'Shimo'), icon: 'beaker' };
    return { label: a.libraryName ?? a.host ?? a.id, description: a.host, icon: 'notebook' };
  },

  tree: {
    ...storeRootTree,
    decorateEntry(item, node) {
      const label = FOLDER_LABEL()[node.entry.path];
      if (label) item.label = label;
      if (node.entry.path.startsWith('spreadsheets/') && node.entry.type === 'folder') item.iconPath = new vscode.ThemeIcon('table');
    },
    /** Revision and comment counts of a file, on hover. */
    async entryTooltip(node, ctx) {
      if (!node.entry.id || node.entry.path.split('/').length > 2) return [];
      const conn = await shimoConnection(ctx.accounts, node.accountId);
      const [revisions, comments] = await Promise.all([conn.api.revisions(node.entry.id), conn.api.commentCount(node.entry.id)]);
      return [vscode.l10n.t('Revisions: {0}', revisions.length), vscode.l10n.t('Comments: {0}', comments), md(node.entry.id)];
    },
    /** The app's license: seats used of the limit, and until when it is valid. */
    async accountTooltip(info, ctx) {
      const lines = [info.sandbox ? vscode.l10n.t('Built-in sandbox: a local Shimo SDK emulator with demo files. Changes are lost when VS Code closes.') : vscode.l10n.t('Shimo SDK app'), md(info.host ?? '')];
      try {
        const app = await (await shimoConnection(ctx.accounts, info.id)).api.getApp();
        lines.push(vscode.l10n.t('Seats: {0} of {1}', app.activatedUserCount, app.memberLimit), vscode.l10n.t('License valid until {0}', formatTime(Date.parse(app.validUntil))));
      } catch (e) {
        ctx.log.debug(`App detail for the tooltip of ${info.id} failed`, e);
      }
      return lines;
    },
  },

  async addAccount(s) {
    const host = await ui().input({ title: vscode.l10n.t('Add Shimo account (1/4)'), prompt: vscode.l10n.t('Shimo SDK host (shimo-domain), e.g. https://shimo.example.com'), ignoreFocusOut: true,
      validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter the host URL.')) });
    const appId = await ui().input({ title: vscode.l10n.t('Add Shimo account (2/4)'), prompt: vscode.l10n.t('AppId'), ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the AppId.')) });
    const appSecret = await ui().input({ title: vscode.l10n.t('Add Shimo account (3/4)'), prompt: vscode.l10n.t('AppSecret (kept in the OS keychain via VS Code SecretStorage)'), password: true, ignoreFocusOut: true,
      validateInput: (v) => (v ? undefined : vscode.l10n.t('Enter the AppSecret.')) });
    const userToken = await ui().input({ title: vscode.l10n.t('Add Shimo account (4/4)'), prompt: vscode.l10n.t('User token your system issues for Shimo (kept in SecretStorage)'), password: true, ignoreFocusOut: true,
      validateInput: (v) => (v ? undefined : vscode.l10n.t('Enter the user token.')) });
    const info = await withCancellableProgress(vscode.l10n.t('Checking the credentials'), (signal) => addShimoAccount(s.accounts, { host, appId, appSecret, userToken }, s.log, s.globalState, { signal }));
    void ui().notify('info', vscode.l10n.t('Shimo account {0} added.', s.accounts.describe(info).label));
    return info;
  },

  addAccountWith(s, input, opts) {
    const i = input as Partial<AddShimoInput> | undefined;
    if (!i || typeof i.host !== 'string' || typeof i.appId !== 'string' || typeof i.appSecret !== 'string' || typeof i.userToken !== 'string') {
      throw new InvalidInputError('A Shimo account needs { host, appId, appSecret, userToken }.');
    }
    return addShimoAccount(s.accounts, i as AddShimoInput, s.log, s.globalState, opts);
  },

  async signIn(s, info) {
    const label = s.accounts.describe(info).label;
    if (info.sandbox) throw new InvalidInputError(vscode.l10n.t('{0} has no credentials to update.', label));
    const appSecret = await ui().input({ title: vscode.l10n.t('Update credentials of {0}', label), prompt: vscode.l10n.t('AppSecret'), password: true, ignoreFocusOut: true,
      validateInput: (v) => (v ? undefined : vscode.l10n.t('Enter the AppSecret.')) });
    const userToken = await ui().input({ title: vscode.l10n.t('Update credentials of {0}', label), prompt: vscode.l10n.t('User token'), password: true, ignoreFocusOut: true,
      validateInput: (v) => (v ? undefined : vscode.l10n.t('Enter the user token.')) });
    registerSecret(appSecret);
    registerSecret(userToken);
    await s.accounts.updateSecret(info.id, JSON.stringify({ appSecret, userToken }));
    void ui().notify('info', vscode.l10n.t('Credentials of {0} updated.', label));
  },

  describeError(e) {
    if (e.vendor !== 'shimo' || e.kind !== 'Unauthorized') return undefined;
    return { message: vscode.l10n.t('Shimo refused the signature or the user token'), hint: vscode.l10n.t('Check the AppSecret and the user token: run "Sign In Again…" on the account.'), kind: e.kind, credentials: true };
  },

  registerCommands(s) {
    const open = async (conn: ShimoConnection, accountId: string, id: string) => {
      const p = conn.fs.pathOf(id);
      s.files.forgetListings();
      s.tree.refresh();
      if (p && !p.startsWith('spreadsheets/')) await vscode.commands.executeCommand('vscode.open', toUri({ scheme: SHIMO_SCHEME, accountId, path: p }));
      return p;
    };
    return [
      s.command('docWorkspaces.shimo.newFile', async (arg?: unknown) => {
        const { conn, label } = await accountOf(s, arg);
        const labels = TYPE_LABEL();
        const { type } = await ui().pick(SHIMO_FILE_TYPES.map((t) => ({ label: labels[t], description: t, type: t })), { title: vscode.l10n.t('New Shimo file in {0}', label), placeHolder: vscode.l10n.t('Type of the new file') });
        const title = (await ui().input({ title: vscode.l10n.t('New {0} in {1}', labels[type], label), prompt: vscode.l10n.t('Title'), validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a title.')) })).trim();
        const path = await conn.fs.create(type, title);
        s.files.forgetListings();
        s.tree.refresh();
        void ui().notify('info', vscode.l10n.t("'{0}' created in Shimo.", title));
        return path;
      }),

      s.command('docWorkspaces.shimo.import', async (arg?: unknown, local?: unknown) => {
        // (account or folder, local file) from the API and tests; a local file from the Explorer; else a file dialog
        const isLocal = (x: unknown): x is vscode.Uri => x instanceof vscode.Uri && x.scheme === 'file';
        const { conn, id: accountId, label } = await accountOf(s, isLocal(arg) ? undefined : arg);
        const given = [local, arg].find(isLocal);
        const file = given ?? (await ui().openDialog({ canSelectMany: false, title: vscode.l10n.t('Import into {0}', label), openLabel: vscode.l10n.t('Import'),
          filters: { [vscode.l10n.t('Documents Shimo imports')]: ['docx', 'doc', 'md', 'txt', 'wps', 'xlsx', 'xls', 'csv', 'xlsm', 'pptx', 'ppt'] } }))[0];
        const name = baseName(file.path);
        const type = typeOfName(name);
        if (!type) throw new InvalidInputError(vscode.l10n.t("Shimo cannot import '{0}': it takes docx, doc, md, txt, wps, xlsx, xls, csv, xlsm, pptx and ppt files.", name));
        const data = await vscode.workspace.fs.readFile(file);
        const id = newShimoFileId();
        await withCancellableProgress(vscode.l10n.t("Importing '{0}' into Shimo", name), (signal, report) => {
          let last = 0;
          return conn.api.importAndWait({ fileId: id, type, file: { name, data } }, { signal, onProgress: (p) => { report(`${p}%`, p - last); last = p; } });
        });
        const title = name.replace(/\.[^.]+$/, '');
        // the API cannot list sheets: a workbook says its own; a CSV becomes one sheet, 工作表1
        const sheets = type !== 'spreadsheet' ? undefined : xlsxSheetNames(data) ?? ['工作表1'];
        await conn.fs.manifest.add({ id, type, title, origin: 'imported', created: Date.now(), sheets });
        const p = await open(conn, accountId, id);
        void ui().notify('info', vscode.l10n.t("'{0}' imported into Shimo as a new file.", name));
        return p;
      }),

      s.command('docWorkspaces.shimo.addById', async (arg?: unknown) => {
        const { conn, label } = await accountOf(s, arg);
        const id = (await ui().input({ title: vscode.l10n.t('Add a Shimo file to {0}', label), prompt: vscode.l10n.t('File id (as your system minted it)'), validateInput: (v) => (v.trim() && v.length <= 64 ? undefined : vscode.l10n.t('Enter a file id of at most 64 characters.')) })).trim();
        const labels = TYPE_LABEL();
        const { type } = await ui().pick(SHIMO_FILE_TYPES.map((t) => ({ label: labels[t], description: t, type: t })), { title: vscode.l10n.t("Type of '{0}'", id) });
        // one call checks that the file is there (its revisions: any type has them)
        await conn.api.revisions(id);
        const title = (await ui().input({ title: vscode.l10n.t("Title of '{0}'", id), value: id, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a title.')) })).trim();
        const sheets = type === 'spreadsheet' ? (await ui().input({ title: vscode.l10n.t("Sheets of '{0}'", title), prompt: vscode.l10n.t('Sheet names, separated by commas (the API cannot list them)'), value: '工作表1' })).split(',').map((x) => x.trim()).filter(Boolean) : undefined;
        await conn.fs.manifest.add({ id, type, title, origin: 'added', created: Date.now(), sheets });
        s.files.forgetListings();
        s.tree.refresh();
      }),

      s.command('docWorkspaces.shimo.mentions', async (arg?: unknown) => {
        const t = targetOf(s, arg);
        const conn = await shimoConnection(s.accounts, t.accountId);
        const { file, name } = conn.fs.resolve(t.path.split('/').slice(0, 2).join('/'));
        const list = await conn.api.mentions(file.id);
        if (!list.length) {
          void ui().notify('info', vscode.l10n.t("Nobody is mentioned in '{0}'.", name));
          return list;
        }
        await ui().pick(list.map((m) => ({ label: `$(mention) ${m.userId}`, description: m.atGuid })), { title: vscode.l10n.t("Mentions in '{0}'", name) });
        return list;
      }),

      s.command('docWorkspaces.shimo.fileList', async (arg?: unknown) => {
        const { conn, label } = await accountOf(s, arg);
        const { save } = await ui().pick([
          { label: vscode.l10n.t('Save the list to a file…'), description: vscode.l10n.t('{0} files', conn.fs.manifest.list().length), save: true },
          { label: vscode.l10n.t('Add the files of a saved list…'), save: false },
        ], { title: vscode.l10n.t('File list of {0}', label) });
        if (save) {
          const uri = await ui().saveDialog({ title: vscode.l10n.t('File list of {0}', label), filters: { JSON: ['json'] }, defaultUri: vscode.workspace.workspaceFolders?.[0] ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'shimo-files.json') : undefined });
          await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify({ files: conn.fs.manifest.list() }, null, 2) + '\n'));
          return uri;
        }
        const [uri] = await ui().openDialog({ canSelectMany: false, title: vscode.l10n.t('File list of {0}', label), filters: { JSON: ['json'] } });
        let files: ShimoFileRecord[];
        try {
          const parsed = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as { files?: ShimoFileRecord[] };
          files = (parsed.files ?? []).filter((f) => typeof f?.id === 'string' && typeof f.title === 'string' && SHIMO_FILE_TYPES.includes(f.type));
        } catch {
          throw new InvalidInputError(vscode.l10n.t("'{0}' is not a Shimo file list (JSON with a \"files\" array).", baseName(uri.path)));
        }
        for (const f of files) await conn.fs.manifest.add({ ...f, origin: f.origin ?? 'added', created: f.created ?? Date.now() });
        s.files.forgetListings();
        s.tree.refresh();
        void ui().notify('info', vscode.l10n.t('{0} files added to {1}.', files.length, label));
        return uri;
      }),

      s.command('docWorkspaces.shimo.app', async (arg?: unknown) => {
        const { conn, label } = await accountOf(s, arg);
        const app = await conn.api.getApp();
        const { action } = await ui().pick([
          { label: vscode.l10n.t('Seats: {0} of {1} ({2} users)', app.activatedUserCount, app.memberLimit, app.userCount), action: 'none' as const },
          { label: vscode.l10n.t('Valid {0} – {1}', formatTime(Date.parse(app.validFrom)), formatTime(Date.parse(app.validUntil))), action: 'none' as const },
          { label: vscode.l10n.t('Callback URL: {0}', app.endpointUrl || '—'), description: vscode.l10n.t('Change…'), action: 'url' as const },
        ], { title: vscode.l10n.t('{0} ({1})', app.appName, label) });
        if (action !== 'url') return app;
        const url = (await ui().input({ title: vscode.l10n.t('Callback URL of {0}', app.appName), value: app.endpointUrl, validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter a URL.')) })).trim();
        await ui().confirm(vscode.l10n.t('Change the callback URL of {0} to {1}?', app.appName, url), { detail: vscode.l10n.t('Shimo calls this address for file information, users and permissions.') }, vscode.l10n.t('Change'));
        await conn.api.updateEndpointUrl(url);
        void ui().notify('info', vscode.l10n.t('Callback URL of {0} changed.', app.appName));
        return app;
      }),

      s.command('docWorkspaces.shimo.seats', async (arg?: unknown) => {
        const { conn, label } = await accountOf(s, arg);
        const seats = await conn.api.listSeats(1, 100);
        const word = (st: number) => (st === 1 ? vscode.l10n.t('active') : st === 0 ? vscode.l10n.t('disabled') : vscode.l10n.t('not enabled'));
        const picked = await ui().pickMany(seats.map((u) => ({ label: u.userId, description: word(u.status), u })), { title: vscode.l10n.t('Seats of {0}', label), placeHolder: vscode.l10n.t('Users to activate or deactivate') });
        if (!picked.length) return;
        const ids = picked.map((p) => p.u.userId);
        const { activate } = await ui().pick([
          { label: vscode.l10n.t('Activate'), activate: true }, { label: vscode.l10n.t('Deactivate'), activate: false },
        ], { title: vscode.l10n.t('Seats of {0}', ids.join(', ')) });
        await ui().confirm(activate
          ? vscode.l10n.t('Activate the seats of {0} in {1}?', ids.join(', '), label)
          : vscode.l10n.t('Deactivate the seats of {0} in {1}?', ids.join(', '), label), { detail: activate ? vscode.l10n.t('Each active user takes one seat of the license.') : vscode.l10n.t('They can no longer edit Shimo files until activated again.') },
        activate ? vscode.l10n.t('Activate') : vscode.l10n.t('Deactivate'));
        if (activate) await conn.api.activateSeats(ids);
        else await conn.api.deactivateSeats(ids);
        void ui().notify('info', activate ? vscode.l10n.t('Seats of {0} activated.', ids.join(', ')) : vscode.l10n.t('Seats of {0} deactivated.', ids.join(', ')));
      }),

      s.command('docWorkspaces.shimo.preview', async (arg?: unknown) => {
        const t = targetOf(s, arg);
        const conn = await shimoConnection(s.accounts, t.accountId);
        const { file, name } = conn.fs.resolve(t.path.split('/').slice(0, 2).join('/'));
        const made = await conn.api.createPreview(file.id);
        if (made.code) throw new UnsupportedError(vscode.l10n.t("Shimo could not make a preview of '{0}': {1}", name, made.message || made.code));
        const app = await conn.api.getApp();
        if (!app.endpointUrl) {
          void ui().notify('warning', vscode.l10n.t("The preview of '{0}' is made, but it shows only when Shimo can call your system back: set the app's callback URL first (Shimo: App and Callback URL…).", name));
          return;
        }
        await ui().openExternal(await conn.api.previewPageUrl(file.id, vscode.env.language.startsWith('zh') ? 'zh-CN' : 'en-US'));
      }),

      s.command('docWorkspaces.shimo.history', async (arg?: unknown) => {
        const t = targetOf(s, arg);
        const conn = await shimoConnection(s.accounts, t.accountId);
        const { file, name } = conn.fs.resolve(t.path.split('/').slice(0, 2).join('/'));
        const [revisions, sidebar] = await Promise.all([conn.api.revisions(file.id), conn.api.sidebarHistory(file.id, { pageSize: 20 })]);
        const items = [
          ...revisions.map((r) => ({ label: `$(versions) ${r.label ?? r.title ?? r.id}`, description: r.user?.name ?? r.user?.id ?? '', detail: r.createdAt ? formatTime(Date.parse(r.createdAt)) : undefined })),
          ...sidebar.histories.map((h) => ({ label: `$(history) ${h.name ?? h.id}`, description: (h.userId ?? '').split(',').map((u) => sidebar.users?.[u] ?? u).join(', '), detail: h.createdAt ? formatTime(Date.parse(h.createdAt)) : undefined })),
        ];
        if (!items.length) {
          void ui().notify('info', vscode.l10n.t("'{0}' has no history yet.", name));
          return;
        }
        await ui().pick(items, { title: vscode.l10n.t("History of '{0}'", name), placeHolder: vscode.l10n.t('Revisions (saved versions) and edits; the API gives no content of a revision.') });
      }),
    ];
  },

  sandbox: {
    async start(settings) {
      const { startShimoSandbox, SHIMO_SEED } = await import('../../../sandbox/shimo');
      const sb = await startShimoSandbox({ port: 0, controlRoutes: settings.controlRoutes });
      const seedFiles: ShimoFileRecord[] = SHIMO_SEED.files.map((f) => ({
        id: f.id, type: f.type as ShimoFileType, title: f.title, origin: 'sandbox', created: 0, sheets: SHIMO_SEED.sheets[f.id] ? [...SHIMO_SEED.sheets[f.id]] : undefined,
      }));
      const account: ShimoAccountInfo = { id: 'sandbox-shimo', vendor: 'shimo', host: sb.host, appId: sb.appId, family: 'auto', libraryName: 'Shimo', sandbox: true, seedFiles };
      return { account, secret: JSON.stringify({ appSecret: sb.appSecret, userToken: sb.userToken }), handle: sb, close: () => sb.close() };
    },
  },
};
