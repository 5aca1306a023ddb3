import * as assert from 'assert';
import { applyGrid, planGrid } from '../../src/core/griddiff';

const grid = (n: number) => Array.from({ length: n }, (_, i) => [`r${i}`, String(i), 'x']);

describe('sheet grids: the smallest range writes', () => {
  it('one changed cell is one 1x1 update', () => {
    const a = grid(5);
    const b = grid(5);
    b[2][1] = 'changed';
    assert.deepStrictEqual(planGrid(a, b), [{ kind: 'update', row: 2, col: 1, values: [['changed']] }]);
  });

  it('a run of changed rows is one rectangle over the changed columns; rows added at the end are one append', () => {
    const a = grid(6);
    const b = grid(6);
    b[1][0] = 'a';
    b[2][2] = 'b';
    b[4][1] = 'c';
    b.push(['new', '7', '']);
    const ops = planGrid(a, b);
    assert.deepStrictEqual(ops, [
      { kind: 'update', row: 1, col: 0, values: [['a', '1', 'x'], ['r2', '2', 'b']] },
      { kind: 'update', row: 4, col: 1, values: [['c']] },
      { kind: 'append', values: [['new', '7']] },
    ]);
    assert.deepStrictEqual(applyGrid(a, ops), applyGrid(b, []));
  });

  it('rows deleted from the middle are row deletions (bottom first), not a cascade of updates', () => {
    const a = grid(8);
    const b = a.filter((_, i) => i !== 2 && i !== 3 && i !== 6);
    const ops = planGrid(a, b);
    assert.deepStrictEqual(ops, [{ kind: 'deleteRows', index: 6, count: 1 }, { kind: 'deleteRows', index: 2, count: 2 }]);
    assert.deepStrictEqual(applyGrid(a, ops), b);
  });

  it('a deletion and an edit together; trailing empty cells and rows are no change', () => {
    const a = grid(4);
    const b = [a[0], [...a[2], ''], ['r3', 'edited', 'x'], ['', '', '']];
    const ops = planGrid(a, b);
    assert.deepStrictEqual(applyGrid(a, ops), applyGrid(b, []));
    assert.deepStrictEqual(ops, [{ kind: 'deleteRows', index: 1, count: 1 }, { kind: 'update', row: 2, col: 1, values: [['edited']] }]);
    assert.deepStrictEqual(planGrid(a, a.map((r) => [...r, ''])), []);
  });
});

describe('xlsx sheet names', () => {
  it('reads the sheet names of a workbook (Chinese, spaces, quotes, &) and refuses other bytes', async () => {
    const { xlsxSheetNames } = await import('../../src/core/xlsx');
    const { xlsxPackage } = await import('../../src/sandbox/common/ooxml');
    const book = xlsxPackage([{ name: '工作表1', rows: [['a']] }, { name: "Q1 & '预算'", rows: [] }]);
    assert.deepStrictEqual(xlsxSheetNames(book), ['工作表1', "Q1 & '预算'"]);
    assert.strictEqual(xlsxSheetNames(Buffer.from('not a zip at all')), undefined);
  });
});
