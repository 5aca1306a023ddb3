// Translation completeness: every message the extension passes to vscode.l10n.t has a zh-cn translation with the same
// placeholders, and every %key% of package.json is in both package.nls files. Reads the sources, so a string added
// anywhere in src/ without its translation fails here with its file and line.
import * as assert from 'assert';
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const REPO = path.resolve(__dirname, '..', '..', '..');
const readJson = (rel: string) => JSON.parse(readFileSync(path.join(REPO, rel), 'utf8')) as Record<string, unknown>;

interface Message { key: string; where: string }

/** The first argument of every `<x>.l10n.t(...)` call in the TypeScript files below `dir`; non-literal ones too. */
function l10nCalls(dir: string): { literals: Message[]; computed: string[] } {
  const literals: Message[] = [];
  const computed: string[] = [];
  const files = (readdirSync(path.join(REPO, dir), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).sort();
  for (const rel of files) {
    const file = path.join(REPO, dir, rel);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const where = (n: ts.Node) => `${path.join(dir, rel)}:${source.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && isL10nT(n.expression)) {
        const arg = n.arguments[0];
        if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) literals.push({ key: arg.text, where: where(n) });
        else computed.push(where(n));
      }
      ts.forEachChild(n, visit);
    };
    visit(source);
  }
  return { literals, computed };
}

/** `l10n.t` or `<anything>.l10n.t`. */
function isL10nT(e: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(e) || e.name.text !== 't') return false;
  const owner = e.expression;
  return (ts.isIdentifier(owner) && owner.text === 'l10n') || (ts.isPropertyAccessExpression(owner) && owner.name.text === 'l10n');
}

const placeholders = (s: string) => [...new Set(s.match(/\{\d+\}/g) ?? [])].sort();

describe('translations', () => {
  const { literals, computed } = l10nCalls('src');
  const bundle = readJson('l10n/bundle.l10n.zh-cn.json');

  it('finds the messages of the sources', () => {
    assert.ok(literals.length > 100, `only ${literals.length} l10n.t calls found: is the scan broken?`);
  });

  it('every l10n.t message has a literal key (a computed one cannot be checked or extracted)', () => {
    assert.deepStrictEqual(computed, []);
  });

  it('every l10n.t message is in l10n/bundle.l10n.zh-cn.json', () => {
    const missing = literals.filter((m) => typeof bundle[m.key] !== 'string');
    assert.deepStrictEqual(missing.map((m) => `${m.where}: ${JSON.stringify(m.key)}`), []);
  });

  it('every translation keeps the placeholders of its message', () => {
    const wrong = Object.entries(bundle)
      .filter(([key, value]) => typeof value === 'string' && placeholders(key).join() !== placeholders(value).join())
      .map(([key]) => key);
    assert.deepStrictEqual(wrong, []);
  });

  it('every %key% of package.json is in package.nls.json and package.nls.zh-cn.json', () => {
    const manifest = readFileSync(path.join(REPO, 'package.json'), 'utf8');
    const keys = [...new Set([...manifest.matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]))].sort();
    assert.ok(keys.length > 10, `only ${keys.length} %key% references found`);
    for (const nls of ['package.nls.json', 'package.nls.zh-cn.json']) {
      const table = readJson(nls);
      assert.deepStrictEqual(keys.filter((k) => typeof table[k] !== 'string'), [], `missing in ${nls}`);
    }
  });
});
