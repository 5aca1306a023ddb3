import * as vscode from 'vscode';
import { type Capabilities, type CapabilityName, supports } from '../../core/capabilities';
import { UnsupportedError } from '../../core/errors';
import { pickAccount } from '../commands/accounts';
import { isFromTree, refOf } from '../commands/targets';
import type { AccountInfo, Mount, Mounted, RemoteTarget, Services } from '../types';
import { ui } from '../ui';
import { baseName, joinPath, type RemoteRef, toUri, withPath } from '../uri';

/**
 * What the capability flows share: a target's store and capability (refused in words where the store has none), the
 * stores of an account that have a capability, and the URIs of items a capability hands back.
 */

/** The display name of a target: its last path segment, the account's name for an account root. */
export function nameOf(s: Services, t: RemoteRef): string {
  return baseName(t.path) || s.accounts.label(t.accountId);
}

/** A store with capability `K`. */
export type With<K extends CapabilityName> = Mounted & { caps: Capabilities & Required<Pick<Capabilities, K>> };

/**
 * The store of a target and its capability `name`; UnsupportedError with `why(name of the target)` when the store
 * has none (e.g. Kingsoft Docs personal files keep no versions, the app space has no share links).
 */
export async function capabilityOf<K extends CapabilityName>(s: Services, t: RemoteRef, name: K, why: (what: string) => string): Promise<With<K>> {
  const m = await s.files.resolve(t);
  if (!supports(m.caps, name)) throw new UnsupportedError(why(nameOf(s, t)));
  return m as With<K>;
}

/** The URI of a path of store `m` of the account of `ref`. */
export function uriIn(ref: RemoteRef, m: Pick<Mount, 'root'>, path: string): vscode.Uri {
  return toUri(withPath(ref, joinPath(m.root, path)));
}

/** A store of an account, with a label for pickers (its own, else the account's). */
export interface AccountStore<K extends CapabilityName> {
  account: AccountInfo;
  mount: Mount & { caps: Capabilities & Required<Pick<Capabilities, K>> };
  label: string;
}

/** The stores of an account that have capability `name`, labelled "<account> · <store>" when there are several. */
export async function storesWith<K extends CapabilityName>(s: Services, account: AccountInfo, name: K): Promise<Array<AccountStore<K>>> {
  const conn = await s.accounts.connection(account.id);
  const label = s.accounts.describe(account).label;
  const glue = s.vendors.get(account.vendor);
  return conn.mounts.filter((m) => supports(m.caps, name)).map((m) => ({
    account,
    mount: m as AccountStore<K>['mount'],
    label: m.root ? `${label} · ${glue.storeLabel?.(m.root) ?? m.root}` : label,
  }));
}

/** Accounts of vendors that may have capability `name` (checked per store when connected). */
export function accountsWith(s: Services, name: CapabilityName): AccountInfo[] {
  return s.accounts.list().filter((a) => s.vendors.get(a.vendor).capabilities?.includes(name) ?? true);
}

/**
 * The one store with capability `name` a store-level command acts on: the store of the tree node or URI it got (a
 * library, a space, a recycle bin, a file in it; an account with several such stores asks which), else a pick among
 * every account's stores that have it. `none`: the words when there is none.
 */
export async function pickStore<K extends CapabilityName>(s: Services, arg: unknown, name: K, placeHolder: string, none: string): Promise<AccountStore<K>> {
  const ref = refOfArg(s, arg);
  const account = ref && s.accounts.find(ref.accountId);
  let stores: Array<AccountStore<K>>;
  if (ref && account) {
    stores = await storesWith(s, account, name);
    if (ref.path !== '') {
      const m = await s.files.resolve(ref);
      stores = stores.filter((st) => st.mount.root === m.root);
    }
  } else {
    stores = (await Promise.all(accountsWith(s, name).map((a) => storesWith(s, a, name).catch(() => [])))).flat();
  }
  if (!stores.length) throw new UnsupportedError(none);
  if (stores.length === 1) return stores[0];
  return (await ui().pick(stores.map((st) => ({ label: st.label, description: st.account.host, st })), { placeHolder })).st;
}

/** The store at `root` of an account, with capability `name` (refused with `none` when it has not, or is gone). */
export async function storeAt<K extends CapabilityName>(s: Services, accountId: string, root: string, name: K, none: string): Promise<AccountStore<K>> {
  const account = s.accounts.find(accountId);
  const st = account && (await storesWith(s, account, name)).find((x) => x.mount.root === root);
  if (!st) throw new UnsupportedError(none);
  return st;
}

/** The remote ref a store-level command got (an account id, a tree node, a bin node, a URI), if any. */
function refOfArg(s: Services, arg: unknown): RemoteRef | undefined {
  const x = isFromTree(arg) ? s.treeView.selection[0] : arg;
  if (typeof x === 'string') {
    const a = s.accounts.find(x);
    return a ? { scheme: s.vendors.get(a.vendor).scheme, accountId: a.id, path: '' } : undefined;
  }
  const n = x as { kind?: unknown; accountId?: unknown; vendor?: unknown; root?: unknown } | undefined;
  if (n && (n.kind === 'bin' || n.kind === 'binItem') && typeof n.accountId === 'string' && typeof n.root === 'string') {
    return { scheme: s.vendors.get(String(n.vendor)).scheme, accountId: n.accountId, path: n.root };
  }
  return refOf(s, x);
}

/** The account of an account-level command, among those with capability `name`. */
export async function accountFor(s: Services, arg: unknown, name: CapabilityName, placeHolder: string): Promise<AccountInfo> {
  const info = await pickAccount(s, arg, (a) => accountsWith(s, name).includes(a), placeHolder);
  if (!info) throw new vscode.CancellationError();
  return info;
}

export type { RemoteTarget };
