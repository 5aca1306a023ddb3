/**
 * The formula subset of the Vika sandbox: `filterByFormula` on GET records, view filters, and Formula fields. The
 * vendor's formula language is much larger; what is not below is refused (filterByFormula: code 400 naming the
 * unsupported part; a Formula field: `hasError: true` and no values).
 *
 *   expr    := or
 *   or      := and ( '||' and )*
 *   and     := cmp ( '&&' cmp )*
 *   cmp     := concat ( ( '=' | '!=' | '<>' | '>' | '<' | '>=' | '<=' ) concat )?
 *   concat  := add ( '&' add )*
 *   add     := mul ( ( '+' | '-' ) mul )*
 *   mul     := unary ( ( '*' | '/' ) unary )*
 *   unary   := '-' unary | primary
 *   primary := NUMBER | STRING | '{' field '}' | TRUE | FALSE | NAME '(' [ expr ( ',' expr )* ] ')' | '(' expr ')'
 *   NAME    := AND | OR | NOT | IF | FIND | BLANK | LEN | LOWER | UPPER | TRUE | FALSE   (case-insensitive)
 *   STRING  := "..." | '...'   (backslash escapes the next character)
 *   field   := a field name, or a field id; `\}` and `\\` escape inside braces
 *
 * Functions: AND(a, ...) / OR(a, ...) / NOT(a) on truthiness; IF(cond, then[, else]); FIND(needle, haystack[, start])
 * = 1-based position or 0; BLANK() = the empty value; LEN(s); LOWER(s); UPPER(s); TRUE() / FALSE().
 *
 * Values: text and select cells are strings, numbers (also DateTime: ms since the epoch) numbers, a Checkbox a
 * boolean (unchecked = false), multi-valued cells (MultiSelect, Member, MagicLink, MagicLookUp, Attachment) arrays of
 * their texts; an empty cell is the empty value (null).
 * Comparison (choices, the reference is silent): arrays compare as their texts joined with ", "; the empty value
 * equals only the empty value and "" (so `{f} = ""` and `{f} = BLANK()` find empty cells) and is never <, >, <=, >=;
 * two numbers compare numerically, a number and a numeric string numerically, a number and an ISO date string
 * (`2024-03-01...`) as ms; everything else as strings, case-sensitive, by UTF-16 code units. Truthy: true, a non-zero
 * number, a non-empty string or array. Arithmetic treats the empty value as 0; division by zero gives the empty value.
 */

export type FValue = string | number | boolean | null | FValue[];

export type Ast =
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'bool'; v: boolean }
  | { k: 'blank' }
  | { k: 'field'; ref: string; pos: number }
  | { k: 'call'; fn: string; args: Ast[] }
  | { k: 'bin'; op: string; l: Ast; r: Ast }
  | { k: 'neg'; e: Ast };

export class FormulaError extends Error {
  constructor(message: string, readonly pos: number) {
    super(message);
  }
}

const FUNCTIONS: Record<string, [min: number, max: number]> = {
  AND: [1, 255], OR: [1, 255], NOT: [1, 1], IF: [2, 3], FIND: [2, 3], BLANK: [0, 0], LEN: [1, 1], LOWER: [1, 1], UPPER: [1, 1], TRUE: [0, 0], FALSE: [0, 0],
};
export const SUPPORTED_FUNCTIONS = Object.keys(FUNCTIONS).join(', ');

type Tok = { t: 'num'; v: number; pos: number } | { t: 'str'; v: string; pos: number } | { t: 'field'; v: string; pos: number } | { t: 'name'; v: string; pos: number } | { t: 'op'; v: string; pos: number } | { t: 'end'; pos: number };

const OPS = ['&&', '||', '!=', '<>', '>=', '<=', '=', '>', '<', '&', '+', '-', '*', '/', '(', ')', ','];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9.]/.test(c)) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) throw new FormulaError(`无法识别的字符 (unexpected character) "${c}"`, i);
      out.push({ t: 'num', v: Number(m[0]), pos: start });
      i += m[0].length;
    } else if (c === '"' || c === '\'') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FormulaError('字符串没有结束引号 (unterminated string)', start);
        const ch = src[i];
        if (ch === '\\' && i + 1 < src.length) {
          const e = src[i + 1];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
        } else if (ch === c) {
          i++;
          break;
        } else {
          s += ch;
          i++;
        }
      }
      out.push({ t: 'str', v: s, pos: start });
    } else if (c === '{') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FormulaError('字段引用没有结束的 } (unterminated field reference)', start);
        const ch = src[i];
        if (ch === '\\' && i + 1 < src.length) {
          s += src[i + 1];
          i += 2;
        } else if (ch === '}') {
          i++;
          break;
        } else {
          s += ch;
          i++;
        }
      }
      out.push({ t: 'field', v: s, pos: start });
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ t: 'name', v: m[0], pos: start });
      i += m[0].length;
    } else {
      const op = OPS.find((o) => src.startsWith(o, i));
      if (!op) throw new FormulaError(`不支持的运算符或字符 (unsupported operator or character) "${c}"`, i);
      out.push({ t: 'op', v: op, pos: start });
      i += op.length;
    }
  }
  out.push({ t: 'end', pos: src.length });
  return out;
}

/** Parses a formula of the subset; throws FormulaError naming the unsupported or malformed part. */
export function parseFormula(src: string): Ast {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const isOp = (v: string) => {
    const t = toks[p];
    return t.t === 'op' && t.v === v;
  };
  const expect = (v: string) => {
    if (!isOp(v)) throw new FormulaError(`此处应为 "${v}" (expected "${v}")`, toks[p].pos);
    p++;
  };
  const binary = (next: () => Ast, ops: string[]) => (): Ast => {
    let l = next();
    for (;;) {
      const t = peek();
      if (t.t !== 'op' || !ops.includes(t.v)) return l;
      p++;
      l = { k: 'bin', op: t.v === '<>' ? '!=' : t.v, l, r: next() };
    }
  };
  const primary = (): Ast => {
    const t = peek();
    p++;
    switch (t.t) {
      case 'num': return { k: 'num', v: t.v };
      case 'str': return { k: 'str', v: t.v };
      case 'field': return { k: 'field', ref: t.v, pos: t.pos };
      case 'name': {
        const fn = t.v.toUpperCase();
        if (!isOp('(')) {
          if (fn === 'TRUE' || fn === 'FALSE') return { k: 'bool', v: fn === 'TRUE' };
          throw new FormulaError(`无法识别的名称 (unknown name) ${t.v}`, t.pos);
        }
        const arity = FUNCTIONS[fn];
        if (!arity) throw new FormulaError(`沙箱不支持函数 (unsupported function) ${t.v}(); 支持 (supported): ${SUPPORTED_FUNCTIONS}`, t.pos);
        p++;
        const args: Ast[] = [];
        if (!isOp(')')) {
          for (;;) {
            args.push(or());
            if (isOp(',')) {
              p++;
              continue;
            }
            break;
          }
        }
        expect(')');
        if (args.length < arity[0] || args.length > arity[1]) throw new FormulaError(`函数 ${fn} 的参数个数不对 (wrong number of arguments: ${args.length})`, t.pos);
        if (fn === 'TRUE' || fn === 'FALSE') return { k: 'bool', v: fn === 'TRUE' };
        if (fn === 'BLANK') return { k: 'blank' };
        return { k: 'call', fn, args };
      }
      case 'op':
        if (t.v === '(') {
          const e = or();
          expect(')');
          return e;
        }
        if (t.v === '-') return { k: 'neg', e: primary() };
        throw new FormulaError(`此处不应出现 (unexpected) "${t.v}"`, t.pos);
      case 'end':
        throw new FormulaError('公式不完整 (unexpected end of formula)', t.pos);
    }
  };
  const mul = binary(primary, ['*', '/']);
  const add = binary(mul, ['+', '-']);
  const concat = binary(add, ['&']);
  const cmp = (): Ast => {
    const l = concat();
    const t = peek();
    if (t.t === 'op' && ['=', '!=', '<>', '>', '<', '>=', '<='].includes(t.v)) {
      p++;
      return { k: 'bin', op: t.v === '<>' ? '!=' : t.v, l, r: concat() };
    }
    return l;
  };
  const and = binary(cmp, ['&&']);
  const or = binary(and, ['||']);
  const ast = or();
  const rest = peek();
  if (rest.t !== 'end') throw new FormulaError(`公式在此处之后无法解析 (unexpected "${'v' in rest ? rest.v : ''}")`, rest.pos);
  return ast;
}

/** Field references of a formula (as written: names or ids). */
export function fieldRefs(ast: Ast): string[] {
  switch (ast.k) {
    case 'field': return [ast.ref];
    case 'call': return ast.args.flatMap(fieldRefs);
    case 'bin': return [...fieldRefs(ast.l), ...fieldRefs(ast.r)];
    case 'neg': return fieldRefs(ast.e);
    default: return [];
  }
}

export function toText(v: FValue): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map(toText).filter((s) => s !== '').join(', ');
  return String(v);
}

function toNum(v: FValue): number {
  if (v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const s = toText(v).trim();
  return s === '' ? 0 : Number(s);
}

export function truthy(v: FValue): boolean {
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v !== '';
  return v;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function numericOf(v: FValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s !== '' && Number.isFinite(Number(s))) return Number(s);
    if (ISO_DATE.test(s)) {
      const t = Date.parse(s);
      if (Number.isFinite(t)) return t;
    }
  }
  return undefined;
}

function compare(op: string, a: FValue, b: FValue): boolean {
  const av = Array.isArray(a) ? toText(a) : a;
  const bv = Array.isArray(b) ? toText(b) : b;
  const aEmpty = av === null || av === '';
  const bEmpty = bv === null || bv === '';
  if (av === null || bv === null) {
    if (op === '=') return aEmpty && bEmpty;
    if (op === '!=') return !(aEmpty && bEmpty);
    return false;
  }
  let c: number;
  if (typeof av === 'number' || typeof bv === 'number' || (typeof av === 'boolean' && typeof bv === 'boolean')) {
    const x = numericOf(av);
    const y = numericOf(bv);
    if (x !== undefined && y !== undefined) c = x === y ? 0 : x < y ? -1 : 1;
    else c = cmpText(toText(av), toText(bv));
  } else {
    c = cmpText(toText(av), toText(bv));
  }
  switch (op) {
    case '=': return c === 0;
    case '!=': return c !== 0;
    case '>': return c > 0;
    case '<': return c < 0;
    case '>=': return c >= 0;
    default: return c <= 0;
  }
}

function cmpText(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Evaluates `ast`; `field(ref)` answers a referenced field's value (the caller resolved the refs beforehand). */
export function evaluate(ast: Ast, field: (ref: string) => FValue): FValue {
  const ev = (a: Ast): FValue => evaluate(a, field);
  switch (ast.k) {
    case 'num': return ast.v;
    case 'str': return ast.v;
    case 'bool': return ast.v;
    case 'blank': return null;
    case 'field': return field(ast.ref);
    case 'neg': return -toNum(ev(ast.e));
    case 'bin': {
      if (ast.op === '&&') return truthy(ev(ast.l)) && truthy(ev(ast.r));
      if (ast.op === '||') return truthy(ev(ast.l)) || truthy(ev(ast.r));
      const l = ev(ast.l);
      const r = ev(ast.r);
      if (ast.op === '&') return toText(l) + toText(r);
      if (['+', '-', '*', '/'].includes(ast.op)) {
        const x = toNum(l);
        const y = toNum(r);
        const v = ast.op === '+' ? x + y : ast.op === '-' ? x - y : ast.op === '*' ? x * y : y === 0 ? NaN : x / y;
        return Number.isFinite(v) ? v : null;
      }
      return compare(ast.op, l, r);
    }
    case 'call': {
      const args = ast.args;
      switch (ast.fn) {
        case 'AND': return args.every((a) => truthy(ev(a)));
        case 'OR': return args.some((a) => truthy(ev(a)));
        case 'NOT': return !truthy(ev(args[0]));
        case 'IF': return truthy(ev(args[0])) ? ev(args[1]) : args[2] ? ev(args[2]) : null;
        case 'FIND': {
          const needle = toText(ev(args[0]));
          const hay = toText(ev(args[1]));
          const from = args[2] ? Math.max(0, toNum(ev(args[2])) - 1) : 0;
          return hay.indexOf(needle, from) + 1;
        }
        case 'LEN': return [...toText(ev(args[0]))].length;
        case 'LOWER': return toText(ev(args[0])).toLowerCase();
        case 'UPPER': return toText(ev(args[0])).toUpperCase();
        default: throw new FormulaError(`unsupported function ${ast.fn}`, 0);
      }
    }
  }
}

export type ValueType = 'String' | 'Number' | 'Boolean' | 'DateTime' | 'Array';

/** valueType of a formula (as the reference's Formula property reports it), given the types of referenced fields. */
export function inferValueType(ast: Ast, refType: (ref: string) => ValueType): ValueType {
  switch (ast.k) {
    case 'num': case 'neg': return 'Number';
    case 'str': case 'blank': return 'String';
    case 'bool': return 'Boolean';
    case 'field': return refType(ast.ref);
    case 'bin':
      if (ast.op === '&') return 'String';
      if (['+', '-', '*', '/'].includes(ast.op)) return 'Number';
      return 'Boolean';
    case 'call':
      if (['AND', 'OR', 'NOT'].includes(ast.fn)) return 'Boolean';
      if (ast.fn === 'FIND' || ast.fn === 'LEN') return 'Number';
      if (ast.fn === 'IF') return inferValueType(ast.args[1], refType);
      return 'String';
  }
}
