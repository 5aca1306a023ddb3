// Starting and stopping a throwaway code-server, and driving it with Chromium via playwright-core.
// Shared by the in-VS-Code test runner, the UI journey and `npm start`.
//
// Why these choices (see also ensure-code-server.mjs):
// - code-server runs in its own process group (detached) and is stopped with kill(-pid): killing only the parent
//   leaves its file watcher and extension-host processes behind.
// - Under `npm test` (DOC_WORKSPACES_TEST_LOGS set) code-server runs with `--log trace` and its logs, the extension's
//   own log channel among them, are copied into that folder when it stops: the run's secret scan reads them.
// - user data, extensions and XDG dirs live under a temp folder so nothing is written to the home folder and no state
//   leaks between runs; EXTENSIONS_GALLERY='{}' plus quiet settings keep it offline.
// - `--vscode-option enable-smoke-test-driver` is required for the `payload` URL parameter (extensionDevelopmentPath,
//   extensionTestsPath) to be honoured; without it the payload is silently ignored. The driver also changes the
//   workbench (notification toasts never show, they go to the bell silently), so only the test harness uses it:
//   `npm start` (startForUser) links the repo into the extensions folder instead and runs a workbench as users have it.
// - The harness passes `--disable-proxy` (nothing in a test needs code-server's port forwarding). `npm start` keeps
//   the proxy, as a user's code-server has it: VS Code for the Web opens loopback URLs (the sandbox's pages) through
//   `/proxy/<port>/`, which answers 403 when the proxy is off.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync, closeSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, CHROMIUM_PATH, ensureCodeServer } from './ensure-code-server.mjs';

/**
 * Settings that keep a workbench offline (no telemetry, updates, marketplace or AI calls to hosts this machine cannot
 * reach). `npm start` writes only these: everything else stays as a user's VS Code has it.
 */
export const OFFLINE_SETTINGS = Object.freeze({
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
});

/** The harness's settings: offline, quiet and free of first-run UI, with explicit saves. */
export const QUIET_SETTINGS = Object.freeze({
  ...OFFLINE_SETTINGS,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  // VS Code for the Web defaults to autoSave 'afterDelay'; tests (and desktop parity) need explicit saves.
  'files.autoSave': 'off',
});

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

/**
 * Links an extension folder into an extensions dir as `<publisher>.<name>-<version>`, the way VS Code lays out
 * installed extensions, so it loads like an installed one (Production mode, toasts and all) while its files stay the
 * repo's: a rebuild plus "Reload Window" picks up changes. Links of other versions of the same extension are replaced.
 */
export function linkExtension(folder, extensionsDir) {
  const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  const id = `${pkg.publisher}.${pkg.name}`.toLowerCase();
  mkdirSync(extensionsDir, { recursive: true });
  const link = join(extensionsDir, `${id}-${pkg.version}`);
  for (const name of readdirSync(extensionsDir)) {
    const p = join(extensionsDir, name);
    if (name.toLowerCase().startsWith(`${id}-`) && lstatSync(p).isSymbolicLink() && p !== link) rmSync(p, { force: true });
  }
  if (existsSync(link) || isDanglingLink(link)) {
    if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === folder) return link;
    rmSync(link, { recursive: true, force: true });
  }
  symlinkSync(folder, link, 'dir');
  return link;
}

function isDanglingLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Asks the OS for a free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Polls GET /healthz until it answers 200. Polling is the readiness protocol code-server offers; the interval is
 * only a retry pace, the deadline is what bounds it.
 */
async function waitForHealthz(baseUrl, hasExited, deadlineMs) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (hasExited()) throw new Error('code-server exited during start-up (see its log)');
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`code-server did not answer /healthz within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Starts code-server on 127.0.0.1 with a fresh profile.
 * @param {object} [opts]
 * @param {Record<string, unknown>} [opts.userSettings] extra user settings (merged over QUIET_SETTINGS)
 * @param {Record<string, string>} [opts.env] extra environment for code-server (and so the extension host)
 * @param {number} [opts.port] fixed port (default: a free one)
 * @param {string} [opts.logFile] where code-server's stdout/stderr go (default: <tmp>/code-server.log)
 * @param {boolean} [opts.keepTemp] keep the temp folder on stop (debugging)
 * @param {string[]} [opts.installVsix] .vsix files to install into the throwaway extensions dir before starting (the
 *   way a user installs the packaged extension; throws if code-server refuses one)
 * @param {boolean} [opts.smokeTestDriver] honour the `payload` URL parameter (default true; see the header)
 * @param {boolean} [opts.proxy] keep code-server's port-forwarding proxy (default false; see the header)
 * @param {string[]} [opts.linkExtensions] extension folders linked into the extensions dir (loaded like installed ones)
 * @param {string} [opts.profileDir] keep user data and extensions here instead of the temp folder (npm start: settings,
 *   accounts and state survive a restart)
 * @param {Record<string, unknown>} [opts.baseSettings] the settings under `userSettings` (default QUIET_SETTINGS)
 * @returns {Promise<CodeServer>}
 *
 * @typedef {object} CodeServer
 * @property {number} port
 * @property {string} baseUrl        http://127.0.0.1:PORT
 * @property {string} tmp            temp root (user data, extensions, XDG dirs, browser profile, workspace)
 * @property {string} extensionsDir  the throwaway --extensions-dir
 * @property {string} logFile
 * @property {(o: {folder?: string, extensionDevelopmentPath?: string, extensionTestsPath?: string}) => string} url
 * @property {() => Promise<void>} stop   kills the whole process group and removes the temp folder
 */
export async function startCodeServer(opts = {}) {
  const cs = ensureCodeServer();
  const tmp = mkdtempSync(join(tmpdir(), 'doc-workspaces-cs-'));
  const profile = opts.profileDir ?? tmp;
  const dirs = {
    userData: join(profile, 'user-data'),
    extensions: join(profile, 'extensions'),
    xdgConfig: join(tmp, 'xdg-config'),
    xdgData: join(tmp, 'xdg-data'),
    xdgCache: join(tmp, 'xdg-cache'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  const settingsFile = join(dirs.userData, 'User', 'settings.json');
  // A kept profile keeps the user's own settings; ours only fill in what is missing.
  const own = opts.profileDir && existsSync(settingsFile) ? readJson(settingsFile) : {};
  writeFileSync(settingsFile, JSON.stringify({ ...(opts.baseSettings ?? QUIET_SETTINGS), ...(opts.userSettings ?? {}), ...own }, null, 2));
  for (const ext of opts.linkExtensions ?? []) linkExtension(ext, dirs.extensions);

  const env = {
    ...process.env,
    EXTENSIONS_GALLERY: '{}',
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    ...(opts.env ?? {}),
  };
  for (const vsix of opts.installVsix ?? []) {
    const r = spawnSync(cs.node, [
      cs.entry, '--extensions-dir', dirs.extensions, '--user-data-dir', dirs.userData, '--install-extension', vsix,
    ], { env, encoding: 'utf8' });
    if (r.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`code-server --install-extension ${vsix} failed (${r.status ?? r.signal}): ${`${r.stdout}${r.stderr}`.trim()}`);
    }
  }

  const port = opts.port || (await freePort()); // 0 means "any free port" too
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = opts.logFile ?? join(tmp, 'code-server.log');
  const logFd = openSync(logFile, 'w');
  const args = [
    cs.entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...(opts.proxy ? [] : ['--disable-proxy']),
    '--reconnection-grace-time', '5',
    ...(opts.smokeTestDriver ?? true ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--ignore-last-opened',
    ...(process.env.DOC_WORKSPACES_TEST_LOGS ? ['--log', 'trace'] : []),
  ];
  const child = spawn(cs.node, args, {
    detached: true, // own process group, so stop() can kill watcher + extension host too
    stdio: ['ignore', logFd, logFd],
    env,
  });
  closeSync(logFd);
  // 'error' (e.g. the binary cannot be spawned) may come without 'exit': either one settles it.
  let hasExited = false;
  const exited = new Promise((resolve) => {
    child.once('exit', resolve);
    child.once('error', (e) => {
      console.error(`code-server: ${e.message}`);
      resolve(null);
    });
  }).finally(() => { hasExited = true; });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killSync);
    killGroup('SIGTERM');
    const gone = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(r, 5000, false))]);
    // The parent may be gone while children linger; SIGKILL the group regardless (ESRCH when already empty).
    killGroup('SIGKILL');
    if (!gone) await exited;
    collectLogs();
    if (!opts.keepTemp) rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  };
  /** Under `npm test`: code-server's and VS Code's logs into the run's log folder (see the header). */
  const collectLogs = () => {
    const into = process.env.DOC_WORKSPACES_TEST_LOGS;
    if (!into) return;
    const dest = join(into, `code-server-${port}`);
    try {
      mkdirSync(dest, { recursive: true });
      cpSync(logFile, join(dest, 'code-server.log'));
      if (existsSync(join(dirs.userData, 'logs'))) cpSync(join(dirs.userData, 'logs'), join(dest, 'vscode'), { recursive: true });
    } catch (e) {
      console.error(`collecting the logs of code-server failed: ${e instanceof Error ? e.message : e}`);
    }
  };
  const killGroup = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // group already gone
    }
  };
  // Last resort if the caller exits without stop(): never leave a code-server behind. Ctrl+C / SIGTERM would end
  // Node without 'exit' handlers, so when the caller has no signal handling of its own, turn them into an exit.
  const killSync = () => killGroup('SIGKILL');
  process.once('exit', killSync);
  exitOnSignals();

  try {
    await waitForHealthz(baseUrl, () => hasExited, 60_000);
  } catch (e) {
    tailLog(logFile); // before stop(): the default log lives in the temp folder stop() removes
    await stop();
    throw e;
  }

  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const url = ({ folder, extensionDevelopmentPath, extensionTestsPath } = {}) => {
    const payload = [];
    if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
    if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
    const q = new URLSearchParams();
    if (folder) q.set('folder', folder);
    if (payload.length) q.set('payload', JSON.stringify(payload));
    const qs = q.toString();
    return `${baseUrl}/${qs ? `?${qs}` : ''}`;
  };

  return { port, baseUrl, tmp, extensionsDir: dirs.extensions, logFile, url, stop, pid: child.pid };
}

/**
 * The workbench of `npm start`: code-server as a user runs it (no smoke-test driver, so notification toasts show; the
 * proxy on, so loopback pages open), the repo linked into its extensions folder like an installed extension, and a
 * profile (settings, accounts, state) kept under `profileDir` (default: the cache folder) across restarts.
 * Returns the server and the URL to open.
 * @param {string} repo the extension folder (built: dist/extension.js)
 * @param {{ port?: number, profileDir?: string, folder?: string, userSettings?: Record<string, unknown>, env?: Record<string, string>, logFile?: string }} [opts]
 */
export async function startForUser(repo, opts = {}) {
  // One profile per checkout: two clones started in turn must not re-link each other's extension.
  const profileDir = opts.profileDir ?? join(cacheDir(), `start-${createHash('sha1').update(repo).digest('hex').slice(0, 8)}`);
  const folder = opts.folder ?? join(profileDir, 'workspace');
  mkdirSync(folder, { recursive: true });
  // VS Code keeps a list of installed extensions there; without it the folder is scanned, so a link renamed for a new
  // version is found.
  rmSync(join(profileDir, 'extensions', 'extensions.json'), { force: true });
  const server = await startCodeServer({
    port: opts.port,
    profileDir,
    linkExtensions: [repo],
    smokeTestDriver: false,
    proxy: true,
    env: opts.env,
    logFile: opts.logFile,
    // Offline only: auto save, hot exit, trust and the rest stay as a user's VS Code has them.
    baseSettings: OFFLINE_SETTINGS,
    userSettings: opts.userSettings,
  });
  return { server, folder, url: server.url({ folder }) };
}

/** Makes SIGINT/SIGTERM run 'exit' handlers (process.exit) unless the program handles those signals itself. */
function exitOnSignals() {
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    if (process.listenerCount(sig) === 0) process.once(sig, () => process.exit(code));
  }
}

export const CHROMIUM_ARGS = Object.freeze([
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]);

/**
 * Launches headless Chromium (Debian's, no Playwright download) with a fresh profile. Every request that does not go
 * to 127.0.0.1 is aborted so the workbench can never reach the internet (marketplace, CDNs, telemetry).
 * @returns {Promise<{context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close: () => Promise<void>}>}
 */
let browsers = 0;

export async function launchBrowser({ profileDir, viewport = { width: 1400, height: 900 } }) {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport,
    args: [...CHROMIUM_ARGS],
  });
  // Under npm test the workbench's own console (browser side) goes to the run's log folder for the secret scan.
  const logs = process.env.DOC_WORKSPACES_TEST_LOGS;
  if (logs) {
    const file = join(logs, `browser-${process.pid}-${++browsers}.log`);
    const watch = (page) => page.on('console', (m) => appendFileSync(file, `[${m.type()}] ${m.text()}\n`));
    context.pages().forEach(watch);
    context.on('page', watch);
  }
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' ? route.continue() : route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, close: () => context.close().catch(() => {}) };
}

/**
 * Opens the workbench of a started code-server in a fresh Chromium, on a new empty workspace folder, and waits until
 * it is up. `extensionDevelopmentPath` loads the extension from source; without it only installed extensions run.
 * Closes the browser again if the workbench never appears.
 * @param {Awaited<ReturnType<typeof startCodeServer>>} server
 * @param {{ extensionDevelopmentPath?: string, viewport?: {width: number, height: number}, timeout?: number }} [opts]
 */
export async function openWorkbench(server, { extensionDevelopmentPath, viewport, timeout } = {}) {
  const browser = await launchBrowser({ profileDir: join(server.tmp, 'chromium-profile'), viewport });
  try {
    if (timeout) browser.page.setDefaultTimeout(timeout);
    const folder = mkdtempSync(join(server.tmp, 'workspace-'));
    await browser.page.goto(server.url({ folder, extensionDevelopmentPath }));
    await browser.page.locator('.monaco-workbench').waitFor();
    return browser;
  } catch (e) {
    await browser.close();
    throw e;
  }
}

/** Saves a full-page screenshot, never throwing (used on failure paths). */
export async function screenshot(page, file) {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    await page.screenshot({ path: file, timeout: 10_000 });
    console.log(`screenshot: ${file}`);
  } catch (e) {
    console.log(`screenshot failed: ${e instanceof Error ? e.message : e}`);
  }
}

/** Prints the end of code-server's log: the first thing one needs when the workbench never reported back. */
export function tailLog(file, lines = 40) {
  try {
    const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    console.error(`--- last ${lines} lines of ${file} ---\n${text}\n---`);
  } catch {
    // no log
  }
}
