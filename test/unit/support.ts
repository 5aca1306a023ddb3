import * as http from 'http';
import type { AddressInfo } from 'net';
import type { Logger, LogLevelName } from '../../src/core/log';
import { captureLine } from '../setup/logs';

export interface TestServer {
  url: string;
  /** Requests seen so far (method + url). */
  hits: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }>;
  close(): Promise<void>;
}

/** A throwaway HTTP server on 127.0.0.1:0; the handler sees the fully read request body. */
export async function startServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, n: number) => void,
): Promise<TestServer> {
  const hits: TestServer['hits'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body, hits.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * Logger that keeps every line as the code handed it over, before any redaction by a Logger (for asserting on what
 * the emitters write); the lines also go to the test run's log file, rendered and redacted (test/setup/logs.ts).
 */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: LogLevelName) => (m: string | Error, ...args: unknown[]) => {
    lines.push(`${level} ${m instanceof Error ? m.message : m} ${args.map(String).join(' ')}`.trim());
    captureLine(level, m, args);
  };
  return { lines, trace: put('trace'), debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') };
}

/** Resolves when `predicate` holds, checking on each event-loop turn (no fixed sleeps). */
export async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setImmediate(r));
  }
}
