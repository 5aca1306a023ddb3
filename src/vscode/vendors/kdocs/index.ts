import { UnsupportedError } from '../../../core/errors';
import type { VendorGlue } from '../types';
import { registerKdocsCommands } from './commands';

export const KDOCS_SCHEME = 'kdocs';

/**
 * Kingsoft Docs (WPS open platform): kdocs://<account>/personal/... and kdocs://<account>/appspace/..., one RemoteFs
 * per space (src/vendors/kdocs KdocsRemoteFs with personalSpace / appSpace). Registered, with no way to add accounts
 * yet: the file system, tree and commands are wired and ready for the kdocs accounts, OAuth and tree sections.
 */
export const kdocsGlue: VendorGlue = {
  vendor: 'kdocs',
  displayName: 'Kingsoft Docs',
  scheme: KDOCS_SCHEME,

  connect() {
    // TODO(kdocs accounts): build KdocsClient + token manager from the secret and map 'personal' / 'appspace' onto
    // their KdocsRemoteFs (see README: a resolver over the first path segment).
    throw new UnsupportedError('Kingsoft Docs accounts are not supported yet.');
  },

  describeAccount(a) {
    return { label: a.libraryName ?? a.id, icon: 'cloud' };
  },

  tree: {
    async accountChildren() {
      return [];
    },
    async children() {
      return [];
    },
    treeItem() {
      throw new UnsupportedError('Kingsoft Docs has no tree nodes yet.');
    },
  },

  registerCommands: registerKdocsCommands,
};
