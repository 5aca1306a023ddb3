// Package check: `npm run package` builds a .vsix that holds exactly what the published extension needs (the
// .vscodeignore allow-list: bundle, manifest, nls, l10n, media, README, CHANGELOG, LICENSE) and nothing else, and
// that .vsix, installed the way a user installs it (no extensionDevelopmentPath), activates in a real VS Code
// (code-server) and fills the "Doc Workspaces" container.
//
// Run alone: npm run test:package. The .vsix is built into a private temporary folder (`npm run package -- --out`)
// and removed afterwards; like `npm run package` itself, the test never touches the shared dist/, so a concurrent
// build or test run in the same tree cannot change what is checked here. Run `npm run package` to get a .vsix.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { openWorkbench, screenshot, startCodeServer, tailLog } from '../../scripts/vscode/code-server.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(REPO, '.test-output', 'package');
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));

/**
 * The entries of a zip archive, read from its central directory (a .vsix is a zip; no unzip tool is assumed), each
 * with a read() for its contents (stored or deflated, the only methods vsce writes).
 * Zip64 archives are not supported: a .vsix anywhere near 4 GB would be a bug in itself.
 * @returns {Map<string, () => Buffer>}
 */
function readZip(file) {
  const buf = readFileSync(file);
  let eocd = -1;
  // The end-of-central-directory record is within the last 22 + 65535 (max comment) bytes.
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  assert.ok(eocd >= 0, `${file} is not a zip archive`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let n = 0; n < count; n++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'corrupt zip central directory');
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    entries.set(name, () => {
      assert.equal(buf.readUInt32LE(local), 0x04034b50, `corrupt zip local header for ${name}`);
      // The local header's name/extra lengths may differ from the central directory's.
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + size);
      assert.ok(method === 0 || method === 8, `${name}: unsupported zip compression method ${method}`);
      return method === 8 ? inflateRawSync(data) : data;
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** What may be inside the .vsix: vsce's own two files plus the allow-list of .vscodeignore, under extension/. */
const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package(\.nls(\.[a-z-]+)?)?\.json$/i,
  /^extension\/(readme|changelog)\.md$/i,
  /^extension\/license(\.txt|\.md)?$/i,
  /^extension\/dist\/extension\.js$/,
  /^extension\/l10n\/bundle\.l10n\.[a-z-]+\.json$/i,
  /^extension\/media\/[^/]+(\/[^/]+)*$/,
];
/** Never shipped, whatever the allow-list says: sources, tests, compiled tests, source maps, dependencies. */
const FORBIDDEN = /(\.ts|\.map|\.vsix)$|(^|\/)(src|test|out|node_modules|scripts|\.vscode|\.git)\//;

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => statSync(join(dir, f)).isFile());
}

describe('packaged extension (.vsix)', function () {
  let tmp = '';
  let VSIX = '';
  /** @type {Map<string, () => Buffer>} */ let zip = new Map();
  /** @type {string[]} */ let entries = [];

  before(function () {
    tmp = mkdtempSync(join(tmpdir(), 'doc-workspaces-vsix-test-'));
    VSIX = join(tmp, 'doc-workspaces.vsix');
    // What a maintainer runs (vsce runs the vscode:prepublish script, production esbuild, first), with a private
    // output file.
    const r = spawnSync('npm', ['run', '--silent', 'package', '--', '--out', VSIX], { cwd: REPO, encoding: 'utf8' });
    assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
    assert.ok(existsSync(VSIX), `npm run package did not produce ${VSIX}`);
    zip = readZip(VSIX);
    entries = [...zip.keys()];
    console.log(`      ${basename(VSIX)}: ${(statSync(VSIX).size / 1024).toFixed(1)} KB, ${entries.length} entries`);
  });

  after(function () {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('holds only allow-listed files: no sources, tests, source maps or node_modules', function () {
    const forbidden = entries.filter((e) => FORBIDDEN.test(e));
    assert.deepEqual(forbidden, [], 'files that must never ship');
    const unexpected = entries.filter((e) => !ALLOWED.some((re) => re.test(e)));
    assert.deepEqual(unexpected, [], 'files outside the allow-list (.vscodeignore)');
  });

  it('holds everything the manifest refers to, every translation and the docs', function () {
    const lower = new Set(entries.map((e) => e.toLowerCase()));
    const need = [
      manifest.main.replace(/^\.\//, ''),
      'package.json', 'package.nls.json', 'readme.md', 'changelog.md',
      ...readdirSync(REPO).filter((f) => /^package\.nls\.[a-z-]+\.json$/i.test(f)),
      ...filesUnder(join(REPO, 'l10n')).map((f) => `l10n/${f}`),
      ...filesUnder(join(REPO, 'media')).map((f) => `media/${f}`),
      // Icons referenced by the contributions (an icon missing from the package shows as a blank square).
      ...JSON.stringify(manifest.contributes).match(/media\/[\w./-]+/g) ?? [],
    ];
    const missing = [...new Set(need)].filter((f) => !lower.has(`extension/${f}`.toLowerCase()));
    assert.ok(lower.has('extension/license.txt') || lower.has('extension/license'), 'LICENSE is packaged');
    assert.deepEqual(missing, [], 'files the extension needs at run time');
  });

  it('ships the production bundle (minified, no source map reference)', function () {
    const main = `extension/${manifest.main.replace(/^\.\//, '')}`;
    const read = zip.get(main);
    assert.ok(read, `${main} is packaged`);
    const js = read().toString('utf8');
    assert.ok(!/\/\/# sourceMappingURL=/.test(js), `${main} points at a source map that is not shipped`);
    // Not a line count: multi-line template literals (sandbox seed documents, multipart bodies) survive minification
    // as real line breaks. esbuild's development output has a "// src/<module>" comment per bundled module and lines
    // of tens of characters; the minified one neither.
    const modules = js.match(/^\/\/ src\//gm)?.length ?? 0;
    assert.equal(modules, 0, `${main} has ${modules} "// src/..." module comments: not minified (was vscode:prepublish run?)`);
    const perLine = Math.round(js.length / js.split('\n').length);
    assert.ok(perLine > 1000, `${main} averages ${perLine} characters a line: not minified`);
  });

  describe('installed into VS Code (code-server --install-extension)', function () {
    /** @type {Awaited<ReturnType<typeof startCodeServer>>} */ let server;
    /** @type {Awaited<ReturnType<typeof openWorkbench>>} */ let browser;

    before(async function () {
      rmSync(SHOTS, { recursive: true, force: true });
      mkdirSync(SHOTS, { recursive: true });
      server = await startCodeServer({ installVsix: [VSIX], logFile: join(SHOTS, 'code-server.log') });
      // No extensionDevelopmentPath: the extension can only come from the installed .vsix.
      browser = await openWorkbench(server, { timeout: 60_000 });
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && browser) {
        await screenshot(browser.page, join(SHOTS, 'failure.png'));
        if (server) tailLog(server.logFile);
      }
    });

    after(async function () {
      if (browser) await browser.close();
      if (server) await server.stop();
    });

    it('activates and lists the Sandbox account in the "Doc Workspaces" container', async function () {
      const installed = readdirSync(server.extensionsDir);
      const id = `${manifest.publisher}.${manifest.name}-${manifest.version}`;
      assert.ok(installed.includes(id), `extensions dir holds ${id} (has: ${installed.join(', ')})`);

      const { page } = browser;
      await page.locator('.activitybar a.action-label[aria-label^="Doc Workspaces"]').click();
      // The container exists from the manifest alone; a "Sandbox" row proves activate() ran and the bundled sandbox
      // answered (the tree is filled by the extension's code).
      await page.locator('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="1"]', { hasText: /^\s*Sandbox/ })
        .first().waitFor();
      await screenshot(page, join(SHOTS, 'installed.png'));
    });
  });
});
