#!/usr/bin/env node
// `npm test`: build, lint, then every test stage, with a per-stage summary and a final line
//   tests: N passed, N failed
// which CI reads. Exits non-zero if any check or test failed.
//
// Stages, in order: tsc (to out/), esbuild (to dist/), eslint, import cycles (dependency-cruiser), mocha unit / sandbox / contract (compiled tests in
// out/test/<stage>; unit also runs the harness's own tests, test/scripts/*.test.mjs), vscode (out/test/vscode inside a real VS Code: code-server, or @vscode/test-electron with
// --electron / DOC_WORKSPACES_TEST_ELECTRON=1), ui (Playwright journeys test/ui/*.test.mjs against code-server),
// package (test/package/*.test.mjs: `npm run package` builds the .vsix, its contents are checked against the
// allow-list, and the installed .vsix must activate in code-server).
// A failed build/lint step counts as one failure; a test stage whose mocha never reported (crash, load error) too.
// Every stage logs at trace level into .test-output/logs while the sandboxes hand out canary secrets; the last step
// ("secrets") fails when any log holds one (scripts/lib/secret-scan.mjs).
//
// Options (after `npm test --`):
//   --only unit,contract   run only these test stages (build + lint always run)
//   --skip ui,vscode       skip these test stages
//   --no-lint              skip eslint (quick local loops)
//   --electron             run the vscode stage with @vscode/test-electron (needs internet to download VS Code)
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanLogs } from './lib/secret-scan.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(REPO, 'out');
const RESULTS = join(REPO, '.test-output', 'stages');
const LOGS = join(REPO, '.test-output', 'logs');
const LOG_SETUP = join(OUT, 'test', 'setup', 'logs.js');
const MOCHA = join(REPO, 'node_modules', 'mocha', 'bin', 'mocha.js');
const REPORTER = join(REPO, 'scripts', 'lib', 'mocha-summary-reporter.cjs');
const TEST_STAGES = ['unit', 'sandbox', 'contract', 'vscode', 'ui', 'package'];

/** Bad command-line options: reported as one line, not a stack. */
class UsageError extends Error {}

function parseArgs(argv) {
  const list = (v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const o = { only: null, skip: new Set(), lint: true, electron: process.env.DOC_WORKSPACES_TEST_ELECTRON === '1' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--only') o.only = new Set(list(value()));
    else if (flag === '--skip') for (const s of list(value())) o.skip.add(s);
    else if (flag === '--no-lint') o.lint = false;
    else if (flag === '--electron') o.electron = true;
    else throw new UsageError(`unknown option ${argv[i]} (see the header of scripts/test.mjs)`);
  }
  for (const s of [...(o.only ?? []), ...o.skip]) {
    if (!TEST_STAGES.includes(s)) throw new UsageError(`unknown stage "${s}" (stages: ${TEST_STAGES.join(', ')})`);
  }
  return o;
}

/** @type {{name: string, status: 'passed'|'failed'|'skipped', step?: boolean, passed: number, failed: number, pending?: number, note?: string, ms: number}[]} */
const summary = [];

function record(name, started, fields) {
  const row = { name, passed: 0, failed: 0, ms: Date.now() - started, ...fields };
  summary.push(row);
  return row;
}

function banner(text) {
  console.log(`\n=== ${text} ${'='.repeat(Math.max(3, 100 - text.length))}`);
}

/** Runs a command with inherited output; returns true when it exited 0. */
function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: REPO, stdio: 'inherit', ...opts });
  if (r.error) console.error(`${cmd}: ${r.error.message}`);
  return r.status === 0;
}

/** A build/lint step: passes or counts as one failure. */
function step(name, cmd, args) {
  banner(name);
  const t = Date.now();
  const ok = sh(cmd, args);
  record(name, t, ok ? { status: 'passed', step: true } : { status: 'failed', step: true, failed: 1, note: `${name} failed` });
}

function walk(dir, pred) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map((f) => join(dir, String(f)))
    .filter(pred)
    .sort();
}

/**
 * tsc never deletes outputs: a test whose .ts was removed or renamed would keep running from out/. Remove compiled
 * .js (and .map) files under out/ whose TypeScript source no longer exists.
 */
function pruneStaleOutputs() {
  for (const js of walk(OUT, (f) => f.endsWith('.js'))) {
    const src = join(REPO, relative(OUT, js)).replace(/\.js$/, '.ts');
    if (!existsSync(src)) {
      unlinkSync(js);
      if (existsSync(`${js}.map`)) unlinkSync(`${js}.map`);
    }
  }
}

/**
 * Runs a command with its output shown live and also written to `logFile` (the run's log folder: the secret scan
 * reads what a stage printed too). Resolves true when it exited 0.
 */
function tee(cmd, args, logFile, opts = {}) {
  return new Promise((resolve) => {
    const out = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(cmd, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    child.stdout.on('data', (d) => { process.stdout.write(d); out.write(d); });
    child.stderr.on('data', (d) => { process.stderr.write(d); out.write(d); });
    child.on('error', (e) => { console.error(`${cmd}: ${e.message}`); out.end(); resolve(false); });
    child.on('close', (code) => { out.end(); resolve(code === 0); });
  });
}

/** A mocha stage over the given files, counting via the summary reporter. */
async function mochaStage(name, files, extraArgs = []) {
  banner(`${name} (${files.length} file${files.length === 1 ? '' : 's'})`);
  const t = Date.now();
  mkdirSync(RESULTS, { recursive: true });
  const summaryFile = join(RESULTS, `${name}.json`);
  rmSync(summaryFile, { force: true });
  const exitOk = await tee(process.execPath, [
    MOCHA, '--reporter', REPORTER, '--reporter-option', `summaryFile=${summaryFile}`, '--no-color', '--require', LOG_SETUP,
    ...extraArgs, ...files,
  ], join(LOGS, `${name}-output.log`), { env: { ...process.env, DOC_WORKSPACES_TEST_STAGE: name } });
  if (!existsSync(summaryFile)) {
    return record(name, t, { status: 'failed', failed: 1, note: 'mocha did not complete (load error or crash)' });
  }
  const s = JSON.parse(readFileSync(summaryFile, 'utf8'));
  const failed = s.failures || (exitOk ? 0 : 1);
  return record(name, t, { status: failed ? 'failed' : 'passed', passed: s.passes, failed, pending: s.pending });
}

function skip(name, note) {
  banner(name);
  console.log(`skipped: ${note}`);
  record(name, Date.now(), { status: 'skipped', note });
}

async function vscodeStage(electron) {
  const name = 'vscode';
  const dir = join(OUT, 'test', 'vscode');
  const files = walk(dir, (f) => f.endsWith('.test.js'));
  if (files.length === 0) return skip(name, `no *.test.js in ${relative(REPO, dir)}`);
  banner(`${name} (${files.length} file${files.length === 1 ? '' : 's'}, ${electron ? '@vscode/test-electron' : 'code-server'})`);
  const t = Date.now();
  let r;
  if (electron) {
    const { runTestElectron } = await import('./vscode/run-test-electron.mjs');
    r = await runTestElectron();
  } else {
    const { ensureCodeServer } = await import('./vscode/ensure-code-server.mjs');
    const { runInCodeServer } = await import('./vscode/run-in-code-server.mjs');
    try {
      ensureCodeServer();
    } catch (e) {
      return record(name, t, { status: 'failed', failed: 1, note: `cannot install code-server: ${e.message ?? e}` });
    }
    r = await runInCodeServer();
  }
  if (r.passed === undefined) {
    return record(name, t, { status: 'failed', failed: 1, note: `suite did not report counts (exit ${r.exitCode})` });
  }
  // A non-zero exit with zero failed tests still fails the stage (e.g. the host crashed after the run).
  const failed = r.failed || (r.exitCode === 0 ? 0 : 1);
  return record(name, t, { status: failed ? 'failed' : 'passed', passed: r.passed, failed });
}

/** The last step: no log of the run may hold a secret. */
function secretsStep() {
  banner('secrets');
  const t = Date.now();
  const { hits, files, lines, names } = scanLogs(LOGS);
  console.log(`scanned ${files} log files (${lines} lines) in ${relative(REPO, LOGS)}`);
  for (const h of hits.slice(0, 50)) console.log(`  ${h.file}:${h.line}: ${h.pattern}: ${h.text}`);
  if (hits.length > 50) console.log(`  ... and ${hits.length - 50} more`);
  // Every test stage that ran must have left its output there: a scan of nothing proves nothing.
  const silent = summary.filter((r) => !r.step && r.status !== 'skipped' && !names.some((n) => n.startsWith(`${r.name}-`))).map((r) => r.name);
  const note = hits.length ? `${hits.length} secret(s) in the logs` : silent.length ? `no log of: ${silent.join(', ')}` : undefined;
  record('secrets', t, note ? { status: 'failed', step: true, failed: 1, note } : { status: 'passed', step: true });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const wanted = (s) => (opts.only ? opts.only.has(s) : true) && !opts.skip.has(s);
  const started = Date.now();
  // Inherited by every stage, code-server and the extension host inside it (see the header).
  rmSync(LOGS, { recursive: true, force: true });
  mkdirSync(LOGS, { recursive: true });
  process.env.DOC_WORKSPACES_SANDBOX_CANARY = '1';
  process.env.DOC_WORKSPACES_TEST_LOGS = LOGS;

  step('tsc', process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
  pruneStaleOutputs();
  step('esbuild', process.execPath, [join(REPO, 'esbuild.mjs')]);
  if (opts.lint) step('eslint', process.execPath, [join(REPO, 'node_modules', 'eslint', 'bin', 'eslint.js'), 'src', 'test', 'scripts']);
  // No import cycles in src, type-only imports included (.dependency-cruiser.cjs).
  if (opts.lint) step('depcruise', process.execPath, [join(REPO, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), 'src', '--config', '.dependency-cruiser.cjs']);

  for (const stage of ['unit', 'sandbox', 'contract']) {
    if (!wanted(stage)) continue;
    const dir = join(OUT, 'test', stage);
    const files = walk(dir, (f) => f.endsWith('.test.js'));
    // The harness's own tests (plain .mjs, not compiled) are unit tests too.
    if (stage === 'unit') files.push(...walk(join(REPO, 'test', 'scripts'), (f) => f.endsWith('.test.mjs')));
    if (files.length === 0) skip(stage, `no *.test.js in ${relative(REPO, dir)}`);
    else await mochaStage(stage, files);
  }

  if (wanted('vscode')) await vscodeStage(opts.electron);

  // Both drive a whole workbench: generous per-test timeout, the tests bound their own waits.
  for (const stage of ['ui', 'package']) {
    if (!wanted(stage)) continue;
    const files = walk(join(REPO, 'test', stage), (f) => /\.test\.mjs$/.test(f));
    if (files.length === 0) skip(stage, `no test/${stage}/*.test.mjs`);
    else await mochaStage(stage, files, ['--timeout', '240000']);
  }

  secretsStep();

  const passed = summary.reduce((n, r) => n + r.passed, 0);
  const failed = summary.reduce((n, r) => n + r.failed, 0);
  banner('summary');
  for (const r of summary) {
    const counts = r.status === 'skipped' || r.step ? '' : `${r.passed} passed, ${r.failed} failed${r.pending ? `, ${r.pending} pending` : ''}`;
    console.log(`${r.status.padEnd(8)} ${r.name.padEnd(9)} ${counts.padEnd(34)} ${(r.ms / 1000).toFixed(1).padStart(6)} s${r.note ? `  (${r.note})` : ''}`);
  }
  console.log(`total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((e) => {
  console.error(e instanceof UsageError ? `npm test: ${e.message}` : e instanceof Error ? e.stack : e);
  console.log('tests: 0 passed, 1 failed');
  process.exitCode = 1;
});
