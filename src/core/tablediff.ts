/**
 * What a save of a table document changes: the edited document against what was read (the base), as record creates,
 * updates (only the fields that changed) and deletes. Everything is checked first; any problem (an unknown column, a
 * read-only field edited, a value that is not one of the field, a duplicate or unknown record id) stops the save
 * before a request is sent, with a message naming the row and the field.
 */
import { InvalidInputError } from './errors';
import type { CellValue, RecordValues, TableField } from './records';
import { canonical, ID_COLUMN, MISSING, parseCell, type DocTable } from './tablecodec';

/** A record as read: canonical cell texts in field order, and the values (attachments are named through them). */
export interface BaseRow {
  id: string;
  updatedAt?: number;
  cells: string[];
  values: Readonly<Record<string, CellValue>>;
}

/** What a document was read from. */
export interface TableBase {
  fields: TableField[];
  rows: Map<string, BaseRow>;
  /**
   * Records a save created whose ids the editor has not shown yet (the save failed part way, or the editor has not
   * reloaded): a new row with exactly their cells is that record, not another one to create.
   */
  created: BaseRow[];
}

export interface RowChange {
  /** 1-based row of the document (the header not counted). */
  row: number;
  values: RecordValues;
  /** The record's canonical cells after the change (field order). */
  cells: string[];
}

export interface TablePlan {
  creates: RowChange[];
  updates: Array<RowChange & { id: string; changed: number[] }>;
  deletes: string[];
  /** New rows that are records an earlier save created (nothing to send for them). */
  alreadyCreated: Array<{ row: number; id: string }>;
}

const MAX_LISTED = 8;

/** The plan of a save; throws InvalidInputError (nothing to send) listing the problems. */
export function planChanges(base: TableBase, doc: DocTable, tableName: string): TablePlan {
  const problems: string[] = [];
  const idCol = doc.header.indexOf(ID_COLUMN);
  const byName = new Map(base.fields.map((f, i) => [f.name, i]));
  // column of the document -> field index
  const cols: Array<number | undefined> = doc.header.map((h, c) => {
    if (c === idCol) return undefined;
    const i = byName.get(h);
    if (i === undefined) problems.push(`the column ${JSON.stringify(h)} is not a field of this table`);
    return i;
  });
  const seenCols = new Set<string>();
  for (const h of doc.header) {
    if (seenCols.has(h)) problems.push(`the column ${JSON.stringify(h)} appears twice`);
    seenCols.add(h);
  }
  const plan: TablePlan = { creates: [], updates: [], deletes: [], alreadyCreated: [] };
  // Without its ids every row would be new and every record deleted: refused (it is not what anyone means).
  if (idCol < 0 && base.rows.size > 0) problems.push(`the ${ID_COLUMN} column is missing: keep it (empty on new rows), or every record would be deleted and made again`);
  if (problems.length) throw invalid(tableName, problems);

  const seen = new Set<string>();
  const unclaimed = [...base.created];
  doc.rows.forEach((cells, r) => {
    const row = r + 1;
    const raw = idCol >= 0 ? cells[idCol] : undefined;
    const id = raw === undefined || raw === MISSING ? '' : raw.trim();
    if (id && seen.has(id)) {
      problems.push(`row ${row}: the record ${id} appears twice`);
      return;
    }
    if (id) seen.add(id);
    const rec = id ? base.rows.get(id) : undefined;
    if (id && !rec) {
      problems.push(`row ${row}: the record ${id} is not one of this table (was it deleted? Refresh to see the table as it is now)`);
      return;
    }
    const next = rec ? [...rec.cells] : base.fields.map(() => '');
    const values: RecordValues = {};
    const changed: number[] = [];
    cols.forEach((fi, c) => {
      if (fi === undefined) return;
      const text = cells[c] ?? '';
      if (text === MISSING) return;
      const field = base.fields[fi];
      const before = rec ? rec.cells[fi] : '';
      if (text === before) return;
      let value: CellValue;
      let canon: string;
      try {
        value = field.readOnly ? undefined : parseCell(field, text, rec?.values[field.id]);
        canon = field.readOnly ? text : canonical(field, text, rec?.values[field.id]);
      } catch (e) {
        problems.push(`row ${row}${id ? ` (${id})` : ''}, field ${JSON.stringify(field.name)}: ${(e as Error).message}`);
        return;
      }
      if (canon === before) return;
      if (field.readOnly) {
        problems.push(`row ${row}${id ? ` (${id})` : ''}, field ${JSON.stringify(field.name)} is read-only (${field.type}): put back ${before ? JSON.stringify(before) : 'the empty cell'}`);
        return;
      }
      next[fi] = canon;
      values[field.id] = value;
      changed.push(fi);
    });
    if (rec) {
      if (changed.length) plan.updates.push({ row, id: rec.id, values, cells: next, changed });
      return;
    }
    // computed cells (auto numbers, created time...) are the server's: the row is the record when the rest agrees
    const same = unclaimed.findIndex((u) => u.cells.every((c, i) => base.fields[i].readOnly || c === next[i]));
    if (same >= 0) {
      plan.alreadyCreated.push({ row, id: unclaimed[same].id });
      seen.add(unclaimed[same].id);
      unclaimed.splice(same, 1);
      return;
    }
    if (changed.length) plan.creates.push({ row, values, cells: next });
  });
  if (problems.length) throw invalid(tableName, problems);
  for (const id of base.rows.keys()) if (!seen.has(id)) plan.deletes.push(id);
  return plan;
}

function invalid(tableName: string, problems: string[]): InvalidInputError {
  const more = problems.length > MAX_LISTED ? ` (and ${problems.length - MAX_LISTED} more)` : '';
  return new InvalidInputError(`Nothing was saved to ${JSON.stringify(tableName)}: ${problems.slice(0, MAX_LISTED).join('; ')}${more}.`);
}
