// The inner npm that installs code-server (scripts/vscode/ensure-code-server.mjs) must not inherit what an outer npm
// exports under `npm test` / `npm start`: code-server's postinstall reads `npm_config_user_agent` and refused to install
// on a fresh machine because the outer npm's value named Node 20. Real npm, real child process.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInnerNpm } from '../../scripts/vscode/ensure-code-server.mjs';

describe('ensure-code-server: inner npm', function () {
  this.timeout(60_000);
  let dir;
  const saved = {};
  const OUTER = {
    npm_config_user_agent: 'npm/0.0.0 node/v0.0.0-outer linux x64',
    npm_config_local_prefix: '/outer/project',
    // The user's own setting (a mirror, say): an inner install needs it as much as the outer one.
    npm_config_fetch_retries: '7',
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'inner-npm-'));
    // What `npm test` exports to its children, with values that cannot be this npm's own.
    for (const [k, v] of Object.entries(OUTER)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterEach(() => {
    for (const k of Object.keys(OUTER)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('sees its own user agent and configuration, not the outer npm\'s', () => {
    const probe = "require('fs').writeFileSync('seen.json', JSON.stringify({ ua: process.env.npm_config_user_agent, prefix: process.env.npm_config_local_prefix, retries: process.env.npm_config_fetch_retries }))";
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'probe', private: true, scripts: { probe: `node -e "${probe}"` } }));
    runInnerNpm(['run', '--silent', 'probe'], { cwd: dir });
    const seen = JSON.parse(readFileSync(join(dir, 'seen.json'), 'utf8'));
    assert.match(seen.ua, new RegExp(`node/${process.version.replace(/\./g, '\\.')}`), `user agent of the inner npm: ${seen.ua}`);
    assert.doesNotMatch(seen.ua, /v0\.0\.0-outer/);
    assert.strictEqual(seen.prefix, dir, 'its own project folder, not the outer one');
    assert.strictEqual(seen.retries, '7', 'the user\'s settings reach it');
  });

  it('still gets the variables the caller sets on purpose', () => {
    const probe = "require('fs').writeFileSync('seen.txt', process.env.npm_config_nodedir || '')";
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'probe', private: true, scripts: { probe: `node -e "${probe}"` } }));
    runInnerNpm(['run', '--silent', 'probe'], { cwd: dir, extraEnv: { npm_config_nodedir: '/opt/node24' } });
    assert.strictEqual(readFileSync(join(dir, 'seen.txt'), 'utf8'), '/opt/node24');
  });
});
