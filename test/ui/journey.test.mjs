// UI journey: a user edits a cloud document through the real VS Code workbench (code-server, headless Chromium) and
// the vendor (the sandbox embedded in the extension) ends up holding the new content.
//
// The extension is loaded from source (extensionDevelopmentPath = repo root, built by esbuild to dist/) and its
// embedded sandbox is pinned to a known free port through the user setting docWorkspaces.sandbox.port, so this test
// can read the server side over HTTP (GET /__sandbox/file?fullpath=...).
// Screenshots of every step go to .test-output/ui/. Run alone: npx mocha --timeout 240000 test/ui/journey.test.mjs
// DOC_WORKSPACES_EXTENSION_PATH overrides the extension folder (used to debug the harness with a stub extension).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, openWorkbench, screenshot, startCodeServer, tailLog } from '../../scripts/vscode/code-server.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(REPO, '.test-output', 'ui');
const EXTENSION = process.env.DOC_WORKSPACES_EXTENSION_PATH
  ? resolve(process.env.DOC_WORKSPACES_EXTENSION_PATH) : REPO;
/** Bounds each UI wait; the first workbench load (extension host start, sandbox seed) is the slowest step. */
const STEP_TIMEOUT = 60_000;

describe('UI journey (code-server + Chromium)', function () {
  /** @type {Awaited<ReturnType<typeof startCodeServer>>} */ let server;
  /** @type {Awaited<ReturnType<typeof openWorkbench>>} */ let browser;
  /** @type {import('playwright-core').Page} */ let page;
  let sandboxPort = 0;
  let shot = 0;
  const snap = (name) => screenshot(page, join(SHOTS, `${String(++shot).padStart(2, '0')}-${name}.png`));

  /** What the vendor holds for a path, read over the sandbox's HTTP control route. */
  async function sandboxFile(fullpath) {
    const res = await fetch(`http://127.0.0.1:${sandboxPort}/__sandbox/file?fullpath=${encodeURIComponent(fullpath)}`);
    assert.equal(res.status, 200, `sandbox has no ${fullpath} (HTTP ${res.status})`);
    return res.text();
  }

  before(async function () {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    sandboxPort = await freePort();
    server = await startCodeServer({
      userSettings: { 'docWorkspaces.sandbox.port': sandboxPort, 'docWorkspaces.sandbox.controlRoutes': true },
      logFile: join(SHOTS, 'code-server.log'),
    });
    browser = await openWorkbench(server, { extensionDevelopmentPath: EXTENSION, timeout: STEP_TIMEOUT });
    page = browser.page;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await screenshot(page, join(SHOTS, 'failure.png'));
      if (server) tailLog(server.logFile);
    }
  });

  after(async function () {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('opens README.md from the Doc Workspaces tree, edits it, saves it, and the sandbox holds the new text', async function () {
    // 1. The activity-bar container contributed by the extension.
    await page.locator('.activitybar a.action-label[aria-label^="Doc Workspaces"]').click();
    const sidebar = page.locator('.part.sidebar');
    const row = (level, extra = '') => sidebar.locator(`.monaco-list-row[role="treeitem"][aria-level="${level}"]${extra}`);
    await snap('container');

    // 2. The embedded sandbox account, then its library.
    const account = row(1).filter({ hasText: /^\s*Sandbox/ }).first();
    await expand(account);
    const library = row(2).first();
    await expand(library);
    await snap('library');

    // 3. A folder of the seeded library (the first collapsed one) shows its children. The locator is pinned to the
    //    folder's name first: "first collapsed row" would move to another row once this one expands.
    const folderName = (await row(3, '[aria-expanded="false"]').first().innerText()).trim();
    assert.ok(folderName.length > 0, 'a collapsed folder row with a label under the library');
    await expand(row(3).filter({ hasText: folderName }).first());
    await row(4).first().waitFor();
    await snap('folder-expanded');

    // 4. Open README.md (seeded at the library root) from the tree.
    const original = await sandboxFile('README.md');
    await row(3).filter({ hasText: /^\s*README\.md\s*$/ }).first().click();
    const tab = page.locator('.tabs-container .tab', { hasText: 'README.md' });
    await tab.waitFor();
    const editor = page.locator('.editor-instance .view-lines').first();
    const firstLine = original.split(/\r?\n/).find((l) => l.trim().length > 0) ?? '';
    // Monaco renders spaces as NBSP; compare on normalised text.
    await waitForText(editor, firstLine.trim());
    await snap('readme-open');

    // 5. Type at the top of the document; the tab turns dirty.
    const marker = `Edited by the UI journey ${Date.now()}`;
    await editor.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type(marker);
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.dirty', { hasText: 'README.md' }).waitFor();
    await snap('dirty');

    // 6. Save; the tab is clean again once the FileSystemProvider's writeFile resolved (i.e. the upload finished).
    await page.keyboard.press('Control+S');
    await page.locator('.tabs-container .tab.dirty', { hasText: 'README.md' }).waitFor({ state: 'detached' });
    await snap('saved');

    // 7. The vendor side now holds exactly the edited document.
    const saved = await sandboxFile('README.md');
    const lf = (s) => s.replace(/\r\n/g, '\n');
    assert.equal(lf(saved), lf(`${marker}\n${original}`));
  });

  /** Clicks a collapsed tree row and waits until the tree reports it expanded. */
  async function expand(locator) {
    await locator.waitFor();
    if ((await locator.getAttribute('aria-expanded')) !== 'true') await locator.click();
    await locator.and(page.locator('[aria-expanded="true"]')).waitFor();
  }

  /** Waits until the locator's rendered text contains `text` (NBSP-normalised). */
  async function waitForText(locator, text) {
    await locator.page().waitForFunction(
      ([el, t]) => (el?.textContent ?? '').replace(/\u00a0/g, ' ').includes(t),
      [await locator.elementHandle(), text],
      { timeout: STEP_TIMEOUT },
    );
  }
});
