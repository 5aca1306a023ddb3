import * as vscode from 'vscode';
import type { ScriptLog } from '../../core/capabilities';
import { InvalidInputError, isDocError, type ScriptFailedError, UnsupportedError } from '../../core/errors';
import { checkSyntax } from '../airscript/syntax';
import { chainBefore, GLOBALS, membersAfter, typeOf } from '../airscript/typings';
import { withCancellableProgress } from '../commands/wrap';
import { config } from '../config';
import { isCancellation } from '../errors';
import { pickFile } from '../pickers/file';
import type { Services } from '../types';
import { ui } from '../ui';
import { baseName, joinPath, toUri } from '../uri';
import { pickStore } from './common';

/**
 * Scripts kept in the user's own workspace (so they live in git) and run against a document of an account whose store
 * runs scripts (ScriptsCapability: Kingsoft Docs AirScript against an online sheet). A script is bound to its target
 * (picked by browsing the account, remembered per script with its syntax version and its arguments); "Run Script"
 * (editor title, palette, a CodeLens naming the target) runs the file or the selection. Log lines stream into the
 * "AirScript" output as they come, once each, with time, level and `file:line:col` that jumps to the script line; the
 * result is shown pretty-printed; an error becomes a diagnostic at its line and column; Cancel stops waiting (the
 * remote run may still finish). Scripts for syntax 1.0 are checked before they are sent (airscript/syntax.ts).
 * Completions and hovers come from our own typings (airscript/typings.ts).
 */

interface Binding {
  /** URI of the target document. */
  target: string;
  /** Its name, for prompts and the CodeLens. */
  name: string;
  /** AirScript syntax version: '2.0' (modern JavaScript) or '1.0'. */
  version: string;
  /** Arguments as JSON text (`Context.argv`). */
  argv?: string;
}

const BINDINGS = 'docWorkspaces.scripts.bindings';
/** Files that are scripts even before they are bound. */
const SCRIPT_NAME = /\.airscript\.js$/i;

export class Scripts implements vscode.Disposable {
  private readonly output = vscode.window.createOutputChannel('AirScript');
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('airscript');
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly s: Services) {
    const selector: vscode.DocumentSelector = [{ language: 'javascript' }];
    this.subscriptions = [
      this.output, this.diagnostics, this.lensesChanged,
      s.command('docWorkspaces.runScript', (arg?: unknown) => this.run(arg)),
      s.command('docWorkspaces.scriptTarget', (arg?: unknown) => this.bind(this.scriptOf(arg))),
      s.command('docWorkspaces.scriptArguments', (arg?: unknown) => this.setArguments(arg)),
      vscode.languages.registerCodeLensProvider(selector, { onDidChangeCodeLenses: this.lensesChanged.event, provideCodeLenses: (doc) => this.lenses(doc) }),
      vscode.languages.registerCompletionItemProvider(selector, { provideCompletionItems: (doc, pos) => this.completions(doc, pos) }, '.'),
      vscode.languages.registerHoverProvider(selector, { provideHover: (doc, pos) => this.hover(doc, pos) }),
      vscode.workspace.onDidChangeTextDocument((e) => this.diagnostics.delete(e.document.uri)),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()),
      this.lensesChanged.event(() => this.updateContext()),
    ];
    this.updateContext();
  }

  /** `docWorkspaces.activeScript`: the active editor is a script (its title shows Run). */
  private updateContext(): void {
    const doc = vscode.window.activeTextEditor?.document;
    void vscode.commands.executeCommand('setContext', 'docWorkspaces.activeScript', !!doc && doc.languageId === 'javascript' && this.isScript(doc));
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }

  private bindings(): Record<string, Binding> {
    return this.s.state.get<Record<string, Binding>>(BINDINGS, {});
  }

  private bindingOf(doc: vscode.TextDocument | vscode.Uri): Binding | undefined {
    return this.bindings()[('uri' in doc ? doc.uri : doc).toString()];
  }

  private async saveBinding(script: vscode.Uri, b: Binding): Promise<void> {
    await this.s.state.update(BINDINGS, { ...this.bindings(), [script.toString()]: b });
    this.lensesChanged.fire();
  }

  private isScript(doc: vscode.TextDocument): boolean {
    return SCRIPT_NAME.test(doc.uri.path) || this.bindingOf(doc) !== undefined;
  }

  /** The script document of a command: its URI (editor title, CodeLens), else the active editor. */
  private scriptOf(arg: unknown): vscode.TextDocument {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    const doc = uri && vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc || doc.languageId !== 'javascript') throw new InvalidInputError(vscode.l10n.t('Open a JavaScript file of your workspace (the script) first.'));
    return doc;
  }

  /** Picks the document a script runs against: an account that runs scripts, then a file of it, then the syntax. */
  private async bind(doc: vscode.TextDocument): Promise<Binding> {
    const script = baseName(doc.uri.path);
    const title = vscode.l10n.t("Target of '{0}'", script);
    const st = await pickStore(this.s, undefined, 'scripts', vscode.l10n.t('Which account runs the script?'), vscode.l10n.t('None of your accounts runs scripts.'));
    const cap = st.mount.caps.scripts;
    const file = await pickFile(st.mount, { title, accept: (name) => cap.canTarget(name), none: vscode.l10n.t('online sheets') });
    const ref = { scheme: this.s.vendors.get(st.account.vendor).scheme, accountId: st.account.id, path: joinPath(st.mount.root, file.path) };
    const old = this.bindingOf(doc);
    const { version } = await ui().pick([
      { label: vscode.l10n.t('AirScript 2.0 (modern JavaScript)'), version: '2.0' },
      { label: vscode.l10n.t('AirScript 1.0 (no class, ?., await, import or method shorthand)'), version: '1.0' },
    ], { title, placeHolder: vscode.l10n.t('Syntax version of the script') });
    const b: Binding = { target: toUri(ref).toString(), name: file.name, version, argv: old?.argv };
    await this.saveBinding(doc.uri, b);
    void ui().notify('info', vscode.l10n.t("'{0}' runs against '{1}'.", script, file.name));
    return b;
  }

  private async setArguments(arg: unknown): Promise<unknown> {
    const doc = this.scriptOf(arg);
    const b = this.bindingOf(doc) ?? await this.bind(doc);
    const text = await ui().input({
      title: vscode.l10n.t("Arguments of '{0}'", baseName(doc.uri.path)),
      prompt: vscode.l10n.t('Context.argv as JSON (leave empty for none)'),
      value: b.argv ?? '', ignoreFocusOut: true,
      validateInput: (v) => {
        if (!v.trim()) return undefined;
        try {
          JSON.parse(v);
          return undefined;
        } catch (e) {
          return vscode.l10n.t('Not JSON: {0}', e instanceof Error ? e.message : String(e));
        }
      },
    });
    await this.saveBinding(doc.uri, { ...b, argv: text.trim() || undefined });
    return text.trim() ? JSON.parse(text) : undefined;
  }

  private async run(arg: unknown): Promise<{ result: unknown; logs: ScriptLog[] } | undefined> {
    const doc = this.scriptOf(arg);
    const script = baseName(doc.uri.path);
    const b = this.bindingOf(doc) ?? await this.bind(doc);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const selection = editor && !editor.selection.isEmpty ? editor.selection : undefined;
    const code = selection ? doc.getText(selection) : doc.getText();
    // Positions the service reports are in the code sent: shift them back into the file.
    const offset = selection?.start ?? new vscode.Position(0, 0);
    const at = (line: number, column: number) => new vscode.Position(offset.line + line - 1, (line === 1 ? offset.character : 0) + Math.max(0, column - 1));
    this.diagnostics.delete(doc.uri);

    const problems = checkSyntax(code, b.version);
    if (problems.length) {
      this.diagnostics.set(doc.uri, problems.map((p) => new vscode.Diagnostic(new vscode.Range(at(p.line, p.column), at(p.endLine, p.endColumn)), p.message, vscode.DiagnosticSeverity.Error)));
      throw new InvalidInputError(vscode.l10n.t("'{0}' was not run: {1} (line {2}).", script, problems[0].message, at(problems[0].line, problems[0].column).line + 1));
    }

    const target = vscode.Uri.parse(b.target);
    const ref = this.s.files.refOf(target);
    if (!ref) throw new InvalidInputError(vscode.l10n.t("The target of '{0}' is not in your accounts any more: choose another one.", script));
    const m = await this.s.files.resolve(ref);
    const cap = m.caps.scripts;
    if (!cap) throw new UnsupportedError(vscode.l10n.t("Scripts cannot run against '{0}'.", b.name));
    const argv = b.argv ? JSON.parse(b.argv) as unknown : undefined;

    const out = this.output;
    out.show(true);
    out.appendLine('');
    out.appendLine(vscode.l10n.t('▶ {0} on {1} ({2})', selection ? vscode.l10n.t('{0} (selection)', script) : script, b.name, new Date().toLocaleString()));
    const where = (l: ScriptLog) => {
      if (!l.file || l.file === '<system>' || l.line === undefined) return l.file ?? '';
      const p = at(l.line, l.column ?? 1);
      // A path VS Code's output links to (file:line:col jumps to the script line).
      return doc.uri.scheme === 'file' ? `${doc.uri.fsPath}:${p.line + 1}:${p.character + 1}` : `${script}:${p.line + 1}:${p.character + 1}`;
    };
    const logs: ScriptLog[] = [];
    const onLog = (l: ScriptLog) => {
      logs.push(l);
      out.appendLine([`[${clock(l.time)}]`, l.level.toUpperCase().padEnd(5), where(l), l.text].filter(Boolean).join(' '));
    };
    try {
      const { result } = await withCancellableProgress(vscode.l10n.t("Running '{0}' on '{1}'", script, b.name), (signal) =>
        cap.run(m.path, { code, name: script.replace(/\.js$/i, ''), argv, sync: config.scriptsSync(), version: b.version }, { signal, onLog }));
      out.appendLine(vscode.l10n.t('Result:'));
      out.appendLine(pretty(result));
      // For automation and other extensions: the result and the log lines as they came.
      return { result, logs };
    } catch (e) {
      if (isCancellation(e)) {
        out.appendLine(vscode.l10n.t('Stopped waiting. The script may still finish on the server.'));
        void ui().notify('info', vscode.l10n.t("Stopped waiting for '{0}': the script may still finish on the server.", script));
        return undefined;
      }
      if (isDocError(e, 'ScriptFailed')) {
        const f = e as ScriptFailedError;
        out.appendLine(vscode.l10n.t('Error: {0}', f.message));
        for (const line of f.scriptStack ?? []) out.appendLine(line);
        if (f.where) {
          const p = at(f.where.line, f.where.column);
          const d = new vscode.Diagnostic(new vscode.Range(p, doc.lineAt(Math.min(p.line, doc.lineCount - 1)).range.end), f.message, vscode.DiagnosticSeverity.Error);
          d.source = 'AirScript';
          this.diagnostics.set(doc.uri, [d]);
        }
      }
      throw e;
    }
  }

  private lenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.isScript(doc)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const b = this.bindingOf(doc);
    if (!b) return [new vscode.CodeLens(top, { title: vscode.l10n.t('$(target) Choose the sheet this script runs on…'), command: 'docWorkspaces.scriptTarget', arguments: [doc.uri] })];
    return [
      new vscode.CodeLens(top, { title: vscode.l10n.t("$(play) Run on '{0}'", b.name), command: 'docWorkspaces.runScript', arguments: [doc.uri] }),
      new vscode.CodeLens(top, { title: vscode.l10n.t('Change target…'), command: 'docWorkspaces.scriptTarget', arguments: [doc.uri] }),
      new vscode.CodeLens(top, { title: b.argv ? vscode.l10n.t('Arguments: {0}', b.argv.length > 40 ? `${b.argv.slice(0, 40)}…` : b.argv) : vscode.l10n.t('Arguments…'), command: 'docWorkspaces.scriptArguments', arguments: [doc.uri] }),
    ];
  }

  private completions(doc: vscode.TextDocument, pos: vscode.Position): vscode.CompletionItem[] | undefined {
    if (!this.isScript(doc)) return undefined;
    const found = chainBefore(doc.getText(), doc.offsetAt(pos));
    if (!found) return undefined;
    if (!found.chain.length) {
      return Object.entries(GLOBALS).map(([name, g]) => item(name, vscode.CompletionItemKind.Variable, g.type, g.doc));
    }
    return membersAfter(found.chain)?.map((x) => item(x.name, x.kind === 'method' ? vscode.CompletionItemKind.Method : vscode.CompletionItemKind.Property,
      x.kind === 'method' ? `${x.params}: ${x.type}` : x.type, x.doc));
  }

  private hover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    if (!this.isScript(doc)) return undefined;
    const range = doc.getWordRangeAtPosition(pos, /[\w$]+/);
    if (!range) return undefined;
    const found = chainBefore(doc.getText(), doc.offsetAt(range.end));
    if (!found) return undefined;
    const name = found.partial;
    if (!found.chain.length) {
      const g = GLOBALS[name];
      return g && new vscode.Hover(new vscode.MarkdownString().appendCodeblock(`${name}: ${g.type}`, 'typescript').appendMarkdown(g.doc), range);
    }
    const owner = typeOf(found.chain);
    const x = membersAfter(found.chain)?.find((y) => y.name === name);
    if (!x) return undefined;
    const sig = x.kind === 'method' ? `${owner}.${x.name}${x.params}: ${x.type}` : `${owner}.${x.name}: ${x.type}`;
    return new vscode.Hover(new vscode.MarkdownString().appendCodeblock(sig, 'typescript').appendMarkdown(x.doc), range);
  }
}

function item(label: string, kind: vscode.CompletionItemKind, detail: string, doc: string): vscode.CompletionItem {
  const it = new vscode.CompletionItem(label, kind);
  it.detail = detail;
  it.documentation = new vscode.MarkdownString(doc);
  return it;
}

function clock(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function pretty(result: unknown): string {
  if (typeof result === 'string') {
    try {
      return JSON.stringify(JSON.parse(result), null, 2);
    } catch {
      return result;
    }
  }
  return JSON.stringify(result, null, 2) ?? String(result);
}
