import type { GkStat } from '../../../vendors/gokuai/wire';
import type { VendorNode } from '../../types';

/** Gokuai's own tree node: the library (root folder of the account, with its usage). Its recycle bin is generic. */
export type GokuaiNode = VendorNode & { vendorKind: 'library'; stat: GkStat };

export function isGokuaiNode(n: VendorNode): n is GokuaiNode {
  return n.vendorKind === 'library' && n.vendor === 'gokuai';
}
