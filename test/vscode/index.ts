// In-host mocha loader: VS Code calls run() inside the extension host (extensionTestsPath), both under
// @vscode/test-electron (desktop) and under code-server (scripts/vscode/run-in-code-server.mjs).
// It runs every out/test/vscode/**/*.test.js with mocha and rejects when a test fails, which makes VS Code exit
// with a non-zero code.
import * as fs from 'fs';
import * as path from 'path';
// Lines of the loggers the tests make themselves go to the run's log folder, like the plain stages' (setup/logs.ts).
import '../setup/logs';

// The extension host's cwd is not the repo, and in code-server the host runs a different Node: resolve mocha
// explicitly from the repo's node_modules (this file lives in <repo>/out/test/vscode/).
const repoRoot = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mocha: typeof import('mocha') = require(require.resolve('mocha', { paths: [repoRoot] }));

/** All compiled *.test.js files below `dir`, sorted so the order is stable across runs. */
function findTests(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(dir, f))
    .sort();
}

export function run(): Promise<void> {
  // DOC_WORKSPACES_TEST_GREP runs the matching tests only (a local loop on one suite; `npm test` never sets it).
  const grep = process.env.DOC_WORKSPACES_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
  for (const file of findTests(__dirname)) mocha.addFile(file);

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const { passes = 0, failures: failed = 0 } = runner.stats ?? {};
        // Read by scripts/test.mjs (and humans) to count this stage.
        console.log(`vscode: ${passes} passed, ${failed} failed`);
        if (failures > 0) reject(new Error(`${failures} test(s) failed.`));
        else resolve();
      });
    } catch (err) {
      console.error(err);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
