export { KdocsClient, KDOCS_ENDPOINTS, KDOCS_OAUTH_PATHS, type KdocsClientOptions } from './client';
export { kdocsCapabilities, KDOCS_SHARE_SPEC } from './capabilities';
export { KdocsOffice, KDOCS_OFFICE_ENDPOINTS, type KdocsOfficeEndpoint } from './office';
export { CONVERT_STAGING_FOLDER, convertTargets } from './office-capabilities';
export { outlineToMarkdown } from './outline-markdown';
export { FolderUnknownError, KdocsRemoteFs, appSpace, isOnlineDoc, personalSpace, toEntry, type KdSpace } from './remotefs';
export {
  KdocsOperations, KD_BLANK_TYPES, isCopyName,
  type BatchOptions, type BatchResult, type KdSpaceName, type PageOptions, type PersonalSection, type ShareOptions,
  type TokenBatchResult,
} from './operations';
export { TOKEN_SEGMENT, isTokenPath, parsePath, tokenPath, type ParsedPath } from './tokenpath';
export { KdocsTokenManager, storedTokens, type KdStoredTokens } from './oauth';
export type { KdocsApi, KdocsCredentials, KdocsOAuth } from './api';
export {
  KD_SCOPES, type KdEditToken, type KdFile, type KdLink, type KdLinkMember, type KdScope, type KdTokenPair, type KdUsage,
  type KdUser, type KdVersion,
} from './wire';
