#!/usr/bin/env node
// README screenshots: the real workbench (code-server + headless Chromium, via the harness helpers in
// scripts/vscode/code-server.mjs) with the extension loaded from this repo and its embedded sandbox.
//   docs/images/tree.png    the Doc Workspaces tree: sandbox library with Chinese-named folders expanded
//   docs/images/editor.png  a Markdown file from the sandbox open in an editor tab
// Usage: node scripts/screenshots.mjs [--out <dir>]   (builds dist/ first; ~30 s)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, startCodeServer, tailLog } from './vscode/code-server.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const OUT = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(REPO, 'docs', 'images');
const VIEWPORT = { width: 1280, height: 800 };
/** Wide enough for the account label and the library's usage description. */
const SIDEBAR_WIDTH = 420;
const STEP_TIMEOUT = 60_000;
/** Seeded by the sandbox (src/sandbox/gokuai/seed.ts). */
const FOLDERS = ['项目资料', '2024 计划'];
const MARKDOWN = { row: '路线图.md', level: 5 };

function build() {
  const r = spawnSync(process.execPath, [join(REPO, 'esbuild.mjs')], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('esbuild failed');
}

async function main() {
  build();
  mkdirSync(OUT, { recursive: true });
  const server = await startCodeServer({
    userSettings: { 'workbench.colorTheme': 'Default Light Modern', 'window.commandCenter': false, 'workbench.layoutControl.enabled': false },
  });
  let browser;
  try {
    browser = await launchBrowser({ profileDir: join(server.tmp, 'chromium-profile'), viewport: VIEWPORT });
    const { page } = browser;
    page.setDefaultTimeout(STEP_TIMEOUT);
    const folder = mkdtempSync(join(server.tmp, 'workspace-'));
    await page.goto(server.url({ folder, extensionDevelopmentPath: REPO }));
    await page.locator('.monaco-workbench').waitFor();

    await page.locator('.activitybar a.action-label[aria-label^="Doc Workspaces"]').click();
    const sidebar = page.locator('.part.sidebar');
    await widen(page, sidebar, SIDEBAR_WIDTH);
    const row = (level) => sidebar.locator(`.monaco-list-row[role="treeitem"][aria-level="${level}"]`);
    const named = (level, name) => row(level).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escape(name)}$`) }) }).first();

    await expand(page, row(1).filter({ hasText: /Sandbox/ }).first());
    await expand(page, row(2).first());
    for (let i = 0; i < FOLDERS.length; i++) await expand(page, named(3 + i, FOLDERS[i]));
    await named(MARKDOWN.level, MARKDOWN.row).waitFor();
    await clearNotifications(page);
    await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5); // no hover highlight or tooltip
    await settle(page);
    await page.screenshot({ path: join(OUT, 'tree.png') });
    console.log(`screenshot: ${join(OUT, 'tree.png')}`);

    await named(MARKDOWN.level, MARKDOWN.row).click();
    await page.locator('.tabs-container .tab', { hasText: MARKDOWN.row }).waitFor();
    await page.locator('.editor-instance .view-lines').first().waitFor();
    await clearNotifications(page);
    await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5);
    await settle(page);
    await page.screenshot({ path: join(OUT, 'editor.png') });
    console.log(`screenshot: ${join(OUT, 'editor.png')}`);
  } catch (e) {
    tailLog(server.logFile);
    throw e;
  } finally {
    if (browser) await browser.close();
    await server.stop();
  }
}

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Clicks a collapsed tree row and waits until the tree reports it expanded. */
async function expand(page, locator) {
  await locator.waitFor();
  if ((await locator.getAttribute('aria-expanded')) !== 'true') await locator.click();
  await locator.and(page.locator('[aria-expanded="true"]')).waitFor();
}

/** Drags the sash on the sidebar's right edge until the sidebar is `width` pixels wide. */
async function widen(page, sidebar, width) {
  const box = await sidebar.boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** Start-up notifications (e.g. about sign-in providers that cannot load offline) would cover the picture. */
async function clearNotifications(page) {
  await page.keyboard.press('Escape');
  const clear = page.locator('.notifications-toasts .codicon-notifications-clear-all, .notification-toast .codicon-notifications-clear');
  for (const b of await clear.all()) await b.click().catch(() => {});
}

/** Waits for the workbench to finish pending paints (fonts, icons, progress bars) before a screenshot. */
async function settle(page) {
  await page.locator('.monaco-progress-container.active').waitFor({ state: 'detached' }).catch(() => {});
  await page.waitForFunction(() => !/Activating Extensions/i.test(document.querySelector('.part.statusbar')?.textContent ?? ''))
    .catch(() => {});
  await page.evaluate(() => document.fonts.ready);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
