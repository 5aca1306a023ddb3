import * as acorn from 'acorn';

/**
 * AirScript syntax checks of the kdocs sandbox (vendor-facts: "syntax version 1.0 rejects `class`, object-method
 * shorthand, `import`/`export`, `?.`, `await`, `yield` ('SyntaxError: Unexpected token (line:col)'); 2.0 allows modern
 * syntax"). The script is parsed with acorn (latest ECMAScript, script goal, top-level `return` allowed: a script's
 * `return` value is its result; 2.0 also allows top-level `await`). Positions in SyntaxError messages are acorn's:
 * line 1-based, column 0-based, e.g. "Unexpected token (1:4)". For a 1.0 violation the position is the token a 1.0
 * parser stumbles on: `class`, `import`, `export`, `yield`, `await` inside an async function (the keyword), the `(` of
 * a method shorthand, the `?.` of an optional chain; a top-level `await x` is an identifier followed by `x`, so there
 * the position is that of `x`. Getters and setters are ES5 and pass. `import`/`export` are refused by 2.0 too (a
 * script is not a module).
 *
 * The check also finds the console calls (`console.log(...)` and its siblings): V8 reports a call at the position of
 * the property (`log`); the log line of the sandbox names the start of the call instead, so the worker gets a map
 * "line:col of the property" -> "line:col of the call" (both 1-based, as stack traces count).
 */

export type AirScriptVersion = '1.0' | '2.0';

export interface SyntaxProblem { message: string; line: number; column: number }

export interface Checked {
  problem?: SyntaxProblem;
  /** "line:col" (1-based) of a console method property -> "line:col" of the call expression. */
  consoleCalls: Record<string, string>;
}

const CONSOLE_LEVELS = new Set(['log', 'info', 'warn', 'error', 'debug']);

type Node = acorn.Node & Record<string, unknown>;

function walk(node: unknown, visit: (n: Node) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) walk(x, visit);
    return;
  }
  const n = node as Node;
  if (typeof n.type !== 'string') return;
  visit(n);
  for (const [k, v] of Object.entries(n)) if (k !== 'loc' && v && typeof v === 'object') walk(v, visit);
}

function position(src: string, offset: number): { line: number; column: number } {
  const before = src.slice(0, offset);
  const line = before.split(/\r\n|\r|\n|\u2028|\u2029/).length;
  const lastBreak = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'), before.lastIndexOf('\u2028'), before.lastIndexOf('\u2029'));
  return { line, column: offset - (lastBreak + 1) };
}

function unexpected(src: string, offset: number): SyntaxProblem {
  const p = position(src, offset);
  return { message: `Unexpected token (${p.line}:${p.column})`, ...p };
}

/** First 1.0 violation (by source position), if any. */
function firstV1Violation(src: string, ast: acorn.Node): SyntaxProblem | undefined {
  const offsets: number[] = [];
  walk(ast, (n) => {
    switch (n.type) {
      case 'ClassDeclaration':
      case 'ClassExpression':
      case 'ImportDeclaration':
      case 'ImportExpression':
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration':
      case 'ExportAllDeclaration':
      case 'AwaitExpression':
      case 'YieldExpression':
        offsets.push(n.start);
        break;
      case 'Property':
        if (n.method === true) offsets.push((n.value as acorn.Node).start);
        break;
      case 'MemberExpression':
      case 'CallExpression':
        if (n.optional === true) {
          const from = (n.type === 'MemberExpression' ? (n.object as acorn.Node) : (n.callee as acorn.Node)).end;
          const at = src.indexOf('?.', from);
          offsets.push(at >= 0 ? at : n.start);
        }
        break;
    }
  });
  if (offsets.length === 0) return undefined;
  return unexpected(src, Math.min(...offsets));
}

export function checkScript(src: string, version: AirScriptVersion): Checked {
  let ast: acorn.Node;
  try {
    ast = acorn.parse(src, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: version === '2.0',
      locations: true,
    });
  } catch (e) {
    const err = e as { message?: string; pos?: number; loc?: { line: number; column: number } };
    const loc = err.loc ?? position(src, err.pos ?? 0);
    let message = err.message ?? 'Unexpected token';
    // acorn names the module goal for import/export; a 1.0 parser just stumbles on the keyword.
    if (/'import' and 'export' may appear only|Cannot use keyword 'await'|Unexpected reserved word/.test(message)) message = `Unexpected token (${loc.line}:${loc.column})`;
    return { problem: { message, line: loc.line, column: loc.column }, consoleCalls: {} };
  }
  const consoleCalls: Record<string, string> = {};
  walk(ast, (n) => {
    if (n.type !== 'CallExpression') return;
    const callee = n.callee as Node;
    if (callee.type !== 'MemberExpression' || callee.computed) return;
    const object = callee.object as Node;
    const property = callee.property as Node;
    if (object.type !== 'Identifier' || object.name !== 'console' || property.type !== 'Identifier' || !CONSOLE_LEVELS.has(property.name as string)) return;
    const p = property.loc!.start;
    const s = n.loc!.start;
    consoleCalls[`${p.line}:${p.column + 1}`] = `${s.line}:${s.column + 1}`;
  });
  return { problem: version === '1.0' ? firstV1Violation(src, ast) : undefined, consoleCalls };
}
