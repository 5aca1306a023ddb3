import * as vscode from 'vscode';

/**
 * The one seam between the extension and its user. Every input box, QuickPick, confirmation, open/save dialog,
 * notification and page opened in the browser goes through `ui()`; nothing else in src/vscode calls
 * vscode.window.show* (the linter enforces it). Production answers with VS Code's own UI. The integration tests install
 * a scripted user (through the test API, outside production only) that answers the prompts in order and fails on a
 * prompt nobody answered or an answer left over: every command test runs the same prompt flow a user sees.
 *
 * A dismissed prompt throws vscode.CancellationError, which the command wrapper ends silently (commands/wrap.ts), so
 * flows read straight through instead of checking for undefined after every step.
 */

export type PickOptions = Omit<vscode.QuickPickOptions, 'canPickMany' | 'onDidSelectItem'>;

/** What a modal confirmation shows besides its message and buttons (VS Code adds Cancel itself). */
export interface ConfirmOptions {
  /** Second line of the modal. */
  detail?: string;
}

export type NotificationKind = 'info' | 'warning' | 'error';

export interface UserInput {
  /** One item of a list (items may still be loading: the QuickPick shows its busy state meanwhile). */
  pick<T extends vscode.QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, o: PickOptions): Promise<T>;
  /** Several items; an empty selection is an answer too. */
  pickMany<T extends vscode.QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, o: PickOptions): Promise<T[]>;
  /** A line of text (validated by `o.validateInput` as the user types). */
  input(o: vscode.InputBoxOptions): Promise<string>;
  /** A modal question: resolves with the button chosen; Cancel (always offered) or Escape throw CancellationError. */
  confirm(message: string, o: ConfirmOptions, ...buttons: string[]): Promise<string>;
  /** Files or folders of the machine the extension host can read. */
  openDialog(o: vscode.OpenDialogOptions): Promise<vscode.Uri[]>;
  saveDialog(o: vscode.SaveDialogOptions): Promise<vscode.Uri>;
  /**
   * A notification (not modal, never waited for by a flow): resolves with the button clicked, or undefined when it
   * was closed or has no buttons.
   */
  notify(kind: NotificationKind, message: string, ...buttons: string[]): Thenable<string | undefined>;
  /** A QuickPick the caller drives itself (live search: results as the user types). */
  createQuickPick<T extends vscode.QuickPickItem>(): vscode.QuickPick<T>;
  /** Opens a page in the user's browser; `url` strings are opened exactly as given (see external.ts). */
  openExternal(target: string | vscode.Uri): Thenable<boolean>;
}

const cancelled = () => new vscode.CancellationError();

/** VS Code's own UI. */
export const vscodeUi: UserInput = {
  async pick(items, o) {
    const picked = await vscode.window.showQuickPick(items, o);
    if (picked === undefined) throw cancelled();
    return picked;
  },
  async pickMany(items, o) {
    const picked = await vscode.window.showQuickPick(items, { ...o, canPickMany: true });
    if (picked === undefined) throw cancelled();
    return picked;
  },
  async input(o) {
    const text = await vscode.window.showInputBox(o);
    if (text === undefined) throw cancelled();
    return text;
  },
  async confirm(message, o, ...buttons) {
    const picked = await vscode.window.showWarningMessage(message, { modal: true, detail: o.detail }, ...buttons);
    if (picked === undefined) throw cancelled();
    return picked;
  },
  async openDialog(o) {
    const uris = await vscode.window.showOpenDialog(o);
    if (!uris?.length) throw cancelled();
    return uris;
  },
  async saveDialog(o) {
    const uri = await vscode.window.showSaveDialog(o);
    if (!uri) throw cancelled();
    return uri;
  },
  notify(kind, message, ...buttons) {
    const show = kind === 'error' ? vscode.window.showErrorMessage : kind === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    return show(message, ...buttons);
  },
  createQuickPick: <T extends vscode.QuickPickItem>() => vscode.window.createQuickPick<T>(),
  openExternal: (target) => openExternalUrl(target),
};

let current: UserInput = vscodeUi;

/** The user, as the extension asks them. */
export function ui(): UserInput {
  return current;
}

/** Test hook (test API, outside production only): undefined restores VS Code's UI. */
export function setUserInput(u: UserInput | undefined): void {
  current = u ?? vscodeUi;
}

/**
 * Opens `target` in the browser. A URL string is opened exactly as given: a vscode.Uri would not do for URLs whose
 * query carries another URL (an OAuth redirect_uri with its own query, as asExternalUri gives in web windows): VS Code
 * opens a Uri as encodeURI(uri.toString(true)), which decodes the nested `%26`/`%3D` and breaks the outer query. The
 * extension host's openExternal also accepts the URL string and then opens it as is; a host that refuses it gets the
 * Uri.
 */
async function openExternalUrl(target: string | vscode.Uri): Promise<boolean> {
  if (typeof target !== 'string') return vscode.env.openExternal(target);
  try {
    return await vscode.env.openExternal(target as unknown as vscode.Uri);
  } catch {
    return vscode.env.openExternal(vscode.Uri.parse(target));
  }
}
