// The import-cycle rule of `npm run lint` (.dependency-cruiser.cjs, also the "import cycles" step of `npm test`):
// run on a scratch project, it must reject two modules that import each other's types, and accept them without the
// cycle. Runs in the `unit` stage of `npm test`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(REPO, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** Runs the repo's rule on a scratch project holding `files` (path -> source). */
function cruise(files) {
  const dir = mkdtempSync(join(tmpdir(), 'import-cycles-'));
  try {
    copyFileSync(join(REPO, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = spawnSync(process.execPath, [CLI, 'src', '--config', '.dependency-cruiser.cjs'], { cwd: dir, encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('import cycles (npm run lint)', function () {
  this.timeout(60_000);

  it('rejects a cycle made of type-only imports', function () {
    const r = cruise({
      'src/accounts.ts': "import type { Tree } from './tree';\nexport interface Accounts { tree?: Tree }\n",
      'src/tree.ts': "import type { Accounts } from './accounts';\nexport interface Tree { accounts?: Accounts }\n",
    });
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /no-circular/);
    assert.match(r.output, /src\/accounts\.ts/);
  });

  it('accepts the same modules when the shared type lives in a leaf module', function () {
    const r = cruise({
      'src/types.ts': 'export interface Accounts { n: number }\nexport interface Tree { accounts?: Accounts }\n',
      'src/accounts.ts': "import type { Tree } from './types';\nexport const tree: Tree = {};\n",
      'src/tree.ts': "import type { Accounts } from './types';\nexport const accounts: Accounts = { n: 1 };\n",
    });
    assert.equal(r.status, 0, r.output);
  });
});
