import type * as vscode from 'vscode';
import { NotFoundError } from '../../core/errors';
import { writableSchemeOf } from '../uri';
import type { VendorGlue, VendorId, VendorRegistryView } from '../types';

/** The vendors this extension build knows, looked up by id or URI scheme. */
export class VendorRegistry implements VendorRegistryView {
  private readonly byVendor = new Map<VendorId, VendorGlue>();
  private readonly byScheme = new Map<string, VendorGlue>();

  constructor(readonly all: readonly VendorGlue[]) {
    for (const g of all) {
      if (this.byVendor.has(g.vendor) || this.byScheme.has(g.scheme)) throw new Error(`Vendor ${g.vendor} (${g.scheme}://) registered twice`);
      this.byVendor.set(g.vendor, g);
      this.byScheme.set(g.scheme, g);
    }
  }

  get(vendor: VendorId): VendorGlue {
    const g = this.byVendor.get(vendor);
    if (!g) throw new NotFoundError(`No support for ${vendor} in this version of Doc Workspaces.`);
    return g;
  }

  /** The vendor of a writable or read-only scheme (gokuai, gokuai-ro...). */
  forScheme(scheme: string): VendorGlue | undefined {
    return this.byScheme.get(writableSchemeOf(scheme));
  }

  /** True for URIs of any vendor's file systems (writable or read-only). */
  isRemoteUri(uri: vscode.Uri): boolean {
    return this.forScheme(uri.scheme) !== undefined;
  }

  /** The writable schemes (for the `docWorkspaces.schemes` context key of explorer / editor menus). */
  get schemes(): string[] {
    return [...this.byScheme.keys()];
  }
}
