import * as vscode from 'vscode';

/**
 * Telling text from binary content and the language of a file by its name, without opening it (opening a remote file
 * means downloading it again). Used where content goes into a text editor that is not the file's own (edit a copy).
 */

/**
 * Extensions of formats that are never plain text (Office and WPS documents, archives, media): refused without
 * downloading, and the tree does not offer "Edit a Copy" on them. Other files are checked by content (textOf).
 */
const BINARY_EXTENSIONS = new Set([
  'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'pdf', 'wps', 'et', 'dps', 'odt', 'ods', 'odp',
  'zip', 'rar', '7z', 'gz', 'tgz', 'tar', 'bz2', 'xz', 'exe', 'dll', 'bin', 'iso', 'dmg',
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'webp', 'ico', 'tif', 'tiff', 'psd', 'heic',
  'mp3', 'wav', 'flac', 'aac', 'ogg', 'mp4', 'mov', 'avi', 'mkv', 'webm', 'ttf', 'otf', 'woff', 'woff2',
]);

export function isKnownBinaryName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && BINARY_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/** The content as text, or undefined when it is not UTF-8 text (invalid UTF-8, or a NUL byte as binaries have). */
export function textOf(data: Uint8Array): string | undefined {
  if (data.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return undefined;
  }
}

interface LanguageContribution { id?: string; extensions?: string[]; filenames?: string[] }

/**
 * The language VS Code gives a file of this name: `files.associations` (exact names and `*.ext` patterns), then the
 * languages contributed by extensions (exact file names, then the longest matching extension); else plain text.
 * Asking VS Code itself would mean opening the remote file, that is downloading it again.
 */
export function languageOfName(name: string): string {
  const lower = name.toLowerCase();
  const associations = vscode.workspace.getConfiguration('files').get<Record<string, string>>('associations') ?? {};
  for (const [pattern, id] of Object.entries(associations)) {
    const p = pattern.toLowerCase().replace(/^\*\*\//, '');
    if (p === lower || (/^\*\.[^*?/[\]{}]+$/.test(p) && lower.endsWith(p.slice(1)))) return id;
  }
  let best: { id: string; length: number } | undefined;
  for (const ext of vscode.extensions.all) {
    const langs = (ext.packageJSON as { contributes?: { languages?: LanguageContribution[] } }).contributes?.languages ?? [];
    for (const l of langs) {
      if (!l.id) continue;
      if (l.filenames?.some((f) => f.toLowerCase() === lower)) return l.id;
      for (const e of l.extensions ?? []) {
        if (lower.endsWith(e.toLowerCase()) && e.length > (best?.length ?? 0)) best = { id: l.id, length: e.length };
      }
    }
  }
  return best?.id ?? 'plaintext';
}
