// UI journey: a user adds a Kingsoft Docs account in a WEB window (code-server, headless Chromium). The whole browser
// part of the OAuth flow runs for real: the extension asks app_id/app_key in input boxes, builds its callback with
// vscode.env.asExternalUri (in code-server: http://127.0.0.1:PORT/<commit>/callback?vscode-scheme=...), opens the
// authorize page with vscode.env.openExternal (code-server asks "open the external website?", then a new tab), the
// sandbox's /h5/auth approves at once and 302-redirects to code-server's callback page, the workbench hands the URI to
// the extension's URI handler, the code is exchanged and the account appears in the Doc Workspaces tree.
//
// Two choices forced by the product and by code-server, not by convenience:
// - The vendor is a kdocs sandbox this test starts itself (out/src/sandbox/kdocs, compiled by tsc) with the default
//   sandbox credentials; its host is typed into the host box as a user of a private deployment types theirs. The
//   command is run through a user keybinding (`docWorkspaces.addAccount` with the vendor id, written before
//   code-server starts: it does not reload a keybindings.json changed while the window is open).
// - The host is written http://127.1:PORT (the same loopback address; Chromium and Node normalise it to 127.0.0.1, so
//   only 127.0.0.1 is ever requested). Written as 127.0.0.1:PORT, code-server would treat the authorize page as a
//   forwarded local port and rewrite it to its own /proxy/PORT/ route, which also mangles the nested redirect_uri
//   (VS Code opens a rewritten URL as encodeURI(uri.toString(true))). A real host such as developer.kdocs.cn is never
//   rewritten, so 127.1 keeps the path a real user takes.
// Screenshots go to .test-output/ui/kdocs-*.png. Run alone (after `npx tsc -p . && node esbuild.mjs`):
//   npx mocha --timeout 240000 test/ui/kdocs-signin.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWorkbench, screenshot, startCodeServer, tailLog } from '../../scripts/vscode/code-server.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(REPO, '.test-output', 'ui');
const SANDBOX_MODULE = join(REPO, 'out', 'src', 'sandbox', 'kdocs', 'index.js');
const EXTENSION = process.env.DOC_WORKSPACES_EXTENSION_PATH
  ? resolve(process.env.DOC_WORKSPACES_EXTENSION_PATH) : REPO;
/** Bounds each UI wait; the first workbench load (extension host start, sandbox seed) is the slowest step. */
const STEP_TIMEOUT = 60_000;
/** A chord no default keybinding uses. */
const ADD_KEY = 'ctrl+alt+shift+k';
/** The sandbox user's nickname: the label of the account the sign-in adds (the embedded one is "Sandbox · …"). */
const USER_NICKNAME = '沙箱用户 Sandbox User';

describe('UI journey: Kingsoft Docs sign-in in a web window (code-server + Chromium)', function () {
  /** @type {import('../../src/sandbox/types').KdocsSandbox} */ let sandbox;
  /** @type {Awaited<ReturnType<typeof startCodeServer>>} */ let server;
  /** @type {Awaited<ReturnType<typeof openWorkbench>>} */ let browser;
  /** @type {import('playwright-core').Page} */ let page;
  /** The sign-in tab, once opened: screenshotted on failure too. */
  /** @type {import('playwright-core').Page | undefined} */ let popup;
  /** The sandbox's host as another loopback name (the callback must survive a host VS Code does not know). */
  let host = '';
  let shot = 0;
  const snap = (name, p = page) => screenshot(p, join(SHOTS, `kdocs-${String(++shot).padStart(2, '0')}-${name}.png`));

  before(async function () {
    assert.ok(existsSync(SANDBOX_MODULE), `${SANDBOX_MODULE} is missing: run npx tsc -p . first`);
    mkdirSync(SHOTS, { recursive: true });
    for (const n of ['failure', 'failure-popup']) rmSync(join(SHOTS, `kdocs-${n}.png`), { force: true });
    const { startKdocsSandbox } = createRequire(import.meta.url)(SANDBOX_MODULE);
    sandbox = await startKdocsSandbox({});
    host = sandbox.host.replace('//127.0.0.1:', '//127.1:');
    assert.notEqual(host, sandbox.host, `unexpected sandbox host ${sandbox.host}`);

    server = await startCodeServer({ logFile: join(SHOTS, 'kdocs-code-server.log') });
    writeFileSync(join(server.tmp, 'user-data', 'User', 'keybindings.json'),
      JSON.stringify([{ key: ADD_KEY, command: 'docWorkspaces.addAccount', args: 'kdocs' }], null, 2));
    browser = await openWorkbench(server, { extensionDevelopmentPath: EXTENSION, timeout: STEP_TIMEOUT });
    page = browser.page;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await screenshot(page, join(SHOTS, 'kdocs-failure.png'));
      if (popup && !popup.isClosed()) await screenshot(popup, join(SHOTS, 'kdocs-failure-popup.png'));
      if (server) tailLog(server.logFile);
    }
  });

  after(async function () {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (sandbox) await sandbox.close();
  });

  it('"Add Account…" for Kingsoft Docs: host, app id and key, the authorize page in a new tab, the callback back in the workbench, the new account in the tree', async function () {
    // 1. The Doc Workspaces view, with the embedded sandbox accounts (the extension is up and its commands registered).
    await page.locator('.activitybar a.action-label[aria-label^="Doc Workspaces"]').click();
    const sidebar = page.locator('.part.sidebar');
    const accountRows = sidebar.locator('.monaco-list-row[role="treeitem"][aria-level="1"]');
    await accountRows.filter({ hasText: /Sandbox · Kingsoft Docs/ }).first().waitFor();
    const added = accountRows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${USER_NICKNAME}\\s*$`) }) });
    assert.equal(await added.count(), 0, 'no signed-in Kingsoft Docs account before the sign-in');
    await snap('before');

    // 2. Add Account… for Kingsoft Docs (a keybinding: `docWorkspaces.addAccount` with the vendor) asks the host (the
    //    sandbox's, typed over the public default), then app_id, then app_key.
    const mark = sandbox.control.requestCount;
    await page.keyboard.press('Control+Alt+Shift+K');
    const quickInput = page.locator('.quick-input-widget');
    const input = quickInput.locator('input.input');
    await quickInput.filter({ hasText: /host/i }).waitFor();
    await input.fill(host);
    await page.keyboard.press('Enter');
    await quickInput.filter({ hasText: 'app_id' }).waitFor();
    await input.fill(sandbox.credentials.appId);
    await snap('app-id');
    await page.keyboard.press('Enter');
    await quickInput.filter({ hasText: 'app_key' }).waitFor();
    assert.equal(await input.getAttribute('type'), 'password', 'the app key is typed into a password box');
    await input.fill(sandbox.credentials.appKey);
    await page.keyboard.press('Enter');

    // 3. openExternal: code-server asks before it opens a site outside the trusted domains; the URL it shows is the
    //    sandbox's authorize page with the callback nested intact in redirect_uri.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.filter({ hasText: /open the external website/i }).waitFor();
    const shown = new URL((await dialog.locator('.dialog-message-detail').innerText()).trim());
    assert.equal(shown.pathname, '/h5/auth', `the authorize page: ${shown.origin}${shown.pathname}`);
    assertCallback(new URL(shown.searchParams.get('redirect_uri') ?? ''), 'redirect_uri');
    await snap('open-external');
    const opened = browser.context.waitForEvent('page', { timeout: STEP_TIMEOUT });
    await dialog.getByRole('button', { name: 'Open', exact: true }).click();

    // 4. The new tab follows the sandbox's redirect to code-server's callback page, which hands the URI to the
    //    workbench (the tab then says it may be closed).
    popup = await opened;
    await popup.waitForURL((u) => u.pathname.endsWith('/callback') && u.searchParams.has('code'), { timeout: STEP_TIMEOUT });
    const back = new URL(popup.url());
    assertCallback(back, 'the callback tab');
    assert.ok(back.searchParams.get('state'), 'the callback carries the state');
    await popup.getByText('You can close this page now').waitFor();
    await snap('callback-tab', popup);

    // 5. The workbench: the new account (named after the user) joins the tree, beside the embedded sandbox, and its
    //    two spaces list.
    const account = added.first();
    await account.waitFor();
    assert.equal(await added.count(), 1, 'exactly one new account row');
    assert.match(await account.locator('.label-description').innerText(), /Kingsoft Docs/);
    if ((await account.getAttribute('aria-expanded')) !== 'true') await account.click();
    await account.and(page.locator('[aria-expanded="true"]')).waitFor();
    const spaces = sidebar.locator('.monaco-list-row[role="treeitem"][aria-level="2"]');
    await spaces.filter({ hasText: 'Personal' }).first().waitFor();
    await spaces.filter({ hasText: 'App space' }).first().waitFor();
    await snap('account-added');

    // 6. The vendor saw the browser fetch the authorize page once, and the extension exchange the code once.
    const calls = sandbox.control.requestsSince(mark).map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.equal(calls.filter((c) => c.startsWith('GET /h5/auth ')).length, 1, `authorize page: ${calls.join('; ')}`);
    assert.ok(calls.includes('GET /h5/auth 302'), `the authorize page redirected: ${calls.join('; ')}`);
    assert.equal(calls.filter((c) => c === 'GET /api/v1/oauth2/access_token 200').length, 1, `code exchanged once: ${calls.join('; ')}`);
  });

  /** A code-server callback URL that carries the extension's URI: vscode-authority + vscode-path name its handler. */
  function assertCallback(url, what) {
    assert.equal(url.origin, server.baseUrl, `${what}: served by code-server (${url.origin})`);
    assert.match(url.pathname, /\/callback$/, `${what}: code-server's callback route (${url.pathname})`);
    assert.equal(url.searchParams.get('vscode-authority'), 'doc-workspaces.doc-workspaces', `${what}: the extension`);
    assert.equal(url.searchParams.get('vscode-path'), '/kdocs-auth', `${what}: the kdocs-auth route`);
  }
});
