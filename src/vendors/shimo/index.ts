export { ShimoClient, SHIMO_ENDPOINTS, a1Range, columnName, newShimoFileId, type ShimoCredentials } from './client';
export { ShimoRemoteFs, SHIMO_FOLDERS, type ShimoFileRecord, type ShimoManifest } from './remotefs';
export { shimoCapabilities } from './capabilities';
export { signShimo } from './signer';
export * from './wire';
