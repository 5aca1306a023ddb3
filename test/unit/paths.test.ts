import * as assert from 'assert';
import { baseName, joinPath, normalizePath, numberedName, parentPath, rootEntry, splitExt } from '../../src/core/paths';

describe('mount paths', () => {
  it('normalizes slashes and splits paths', () => {
    assert.strictEqual(normalizePath('/a//b c/'), 'a/b c');
    assert.strictEqual(normalizePath(''), '');
    assert.strictEqual(joinPath('', 'x'), 'x');
    assert.strictEqual(joinPath('a/b', 'x #%.txt'), 'a/b/x #%.txt');
    assert.strictEqual(parentPath('a/b/c.txt'), 'a/b');
    assert.strictEqual(parentPath('top.txt'), '');
    assert.strictEqual(baseName('a/b/c.txt'), 'c.txt');
    assert.strictEqual(baseName('top'), 'top');
  });

  it('numbers a name before its last extension; dotfiles and bare names get the number at the end', () => {
    assert.strictEqual(numberedName('报告 Q1.final.docx', 1), '报告 Q1.final (1).docx');
    assert.strictEqual(numberedName('README', 2), 'README (2)');
    assert.strictEqual(numberedName('.env', 3), '.env (3)');
    assert.deepStrictEqual(splitExt('a.tar.gz'), { stem: 'a.tar', ext: '.gz' });
  });

  it('the root entry is a folder without a vendor object: empty id and version', () => {
    assert.deepStrictEqual(rootEntry(), { name: '', path: '', type: 'folder', size: 0, mtime: 0, ctime: 0, id: '', version: '' });
  });
});
