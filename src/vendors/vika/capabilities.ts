/**
 * What a Vika account can do here: its datasheets save back as records (`write` of table documents) and the records
 * capability (tables as documents, new datasheets, fields, attachments, views). The fusion API v1 has no recycle
 * bin, versions, share links or search: those commands do not show for Vika.
 */
import type { Capabilities } from '../../core/capabilities';
import type { VikaRemoteFs } from './remotefs';

export function vikaCapabilities(fs: VikaRemoteFs): Capabilities {
  return { write: fs.writer, records: fs.records };
}
