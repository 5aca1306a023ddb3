import type { KdFile, KdUsage } from '../../../vendors/kdocs';
import type { KdSpaceName, PersonalSection } from '../../../vendors/kdocs/operations';
import type { NodeBase } from '../../tree/nodes';

type KdocsBase = NodeBase & { vendor: 'kdocs' };

/**
 * Kingsoft Docs' own tree nodes. Below an account: *Personal* (kdSpace personal: My documents, Recent, Starred,
 * App folder, Recycle bin) and *App space* (kdSpace appspace: its folders, then Trash). Files and folders are generic
 * entry nodes (URI path `personal/...` or `appspace/...`); items of Recent / Starred / App folder are entry nodes at
 * token paths with ids of their own section. contextValues (menus of package.json):
 *   kdSpace personal  'kdocs.section'        kdSpace appspace 'kdocs.root' (a folder: upload, new file...)
 *   kdMyDocs          'kdocs.root'           kdSection        'kdocs.section'
 *   kdRecycleBin      'kdocs.recycleBin'     kdRecycled       'kdocs.recycled.<space>'
 *   kdSignIn          'kdocs.signIn'
 *   file entries      'kdocs.entry.file.<space>[.online]' ('kdocs.entry.file.personal.binary': not text, no "Edit a Copy")
 *   folders           'kdocs.entry.folder' (generic menus)
 */
export type KdocsNode =
  /** Personal / App space (the app space shows its usage when the service told it). */
  | KdocsBase & { kind: 'kdSpace'; space: KdSpaceName; usage?: KdUsage }
  /** Personal > My documents: the root folder of the personal space. */
  | KdocsBase & { kind: 'kdMyDocs' }
  /** Personal > Recent / Starred / App folder (paged, "Load more"). */
  | KdocsBase & { kind: 'kdSection'; section: PersonalSection }
  /** Personal > Recycle bin, App space > Trash. */
  | KdocsBase & { kind: 'kdRecycleBin'; space: KdSpaceName }
  /** One item of a recycle bin. */
  | KdocsBase & { kind: 'kdRecycled'; space: KdSpaceName; file: KdFile }
  /** Shown instead of the account's content when its tokens are gone (refresh failed): runs the sign-in again. */
  | KdocsBase & { kind: 'kdSignIn'; reason: string };
