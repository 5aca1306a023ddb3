import * as vscode from 'vscode';

/**
 * Opens a page outside VS Code (browser); tests replace the opener so no browser starts and they see the page: as a
 * Uri, and as the exact URL string the extension opens.
 */
export type ExternalOpener = (uri: vscode.Uri, url: string) => Thenable<boolean>;

let override: ExternalOpener | undefined;

/** Test hook (extension host outside production only, through the test API): undefined restores openExternal. */
export function setExternalOpener(fn: ExternalOpener | undefined): void {
  override = fn;
}

/**
 * Opens `url` exactly as given. A vscode.Uri would not do for URLs whose query carries another URL (an OAuth
 * redirect_uri that has its own query, as asExternalUri gives in web windows): VS Code opens a Uri as
 * encodeURI(uri.toString(true)), which decodes the nested `%26`/`%3D` and breaks the outer query. The extension host's
 * openExternal also accepts the URL string and then opens it as is, so the string is passed; a host that refuses it
 * gets the Uri. (A vscode.Uri argument is opened as a Uri.)
 */
export async function openExternal(target: string | vscode.Uri): Promise<boolean> {
  if (typeof target !== 'string') return override ? override(target, target.toString(true)) : vscode.env.openExternal(target);
  const url = target;
  if (override) return override(vscode.Uri.parse(url), url);
  try {
    return await vscode.env.openExternal(url as unknown as vscode.Uri);
  } catch {
    return vscode.env.openExternal(vscode.Uri.parse(url));
  }
}
