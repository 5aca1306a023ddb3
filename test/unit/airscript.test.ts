import * as assert from 'assert';
import { checkSyntax } from '../../src/vscode/airscript/syntax';
import { chainBefore, declarations, GLOBALS, membersAfter, TYPES, typeOf } from '../../src/vscode/airscript/typings';

describe('AirScript 1.0 syntax check', () => {
  const at = (code: string) => checkSyntax(code, '1.0').map((p) => [p.line, p.column, p.message.split(' ')[0]]);

  it('reports every construct 1.0 refuses, each at its line and column', () => {
    const code = [
      'var a = 1;',
      'class Sheet {}',
      'var b = a?.x;',
      'var o = { go() { return 1; } };',
      'function* g() { yield 1; }',
      'async function f() { await g(); }',
      'export var z = 1;',
    ].join('\n');
    assert.deepStrictEqual(at(code), [
      [2, 1, '`class`'],
      [3, 9, 'optional'],
      [4, 11, 'method'],
      [5, 17, '`yield`'],
      [6, 22, '`await`'],
      [7, 1, '`export`'],
    ]);
  });

  it('accepts ES5 (and getters), and 2.0 accepts all of the above', () => {
    assert.deepStrictEqual(checkSyntax('var o = { get x() { return 1; }, y: function () {} }; for (var i = 0; i < 3; i++) console.log(i);', '1.0'), []);
    assert.deepStrictEqual(checkSyntax('class A {} const b = a?.x; async function f() { await 1; }', '2.0'), []);
  });

  it('a script that is no JavaScript gets the parser\'s error at its position, whatever the version', () => {
    for (const v of ['1.0', '2.0']) {
      const [p] = checkSyntax('var a = ;\n', v);
      assert.deepStrictEqual([p.line, p.column], [1, 9], v);
      assert.match(p.message, /Unexpected token/);
    }
  });
});

describe('AirScript typings', () => {
  it('resolves member chains through calls to their types', () => {
    assert.strictEqual(typeOf(['Application', 'Sheets', 'Range']), 'Range');
    assert.strictEqual(typeOf(['Application', 'Nope']), undefined);
    assert.ok(membersAfter(['Application', 'ActiveSheet'])?.some((m) => m.name === 'UsedRange'));
  });

  it('reads the chain before the cursor, skipping call arguments', () => {
    const text = 'var v = Application.Sheets(1).Range("A1:B2").Va';
    assert.deepStrictEqual(chainBefore(text, text.length), { chain: ['Application', 'Sheets', 'Range'], partial: 'Va' });
    assert.deepStrictEqual(chainBefore('console.', 8), { chain: ['console'], partial: '' });
    assert.deepStrictEqual(chainBefore('Appl', 4), { chain: [], partial: 'Appl' });
  });

  it('every member type is a known type or a plain one, and the declarations name every global', () => {
    const plain = new Set(['string', 'number', 'any', 'void', 'object', 'any[]']);
    for (const [type, members] of Object.entries(TYPES)) {
      for (const m of members) assert.ok(TYPES[m.type] || plain.has(m.type), `${type}.${m.name}: ${m.type}`);
    }
    const d = declarations();
    for (const name of Object.keys(GLOBALS)) assert.match(d, new RegExp(`declare (const|function) ${name}\\b`));
  });
});
