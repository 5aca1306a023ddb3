/** Local vendor emulators. Later vendors add their `start...Sandbox` here. */
export * from './types';
export { startGokuaiSandbox, SANDBOX_LIBRARY_NAME } from './gokuai';
export { startKdocsSandbox } from './kdocs';
export { startVikaSandbox, VIKA_SEED } from './vika';
export { startShimoSandbox, SHIMO_SEED } from './shimo';
