import * as assert from 'assert';
import { clampPartSize, DEFAULT_PART_SIZE, MAX_PART_SIZE, MIB, MIN_PART_SIZE, planParts } from '../../src/vendors/gokuai/upload';

describe('planParts', () => {
  it('covers the file with inclusive ranges of at most partSize', () => {
    assert.deepStrictEqual(planParts(10, 4), [{ start: 0, end: 3 }, { start: 4, end: 7 }, { start: 8, end: 9 }]);
  });

  it('gives one part for a file smaller than a part and none for an empty file', () => {
    assert.deepStrictEqual(planParts(1, 4), [{ start: 0, end: 0 }]);
    assert.deepStrictEqual(planParts(0, 4), []);
  });

  it('exact multiples end on the last byte', () => {
    const parts = planParts(8 * MIB, DEFAULT_PART_SIZE);
    assert.deepStrictEqual(parts, [{ start: 0, end: 4 * MIB - 1 }, { start: 4 * MIB, end: 8 * MIB - 1 }]);
  });

  it('can start from a resume offset', () => {
    assert.deepStrictEqual(planParts(10, 4, 6), [{ start: 6, end: 9 }]);
  });

  it('parts are contiguous and sum to the size for a 50 MB file', () => {
    const size = 50 * 1000 * 1000;
    const parts = planParts(size, DEFAULT_PART_SIZE);
    let next = 0;
    for (const p of parts) {
      assert.strictEqual(p.start, next);
      assert.ok(p.end - p.start + 1 <= DEFAULT_PART_SIZE);
      next = p.end + 1;
    }
    assert.strictEqual(next, size);
    assert.strictEqual(DEFAULT_PART_SIZE, 4 * 1024 * 1024);
  });

  it('rejects a non-positive part size', () => {
    assert.throws(() => planParts(10, 0));
  });
});

describe('clampPartSize', () => {
  it("holds a configured part size to the vendor's 4-10 MiB", () => {
    assert.strictEqual(clampPartSize(64 * 1024), MIN_PART_SIZE);
    assert.strictEqual(clampPartSize(6 * MIB), 6 * MIB);
    assert.strictEqual(clampPartSize(64 * MIB), MAX_PART_SIZE);
    assert.deepStrictEqual([MIN_PART_SIZE, MAX_PART_SIZE], [4 * MIB, 10 * MIB]);
  });

  it('falls back to the default for no number', () => {
    assert.strictEqual(clampPartSize(Number.NaN), DEFAULT_PART_SIZE);
    assert.strictEqual(clampPartSize(Number.POSITIVE_INFINITY), DEFAULT_PART_SIZE);
  });
});
