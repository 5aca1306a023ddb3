/**
 * Standalone sandbox (bundled to dist/sandbox.js): `node dist/sandbox.js [--port N] [--control-routes]`. Gokuai
 * listens on N (0 = any free port); kdocs on N+1, vika on N+2 and shimo on N+3 when N is given, else on any free
 * port. `--control-routes` turns on the unauthenticated /__sandbox/ HTTP routes (read/write files, state) for
 * out-of-process tests; off by default. `--latency-ms N` delays every API answer of every vendor by N ms (the bench's
 * latency view: a request to a real cloud costs 50-200 ms).
 * Prints one JSON line with the endpoints and the (public, sandbox-only) credentials, then serves until SIGINT/SIGTERM.
 */
import { startGokuaiSandbox } from './gokuai';
import { startKdocsSandbox } from './kdocs';
import { startShimoSandbox } from './shimo';
import { startVikaSandbox } from './vika';

function portArg(argv: string[]): number {
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--port='))?.slice('--port='.length);
  if (raw === undefined) return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65532) {
    process.stderr.write(`invalid --port: ${raw}\n`);
    process.exit(2);
  }
  return port;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const port = portArg(argv);
  const controlRoutes = argv.includes('--control-routes');
  const gokuai = await startGokuaiSandbox({ port, controlRoutes });
  const kdocs = await startKdocsSandbox({ port: port === 0 ? 0 : port + 1, controlRoutes });
  const vika = await startVikaSandbox({ port: port === 0 ? 0 : port + 2, controlRoutes });
  const shimo = await startShimoSandbox({ port: port === 0 ? 0 : port + 3, controlRoutes });
  const li = argv.indexOf('--latency-ms');
  const latency = li >= 0 ? Number(argv[li + 1]) : 0;
  if (latency > 0) for (const c of [gokuai.control, kdocs.control, vika.control, shimo.control]) c.setLatency(latency);
  process.stdout.write(JSON.stringify({
    gokuai: { host: gokuai.host, uploadServer: gokuai.uploadServer, ...gokuai.credentials },
    kdocs: { host: kdocs.host, ...kdocs.credentials, appFolderPath: kdocs.appFolderPath },
    vika: { host: vika.host, token: vika.token },
    shimo: { host: shimo.host, appId: shimo.appId, appSecret: shimo.appSecret, userToken: shimo.userToken },
  }) + '\n');
  const stop = () => {
    void Promise.all([gokuai.close(), kdocs.close(), vika.close(), shimo.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`sandbox failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
