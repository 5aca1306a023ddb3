import { NotFoundError, UnsupportedError } from '../core/errors';
import type { Entry } from '../core/model';
import type { RemoteFs } from '../core/remote';
import type { Mount, Mounted } from './types';

/**
 * Connection.resolve for accounts made of several stores, each mounted under its own first path segment:
 * `kdocs://acc/personal/a/b.txt` is `a/b.txt` in the store mounted at 'personal'. The account root ('') is a
 * read-only folder that lists the stores (no capabilities). No vscode import: plain logic, unit-tested.
 */
export function spaceResolver(mounts: readonly Mount[]): (path: string) => Mounted {
  const root: Mount = { root: '', fs: new SpacesRoot(mounts.map((m) => m.root)), caps: {} };
  const byName = new Map(mounts.map((m) => [m.root, m]));
  return (path) => {
    if (path === '') return { ...root, path: '' };
    const i = path.indexOf('/');
    const name = i < 0 ? path : path.slice(0, i);
    const m = byName.get(name);
    if (!m) throw new NotFoundError(`No space "${name}" in this account.`);
    return { ...m, path: i < 0 ? '' : path.slice(i + 1) };
  };
}

/** The virtual root: one folder per space, nothing else; it has no write capability. */
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
  async download(): Promise<never> { throw readOnly(); }
}

function folder(name: string, path: string): Entry {
  return { name, path, type: 'folder', size: 0, mtime: 0, ctime: 0, id: '', readonly: true };
}

function readOnly(): UnsupportedError {
  return new UnsupportedError('The account root only lists its spaces: open a space to change files.');
}
