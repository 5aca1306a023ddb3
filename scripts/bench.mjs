// Transfer benchmark: a 50 MB file through the Gokuai client vs. a plain local copy of the same file.
//
//   npm run bench              (BENCH_MB=200 npm run bench for another size)
//
// The sandbox runs in a SEPARATE node process (out/src/sandbox/main.js --port 0), so the RSS measured here is the
// client's alone. Uses the compiled out/ tree: it runs `tsc -p .` first when out/ is missing (or with --build).
// Prints time and peak RSS growth of each operation and their ratios against the baseline (a stream pipe copy,
// i.e. what any streaming transfer costs at least). No assertions: it is a measurement, not a test.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Re-run with --expose-gc so that every measurement starts from a collected heap.
if (typeof global.gc !== 'function') {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const clientJs = path.join(root, 'out/src/vendors/gokuai/client.js');
const sandboxJs = path.join(root, 'out/src/sandbox/main.js');
if (process.argv.includes('--build') || !existsSync(clientJs) || !existsSync(sandboxJs)) {
  console.log('compiling (tsc -p .) ...');
  // Type errors elsewhere in the tree do not stop tsc from emitting; only missing output is fatal.
  spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });
  if (!existsSync(clientJs) || !existsSync(sandboxJs)) {
    console.error('out/ was not produced; run `npm run compile-tests` and look at its errors');
    process.exit(1);
  }
}

const require = createRequire(import.meta.url);
const { GokuaiClient } = require(clientJs);

const SIZE_MB = Number(process.env.BENCH_MB ?? 50);
const SAMPLE_MS = 5;
/** RSS growth below this is noise (allocator, JIT): ratios are taken against at least this much. */
const RSS_FLOOR_MB = 1;

/** Starts the sandbox in its own process; resolves with the JSON line it prints. */
async function startSandboxProcess() {
  const child = spawn(process.execPath, [sandboxJs, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (l) => { rl.close(); resolve(l); });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code} before it was ready`)));
  });
  const info = JSON.parse(line).gokuai;
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return { info, stop };
}

/** Runs `fn` while sampling RSS; returns its time and the peak RSS growth above the start. */
async function measure(fn) {
  global.gc();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, SAMPLE_MS);
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, rssMb: (peak - base) / 1024 / 1024 };
}

async function sha1(file) {
  const h = createHash('sha1');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-bench-'));
const sandbox = await startSandboxProcess();
try {
  const src = path.join(dir, 'src.bin');
  const fh = await fsp.open(src, 'w');
  for (let i = 0; i < SIZE_MB; i++) await fh.write(randomBytes(1024 * 1024));
  await fh.close();
  const srcSha1 = await sha1(src);

  const { host, orgClientId, orgClientSecret } = sandbox.info;
  const client = new GokuaiClient({ host, orgClientId, orgClientSecret });
  const fullpath = `bench-${Date.now()}.bin`;

  const rows = [];
  const run = async (name, fn, check) => {
    const r = await measure(fn);
    rows.push({ name, ...r, ok: check ? await check() : '' });
  };
  await run('baseline: stream pipe copy', () => pipeline(createReadStream(src), createWriteStream(path.join(dir, 'pipe.bin'))));
  await run('fs.copyFile', () => fsp.copyFile(src, path.join(dir, 'copy.bin')));
  await run('gokuai uploadFile (from disk)', () => client.uploadFile({ fullpath, source: { path: src }, overwrite: true }));
  const down = path.join(dir, 'down.bin');
  await run('gokuai downloadToFile', () => client.downloadToFile({ fullpath }, down),
    async () => ((await sha1(down)) === srcSha1 ? 'content ok' : 'CONTENT MISMATCH'));
  let bytes;
  await run('gokuai downloadBytes (in memory)', async () => { bytes = await client.downloadBytes({ fullpath }); },
    async () => (bytes.byteLength === SIZE_MB * 1024 * 1024 ? 'size ok' : 'SIZE MISMATCH'));
  bytes = undefined;

  const base = rows[0];
  const baseRss = Math.max(base.rssMb, RSS_FLOOR_MB);
  console.log(`\n${SIZE_MB} MB, Node ${process.version}, sandbox in a separate process (not counted)\n`);
  const header = ['operation', 'time ms', 'x time', 'peak RSS +MB', `x RSS (floor ${RSS_FLOOR_MB} MB)`, ''];
  const table = rows.map((r) => [
    r.name, r.ms.toFixed(0), (r.ms / base.ms).toFixed(2), r.rssMb.toFixed(1),
    (Math.max(r.rssMb, RSS_FLOOR_MB) / baseRss).toFixed(1), r.ok,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const t of table) console.log(fmt(t));
  console.log('\ndownloadBytes holds the whole file by design (RemoteFs.read); uploads and downloadToFile should stay flat.');
} finally {
  await sandbox.stop();
  await fsp.rm(dir, { recursive: true, force: true });
}
