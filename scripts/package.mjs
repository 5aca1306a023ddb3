#!/usr/bin/env node
// `npm run package [-- --out <file.vsix>]`: builds dist/doc-workspaces.vsix (or <file.vsix>) with @vscode/vsce.
//
// The package is built in a private copy of the project, never in the work tree: vsce runs the `vscode:prepublish`
// script (production esbuild) first, and done in place that would leave a minified dist/extension.js in the shared
// dist/ — racing with any development build or test run in the same tree. The copy holds every project file except
// dependencies and build outputs (so .vscodeignore still has real work to do: sources, tests, docs, source maps and
// the sandbox bundle are all present and must be kept out) and a link to the repo's node_modules for esbuild. vsce
// takes the repo's own .vscodeignore. Only the finished .vsix is written back, atomically (readers such as a
// concurrent `code-server --install-extension` never see a half-written file).
//
// vsce rewrites the README's relative links (docs/images/*.png) to absolute URLs and refuses to package when it
// cannot tell where the repository lives (it only recognises GitHub/GitLab URLs by itself). The base URLs are derived
// here from package.json's `repository.url`, using the GitHub-style blob/raw layout, so the URL is written once.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VSCE = join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
/** Top-level entries not copied into the staging folder: dependencies (linked instead), VCS data, build outputs. */
const NOT_STAGED = new Set(['node_modules', '.git', 'dist', 'out', '.test-output', '.vscode-test']);

function parseOut(argv) {
  let out = join(REPO, 'dist', 'doc-workspaces.vsix');
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag === '--out' && (inline ?? argv[i + 1])) out = resolve(inline ?? argv[++i]);
    else throw new Error(`unknown option ${argv[i]} (usage: npm run package [-- --out <file.vsix>])`);
  }
  return out;
}

/** A copy of the project in a fresh temporary folder, without build outputs; node_modules is linked, not copied. */
function stageProject() {
  const stage = mkdtempSync(join(tmpdir(), 'doc-workspaces-package-'));
  for (const entry of readdirSync(REPO)) {
    if (NOT_STAGED.has(entry) || entry.endsWith('.vsix')) continue;
    cpSync(join(REPO, entry), join(stage, entry), { recursive: true });
  }
  // 'junction' makes this work without privileges on Windows; it is ignored elsewhere.
  symlinkSync(join(REPO, 'node_modules'), join(stage, 'node_modules'), 'junction');
  return stage;
}

function main() {
  const out = parseOut(process.argv.slice(2));
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const repoUrl = String(manifest.repository?.url ?? manifest.repository ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
  const stage = stageProject();
  try {
    const built = join(stage, basename(out));
    const args = ['package', '--no-dependencies', '--ignoreFile', join(REPO, '.vscodeignore'), '--out', built];
    if (repoUrl) args.push('--baseContentUrl', `${repoUrl}/blob/HEAD`, '--baseImagesUrl', `${repoUrl}/raw/HEAD`);
    const r = spawnSync(process.execPath, [VSCE, ...args], { cwd: stage, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`vsce failed (${r.status ?? r.signal ?? r.error?.message})`);

    // Copy next to the target, then rename: the target is replaced in one step (a rename across file systems,
    // e.g. tmpfs /tmp to the work tree, would not be atomic or may fail).
    mkdirSync(dirname(out), { recursive: true });
    const partial = `${out}.${process.pid}.partial`;
    try {
      copyFileSync(built, partial);
      renameSync(partial, out);
    } finally {
      rmSync(partial, { force: true });
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  const shown = relative(process.cwd(), out);
  console.log(`${shown.startsWith('..') ? out : shown}: ${(statSync(out).size / 1024).toFixed(1)} KB`);
}

try {
  main();
} catch (e) {
  console.error(`npm run package: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
}
