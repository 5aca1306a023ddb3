import { verr } from './errors';

/**
 * Query strings of the Vika sandbox. The reference shows arrays with brackets (`recordIds[]=a&recordIds[]=b`) and
 * sort objects as `sort[][field]=&sort[][order]=`; the official JS SDK sends the same through qs with
 * `arrayFormat: 'brackets'`, percent-encoding the brackets (`recordIds%5B%5D=a`). Keys and values are percent-decoded
 * first (`+` is a space), so encoded and plain brackets are the same thing. Parsed by hand rather than with qs: qs
 * turns indices above 20 into object keys and merges `sort[][field]` pairs differently per version, and the rules
 * below are short enough to state exactly.
 *
 * Array parameters (`recordIds`, `fields`) — every form below, mixed freely:
 *   name[]=a&name[]=b        brackets, in order (the value is taken whole: no comma splitting)
 *   name[0]=a&name[1]=b      indexed, ordered by index (after any non-indexed items)
 *   name=a&name=b            repeated
 *   name=a,b                 comma list (plain form only; items trimmed; use a bracket form for names with commas)
 *   name=["a","b"]           a JSON array of strings (plain form only)
 *
 * Sort (`sort`), a list of {field, order}; `order` is asc|desc (case-insensitive, default asc):
 *   sort[][field]=f&sort[][order]=desc       brackets: a key already set in the current object starts the next one,
 *                                            so `sort[][field]=a&sort[][order]=asc&sort[][field]=b` is two objects
 *   sort[0][field]=f&sort[0][order]=desc     indexed (what a careful client sends for several keys)
 *   sort[field]=f&sort[order]=desc           one object
 *   sort[]={"field":"f","order":"desc"}      JSON per item (axios' default serializer), also sort[0]={...}
 *   sort={"field":"f","order":"desc"}        JSON object, or a JSON array of them; repeatable
 * Anything else under `sort` answers 400.
 *
 * Scalars (pageSize, pageNum, maxRecords, viewId, filterByFormula, cellFormat, fieldKey): the last plain `name=`
 * wins; bracketed forms of them are ignored.
 */

export type Pair = [key: string, value: string];

export interface SortItem { field: string; order: 'asc' | 'desc' }

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw verr.param(`查询参数编码错误 (malformed percent-encoding): ${s.slice(0, 80)}`);
  }
}

/** Decoded key/value pairs of a raw query string (without the leading '?'), in order. */
export function parseQuery(raw: string): Pair[] {
  const out: Pair[] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    out.push([decode(eq < 0 ? part : part.slice(0, eq)), eq < 0 ? '' : decode(part.slice(eq + 1))]);
  }
  return out;
}

/** `name[a][b]` -> { base: 'name', path: ['a', 'b'] }; `name` -> path []; undefined when not of that shape. */
function splitKey(key: string): { base: string; path: string[] } | undefined {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m) return undefined;
  const path = m[2] === '' ? [] : m[2].slice(1, -1).split('][');
  return { base: m[1], path };
}

const INDEX = /^\d{1,6}$/;

/** Last plain `name=value`, or undefined. */
export function scalar(pairs: Pair[], name: string): string | undefined {
  let v: string | undefined;
  for (const [k, value] of pairs) if (k === name) v = value;
  return v;
}

/** An array parameter in any of the accepted forms; undefined when absent. */
export function list(pairs: Pair[], name: string): string[] | undefined {
  const plain: string[] = [];
  const indexed: Array<[number, string]> = [];
  let seen = false;
  for (const [key, value] of pairs) {
    const k = splitKey(key);
    if (!k || k.base !== name) continue;
    seen = true;
    if (k.path.length === 0) plain.push(...splitPlain(name, value));
    else if (k.path.length === 1 && k.path[0] === '') plain.push(value);
    else if (k.path.length === 1 && INDEX.test(k.path[0])) indexed.push([Number(k.path[0]), value]);
    else throw verr.param(`参数 ${name} 的格式不受支持 (unsupported form): ${key}`);
  }
  if (!seen) return undefined;
  indexed.sort((a, b) => a[0] - b[0]);
  return [...plain, ...indexed.map(([, v]) => v)];
}

function splitPlain(name: string, value: string): string[] {
  const t = value.trim();
  if (t.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      throw verr.param(`参数 ${name} 不是合法的 JSON 数组 (not a JSON array): ${value.slice(0, 80)}`);
    }
    if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) throw verr.param(`参数 ${name} 必须是字符串数组 (must be an array of strings)`);
    return parsed as string[];
  }
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The sort list in any accepted form; undefined when absent. */
export function sortList(pairs: Pair[]): SortItem[] | undefined {
  const sequential: Array<Record<string, string>> = [];
  const indexed = new Map<number, Record<string, string>>();
  let single: Record<string, string> | undefined;
  let seen = false;
  const bad = (key: string) => verr.param(`参数 sort 的格式不受支持 (unsupported sort form): ${key}`);
  for (const [key, value] of pairs) {
    const k = splitKey(key);
    if (!k || k.base !== 'sort') continue;
    seen = true;
    const p = k.path;
    if (p.length === 0) {
      sequential.push(...jsonSort(value));
    } else if (p.length === 1 && p[0] === '') {
      sequential.push(...jsonSort(value, true));
    } else if (p.length === 1 && INDEX.test(p[0])) {
      const [obj] = jsonSort(value, true);
      indexed.set(Number(p[0]), { ...indexed.get(Number(p[0])), ...obj });
    } else if (p.length === 1 && (p[0] === 'field' || p[0] === 'order')) {
      single ??= {};
      single[p[0]] = value;
    } else if (p.length === 2 && p[0] === '') {
      const last = sequential[sequential.length - 1];
      if (!last || p[1] in last) sequential.push({ [p[1]]: value });
      else last[p[1]] = value;
    } else if (p.length === 2 && INDEX.test(p[0])) {
      const i = Number(p[0]);
      indexed.set(i, { ...indexed.get(i), [p[1]]: value });
    } else {
      throw bad(key);
    }
  }
  if (!seen) return undefined;
  const all = [...(single ? [single] : []), ...sequential, ...[...indexed.entries()].sort((a, b) => a[0] - b[0]).map(([, o]) => o)];
  return all.map((o) => {
    if (typeof o.field !== 'string' || o.field === '') throw verr.param('参数 sort 缺少 field (sort item without field)');
    const order = (o.order ?? 'asc').toLowerCase();
    if (order !== 'asc' && order !== 'desc') throw verr.param(`参数 sort 的 order 只能是 asc 或 desc (sort order must be asc or desc): ${o.order}`);
    return { field: o.field, order };
  });
}

function jsonSort(value: string, single = false): Array<Record<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw verr.param(`参数 sort 不是合法的 JSON (sort is not JSON): ${value.slice(0, 80)}`);
  }
  const items = Array.isArray(parsed) && !single ? parsed : [parsed];
  return items.map((o) => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw verr.param('参数 sort 的每一项必须是 {field, order} 对象 (sort items must be objects)');
    const r: Record<string, string> = {};
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) if (typeof v === 'string') r[k] = v;
    return r;
  });
}
