// UI journeys in the workbench `npm start` opens (scripts/vscode/code-server.mjs startForUser): the extension linked
// into the extensions folder like an installed one, no smoke-test driver (so notification toasts show, as for a user),
// code-server's port-forwarding proxy on, hot exit on. The sandbox ports are pinned through user settings so the test
// can change files "as a colleague" through the sandboxes' HTTP control routes.
//   - a notification toast is visible;
//   - an online document (.ksheet) opens in the browser (through /proxy/<port>/, not a 403);
//   - a save conflict VS Code detects itself: its notification, Overwrite, and no second prompt from the extension;
//   - a dirty editor survives a window reload (hot exit) and its save still meets the conflict check.
// Screenshots go to .test-output/ui/workbench-*.png. Run alone (after `npx tsc -p . && node esbuild.mjs`):
//   npx mocha --timeout 240000 test/ui/workbench.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, launchBrowser, screenshot, startForUser, tailLog } from '../../scripts/vscode/code-server.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(REPO, '.test-output', 'ui');
const STEP_TIMEOUT = 60_000;

describe('UI: the workbench of npm start (toasts, online documents, conflicts, reload)', function () {
  let server;
  let browser;
  /** @type {import('playwright-core').Page} */ let page;
  let profile;
  let gokuaiPort = 0;
  let shot = 0;
  const snap = (name, p = page) => screenshot(p, join(SHOTS, `workbench-${String(++shot).padStart(2, '0')}-${name}.png`));
  const dir = `ui-${Date.now().toString(36)}`;

  /** What the Gokuai sandbox holds for a path. */
  async function gokuaiFile(fullpath) {
    const res = await fetch(`http://127.0.0.1:${gokuaiPort}/__sandbox/file?fullpath=${encodeURIComponent(fullpath)}`);
    assert.equal(res.status, 200, `sandbox has no ${fullpath} (HTTP ${res.status})`);
    return res.text();
  }
  /** Writes a file as a colleague would; `later` makes its modification time a minute later than now. */
  async function colleagueWrites(fullpath, content, later = false) {
    const q = new URLSearchParams({ fullpath, member: 'Colleague' });
    if (later) q.set('mtime', String(Date.now() + 60_000));
    const res = await fetch(`http://127.0.0.1:${gokuaiPort}/__sandbox/file?${q}`, { method: 'PUT', body: content });
    assert.equal(res.status, 200, `writing ${fullpath} answered ${res.status}`);
  }

  before(async function () {
    mkdirSync(SHOTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'dw-ui-profile-'));
    gokuaiPort = await freePort();
    const started = await startForUser(REPO, {
      profileDir: profile,
      logFile: join(SHOTS, 'workbench-code-server.log'),
      // Saves happen when the test presses Ctrl+S (VS Code for the Web auto-saves by default; the in-VS-Code suite
      // covers an auto-save that meets a conflict).
      userSettings: { 'docWorkspaces.sandbox.port': gokuaiPort, 'docWorkspaces.sandbox.controlRoutes': true, 'files.autoSave': 'off' },
    });
    server = started.server;
    browser = await launchBrowser({ profileDir: join(profile, 'chromium') });
    page = browser.page;
    page.setDefaultTimeout(STEP_TIMEOUT);
    await page.goto(started.url);
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.activitybar a.action-label[aria-label^="Doc Workspaces"]').click();
    await untilSandboxUp();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await snap('failure');
      if (server) tailLog(server.logFile);
      // A dialog or QuickPick left open would take the next test's keys.
      for (let i = 0; i < 3 && await page.locator('.monaco-dialog-box, .quick-input-widget:visible').count(); i++) await page.keyboard.press('Escape');
    }
  });

  after(async function () {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const sidebar = () => page.locator('.part.sidebar');
  /** A tree row with exactly this label (at this depth: the same name can be in both sandboxes). */
  const row = (label, level) => sidebar().locator(`.monaco-list-row[role="treeitem"]${level ? `[aria-level="${level}"]` : ''}`)
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escape(label)}\\s*$`) }) }).first();
  async function expand(label, level) {
    const r = row(label, level);
    await r.waitFor();
    if ((await r.getAttribute('aria-expanded')) !== 'true') await r.click();
    await r.and(page.locator('[aria-expanded="true"]')).waitFor();
  }
  const toast = (text) => page.locator('.notifications-toasts .notification-toast', { hasText: text });
  const dialog = () => page.locator('.monaco-dialog-box');

  it('shows a notification toast (opening a personal Kingsoft Docs file says it is read-only)', async function () {
    await expand('Sandbox · Kingsoft Docs', 1);
    await expand('Personal', 2);
    await expand('My documents', 3);
    await row('name with #hash and %percent.txt', 4).click();
    await toast(/is read-only/).waitFor({ state: 'visible' });
    await snap('toast');
  });

  it('opens an online document (.ksheet) in the browser through the proxy, not a 403', async function () {
    await expand('在线文档', 4);
    const popupEvent = browser.context.waitForEvent('page');
    await row('预算 2025.ksheet', 5).click();
    // VS Code for the Web asks before opening an external site; a user clicks Open.
    const open = dialog().locator('a.monaco-button, .monaco-button', { hasText: /^Open$/ });
    const popup = await Promise.race([popupEvent, open.waitFor().then(async () => { await open.click(); return popupEvent; })]);
    await popup.waitForLoadState('domcontentloaded');
    await snap('online-doc', popup);
    assert.match(popup.url(), /\/proxy\/\d+\/|127\.0\.0\.1:\d+\//, popup.url());
    const body = await popup.locator('body').innerText();
    assert.doesNotMatch(body, /forbidden|403/i, `the page opened: ${body.slice(0, 200)}`);
    assert.match(body, /预算 2025/, 'the sandbox page of the document');
    await popup.close();
  });

  it('a conflict VS Code detects: its own notification, Overwrite there, and no second prompt from the extension', async function () {
    const p = `${dir}/conflict.txt`;
    await colleagueWrites(p, 'original\n');
    await openInEditor(p);
    await typeAtTop('mine ');
    await colleagueWrites(p, 'a longer text from the colleague\n', true);
    await page.keyboard.press('Control+S');
    const newer = toast(/newer/i);
    await newer.waitFor({ state: 'visible' });
    await snap('vscode-conflict');
    await newer.locator('.monaco-button', { hasText: /^Overwrite$/ }).click();
    await page.locator('.tabs-container .tab.dirty', { hasText: 'conflict.txt' }).waitFor({ state: 'detached' });
    assert.equal(await dialog().count(), 0, 'no modal from the extension');
    assert.equal(await gokuaiFile(p), 'mine original\n');
  });

  it('a dirty editor survives a window reload, and its save still meets the conflict check (remote intact)', async function () {
    const p = `${dir}/reload.txt`;
    await colleagueWrites(p, 'original\n');
    await openInEditor(p);
    await typeAtTop('mine ');
    // Hot exit keeps what the backup holds: a user's typing is backed up within a second or so; wait for the file.
    await untilBackedUp('reload.txt');
    await page.reload();
    await page.locator('.monaco-workbench').waitFor();
    const dirtyTab = page.locator('.tabs-container .tab.dirty', { hasText: 'reload.txt' });
    await dirtyTab.waitFor();
    await snap('restored');
    // The embedded sandbox starts afresh with the window: what the server holds now is the colleague's version (the
    // same size as the original: VS Code's own check cannot see it).
    await untilSandboxUp();
    await colleagueWrites(p, 'ORIGINAL\n');
    await dirtyTab.click();
    await page.locator('.editor-instance .view-lines').first().click();
    await page.keyboard.press('Control+S');
    await dialog().waitFor();
    await snap('conflict-after-reload');
    // The exact question of a known starting version ("cannot tell whether" would mean it was lost in the reload).
    assert.match(await dialog().innerText(), /'reload\.txt' was changed on the server since you opened it/);
    await dialog().locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    assert.equal(await gokuaiFile(p), 'ORIGINAL\n', 'the colleague\'s change survives');
    await dirtyTab.waitFor();
  });

  it('after a reload, a save with nothing changed on the server just saves (no prompt)', async function () {
    const p = `${dir}/reload-quiet.txt`;
    await colleagueWrites(p, 'original\n');
    await openInEditor(p);
    await typeAtTop('mine ');
    await untilBackedUp('reload-quiet.txt');
    await page.reload();
    await page.locator('.monaco-workbench').waitFor();
    const dirtyTab = page.locator('.tabs-container .tab.dirty', { hasText: 'reload-quiet.txt' });
    // The embedded sandbox starts afresh with the window: put the file back exactly as it was (same version).
    await untilSandboxUp();
    await colleagueWrites(p, 'original\n');
    await dirtyTab.click();
    await page.locator('.editor-instance .view-lines').first().click();
    await page.keyboard.press('Control+S');
    await dirtyTab.waitFor({ state: 'detached' });
    assert.equal(await dialog().count(), 0, 'no question');
    assert.equal(await gokuaiFile(p), 'mine original\n');
  });

  it('F2 in the tree renames the selected row, not the file in the editor', async function () {
    await colleagueWrites(`${dir}/in-editor.txt`, 'x\n');
    await openInEditor(`${dir}/in-editor.txt`); // the active editor
    // Select another row: the folder (a click on a file row would open that file in the editor). The tree re-renders
    // when the other sandbox accounts' rows settle, which can take the keyboard focus from a row clicked just before:
    // the click and F2 are repeated (at most 3 times) until the rename box shows.
    const selected = dir;
    const input = page.locator('.quick-input-widget input');
    for (let attempt = 1; ; attempt++) {
      await row(dir, 3).click();
      await sidebar().locator('.monaco-list-row.selected', { hasText: dir }).waitFor();
      await page.keyboard.press('F2');
      try {
        await input.waitFor({ timeout: attempt < 3 ? 10_000 : 60_000 });
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
    assert.equal(await input.inputValue(), selected, 'the box is about the selected row');
    await page.keyboard.press('Escape');
  });

  /** Opens a file of the Gokuai sandbox library from the tree, as a user would (refresh, expand, click). */
  async function openInEditor(p) {
    const { libraryName } = await (await fetch(`http://127.0.0.1:${gokuaiPort}/__sandbox/state`)).json();
    await page.keyboard.press('F1');
    await page.keyboard.type('Doc Workspaces: Refresh');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: /^Doc Workspaces: Refresh/ }).first().waitFor();
    await page.keyboard.press('Enter');
    await expand(`Sandbox · ${libraryName}`, 1);
    await expand(libraryName, 2);
    const parts = p.split('/');
    for (const [i, folder] of parts.slice(0, -1).entries()) await expand(folder, 3 + i);
    await row(parts[parts.length - 1], 2 + parts.length).click();
    await page.locator('.tabs-container .tab', { hasText: parts[parts.length - 1] }).waitFor();
  }

  /** Resolves once the embedded Gokuai sandbox answers again after a reload (checked every 100 ms, at most 60 s). */
  async function untilSandboxUp() {
    for (const until = Date.now() + 60_000; ;) {
      const up = await fetch(`http://127.0.0.1:${gokuaiPort}/__sandbox/state`).then((r) => r.ok, () => false);
      if (up) return;
      if (Date.now() > until) throw new Error('the sandbox did not come back after the reload');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Resolves once VS Code has written a backup of the dirty editor of `name` (checked every 100 ms, at most 20 s). */
  async function untilBackedUp(name) {
    const root = join(profile, 'user-data', 'User', 'Backups');
    // A backup file starts with the URI of its document.
    const found = () => existsSync(root) && readdirSync(root, { recursive: true, withFileTypes: true })
      .some((f) => f.isFile() && readFileSync(join(f.parentPath ?? f.path, f.name), 'utf8').split('\n', 1)[0].includes(encodeURIComponent(name)));
    for (const until = Date.now() + 20_000; !found();) {
      if (Date.now() > until) throw new Error(`no backup of the dirty editor in ${root}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function typeAtTop(text) {
    await page.locator('.editor-instance .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type(text);
  }
});

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
