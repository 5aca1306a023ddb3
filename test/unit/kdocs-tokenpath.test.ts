import * as assert from 'assert';
import { isCopyName } from '../../src/vendors/kdocs/operations';
import { isTokenPath, parsePath, tokenPath } from '../../src/vendors/kdocs/tokenpath';
import { toKdFile, toLink } from '../../src/vendors/kdocs/wire';

describe('kdocs token paths', () => {
  it('builds ~token/<token>/<name> and parses it back, with children below', () => {
    assert.strictEqual(tokenPath('T1', '报告 #1.docx'), '~token/T1/报告 #1.docx');
    assert.strictEqual(tokenPath('T1', ''), '~token/T1/T1', 'a nameless item is named by its token');
    assert.deepStrictEqual(parsePath('/~token/T1/报告 #1.docx/'), { kind: 'anchored', token: 'T1', name: '报告 #1.docx', anchor: '~token/T1/报告 #1.docx', rest: [] });
    assert.deepStrictEqual(parsePath('~token/F/数据/a/b.csv'), { kind: 'anchored', token: 'F', name: '数据', anchor: '~token/F/数据', rest: ['a', 'b.csv'] });
  });

  it('tells placeholders and plain paths apart', () => {
    assert.deepStrictEqual(parsePath('~token'), { kind: 'placeholder', token: undefined });
    assert.deepStrictEqual(parsePath('~token/T'), { kind: 'placeholder', token: 'T' });
    assert.deepStrictEqual(parsePath(''), { kind: 'plain', names: [] });
    assert.deepStrictEqual(parsePath('a/~token/T/x'), { kind: 'plain', names: ['a', '~token', 'T', 'x'] });
    assert.deepStrictEqual(parsePath('~tokens/x'), { kind: 'plain', names: ['~tokens', 'x'] });
    assert.strictEqual(isTokenPath('~token/T/x'), true);
    assert.strictEqual(isTokenPath('docs/x'), false);
  });
});

describe('kdocs copy names and share/recycle-bin fields', () => {
  it('recognises the names a server gives copies', () => {
    assert.ok(isCopyName('a.txt', 'a.txt'));
    assert.ok(isCopyName('a (1).txt', 'a.txt'));
    assert.ok(isCopyName('报告 (12).docx', '报告.docx'));
    assert.ok(isCopyName('folder (2)', 'folder'));
    for (const c of ['a (1).md', 'a (x).txt', 'ab (1).txt', 'a (1) (2).txt', 'a(1).txt']) assert.ok(!isCopyName(c, 'a.txt'), c);
  });

  it('reads link members and the deletion time of recycle-bin items (only there)', () => {
    const l = toLink({ sid: 's', members: [{ user_id: 'u1', permission: 'write' }, { user_id: 'u2' }, 'junk'] });
    assert.deepStrictEqual(l?.members, [{ userId: 'u1', permission: 'write' }, { userId: 'u2', permission: 'read' }]);
    assert.strictEqual(toLink({ sid: 's' })?.members, undefined);
    assert.strictEqual(toKdFile({ file_token: 't', filename: 'x', deleted_time: 1_700_000_000_000 })?.deletedTime, 1_700_000_000);
    assert.ok(!('deletedTime' in toKdFile({ file_token: 't', filename: 'x' })!));
  });
});
