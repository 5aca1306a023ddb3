/**
 * Mount paths (RemoteFs): '/'-separated, no leading or trailing slash, '' = the root.
 */
import type { Entry } from './model';

/** `a//b/` and `/a/b` -> `a/b`. */
export function normalizePath(path: string): string {
  return path.split('/').filter((s) => s !== '').join('/');
}

export function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** '' for a top-level path. */
export function parentPath(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** `report.final.docx` -> `report.final` + `.docx`; dotfiles and names without a dot have no extension. */
export function splitExt(name: string): { stem: string; ext: string } {
  const i = name.lastIndexOf('.');
  return i <= 0 ? { stem: name, ext: '' } : { stem: name.slice(0, i), ext: name.slice(i) };
}

/** `name (n).ext`: the usual way to name another file next to `name.ext`. */
export function numberedName(name: string, n: number): string {
  const { stem, ext } = splitExt(name);
  return `${stem} (${n})${ext}`;
}

/** The entry of a mount's root folder (vendors have no object for it: its id is ''). */
export function rootEntry(): Entry {
  return { name: '', path: '', type: 'folder', size: 0, mtime: 0, ctime: 0, id: '', version: '' };
}
