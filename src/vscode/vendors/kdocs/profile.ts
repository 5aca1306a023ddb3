import type { AccountInfo } from '../../types';
import type { TreeContext } from '../../types';
import type { Avatars } from './avatars';
import type { KdocsAccountInfo, KdocsConnection } from './connection';

/**
 * The signed-in user's name and avatar (`user/basic`), learnt when the account's tree is listed: once per window and
 * then at most once an hour, not on every tree refresh. Set up once by the glue's registerCommands (it owns the
 * storage folder and the tree); before that, names are still learnt.
 */
let avatars: Avatars | undefined;
let iconChanged: ((accountId: string) => void) | undefined;

const PROFILE_TTL_MS = 60 * 60 * 1000;
/** When each account's profile was last read (successfully). */
const readAt = new Map<string, number>();

export function initProfiles(a: Avatars, onIconChanged: (accountId: string) => void): void {
  avatars = a;
  iconChanged = onIconChanged;
}

/** The downloaded avatar of an account, if any. */
export function avatarOf(info: AccountInfo): import('vscode').Uri | undefined {
  return avatars?.iconOf(info.id);
}

/**
 * Refreshes name and avatar of an account unless that was done within the hour. Never throws: a failed call only
 * keeps the old name (and is tried again on the next listing).
 */
export async function profileOf(conn: KdocsConnection, info: KdocsAccountInfo, ctx: Pick<TreeContext, 'accounts' | 'log'>): Promise<void> {
  const last = readAt.get(info.id);
  if (last !== undefined && Date.now() - last < PROFILE_TTL_MS) return;
  try {
    const user = await conn.client.userBasic();
    readAt.set(info.id, Date.now());
    if (!info.sandbox && user.nickname) await ctx.accounts.update(info.id, { libraryName: user.nickname });
    if (await avatars?.ensure(info.id, user.avatar)) iconChanged?.(info.id);
  } catch (e) {
    ctx.log.debug(`user/basic of ${info.id} failed`, e);
  }
}
