/**
 * Spreadsheet grids (rows of cell texts, no record ids) saved as the smallest set of range writes: rows deleted
 * from the middle are found by aligning the two grids and become row deletions (bottom first, so indexes stay
 * valid); rows that changed become one rectangular update per run of consecutive changed rows (only the columns that
 * changed); rows added at the end become one append. A sheet API with updates, appends and row deletions (Shimo) can
 * apply them in order.
 */

export type GridOp =
  /** Delete `count` rows from the 0-based row `index`. */
  | { kind: 'deleteRows'; index: number; count: number }
  /** Write `values` at the 0-based `row`, `col` (a rectangle). */
  | { kind: 'update'; row: number; col: number; values: string[][] }
  /** Append rows after the last row. */
  | { kind: 'append'; values: string[][] };

const rowKey = (r: readonly string[]) => JSON.stringify(trimRow(r));

function trimRow(r: readonly string[]): string[] {
  let n = r.length;
  while (n > 0 && (r[n - 1] ?? '') === '') n--;
  return r.slice(0, n);
}

/** The grid without trailing empty cells and rows (servers pad a used range with empty cells). */
export function trimGrid(g: readonly (readonly string[])[]): string[][] {
  const rows = g.map(trimRow);
  let n = rows.length;
  while (n > 0 && rows[n - 1].length === 0) n--;
  return rows.slice(0, n);
}

/** The operations that turn `before` into `after` (trailing empty cells and rows do not count). */
export function planGrid(before: readonly (readonly string[])[], after: readonly (readonly string[])[]): GridOp[] {
  const a = trimGrid(before);
  const b = trimGrid(after);
  const ops: GridOp[] = [];
  // 1. Rows of `a` missing from `b`: when `b` is shorter, take out the rows whose removal lines the rest up best
  //    (a longest common subsequence of whole rows).
  const keep = a.length > b.length ? alignDeletions(a, b) : a.map(() => true);
  const deletions: number[] = [];
  keep.forEach((k, i) => { if (!k) deletions.push(i); });
  // contiguous runs, bottom first
  for (let i = deletions.length - 1; i >= 0;) {
    let j = i;
    while (j > 0 && deletions[j - 1] === deletions[j] - 1) j--;
    ops.push({ kind: 'deleteRows', index: deletions[j], count: i - j + 1 });
    i = j - 1;
  }
  const rest = a.filter((_, i) => keep[i]);
  // 2. Changed rows, positionally, in runs.
  const common = Math.min(rest.length, b.length);
  for (let r = 0; r < common;) {
    if (rowKey(rest[r]) === rowKey(b[r])) { r++; continue; }
    let end = r;
    let lo = Infinity;
    let hi = -1;
    while (end < common && rowKey(rest[end]) !== rowKey(b[end])) {
      const [l, h] = changedSpan(rest[end], b[end]);
      lo = Math.min(lo, l);
      hi = Math.max(hi, h);
      end++;
    }
    const values: string[][] = [];
    for (let k = r; k < end; k++) values.push(Array.from({ length: hi - lo + 1 }, (_, c) => b[k][lo + c] ?? ''));
    ops.push({ kind: 'update', row: r, col: lo, values });
    r = end;
  }
  // 3. Rows beyond: appended, or (when `b` ends earlier than what is left) deleted from the bottom.
  if (b.length > rest.length) ops.push({ kind: 'append', values: b.slice(rest.length).map((row) => [...row]) });
  else if (rest.length > b.length) ops.push({ kind: 'deleteRows', index: b.length, count: rest.length - b.length });
  return ops;
}

function changedSpan(x: readonly string[], y: readonly string[]): [number, number] {
  const n = Math.max(x.length, y.length);
  let lo = n;
  let hi = -1;
  for (let c = 0; c < n; c++) {
    if ((x[c] ?? '') !== (y[c] ?? '')) {
      lo = Math.min(lo, c);
      hi = Math.max(hi, c);
    }
  }
  return [lo, hi];
}

/** Which rows of `a` to keep so that as many as possible equal rows of `b` in order (LCS on whole rows). */
function alignDeletions(a: string[][], b: string[][]): boolean[] {
  const ka = a.map(rowKey);
  const kb = b.map(rowKey);
  const n = ka.length;
  const m = kb.length;
  // LCS table; grids opened in an editor are small enough (sheets of a few thousand rows: n*m bytes)
  if (n * m > 25_000_000) return a.map((_, i) => i < m); // too big to align: treat the removed rows as at the end
  const t = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) t[i][j] = ka[i] === kb[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
  }
  // the matched pairs, then in each gap between two matches: the gap's rows of `a` pair with the gap's rows of `b`
  // (changed rows), and the ones left over are deleted
  const pairs: Array<[number, number]> = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (ka[i] === kb[j]) { pairs.push([i, j]); i++; j++; } else if (t[i + 1][j] >= t[i][j + 1]) i++; else j++;
  }
  pairs.push([n, m]);
  const keep = a.map(() => false);
  let pi = 0;
  let pj = 0;
  for (const [i, j] of pairs) {
    const gapA = i - pi;
    const gapB = j - pj;
    for (let k = 0; k < Math.min(gapA, gapB); k++) keep[pi + k] = true;
    if (i < n) keep[i] = true;
    pi = i + 1;
    pj = j + 1;
  }
  return keep;
}

/** The grid after `ops` (to check a plan, and what the server holds after a save). */
export function applyGrid(grid: readonly (readonly string[])[], ops: readonly GridOp[]): string[][] {
  const g = grid.map((r) => [...r]);
  for (const op of ops) {
    if (op.kind === 'deleteRows') g.splice(op.index, op.count);
    else if (op.kind === 'append') g.push(...op.values.map((r) => [...r]));
    else {
      op.values.forEach((row, k) => {
        const target = (g[op.row + k] ??= []);
        row.forEach((v, c) => {
          while (target.length < op.col + c) target.push('');
          target[op.col + c] = v;
        });
      });
    }
  }
  return trimGrid(g);
}
