// Scans the logs of a test run for secrets (used by scripts/test.mjs as the last step of `npm test`).
//
// Every secret the sandboxes hand out during the tests carries a canary mark (src/sandbox/common/secrets.ts, turned on
// by DOC_WORKSPACES_SANDBOX_CANARY=1), and the sandboxes' fixed demo credentials are known: a log line holding either
// is a secret that reached a log unredacted. The logs are every stage's, at trace level (test/setup/logs.ts for the
// plain stages, code-server's and the extension's own log files for the stages inside VS Code).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Lines that are not ours and that the extension cannot change: at debug level VS Code's extension host logs every
 * request URL an extension makes (its proxy support, `ProxyResolver#resolveProxy <url>`), and the Kingsoft Docs API
 * takes the user's access token only in the query string. The README tells users about it. Nothing else is skipped:
 * VS Code's logs are scanned too, so a secret in one of our error messages that VS Code logs is found.
 */
const NOT_OURS = /\] ProxyResolver#resolveProxy /;

/** What must never be in a log, by name. */
export const SECRET_PATTERNS = Object.freeze([
  { name: 'a canary secret minted by a sandbox', re: /CaNaRy[A-Za-z0-9_-]*/g },
  { name: 'the Gokuai sandbox client secret', re: /sandbox-org-client-secret/g },
  { name: 'the Kingsoft Docs sandbox app key', re: /sandbox-kdocs-app-key/g },
]);

function files(dir) {
  let out = [];
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out = out.concat(files(p));
    else if (st.isFile()) out.push(p);
  }
  return out.sort();
}

/**
 * Every hit below `dir`: file (relative), line number, pattern name, and the line with the secret masked (the report
 * itself must not spread it). Also how many files and lines were read, so an empty scan is visible.
 */
export function scanLogs(dir) {
  const hits = [];
  let lines = 0;
  const all = files(dir);
  for (const file of all) {
    const text = readFileSync(file, 'utf8').split('\n');
    lines += text.length;
    text.forEach((line, i) => {
      if (NOT_OURS.test(line)) return;
      for (const { name, re } of SECRET_PATTERNS) {
        re.lastIndex = 0;
        if (!re.test(line)) continue;
        re.lastIndex = 0;
        hits.push({ file: relative(dir, file), line: i + 1, pattern: name, text: line.replace(re, '<secret>').slice(0, 300) });
      }
    });
  }
  return { hits, files: all.length, lines, names: all.map((f) => relative(dir, f)) };
}
