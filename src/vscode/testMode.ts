import * as vscode from 'vscode';

/**
 * Whether the extension host runs outside production (`ExtensionMode.Test` or `Development`). The ONE flag behind every
 * test hook: the test API returned by activate(), unverified accounts, and secrets in command results. Set once on
 * activation; false (production) until then.
 */
let testHooks = false;

/** Sets the flag from the extension's mode on activation and returns it. */
export function initTestMode(mode: vscode.ExtensionMode): boolean {
  testHooks = mode !== vscode.ExtensionMode.Production;
  return testHooks;
}

/**
 * `value` outside production, undefined in production. For command results that carry a secret (an edit token, a URL
 * with one): any extension can run our commands through executeCommand, so in an installed extension the secret only
 * reaches the user (clipboard, browser), while the integration tests still see what the command produced.
 */
export function onlyForTests<T>(value: T): T | undefined {
  return testHooks ? value : undefined;
}
