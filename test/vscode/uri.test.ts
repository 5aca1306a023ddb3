// The URIs of the extension's file systems: every name round-trips (through the Uri object and through its string
// form, as VS Code stores and passes them), token-addressed items show names only, and version snapshots name their
// version while still knowing the file.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { fromUri, toRoUri, toUri, versionOf } from '../../src/vscode/uri';

const NAMES = ['plain.txt', '中文 文件.md', 'emoji 😀.txt', 'hash #1.txt', 'percent 100%.txt', 'a&b=c?.txt', 'sp  ace .txt', '%2F not a slash.txt'];

describe('remote URIs', () => {
  for (const name of NAMES) {
    it(`"${name}" round-trips through toUri / fromUri and the URI string`, () => {
      for (const path of [`dir/${name}`, `personal/~token/Tk_9-x/${name}`, `personal/~token/Tk_9-x/folder/${name}`]) {
        const ref = { scheme: 'kdocs', accountId: 'kd-acc', path };
        const uri = toUri(ref);
        assert.deepStrictEqual(fromUri(uri), ref, path);
        assert.deepStrictEqual(fromUri(vscode.Uri.parse(uri.toString())), ref, `${path} via its string`);
        assert.ok(uri.path.endsWith(name), `the name is the last segment: ${uri.path}`);
      }
    });

    it(`"${name}": a version snapshot is named after its version and still knows the file`, () => {
      const ref = { scheme: 'gokuai', accountId: 'sandbox', path: `dir/${name}` };
      const ro = toRoUri(ref, 'ab12cd34ef', '2026-12-05 10.31');
      assert.strictEqual(versionOf(ro), 'ab12cd34ef');
      assert.deepStrictEqual(fromUri(vscode.Uri.parse(ro.toString())), ref);
      assert.notStrictEqual(ro.path.split('/').pop(), name, 'the tab name differs from the live file');
      assert.match(ro.path, /\(2026-12-05 10\.31\)/);
    });
  }

  it('token-addressed items keep the token out of the path (tabs, breadcrumbs)', () => {
    const uri = toUri({ scheme: 'kdocs', accountId: 'kd', path: 'personal/~token/SeCrEtLiKe123/报告.docx' });
    assert.strictEqual(uri.path, '/personal/报告.docx');
    assert.ok(!uri.path.includes('SeCrEtLiKe123'));
  });

  it('only the reserved ~token segment is an anchor: a folder named ~tmp stays in the path', () => {
    const ref = { scheme: 'gokuai', accountId: 'sandbox', path: '~tmp/a/b.txt' };
    assert.strictEqual(toUri(ref).path, '/~tmp/a/b.txt');
    assert.deepStrictEqual(fromUri(toUri(ref)), ref);
  });

  it('a URI with the token still in its path (an older tab) means the same file', () => {
    const old = vscode.Uri.from({ scheme: 'kdocs', authority: 'kd', path: '/personal/~token/T1/a.txt' });
    assert.deepStrictEqual(fromUri(old), fromUri(toUri({ scheme: 'kdocs', accountId: 'kd', path: 'personal/~token/T1/a.txt' })));
  });

  it('a malformed query is ignored, not an exception', () => {
    const uri = vscode.Uri.from({ scheme: 'gokuai-ro', authority: 'sandbox', path: '/a.txt', query: 'version=%E0%A4%A&path=%' });
    assert.doesNotThrow(() => fromUri(uri));
    assert.strictEqual(versionOf(uri), undefined);
  });
});
