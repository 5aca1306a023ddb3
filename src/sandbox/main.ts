/**
 * Standalone sandbox (bundled to dist/sandbox.js): `node dist/sandbox.js [--port N]`.
 * Prints one JSON line with the endpoints and the (public, sandbox-only) credentials, then serves until SIGINT/SIGTERM.
 */
import { startGokuaiSandbox } from './gokuai';

function portArg(argv: string[]): number {
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--port='))?.slice('--port='.length);
  if (raw === undefined) return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`invalid --port: ${raw}\n`);
    process.exit(2);
  }
  return port;
}

async function main(): Promise<void> {
  const gokuai = await startGokuaiSandbox({ port: portArg(process.argv.slice(2)) });
  process.stdout.write(JSON.stringify({
    gokuai: { host: gokuai.host, uploadServer: gokuai.uploadServer, ...gokuai.credentials },
  }) + '\n');
  const stop = () => {
    void gokuai.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`sandbox failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
