import type { CapabilityName } from '../../core/capabilities';

/**
 * The contextValue of every tree item: space-separated tokens that package.json menus match with `\b` regexes, so a
 * command shows where the node has what the command needs, whatever the vendor:
 *
 *   <kind>          account, root (a store's root folder: a library, a space's files), entry, bin, binItem, loadMore,
 *                   error, or a vendor's own kind (section, signIn...)
 *   file / folder   of entries
 *   cap.<name>      a capability of the node's store (core/capabilities.ts): cap.versions, cap.links, cap.trash...
 *   flags           sandbox, signIn (the account can sign in again), locked, online (an online document),
 *                   binary (surely not text: no "Edit a Copy"), readonly, ext.<extension> of a file (ext.otl)
 *   vendor.<id>     the vendor, for the few commands only one vendor has (edit tokens)
 *
 * e.g. `entry file cap.versions cap.links cap.trash vendor.gokuai` — menus use `viewItem =~ /\bcap\.versions\b/`.
 */
export function contextValue(kind: string, o: { vendor: string; flags?: ReadonlyArray<string | false | undefined>; caps?: readonly CapabilityName[] }): string {
  return [kind, ...(o.flags ?? []).filter(Boolean), ...(o.caps ?? []).map((c) => `cap.${c}`), `vendor.${o.vendor}`].join(' ');
}
