#!/usr/bin/env node
// `npm run package`: builds dist/doc-workspaces.vsix with @vscode/vsce. vsce runs the `vscode:prepublish` script
// (production esbuild) first and takes only the files .vscodeignore allows.
//
// vsce rewrites the README's relative links (docs/images/*.png) to absolute URLs and refuses to package when it
// cannot tell where the repository lives (it only recognises GitHub/GitLab URLs by itself). The base URLs are derived
// here from package.json's `repository.url`, using the GitHub-style blob/raw layout, so the URL is written once.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(REPO, 'dist', 'doc-workspaces.vsix');
const VSCE = join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const repoUrl = String(manifest.repository?.url ?? manifest.repository ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
const args = ['package', '--no-dependencies', '--out', OUT];
if (repoUrl) args.push('--baseContentUrl', `${repoUrl}/blob/HEAD`, '--baseImagesUrl', `${repoUrl}/raw/HEAD`);

const r = spawnSync(process.execPath, [VSCE, ...args], { cwd: REPO, stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`npm run package: vsce failed (${r.status ?? r.signal})`);
  process.exit(1);
}
console.log(`${relative(REPO, OUT)}: ${(statSync(OUT).size / 1024).toFixed(1)} KB`);
