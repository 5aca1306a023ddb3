/**
 * Public surface of the local vendor emulators. Tests, `npm start` and the extension's embedded default use this.
 * The sandbox never imports src/vendors (it is an independent twin of the real services).
 * One line per vendor: its own types live in src/sandbox/<vendor>/types.ts.
 */

export type { Misbehaviour } from './common/types';
export * from './gokuai/types';
export * from './kdocs/types';
export * from './vika/types';
export * from './shimo/types';
