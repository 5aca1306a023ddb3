import type { GkFile, GkStat } from '../../../vendors/gokuai/wire';
import type { NodeBase } from '../../tree/nodes';

type GokuaiBase = NodeBase & { vendor: 'gokuai' };

/** Gokuai's own tree nodes: the library (root folder of the account) with its recycle bin. */
export type GokuaiNode =
  | GokuaiBase & { kind: 'library'; stat: GkStat }
  | GokuaiBase & { kind: 'recycleBin' }
  | GokuaiBase & { kind: 'recycled'; file: GkFile };
