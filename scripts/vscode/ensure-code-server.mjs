#!/usr/bin/env node
// Idempotent installer for the "real VS Code" used by the integration tests and `npm start` on machines that only
// reach the npm registry and Debian: code-server (a VS Code build whose extension host runs in Node on the server),
// the Node 24 it requires, and the Debian packages needed around it (libkrb5-dev to build its kerberos module,
// chromium to drive the workbench headless).
//
// Everything goes to a cache folder OUTSIDE the repo ($DOC_WORKSPACES_CACHE or ~/.cache/doc-workspaces) so the
// ~800 MB install happens once per machine. A stamp file makes later runs a fast no-op; a lock dir in the cache
// (scripts/lib/dir-lock.mjs) makes concurrent first runs wait for each other instead of corrupting the cache.
//
// Usage: node scripts/vscode/ensure-code-server.mjs        (prints the paths it ensured)
//        import { ensureCodeServer } from './ensure-code-server.mjs'
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withDirLockSync } from '../lib/dir-lock.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = '24';
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Root of the machine-wide cache (never inside the repo). */
export function cacheDir() {
  return process.env.DOC_WORKSPACES_CACHE || join(homedir(), '.cache', 'doc-workspaces');
}

const log = (msg) => console.log(`[ensure-code-server] ${msg}`);

/** Runs a command with inherited stdio; throws with the command line (never secrets: none are passed) on failure. */
function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}${opts.cwd ? `   (in ${opts.cwd})` : ''}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

function aptPackageInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/**
 * apt-installs the given Debian packages when missing. `apt-get update` only runs if the first install attempt
 * fails (stale or empty package lists), which keeps the common case offline-fast.
 */
export function ensureAptPackages(pkgs) {
  const missing = pkgs.filter((p) => !aptPackageInstalled(p));
  if (missing.length === 0) return;
  // We are root in CI; elsewhere try non-interactive sudo rather than hanging on a password prompt.
  const prefix = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...args) => {
    const argv = [...prefix, 'apt-get', ...args];
    run(argv[0], argv.slice(1), { env });
  };
  log(`apt packages missing: ${missing.join(', ')}`);
  try {
    apt('install', '-y', '--no-install-recommends', ...missing);
  } catch {
    log('apt-get install failed; refreshing package lists and retrying');
    apt('update');
    apt('install', '-y', '--no-install-recommends', ...missing);
  }
}

/**
 * What an outer npm exports about ITSELF when this runs under `npm test` / `npm start` / `npm run`: its user agent
 * (naming Node 20: code-server's postinstall reads it and refuses to install, "requires node v24", even with Node 24
 * first on PATH), its project folder (`npm_config_local_prefix`: the inner install must not go to the repo), its
 * script and package. Registry, proxy, cafile, cache or token settings (the user's, also as `npm_config_*` or
 * `NPM_*`) are kept: an inner install behind a mirror or proxy needs them.
 */
const OUTER_NPM = /^(npm_config_user_agent|npm_config_local_prefix|npm_config_argv|npm_execpath|npm_node_execpath|npm_command|npm_lifecycle_\w+|npm_package_\w+)$/;

/** The environment for an inner `npm install`: ours without what the outer npm says about itself, plus `extra`. */
export function innerNpmEnv(base = process.env, extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(base)) {
    if (!OUTER_NPM.test(k) && v !== undefined) env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs an inner `npm` (in `cwd`, environment of innerNpmEnv plus `extraEnv`); throws when it fails. */
export function runInnerNpm(args, { cwd, extraEnv = {} }) {
  run('npm', args, { cwd, env: innerNpmEnv(process.env, extraEnv) });
}

/** Installs one npm package into a folder of its own (fresh package.json, no lockfile churn in the repo). */
function npmInstallInto(dir, spec, extraEnv = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doc-workspaces-cache', private: true }) + '\n');
  runInnerNpm(['install', '--no-audit', '--no-fund', '--loglevel=error', '--no-save', spec], { cwd: dir, extraEnv });
}

/**
 * Ensures Node 24, code-server and the Debian packages. Returns absolute paths:
 * { node, nodeDir, entry, chromium, root }. `node` is the Node 24 binary that must run `entry`.
 */
export function ensureCodeServer() {
  ensured ??= install();
  return ensured;
}

/** Memoised per process: the test runner, the runner it calls and the UI journey all ask. */
let ensured;

function install() {
  const root = cacheDir();
  const nodePkgDir = join(root, `node${NODE_MAJOR}`);
  // The npm package `node` installs the real binary + headers as a platform package under its own node_modules.
  const nodeDir = join(nodePkgDir, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`);
  const node = join(nodeDir, 'bin', 'node');
  const csDir = join(root, `code-server-${CODE_SERVER_VERSION}`);
  const entry = join(csDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const stamp = join(csDir, '.installed.json');
  const result = { node, nodeDir, entry, chromium: CHROMIUM_PATH, root };

  const installed = () => {
    if (!existsSync(stamp) || !existsSync(node) || !existsSync(entry)) return false;
    try {
      return JSON.parse(readFileSync(stamp, 'utf8')).version === CODE_SERVER_VERSION;
    } catch {
      return false; // half-written stamp: reinstall
    }
  };

  // Fast path without the lock. Chromium is checked every time (cheap): the stamp only covers the cache folder.
  if (installed() && existsSync(CHROMIUM_PATH)) {
    log(`code-server ${CODE_SERVER_VERSION} already installed in ${csDir}`);
    return result;
  }

  // Two first runs at once (e.g. two checkouts testing in parallel) must not npm-install into the same folders or
  // run apt-get concurrently: the second waits for the first, then finds everything installed.
  mkdirSync(root, { recursive: true });
  return withDirLockSync(join(root, '.install.lock'), () => {
    ensureAptPackages(existsSync(CHROMIUM_PATH) ? [] : ['chromium']);
    if (installed()) {
      log(`code-server ${CODE_SERVER_VERSION} already installed in ${csDir}`);
      return result;
    }

    const started = Date.now();
    ensureAptPackages(['libkrb5-dev']);

    if (!runs(node)) {
      log(`installing node@${NODE_MAJOR} into ${nodePkgDir}`);
      rmSync(nodePkgDir, { recursive: true, force: true }); // an interrupted install leaves a broken tree
      npmInstallInto(nodePkgDir, `node@${NODE_MAJOR}`);
      if (!runs(node)) throw new Error(`node@${NODE_MAJOR} installed but ${node} does not run`);
    }

    log(`installing code-server@${CODE_SERVER_VERSION} into ${csDir} (about 3 minutes the first time)`);
    rmSync(csDir, { recursive: true, force: true });
    // code-server's postinstall insists on Node 24 and builds native modules: put Node 24 first on PATH and point
    // node-gyp at its headers (the machine's npm config may point nodedir at the system Node 20).
    npmInstallInto(csDir, `code-server@${CODE_SERVER_VERSION}`, {
      PATH: `${join(nodeDir, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
      npm_config_nodedir: nodeDir,
    });
    if (!existsSync(entry)) throw new Error(`code-server installed but ${entry} is missing`);

    // The stamp is written last: its presence means the whole install completed.
    writeFileSync(stamp, JSON.stringify({ version: CODE_SERVER_VERSION, node, installedAt: new Date().toISOString() }) + '\n');
    log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
    return result;
  }, {
    onWait: (owner) => log(`another install is running (pid ${owner?.pid ?? '?'}); waiting for it to finish`),
  });
}

/** True when the binary exists and runs (an interrupted npm install can leave a truncated one). */
function runs(bin) {
  return existsSync(bin) && spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const r = ensureCodeServer();
    log(`node: ${r.node}`);
    log(`code-server: ${r.entry}`);
    log(`chromium: ${r.chromium}`);
  } catch (e) {
    console.error(`[ensure-code-server] failed: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
