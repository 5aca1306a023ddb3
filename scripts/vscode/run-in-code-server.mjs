#!/usr/bin/env node
// Runs the extension's in-VS-Code test suite (out/test/vscode/index.js) inside code-server, headless.
// This is the equivalent of @vscode/test-electron's runTests for machines without internet: VS Code's smoke-test
// driver loads the extension from extensionDevelopmentPath and calls run() from extensionTestsPath in the extension
// host; the host's console arrives through window.codeAutomationLog and the result through codeAutomationExit.
//
// CLI: node scripts/vscode/run-in-code-server.mjs [--tests <abs module>] [--ext <abs dir>] [--timeout <sec>]
//      exit code = the suite's exit code (0 = all passed).
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { launchBrowser, screenshot, startCodeServer, tailLog } from './code-server.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Routine workbench start-up messages that arrive on the same channel as the extension host's console. They are
 * kept in .test-output/vscode-tests-automation.log but not echoed, so the mocha report stays readable.
 */
const WORKBENCH_NOISE = new RegExp('^(' + [
  'Resolving connection token', 'Resolved connection token', 'Creating a socket', '\\[reconnection-grace-time\\]',
  'Ignoring fetching additional builtin extensions', 'Updating additional builtin extensions cache',
  '\\[Service Worker\\]', '\\[AgentHost', '\\[AccountPolicyGate\\]',
].join('|') + ')');

/** Maps a VS Code log level name to a console method (the driver sends 'info', 'warn', 'error', ...). */
function consoleFor(type) {
  return { error: console.error, warn: console.warn, warning: console.warn }[type] ?? console.log;
}

/**
 * @param {object} [opts]
 * @param {string} [opts.extensionDevelopmentPath]  default: repo root
 * @param {string} [opts.extensionTestsPath]        default: <repo>/out/test/vscode/index.js
 * @param {string} [opts.folder]                    workspace folder to open (default: an empty temp folder)
 * @param {Record<string, unknown>} [opts.userSettings]
 * @param {Record<string, string>} [opts.env]
 * @param {number} [opts.timeoutMs]                 overall limit (default 900 000: a hang guard; mocha bounds each test)
 * @param {(line: string) => void} [opts.onLog]    receives each extension-host console line (default: stdout)
 * @returns {Promise<{ exitCode: number, passed: number | undefined, failed: number | undefined }>}
 *   passed/failed come from the `vscode: N passed, N failed` line printed by test/vscode/index.ts.
 */
export async function runInCodeServer(opts = {}) {
  const extensionDevelopmentPath = opts.extensionDevelopmentPath ?? REPO;
  const extensionTestsPath = opts.extensionTestsPath ?? join(REPO, 'out', 'test', 'vscode', 'index.js');
  const timeoutMs = opts.timeoutMs ?? 900_000;
  const outDir = join(REPO, '.test-output');
  mkdirSync(outDir, { recursive: true });
  // Screenshots from an earlier run would suggest this run failed too.
  for (const f of ['failure', 'timeout', 'error']) rmSync(join(outDir, `vscode-tests-${f}.png`), { force: true });
  const onLog = opts.onLog ?? ((line) => console.log(line));

  const server = await startCodeServer({
    userSettings: opts.userSettings, env: opts.env, logFile: join(outDir, 'code-server-vscode-tests.log'),
  });
  // Under npm test into the run's log folder (the secret scan reads what the extension host printed).
  const automationLog = process.env.DOC_WORKSPACES_TEST_LOGS
    ? join(process.env.DOC_WORKSPACES_TEST_LOGS, 'vscode-automation.log') : join(outDir, 'vscode-tests-automation.log');
  writeFileSync(automationLog, '');
  let browser;
  let counts = { passed: undefined, failed: undefined };
  try {
    const folder = opts.folder ?? mkdtempSync(join(server.tmp, 'workspace-'));
    browser = await launchBrowser({ profileDir: join(server.tmp, 'chromium-profile') });
    const { page } = browser;

    /** @type {(code: number) => void} */
    let settle = () => {};
    const exit = new Promise((r) => { settle = r; });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      // The host forwards console calls unformatted (mocha's reporter uses printf-style '%s' / '%d').
      const text = format(...(Array.isArray(args) ? args : [args]));
      appendFileSync(automationLog, `[${type}] ${text}\n`);
      for (const line of text.split('\n')) {
        const m = /^vscode: (\d+) passed, (\d+) failed\s*$/.exec(line);
        if (m) counts = { passed: Number(m[1]), failed: Number(m[2]) };
      }
      if (WORKBENCH_NOISE.test(text)) return;
      if (type === 'error' || type === 'warn' || type === 'warning') consoleFor(type)(text);
      else onLog(text);
    });
    await page.exposeFunction('codeAutomationExit', (code) => settle(Number(code)));

    let timer;
    const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); });
    await page.goto(server.url({ folder, extensionDevelopmentPath, extensionTestsPath }));
    const code = await Promise.race([exit, timeout]);
    clearTimeout(timer);

    if (code === 'timeout') {
      console.error(`vscode tests: no result within ${Math.round(timeoutMs / 1000)} s`);
      await screenshot(page, join(outDir, 'vscode-tests-timeout.png'));
      tailLog(server.logFile);
      return { exitCode: 124, ...counts };
    }
    if (code !== 0) {
      await screenshot(page, join(outDir, 'vscode-tests-failure.png'));
    }
    return { exitCode: code, ...counts };
  } catch (e) {
    console.error(`vscode tests: harness error: ${e instanceof Error ? e.message : e}`);
    if (browser) await screenshot(browser.page, join(outDir, 'vscode-tests-error.png'));
    tailLog(server.logFile);
    return { exitCode: 1, ...counts };
  } finally {
    if (browser) await browser.close();
    await server.stop();
  }
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--tests': o.extensionTestsPath = resolve(v); i++; break;
      case '--ext': o.extensionDevelopmentPath = resolve(v); i++; break;
      case '--folder': o.folder = resolve(v); i++; break;
      case '--timeout': o.timeoutMs = Number(v) * 1000; i++; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return o;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await runInCodeServer(parseArgs(process.argv.slice(2)));
  process.exitCode = r.exitCode;
}
