import type { AccountInfo } from '../../accounts';
import type { TreeContext } from '../types';
import type { Avatars } from './avatars';
import type { KdocsAccountInfo, KdocsConnection } from './connection';

/**
 * The signed-in user's name and avatar (`user/basic`), learnt when the account's tree is listed. Set up once by the
 * glue's registerCommands (it owns the storage folder and the tree); before that, names are still learnt.
 */
let avatars: Avatars | undefined;
let iconChanged: ((accountId: string) => void) | undefined;

export function initProfiles(a: Avatars, onIconChanged: (accountId: string) => void): void {
  avatars = a;
  iconChanged = onIconChanged;
}

/** The downloaded avatar of an account, if any. */
export function avatarOf(info: AccountInfo): import('vscode').Uri | undefined {
  return avatars?.iconOf(info.id, (info as Partial<KdocsAccountInfo>).avatar);
}

/** Refreshes name and avatar of a stored account. Never throws: a failed call only keeps the old name. */
export async function profileOf(conn: KdocsConnection, info: KdocsAccountInfo, ctx: Pick<TreeContext, 'accounts' | 'log'>): Promise<void> {
  try {
    const user = await conn.client.userBasic();
    const patch: Partial<KdocsAccountInfo> = { libraryName: user.nickname ?? info.libraryName, avatar: user.avatar };
    if (!info.sandbox) await ctx.accounts.update(info.id, patch);
    if (await avatars?.ensure(info.id, user.avatar ?? info.avatar)) iconChanged?.(info.id);
  } catch (e) {
    ctx.log.debug(`user/basic of ${info.id} failed`, e);
  }
}
