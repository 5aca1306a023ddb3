export { GokuaiClient, GOKUAI_ENDPOINTS, GOKUAI_UPLOAD_PATHS, type GokuaiClientOptions } from './client';
export { GokuaiRemoteFs, toEntry } from './remotefs';
export { gokuaiCapabilities, GOKUAI_SHARE_SPEC } from './capabilities';
export type { GokuaiApi, GokuaiCredentials } from './api';
