export { KdocsClient, KDOCS_ENDPOINTS, KDOCS_OAUTH_PATHS, type KdocsClientOptions } from './client';
export { KdocsRemoteFs, appSpace, isOnlineDoc, personalSpace, toEntry, type KdSpace } from './remotefs';
export { KdocsTokenManager, storedTokens, type KdStoredTokens } from './oauth';
export type { KdocsApi, KdocsCredentials, KdocsOAuth } from './api';
export { KD_SCOPES, type KdScope, type KdTokenPair } from './wire';
