import * as vscode from 'vscode';

/**
 * Whether the extension host runs outside production (`ExtensionMode.Test` or `Development`). The ONE flag behind every
 * test hook: the test API returned by activate() and unverified accounts. Set once on
 * activation; false (production) until then.
 */
let testHooks = false;

/** Sets the flag from the extension's mode on activation and returns it. */
export function initTestMode(mode: vscode.ExtensionMode): boolean {
  testHooks = mode !== vscode.ExtensionMode.Production;
  return testHooks;
}
