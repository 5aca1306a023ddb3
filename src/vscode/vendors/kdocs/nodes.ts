import type { NodeBase } from '../../tree/nodes';

type KdocsBase = NodeBase & { vendor: 'kdocs' };

/**
 * Kingsoft Docs' own tree nodes (sections such as Personal / App space, Recent, Starred, recycle bins...). Replace
 * `never` by the union of the node types, e.g. `KdocsBase & { kind: 'kdSection'; section: 'personal' | 'appspace' }`;
 * kinds must not clash with other vendors' kinds.
 */
export type KdocsNode = never & KdocsBase;
