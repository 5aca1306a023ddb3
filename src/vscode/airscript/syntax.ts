import * as acorn from 'acorn';

/**
 * What AirScript 1.0 refuses before a run: `class`, object-method shorthand, `import`/`export`, optional chaining,
 * `await` and `yield` (vendor-facts: "SyntaxError: Unexpected token (line:col)"). The script is parsed by a real
 * JavaScript parser (acorn) as modern JavaScript, then every node 1.0 does not know is reported with its position, so
 * all of them show at once, not only the first. A script that is no JavaScript at all gets the parser's own error.
 * Plain logic, no vscode import: unit-tested.
 */

export interface SyntaxProblem {
  /** 1-based line and column (acorn's column is 0-based; VS Code positions are derived by the caller). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

const REFUSED: Readonly<Record<string, string>> = {
  ClassDeclaration: '`class` is not available in AirScript 1.0',
  ClassExpression: '`class` is not available in AirScript 1.0',
  ChainExpression: 'optional chaining `?.` is not available in AirScript 1.0',
  AwaitExpression: '`await` is not available in AirScript 1.0',
  YieldExpression: '`yield` is not available in AirScript 1.0',
  ImportDeclaration: '`import` is not available in AirScript 1.0',
  ImportExpression: '`import()` is not available in AirScript 1.0',
  ExportNamedDeclaration: '`export` is not available in AirScript 1.0',
  ExportDefaultDeclaration: '`export` is not available in AirScript 1.0',
  ExportAllDeclaration: '`export` is not available in AirScript 1.0',
};

type AnyNode = acorn.Node & Record<string, unknown>;

/** The problems of `code` for AirScript `version` ('1.0' or '2.0'); 2.0 only gets the parser's own errors. */
export function checkSyntax(code: string, version: string): SyntaxProblem[] {
  let ast: acorn.Node;
  try {
    // A script, with top-level await and import/export allowed so they can be reported in words rather than as
    // the parser's first error.
    ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true, locations: true });
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number; column: number } };
    const line = err.loc?.line ?? 1;
    const column = (err.loc?.column ?? 0) + 1;
    return [{ line, column, endLine: line, endColumn: column + 1, message: err.message.replace(/\s*\(\d+:\d+\)$/, '') }];
  }
  if (version !== '1.0') return [];
  const problems: SyntaxProblem[] = [];
  const visit = (node: AnyNode): void => {
    const refused = REFUSED[node.type];
    const shorthand = node.type === 'Property' && node.method === true;
    if (refused || shorthand) {
      const loc = node.loc!;
      problems.push({
        line: loc.start.line, column: loc.start.column + 1, endLine: loc.end.line, endColumn: loc.end.column + 1,
        message: refused ?? 'method shorthand `name() {}` is not available in AirScript 1.0: write `name: function () {}`',
      });
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) for (const child of value) { if (isNode(child)) visit(child); }
      else if (isNode(value)) visit(value);
    }
  };
  visit(ast as AnyNode);
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

function isNode(x: unknown): x is AnyNode {
  return typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string' && 'start' in x;
}
