#!/usr/bin/env node
// README screenshots: the real workbench (code-server + headless Chromium, via the harness helpers in
// scripts/vscode/code-server.mjs) with the extension loaded from this repo and its embedded sandbox.
//   docs/images/tree.png    the Doc Workspaces tree: sandbox library with Chinese-named folders expanded
//   docs/images/editor.png  a Markdown file from the sandbox open in an editor tab
//   docs/images/kdocs.png   the "Sandbox · Kingsoft Docs" account: Personal (My documents with a Chinese-named folder
//                           and a new online document, Recent, Starred, App folder, Recycle bin) and App space
// Chinese names and emoji need fonts-wqy-microhei and fonts-noto-color-emoji (Debian/Ubuntu); without them the
// pictures show boxes, and the script says so.
// Usage: node scripts/screenshots.mjs [--out <dir>]   (builds dist/ first; ~30 s)
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWorkbench, startCodeServer, tailLog } from './vscode/code-server.mjs';

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
/** Kingsoft Docs sandbox (src/sandbox/kdocs/seed.ts): a Chinese-named folder of "My documents" to expand. */
const KDOCS_FOLDER = '个人';
/**
 * The kdocs seed has no online document, so the script creates one the way a user does (context menu of "My
 * documents" -> New Kingsoft Docs Document… -> Smart document); it lives in the emulator's memory only.
 */
const ONLINE_DOC = { type: 'Smart document', stem: '会议纪要', ext: '.otl' };
/** Font families (as fc-list names them) the pictures need, with the Debian package of each. */
const FONTS = [
  { family: 'WenQuanYi Micro Hei', pkg: 'fonts-wqy-microhei' },
  { family: 'Noto Color Emoji', pkg: 'fonts-noto-color-emoji' },
];

function build() {
  const r = spawnSync(process.execPath, [join(REPO, 'esbuild.mjs')], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('esbuild failed');
}

/** Prints an install hint when the CJK or emoji font is missing (or fc-list, which tells, is not there). */
function checkFonts() {
  const r = spawnSync('fc-list', [':', 'family'], { encoding: 'utf8' });
  const missing = r.status === 0 ? FONTS.filter((f) => !r.stdout.includes(f.family)) : FONTS;
  if (missing.length === 0) return;
  const what = r.status === 0 ? `font(s) missing: ${missing.map((f) => f.family).join(', ')}` : 'cannot list the fonts (no fc-list)';
  console.warn(`screenshots: ${what}; Chinese names and emoji may show as boxes.`);
  console.warn(`  Install: sudo apt-get install ${missing.map((f) => f.pkg).join(' ')}`);
}

async function main() {
  checkFonts();
  build();
  mkdirSync(OUT, { recursive: true });
  const server = await startCodeServer({
    userSettings: { 'workbench.colorTheme': 'Default Light Modern', 'window.commandCenter': false, 'workbench.layoutControl.enabled': false },
  });
  let browser;
  try {
    browser = await openWorkbench(server, { extensionDevelopmentPath: REPO, viewport: VIEWPORT, timeout: STEP_TIMEOUT });
    const { page } = browser;

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
    // Syntax colours arrive after the text (the Markdown grammar loads lazily): wait for a coloured token, briefly.
    await page.locator('.editor-instance .view-lines span[class^="mtk"]:not(.mtk1)').first().waitFor({ timeout: 10_000 }).catch(() => {});
    await clearNotifications(page);
    await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5);
    await settle(page);
    await page.screenshot({ path: join(OUT, 'editor.png') });
    console.log(`screenshot: ${join(OUT, 'editor.png')}`);

    // kdocs.png: only the Kingsoft Docs account open, no editor.
    await runCommand(page, 'View: Close All Editors');
    await collapse(page, row(1).filter({ hasText: /Sandbox/ }).filter({ hasNotText: /Kingsoft/ }).first());
    await expand(page, row(1).filter({ hasText: /Kingsoft Docs/ }).first());
    const myDocs = named(3, 'My documents');
    await expand(page, myDocs);
    const onlineName = ONLINE_DOC.stem + ONLINE_DOC.ext;
    await contextMenu(page, myDocs, 'New Kingsoft Docs Document…');
    await pick(page, ONLINE_DOC.type);
    await page.locator('.quick-input-widget input').fill(ONLINE_DOC.stem);
    await page.keyboard.press('Enter');
    await named(4, onlineName).waitFor();
    await expand(page, named(4, KDOCS_FOLDER));
    await row(5).filter({ hasText: /旅行计划/ }).first().waitFor();
    await named(3, 'README.txt').waitFor(); // the app space (expanded by default) has loaded
    await clearNotifications(page);
    await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5);
    await settle(page);
    await page.screenshot({ path: join(OUT, 'kdocs.png') });
    console.log(`screenshot: ${join(OUT, 'kdocs.png')}`);
  } catch (e) {
    // What the page showed when a step timed out (a selector no longer matching the workbench, usually).
    const shot = join(tmpdir(), 'doc-workspaces-screenshots-failed.png');
    if (await browser?.page.screenshot({ path: shot }).then(() => true, () => false)) console.error(`page at the failure: ${shot}`);
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

/** Clicks an expanded tree row and waits until the tree reports it collapsed. */
async function collapse(page, locator) {
  await locator.waitFor();
  if ((await locator.getAttribute('aria-expanded')) === 'true') await locator.click();
  await locator.and(page.locator('[aria-expanded="false"]')).waitFor();
}

/**
 * Runs an entry of a row's context menu. The menu may drop a click that comes right after it opened (it then stays
 * open), so the click is repeated until the menu closes.
 */
async function contextMenu(page, row, label) {
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  const item = menu.locator('.action-item', { hasText: label });
  for (let attempt = 0; ; attempt++) {
    await item.click();
    if (await menu.waitFor({ state: 'hidden', timeout: 2_000 }).then(() => true, () => false)) return;
    if (attempt === 3) throw new Error(`the context menu entry "${label}" did not run`);
  }
}

/** Runs a command by its title through the Command Palette. */
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill(`>${title}`);
  await pick(page, title);
}

/** Chooses the quick-pick entry whose label is `label` (the widget must be open). */
async function pick(page, label) {
  const entry = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escape(label)}$`) }) }).first();
  await entry.click();
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
