import type { KdUsage } from '../../../vendors/kdocs';
import type { KdSpaceName, PersonalSection } from '../../../vendors/kdocs/operations';
import type { VendorNode } from '../../types';

type KdocsBase = VendorNode;

/**
 * Kingsoft Docs' own tree nodes. Below an account: *Personal* (kdSpace personal: My documents, Recent, Starred,
 * App folder, then its recycle bin) and *App space* (kdSpace appspace: its folders, then its trash). Files and
 * folders are generic entry nodes (URI path `personal/...` or `appspace/...`), the recycle bins generic bin nodes;
 * items of Recent / Starred / App folder are entry nodes at token paths with ids of their own section.
 * contextValues (tree/context.ts): Personal 'section', App space and My documents 'root' with their store's
 * capabilities (a folder: upload, new file...), Recent... 'section', the sign-in node 'signIn'.
 */
export type KdocsNode =
  /** Personal / App space (the app space shows its usage when the service told it). */
  | KdocsBase & { vendorKind: 'kdSpace'; space: KdSpaceName; usage?: KdUsage }
  /** Personal > My documents: the root folder of the personal space. */
  | KdocsBase & { vendorKind: 'kdMyDocs' }
  /** Personal > Recent / Starred / App folder (paged, "Load more"). */
  | KdocsBase & { vendorKind: 'kdSection'; section: PersonalSection }
  /** Shown instead of the account's content when its tokens are gone (refresh failed): runs the sign-in again. */
  | KdocsBase & { vendorKind: 'kdSignIn'; reason: string };

const KINDS: ReadonlySet<string> = new Set<KdocsNode['vendorKind']>(['kdSpace', 'kdMyDocs', 'kdSection', 'kdSignIn']);

export function isKdocsNode(n: VendorNode): n is KdocsNode {
  return n.vendor === 'kdocs' && KINDS.has(n.vendorKind);
}
