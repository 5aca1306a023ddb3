import { NotFoundError, UnsupportedError } from '../core/errors';
import type { Entry } from '../core/model';
import type { RemoteFs } from '../core/remote';
import type { Mounted } from './vendors/types';

/**
 * Connection.resolve for accounts made of several spaces, each one RemoteFs mounted under its own first path segment:
 * `kdocs://acc/personal/a/b.txt` is `a/b.txt` in spaces.personal. The account root ('') is a read-only folder that
 * lists the spaces. No vscode import: plain logic, unit-tested.
 */
export function spaceResolver(spaces: Readonly<Record<string, RemoteFs>>): (path: string) => Mounted {
  const root = new SpacesRoot(Object.keys(spaces));
  return (path) => {
    if (path === '') return { fs: root, path: '', root: '' };
    const i = path.indexOf('/');
    const name = i < 0 ? path : path.slice(0, i);
    const fs = Object.prototype.hasOwnProperty.call(spaces, name) ? spaces[name] : undefined;
    if (!fs) throw new NotFoundError(`No space "${name}" in this account.`);
    return { fs, path: i < 0 ? '' : path.slice(i + 1), root: name };
  };
}

/** The virtual root: one folder per space, nothing else, nothing writable. */
class SpacesRoot implements RemoteFs {
  constructor(private readonly names: readonly string[]) {}

  async stat(path: string): Promise<Entry> {
    if (path !== '') throw new NotFoundError(`"${path}" is not a space of this account.`);
    return folder('', '');
  }

  async list(path: string): Promise<{ items: Entry[] }> {
    return { items: await this.listAll(path) };
  }

  async listAll(path: string): Promise<Entry[]> {
    await this.stat(path);
    return this.names.map((n) => folder(n, n));
  }

  async read(): Promise<never> { throw readOnly(); }
  async write(): Promise<never> { throw readOnly(); }
  async upload(): Promise<never> { throw readOnly(); }
  async download(): Promise<never> { throw readOnly(); }
  async mkdir(): Promise<never> { throw readOnly(); }
  async delete(): Promise<never> { throw readOnly(); }
  async rename(): Promise<never> { throw readOnly(); }
  async copy(): Promise<never> { throw readOnly(); }
}

function folder(name: string, path: string): Entry {
  return { name, path, type: 'folder', size: 0, mtime: 0, ctime: 0, readonly: true };
}

function readOnly(): UnsupportedError {
  return new UnsupportedError('The account root only lists its spaces: open a space to change files.');
}
