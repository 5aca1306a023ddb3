#!/usr/bin/env node
// `npm start`: build the extension, then open VS Code with it loaded from source. The extension embeds the Gokuai
// sandbox, so nothing else needs to run: the "Doc Workspaces" view shows a signed-in "Sandbox" account.
//
// - With a `code` CLI on PATH: `code --extensionDevelopmentPath=<repo> --new-window` (desktop VS Code).
// - Otherwise (or with --code-server): code-server from the machine cache, with the repo linked into its extensions
//   folder (it runs like an installed extension: the workbench a user has, toasts included); prints the URL to open
//   in a browser and stays up until Ctrl+C. Its profile (settings, accounts) is kept in the cache folder.
//
// Options: --code-server   force code-server even if `code` exists
//          --port N        code-server port (default: a free one)
//          --folder DIR    workspace folder to open (default: an empty folder in the cache)
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const o = { codeServer: false, port: undefined, folder: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--code-server') o.codeServer = true;
    else if (flag === '--port') o.port = Number(value());
    else if (flag === '--folder') o.folder = resolve(value());
    else throw new Error(`unknown option ${argv[i]} (see the header of scripts/start.mjs)`);
  }
  return o;
}

/** Absolute path of an executable on PATH, or undefined. */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const built = spawnSync(process.execPath, [join(REPO, 'esbuild.mjs')], { cwd: REPO, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('build failed (node esbuild.mjs)');

  const code = opts.codeServer ? undefined : onPath('code');
  if (code) {
    console.log(`Opening VS Code (${code}) with the extension from ${REPO}`);
    const args = [`--extensionDevelopmentPath=${REPO}`, '--new-window'];
    if (opts.folder) args.push(opts.folder);
    const r = spawnSync(code, args, { stdio: 'inherit' });
    process.exitCode = r.status ?? 1;
    return;
  }

  const { startForUser } = await import('./vscode/code-server.mjs');
  console.log('No `code` CLI on PATH: starting code-server (installed once into the machine cache).');
  // Signal handlers first: a Ctrl+C while code-server is still starting must not leave it running (process.exit
  // runs the kill-on-exit hook registered by startCodeServer).
  let server;
  let stopping = false;
  const shutdown = async () => {
    if (!server) process.exit(130);
    if (stopping) return;
    stopping = true;
    console.log('\nStopping code-server...');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  const started = await startForUser(REPO, { port: opts.port, folder: opts.folder });
  server = started.server;

  console.log(`code-server is up (pid group ${server.pid}), log: ${server.logFile}`);
  console.log('Open this URL in a browser (the extension is linked from this folder; Ctrl+C here to stop):\n');
  console.log(`  ${started.url}\n`);
  console.log('After rebuilding (`npm run build` or `npm run watch`), run "Developer: Reload Window" to pick up changes.');
  console.log(`Settings and accounts of this workbench are kept in ${join(started.folder, '..')}.`);
  // Keep the event loop alive until a signal arrives (the child runs detached in its own group).
  setInterval(() => {}, 1 << 30);
}

main().catch((e) => {
  console.error(`npm start: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
});
