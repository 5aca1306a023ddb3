import * as assert from 'assert';
import { parseReceived } from '../../src/vendors/gokuai/client';
import { toEntry } from '../../src/vendors/gokuai/remotefs';

describe('gokuai toEntry', () => {
  it('maps a file', () => {
    const e = toEntry({
      hash: 'h1', dir: 0, fullpath: 'docs/报告 #1.docx', filename: '报告 #1.docx', filehash: 'fh', filesize: 12,
      create_dateline: 100, last_dateline: 200, last_member_name: 'Ann', property: { tag: 'a;b;;', lock: 1 },
    });
    assert.deepStrictEqual(e, {
      name: '报告 #1.docx', path: 'docs/报告 #1.docx', type: 'file', size: 12, mtime: 200_000, ctime: 100_000,
      id: 'h1', version: 'fh', modifiedBy: 'Ann', tags: ['a', 'b'], locked: true,
    });
  });

  it('maps a folder with an empty version and no tags', () => {
    const e = toEntry({ hash: 'h2', dir: 1, fullpath: 'docs', filename: 'docs', filehash: '', filesize: 0 });
    assert.strictEqual(e.type, 'folder');
    assert.strictEqual(e.version, '');
    assert.strictEqual(e.tags, undefined);
    assert.strictEqual(e.locked, undefined);
  });

  it('reads the lock flag of info answers', () => {
    const e = toEntry({ hash: 'h', dir: 0, fullpath: 'a', filename: 'a', filehash: 'x', filesize: 1, lock: 1 } as never);
    assert.strictEqual(e.locked, true);
  });
});

describe('gokuai upload_req parsing', () => {
  it('accepts a bare number or an object', () => {
    assert.strictEqual(parseReceived(Buffer.from('123')), 123);
    assert.strictEqual(parseReceived(Buffer.from('{"received":5}')), 5);
    assert.strictEqual(parseReceived(Buffer.from('{"expect":"7"}')), 7);
    assert.strictEqual(parseReceived(Buffer.from('{}')), undefined);
  });
});
