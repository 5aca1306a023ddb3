export { VikaClient, VIKA_ENDPOINTS, VIKA_DEFAULT_HOST, encodeRecordQuery, type VikaCredentials, type VikaClientOptions } from './client';
export { VikaRemoteFs, type VikaStoreOptions } from './remotefs';
export { VikaRecords, toTableField, fromWire, toWire, type VikaTable } from './records';
export { vikaCapabilities } from './capabilities';
export { vikaError, parseVikaError } from './errors';
export * from './wire';
