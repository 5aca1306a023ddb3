// Benchmarks, each against a baseline measured in the same run:
// 1. Transfer: a 50 MB file through the Gokuai client vs. a plain local copy of the same file.
// 2. Tables: 1,000 changed rows of a Vika datasheet saved (core TableFiles over the Vika client) vs. the rate floor:
//    ceil(1000/10) = 100 requests at Vika's 5 per second, measured by sending 100 paced requests; and the 429s seen.
//
//   npm run bench              (BENCH_MB=200 npm run bench for another size; BENCH_ONLY=tables or transfer)
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
  const child = spawn(process.execPath, [sandboxJs, '--port', '0', '--control-routes'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (l) => { rl.close(); resolve(l); });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code} before it was ready`)));
  });
  const all = JSON.parse(line);
  const info = { ...all.gokuai, vika: all.vika };
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

const only = process.env.BENCH_ONLY;
const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-bench-'));
const sandbox = await startSandboxProcess();
try {
  if (only !== 'tables') await transferBench();
  if (only !== 'transfer') await tablesBench();
} finally {
  await sandbox.stop();
  await fsp.rm(dir, { recursive: true, force: true });
}

/** Prints rows as a table: `header` names, rows of cells (first and last left-aligned). */
function printTable(header, table) {
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const t of table) console.log(fmt(t));
}

async function tablesBench() {
  const { VikaClient, VikaRemoteFs } = require(path.join(root, 'out/src/vendors/vika/index.js'));
  const { parseCsv, toCsv } = require(path.join(root, 'out/src/core/tablecodec.js'));
  const { host, token } = sandbox.info.vika;
  const ROWS = 1000;
  const state = async () => (await fetch(`${host}/__sandbox/state`)).json();
  const client = new VikaClient({ host, token });
  const space = (await client.listSpaces())[0];
  const name = `bench ${Date.now()}`;
  const ds = await client.createDatasheet(space.id, { name, fields: [{ type: 'SingleText', name: 'Name' }, { type: 'Number', name: 'Count' }] });
  // 1,000 records as a colleague (control route: not paced, not counted against the token)
  for (let i = 0; i < ROWS; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, ROWS - i) }, (_, k) => fetch(`${host}/__sandbox/records?datasheetId=${ds.id}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fields: { Name: `row ${i + k}`, Count: i + k } }),
    })));
  }
  const other = await client.createDatasheet(space.id, { name: `${name} floor` });

  // The floor: 100 requests paced exactly as the save's (5 per second per token and datasheet), one at a time.
  const floor = await measure(async () => { for (let i = 0; i < Math.ceil(ROWS / 10); i++) await client.listViews(other.id); });

  const fs = new VikaRemoteFs(client);
  const p = `${space.name}/${name}.csv`;
  const { data, entry } = await fs.read(p);
  const doc = parseCsv(Buffer.from(data).toString('utf8'));
  for (const r of doc.rows) r[2] = String(Number(r[2]) + 1_000_000);
  const next = Buffer.from(toCsv(doc.header.slice(1).map((n) => ({ id: n, name: n, type: '', kind: 'text', readOnly: false })), doc.rows.map((r) => ({ id: r[0], cells: r.slice(1) }))));
  const before = await state();
  let summary;
  const save = await measure(async () => { ({ summary } = await fs.tables.write(p, 'csv', next, { expectedVersion: entry.version })); });
  const after = await state();
  const requests = after.requestCount - before.requestCount;
  const limited = after.rateLimited - before.rateLimited;

  console.log(`\nTables: ${ROWS} changed rows of a Vika datasheet saved, sandbox in a separate process; floor = ${Math.ceil(ROWS / 10)} requests at 5/s, measured\n`);
  printTable(['operation', 'time ms', 'x floor', 'requests', '429s', ''], [
    ['floor: 100 paced requests', floor.ms.toFixed(0), '1.00', '100', '0', ''],
    [`save ${ROWS} changed rows`, save.ms.toFixed(0), (save.ms / floor.ms).toFixed(2), String(requests), String(limited), `${summary.updated} updated (goal: <= 1.10x, 0 429s)`],
  ]);
}

async function transferBench() {
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
  printTable(['operation', 'time ms', 'x time', 'peak RSS +MB', `x RSS (floor ${RSS_FLOOR_MB} MB)`, ''], rows.map((r) => [
    r.name, r.ms.toFixed(0), (r.ms / base.ms).toFixed(2), r.rssMb.toFixed(1),
    (Math.max(r.rssMb, RSS_FLOOR_MB) / baseRss).toFixed(1), r.ok,
  ]));
  console.log('\ndownloadBytes holds the whole file by design (RemoteFs.read); uploads and downloadToFile should stay flat.');
}
