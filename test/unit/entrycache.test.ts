// The window's knowledge of a store's entries (core/entrycache.ts): listings answer for their folder while fresh, our
// own operations' outcomes answer for a few seconds, and nothing answers after it expired or was forgotten.
import * as assert from 'assert';
import { EntryCache } from '../../src/core/entrycache';
import type { Entry } from '../../src/core/model';

const file = (path: string, version = 'v1'): Entry => ({ name: path.split('/').pop()!, path, type: 'file', size: 1, mtime: 1, ctime: 1, id: path, version });
const folder = (path: string): Entry => ({ ...file(path, ''), type: 'folder' });

describe('EntryCache', () => {
  let now = 0;
  const cache = () => new EntryCache({ listingMs: 30_000, ownMs: 5_000 }, () => now);
  beforeEach(() => { now = 1_000_000; });

  it('a fresh listing knows its children and that other names are absent; it expires', () => {
    const c = cache();
    c.setListing('a', [file('a/x 文件 #%.txt'), folder('a/sub')]);
    assert.strictEqual(c.lookup('a/x 文件 #%.txt')?.entry?.version, 'v1');
    assert.strictEqual(c.lookup('a/x 文件 #%.txt')?.from, 'listing');
    assert.deepStrictEqual(c.lookup('a/none'), { entry: undefined, from: 'listing' });
    assert.strictEqual(c.lookup('b/x'), undefined, 'an unlisted folder: only the server knows');
    assert.strictEqual(c.listing('a')?.length, 2);
    now += 30_001;
    assert.strictEqual(c.lookup('a/x 文件 #%.txt'), undefined);
    assert.strictEqual(c.listing('a'), undefined);
  });

  it('our own operations answer for a few seconds and update the listing of their folder', () => {
    const c = cache();
    c.setListing('a', [file('a/x')]);
    c.learn('a/x', file('a/x', 'v2'));
    c.learn('a/new', folder('a/new'));
    assert.deepStrictEqual(c.lookup('a/x'), { entry: file('a/x', 'v2'), from: 'own' });
    now += 5_001;
    assert.strictEqual(c.lookup('a/x')?.from, 'listing', 'then the listing, which our save updated');
    assert.strictEqual(c.lookup('a/x')?.entry?.version, 'v2');
    assert.deepStrictEqual(c.listing('a')?.map((e) => e.name).sort(), ['new', 'x']);
  });

  it('a delete or rename away makes the name absent and drops what was known below it', () => {
    const c = cache();
    c.setListing('', [folder('a')]);
    c.setListing('a', [file('a/x')]);
    c.learn('a', undefined);
    assert.deepStrictEqual(c.lookup('a'), { entry: undefined, from: 'own' });
    assert.strictEqual(c.listing('a'), undefined, 'the listing below the deleted folder is gone');
    assert.deepStrictEqual(c.listing('')?.map((e) => e.name), []);
  });

  it('forget (a change we did not make) and clear (Refresh) leave the server to answer', () => {
    const c = cache();
    c.setListing('a', [file('a/x')]);
    c.forget('a/x');
    assert.strictEqual(c.lookup('a/x'), undefined);
    c.setListing('a', [file('a/x')]);
    c.clear();
    assert.strictEqual(c.lookup('a/x'), undefined);
  });

  it('a listing fetched while we changed something in its folder is not stored (it may not show the change)', () => {
    const c = cache();
    const g = c.generation('a');
    c.learn('a/new', file('a/new')); // our save landed while the listing was on its way
    c.setListing('a', [file('a/x')], g);
    assert.strictEqual(c.listing('a'), undefined);
    c.setListing('a', [file('a/x'), file('a/new')], c.generation('a'));
    assert.strictEqual(c.listing('a')?.length, 2);
  });

  it('forget drops what was known below the path too (a folder moved or deleted elsewhere)', () => {
    const c = cache();
    c.setListing('', [folder('a')]);
    c.setListing('a', [folder('a/sub')]);
    c.setListing('a/sub', [file('a/sub/x')]);
    c.forget('a');
    assert.strictEqual(c.listing('a'), undefined);
    assert.strictEqual(c.listing('a/sub'), undefined);
    assert.strictEqual(c.lookup('a/sub/x'), undefined);
  });
});
