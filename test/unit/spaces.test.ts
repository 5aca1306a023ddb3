import * as assert from 'assert';
import type { RemoteFs } from '../../src/core/remote';
import { spaceResolver } from '../../src/vscode/spaces';

// Only identity matters here: the resolver hands these objects back, it never calls them.
const personal = { label: 'personal' } as unknown as RemoteFs;
const appspace = { label: 'appspace' } as unknown as RemoteFs;

describe('spaceResolver (multi-space accounts such as kdocs://acc/personal/...)', () => {
  const resolve = spaceResolver([{ root: 'personal', fs: personal, caps: {} }, { root: 'appspace', fs: appspace, caps: { trash: {} as never } }]);

  it('maps the first path segment to its space and the rest to the path inside it', () => {
    const m = resolve('personal/文件夹 #1/a b.txt') as { fs: RemoteFs; path: string; root: string };
    assert.strictEqual(m.fs, personal);
    assert.strictEqual(m.path, '文件夹 #1/a b.txt');
    assert.strictEqual(m.root, 'personal');
    const top = resolve('appspace') as { fs: RemoteFs; path: string; root: string };
    assert.strictEqual(top.fs, appspace);
    assert.strictEqual(top.path, '', 'the space itself is the root of its RemoteFs');
    assert.ok(resolve('appspace/x').caps.trash, 'a path carries the capabilities of its store');
    assert.deepStrictEqual(resolve('').caps, {}, 'the account root has none');
  });

  it('refuses paths outside every space, including inherited object keys', () => {
    for (const p of ['other/x', 'constructor', '__proto__/x']) {
      assert.throws(() => resolve(p), (e: { kind?: string }) => e.kind === 'NotFound', p);
    }
  });

  it('lists the spaces as read-only folders at the account root, and changes nothing there', async () => {
    const root = resolve('');
    assert.deepStrictEqual((await root.fs.listAll('')).map((e) => [e.name, e.path, e.type, e.readonly]), [
      ['personal', 'personal', 'folder', true],
      ['appspace', 'appspace', 'folder', true],
    ]);
    assert.strictEqual((await root.fs.stat('')).type, 'folder');
    await assert.rejects(root.fs.stat('nope'), (e: { kind?: string }) => e.kind === 'NotFound');
    assert.strictEqual(root.caps.write, undefined, 'nothing can be written at the account root');
    await assert.rejects(root.fs.read(''), (e: { kind?: string }) => e.kind === 'Unsupported');
  });
});
