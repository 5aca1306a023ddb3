import { createHash } from 'crypto';
import * as vscode from 'vscode';
import type { ConvertCapability, ConvertedFile, ConvertSource } from '../../core/capabilities';
import { InvalidInputError, isDocError, PasswordRequiredError, UnsupportedError } from '../../core/errors';
import { numberedName, splitExt } from '../../core/paths';
import { activeEditorUri, isFromTree, refOf } from '../commands/targets';
import { withCancellableProgress } from '../commands/wrap';
import { ConversionCache } from '../conversions';
import type { Mounted, Services } from '../types';
import { ui } from '../ui';
import { baseName, parentPath, toUri, withPath } from '../uri';
import { type AccountStore, accountsWith, storesWith } from './common';

/**
 * Convert…, Extract Text and Open as Markdown, for every account whose stores have a converter (ConvertCapability),
 * on their own files, on other vendors' files and on local files (the Explorer): a target valid for the source, a page
 * range where it applies, a password only when the source turns out to be protected (never logged), progress with
 * cancel while the server task runs, and the result saved next to the source or in a local folder (images: a folder of
 * pages) with an Open action. Results are cached by source version, target and pages (ConversionCache): converting the
 * same version again costs no quota.
 */

/** What a command converts: its name, its URI, and how the converter gets it. */
interface Source {
  name: string;
  uri: vscode.Uri;
  /** The store of a remote file (undefined for local files). */
  mounted?: Mounted;
  /** The folder it is in, when the result can be written there (undefined: only a local folder is offered). */
  folder?: vscode.Uri;
}

/** The converter a source goes to, and the source as that converter takes it. */
interface Plan {
  cap: ConvertCapability;
  /** Account id of the converter (part of the cache key), and its name for prompts. */
  converter: string;
  converterLabel: string;
  source: () => Promise<ConvertSource>;
  /** Identity of the source's content: a remote file at its version, a local file's hash. */
  sourceKey: () => Promise<string>;
}

export function targetLabel(target: string): string {
  switch (target) {
    case 'pdf': return vscode.l10n.t('PDF document (.pdf)');
    case 'docx': return vscode.l10n.t('Word document (.docx)');
    case 'xlsx': return vscode.l10n.t('Excel workbook (.xlsx)');
    case 'pptx': return vscode.l10n.t('PowerPoint presentation (.pptx)');
    case 'txt': return vscode.l10n.t('Plain text (.txt)');
    case 'jpg': return vscode.l10n.t('JPEG images, one per page');
    case 'png': return vscode.l10n.t('PNG images, one per page');
    default: return `.${target}`;
  }
}

const PAGES = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/;

function parsePages(text: string): { from: number; to: number } | undefined {
  const m = PAGES.exec(text);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from >= 1 && to >= from ? { from, to } : undefined;
}

export function registerConvertCommands(s: Services): vscode.Disposable[] {
  const cache = new ConversionCache(vscode.Uri.joinPath(s.storageUri, 'conversions'), s.log);
  const markdown = new MarkdownDocuments(s);

  return [
    markdown,
    vscode.workspace.registerTextDocumentContentProvider(MarkdownDocuments.SCHEME, markdown),

    s.command('docWorkspaces.convert', async (arg?: unknown): Promise<vscode.Uri[]> => {
      const src = await sourceOf(s, arg);
      const plan = await planFor(s, src);
      const targets = plan.cap.targets(src.name);
      if (!targets.length) throw new UnsupportedError(vscode.l10n.t("'{0}' cannot be converted: the converter takes Word, Excel and PowerPoint documents.", src.name));
      const title = vscode.l10n.t("Convert '{0}'", src.name);
      const { target } = await ui().pick(targets.map((t) => ({ label: targetLabel(t), description: t, target: t })), { title, placeHolder: vscode.l10n.t('Convert to') });
      let pages: { from: number; to: number } | undefined;
      if (plan.cap.takesPages(target)) {
        const text = await ui().input({
          title, prompt: vscode.l10n.t('Pages to convert, e.g. 2-5 (leave empty for all pages)'), ignoreFocusOut: true,
          validateInput: (v) => (!v.trim() || parsePages(v) ? undefined : vscode.l10n.t('Enter a page or a range such as 2-5.')),
        });
        pages = text.trim() ? parsePages(text) : undefined;
      }
      const dest = await destinationOf(s, src, title);

      const key = ConversionCache.key({ converter: plan.converter, source: await plan.sourceKey(), target, pages });
      let files = await cache.get(key);
      if (files) {
        s.log.info(`Convert: ${src.name} to ${target} from the cache (no conversion request)`);
      } else {
        files = await withPassword(src.name, (password) => withCancellableProgress(vscode.l10n.t("Converting '{0}' to {1}", src.name, target.toUpperCase()), async (signal, report) => {
          let shown = 0;
          const onProgress = (done: number, total: number) => {
            const pct = total > 0 ? Math.min(100, Math.round((done * 100) / total)) : 0;
            report(`${pct}%`, Math.max(0, pct - shown));
            shown = Math.max(shown, pct);
          };
          return plan.cap.convert(await plan.source(), target, { signal, onProgress, password, pages });
        }));
        await cache.put(key, files);
      }
      const saved = await save(dest, src.name, target, files);
      const open = vscode.l10n.t('Open');
      const what = saved.length === 1 ? baseName(saved[0].path) : vscode.l10n.t('{0} pages in {1}', saved.length, baseName(parentOf(saved[0]).path));
      void ui().notify('info', vscode.l10n.t("'{0}' converted: {1}.", src.name, what), open).then((pick) => {
        if (pick === open) void vscode.commands.executeCommand('vscode.open', saved[0]);
      });
      return saved;
    }),

    s.command('docWorkspaces.extractText', async (arg?: unknown): Promise<vscode.TextDocument> => {
      const src = await sourceOf(s, arg);
      const plan = await planFor(s, src);
      const extract = plan.cap.extractText;
      if (!extract || !plan.cap.canExtract?.(src.name)) {
        throw new UnsupportedError(vscode.l10n.t("The text of '{0}' cannot be extracted: the converter takes Word, Excel and PowerPoint documents.", src.name));
      }
      const text = await withPassword(src.name, (password) => withCancellableProgress(vscode.l10n.t("Extracting the text of '{0}'", src.name), async (signal) =>
        extract.call(plan.cap, await plan.source(), { signal, password })));
      const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
      await vscode.window.showTextDocument(doc, { preview: false });
      return doc;
    }),

    s.command('docWorkspaces.openAsMarkdown', async (arg?: unknown): Promise<vscode.Uri> => {
      const src = await sourceOf(s, arg);
      const cap = src.mounted?.caps.convert;
      if (!cap?.markdown || !cap.hasMarkdown?.(src.name)) {
        throw new UnsupportedError(vscode.l10n.t("'{0}' cannot be opened as Markdown: only online outline documents can.", src.name));
      }
      const uri = MarkdownDocuments.uriOf(src.uri, src.name);
      const doc = await withCancellableProgress(vscode.l10n.t("Opening '{0}' as Markdown", src.name), async () => vscode.workspace.openTextDocument(uri));
      await vscode.window.showTextDocument(doc, { preview: false });
      return uri;
    }),
  ];
}

/** Runs `fn`; when the document turns out to be protected, asks its password (naming the file) and runs it again. */
async function withPassword<T>(name: string, fn: (password?: string) => Thenable<T>): Promise<T> {
  let password: string | undefined;
  for (;;) {
    try {
      return await fn(password);
    } catch (e) {
      if (!isDocError(e, 'PasswordRequired')) throw e;
      const wrong = password !== undefined || (e as PasswordRequiredError).wrong;
      password = await ui().input({
        title: vscode.l10n.t("'{0}' is protected", name),
        prompt: wrong ? vscode.l10n.t('That password was refused. Password of the document:') : vscode.l10n.t('Password of the document:'),
        password: true, ignoreFocusOut: true,
        validateInput: (v) => (v ? undefined : vscode.l10n.t('Enter the password.')),
      });
    }
  }
}

/** The file a command acts on: a tree row or remote URI (any vendor), a local file (Explorer), else the active editor. */
async function sourceOf(s: Services, arg: unknown): Promise<Source> {
  const x = isFromTree(arg) ? s.treeView.selection[0] : arg ?? activeEditorUri();
  if (x instanceof vscode.Uri && !s.vendors.isRemoteUri(x)) {
    const stat = await vscode.workspace.fs.stat(x);
    if (stat.type & vscode.FileType.Directory) throw new InvalidInputError(vscode.l10n.t('"{0}" is a folder: choose a document.', baseName(x.path)));
    const folder = parentOf(x);
    return { name: baseName(x.path), uri: x, folder: folder.scheme === 'file' || folder.scheme === 'vscode-remote' ? folder : undefined };
  }
  const ref = refOf(s, x);
  if (!ref || !ref.path) throw new InvalidInputError(vscode.l10n.t('Choose a document: a file in the Doc Workspaces view, the Explorer or an open editor.'));
  const mounted = await s.files.resolve(ref);
  if (ref.type === 'folder' || (await mounted.fs.stat(mounted.path)).type === 'folder') {
    throw new InvalidInputError(vscode.l10n.t('"{0}" is a folder: choose a document.', baseName(ref.path)));
  }
  // Items addressed by id (no folder path, e.g. kdocs `~token/...`) have no folder to write next to.
  const inFolder = mounted.caps.write && mounted.caps.convert?.resultsNextToSource !== false && !parentPath(ref.path).split('/').some((seg) => seg.startsWith('~'));
  return { name: baseName(ref.path), uri: toUri(ref), mounted, folder: inFolder ? toUri(withPath(ref, parentPath(ref.path))) : undefined };
}

/** The converter of a source: its own store's when it has one, else the one converter there is, else a pick. */
async function planFor(s: Services, src: Source): Promise<Plan> {
  const own = src.mounted?.caps.convert;
  const m = src.mounted;
  if (own && m) {
    const account = s.accounts.find(src.uri.authority);
    return {
      cap: own, converter: src.uri.authority, converterLabel: account ? s.accounts.describe(account).label : src.uri.authority,
      source: async () => ({ kind: 'store', path: m.path }),
      sourceKey: async () => {
        const e = await m.fs.stat(m.path);
        return `${src.uri.toString()}@${e.version || `${e.mtime}:${e.size}`}`;
      },
    };
  }
  const converters = await converterStores(s);
  if (!converters.length) throw new UnsupportedError(vscode.l10n.t('None of your accounts can convert documents.'));
  const st = converters.length === 1 ? converters[0]
    : (await ui().pick(converters.map((c) => ({ label: c.label, description: c.account.host, c })), { title: vscode.l10n.t("Convert '{0}'", src.name), placeHolder: vscode.l10n.t('Which account converts it?') })).c;
  let data: Uint8Array | undefined;
  const bytes = async () => (data ??= await vscode.workspace.fs.readFile(src.uri));
  return {
    cap: st.mount.caps.convert, converter: st.account.id, converterLabel: st.label,
    source: async () => ({ kind: 'bytes', name: src.name, data: await bytes() }),
    sourceKey: async () => `sha1:${createHash('sha1').update(await bytes()).digest('hex')}`,
  };
}

/** One converter per account (an account's stores share its converter service). */
async function converterStores(s: Services): Promise<Array<AccountStore<'convert'>>> {
  const all = await Promise.all(accountsWith(s, 'convert').map((a) => storesWith(s, a, 'convert').catch(() => [])));
  return all.flatMap((stores) => stores.filter((st) => st.mount.caps.convert.takesBytes !== false).slice(0, 1));
}

/** Where the result goes: next to the source (when that folder can be written), or a local folder the user picks. */
async function destinationOf(s: Services, src: Source, title: string): Promise<vscode.Uri> {
  const here = src.folder;
  const next = { label: vscode.l10n.t("Next to '{0}'", src.name), description: here?.scheme === 'file' ? here.fsPath : undefined, here: true };
  const local = { label: vscode.l10n.t('In a local folder…'), here: false };
  const choice = here ? await ui().pick([next, local], { title, placeHolder: vscode.l10n.t('Save the result') }) : local;
  if (choice.here && here) return here;
  const [folder] = await ui().openDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, title, openLabel: vscode.l10n.t('Save Here') });
  return folder;
}

function parentOf(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(uri, '..');
}

/** A name in `folder` that nothing has yet: `name`, else `name (1)`, `name (2)`... */
async function freeName(folder: vscode.Uri, name: string): Promise<vscode.Uri> {
  for (let n = 0; ; n++) {
    const uri = vscode.Uri.joinPath(folder, n === 0 ? name : numberedName(name, n));
    try {
      await vscode.workspace.fs.stat(uri);
    } catch (e) {
      if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') return uri;
      throw e;
    }
  }
}

/** Writes the converted files: one file next to the source's name, or a folder of pages. */
async function save(folder: vscode.Uri, sourceName: string, target: string, files: readonly ConvertedFile[]): Promise<vscode.Uri[]> {
  const { stem } = splitExt(sourceName);
  if (files.length === 1) {
    const uri = await freeName(folder, `${stem}.${target}`);
    await vscode.workspace.fs.writeFile(uri, files[0].data);
    return [uri];
  }
  const dir = await freeName(folder, `${stem} (${target})`);
  await vscode.workspace.fs.createDirectory(dir);
  const out: vscode.Uri[] = [];
  for (const f of files) {
    const uri = vscode.Uri.joinPath(dir, f.name);
    await vscode.workspace.fs.writeFile(uri, f.data);
    out.push(uri);
  }
  return out;
}

/**
 * `doc-workspaces-markdown:/<name>.md?<document URI>`: an online outline document rendered as Markdown by its store's
 * converter, read-only (a content provider), re-read each time it is opened.
 */
class MarkdownDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly SCHEME = 'doc-workspaces-markdown';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly s: Services) {}

  static uriOf(source: vscode.Uri, name: string): vscode.Uri {
    return vscode.Uri.from({ scheme: MarkdownDocuments.SCHEME, path: `/${splitExt(name).stem}.md`, query: source.toString() });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const source = vscode.Uri.parse(uri.query);
    const ref = this.s.files.refOf(source);
    if (!ref) throw new InvalidInputError(vscode.l10n.t('This Markdown view belongs to a document that is not in your accounts any more.'));
    const m = await this.s.files.resolve(ref);
    const markdown = m.caps.convert?.markdown;
    if (!markdown) throw new UnsupportedError(vscode.l10n.t("'{0}' cannot be opened as Markdown: only online outline documents can.", baseName(ref.path)));
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      return await markdown.call(m.caps.convert, m.path, { signal: abort.signal });
    } finally {
      sub.dispose();
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
