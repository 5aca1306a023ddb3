// Shared set-up of the Kingsoft Docs suites: the embedded kdocs sandbox (its account signs in by itself through the
// sandbox's auto-approving OAuth page), URIs of its two spaces, the browser stand-in and tree helpers.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { type Answer, asUser } from './user';
import type { KdocsSandbox, KdocsSandboxControl, KdocsSpace } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/tree/nodes';
import { children, kindOf, setup } from './support';

export const KD_ACCOUNT = 'kd-sandbox';

export interface KdEnv {
  api: DocWorkspacesApi;
  sandbox: KdocsSandbox;
  control: KdocsSandboxControl;
  /** A folder name that belongs to this run (created on demand by the tests that use it). */
  base: string;
}

export async function kdSetup(): Promise<KdEnv> {
  const { api } = await setup();
  const sandbox = api.vendorSandbox('kdocs') as KdocsSandbox | undefined;
  assert.ok(sandbox, 'the embedded kdocs sandbox runs next to the Gokuai one');
  return { api, sandbox, control: sandbox.control, base: `kd-tests-${Date.now().toString(36)}` };
}

export const kdUri = (space: KdocsSpace, path: string, account = KD_ACCOUNT) =>
  vscode.Uri.from({ scheme: 'kdocs', authority: account, path: `/${space}/${path}` });

/** Requests of the kdocs sandbox since now ("METHOD path status"). */
export function kdRequestsSince(control: KdocsSandboxControl): () => string[] {
  const mark = control.requestCount;
  return () => control.requestsSince(mark).map((r) => `${r.method} ${r.path} ${r.status}`);
}

/**
 * Plays the user and the browser while `fn` runs: prompts are answered with `answers` (scripted user, see user.ts),
 * every page the extension opens is recorded; for authorize pages the sandbox approves at once, and the redirect
 * (vscode://.../kdocs-auth?code=&state=) is handed to the extension's URI handler as VS Code would.
 */
export async function withBrowser<T>(
  api: DocWorkspacesApi, fn: (opened: string[]) => Promise<T>,
  opts: { beforeCallback?: () => void; answers?: Answer[]; allowErrors?: boolean } = {},
): Promise<T> {
  const opened: string[] = [];
  const { result } = await asUser(api, opts.answers ?? [], () => fn(opened), {
    allowErrors: opts.allowErrors,
    onOpenExternal: async (url) => {
      opened.push(url);
      if (!url.includes('/h5/auth')) return true;
      const res = await fetch(url, { redirect: 'manual' });
      const location = res.headers.get('location');
      assert.ok(location, `the authorize page redirects (status ${res.status})`);
      opts.beforeCallback?.();
      // Asynchronously, like a browser coming back later.
      setImmediate(() => api.handleUri(callbackUri(location)));
      return true;
    },
  });
  return result;
}

/**
 * The URI VS Code hands the extension for a redirect: the location itself on desktop (vscode://<ext>/kdocs-auth?...);
 * in web hosts asExternalUri wraps the callback in an http `/callback?vscode-scheme=&vscode-authority=&vscode-path=`
 * URL, which the host unwraps the same way.
 */
function callbackUri(location: string): vscode.Uri {
  const u = new URL(location);
  const path = u.searchParams.get('vscode-path');
  if (/^https?:$/.test(u.protocol) && path) {
    const q = new URLSearchParams(u.searchParams.get('vscode-query') ?? '');
    for (const k of ['code', 'state', 'error']) if (u.searchParams.has(k)) q.set(k, u.searchParams.get(k) ?? '');
    return vscode.Uri.from({ scheme: u.searchParams.get('vscode-scheme') ?? vscode.env.uriScheme, authority: u.searchParams.get('vscode-authority') ?? '', path, query: q.toString() });
  }
  return vscode.Uri.parse(location);
}

export async function kdAccountNode(api: DocWorkspacesApi, account = KD_ACCOUNT): Promise<TreeNode> {
  const node = (await children(api)).find((n) => n.kind === 'account' && n.accountId === account);
  assert.ok(node, `account node ${account}`);
  return node;
}

/** The child of `parent` of the given kind (and predicate). */
export async function childOf(api: DocWorkspacesApi, parent: TreeNode, kind: string, pred: (n: TreeNode) => boolean = () => true): Promise<TreeNode> {
  const found = (await children(api, parent)).find((n) => kindOf(n) === kind && pred(n));
  assert.ok(found, `a ${kind} node below ${parent.id}: ${(await children(api, parent)).map(kindOf).join(', ')}`);
  return found;
}

export const kinds = async (api: DocWorkspacesApi, parent: TreeNode) => (await children(api, parent)).map(kindOf);

/** A field of a vendor node ('space' of a kdSpace, 'section' of a kdSection...), undefined for other nodes. */
export function field(n: TreeNode, name: string): unknown {
  return n.kind === 'vendor' ? (n as unknown as Record<string, unknown>)[name] : undefined;
}
