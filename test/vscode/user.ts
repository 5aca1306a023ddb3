// The scripted user of the integration tests: it stands behind the extension's one prompt seam (src/vscode/ui.ts,
// installed through the test API) and answers every input box, QuickPick, confirmation and dialog in order, like a
// person would, through the same code path users take. It fails the test when a prompt comes that no answer was
// written for, when an answer does not fit the prompt (no such item, a text the input box's validation rejects), when
// answers are left over, and when the extension showed an error notification the test did not expect.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { ConfirmOptions, NotificationKind, PickOptions, UserInput } from '../../src/vscode/ui';

/** Dismisses the prompt (Escape, the close button of a dialog, Cancel of a modal). */
export interface Cancel { readonly cancel: true }
export const CANCEL: Cancel = Object.freeze({ cancel: true as const });

/** The live search QuickPick: click scope buttons (by tooltip text), type `search`, accept the result `pick`. */
export interface SearchAnswer { search: string; toggle?: Array<string | RegExp>; pick: string | RegExp | Cancel }

export type Answer =
  /** pick: the item with this label (codicons ignored); input: this text; confirm: this button. */
  | string
  /** pick: the first item whose label matches; confirm: the button that matches. */
  | RegExp
  /** pickMany: these items. */
  | ReadonlyArray<string | RegExp>
  | Cancel
  /** Open dialog: these files or folders. */
  | { uris: vscode.Uri[] }
  /** Save dialog: this file. */
  | { uri: vscode.Uri }
  /** pick: the item at this position (when labels repeat, e.g. versions saved in the same minute). */
  | { index: number }
  | SearchAnswer
  /** Computed from the prompt (to look at it first); may return any other answer. */
  | ((p: Prompt) => Answer | Promise<Answer>);

export interface Prompt {
  kind: 'pick' | 'pickMany' | 'input' | 'confirm' | 'openDialog' | 'saveDialog' | 'quickPick';
  /** Title or placeholder of a QuickPick / input box, the message of a modal. */
  title?: string;
  placeholder?: string;
  /** Input box prompt line. */
  prompt?: string;
  message?: string;
  detail?: string;
  /** Pre-filled text of an input box. */
  value?: string;
  password?: boolean;
  /** Item labels of a QuickPick (codicons removed), buttons of a modal. */
  labels: string[];
  /** The raw items of a QuickPick. */
  items: vscode.QuickPickItem[];
  /** Checks a text the way the input box would while typing (undefined = accepted). */
  validate?(text: string): Promise<string | undefined>;
  /** Open/save dialog options. */
  dialog?: vscode.OpenDialogOptions | vscode.SaveDialogOptions;
}

export interface Notification { kind: NotificationKind; message: string; buttons: string[] }

export interface ScriptOptions {
  /** Clicks a button of a notification (default: none; the notification just shows). */
  onNotification?(n: Notification): string | undefined;
  /** Error notifications are expected (default false: one fails the script). */
  allowErrors?: boolean;
  /** Dismisses every prompt (Escape), instead of failing on prompts no answer was written for. */
  dismissAll?: boolean;
  /** Plays the browser for pages the extension opens (default: the page "opens", nothing else happens). */
  onOpenExternal?(url: string): boolean | Promise<boolean>;
}

/** `$(folder) name` -> `name`. */
export const plainLabel = (label: string) => label.replace(/\$\([^)]*\)\s*/g, '').trim();

const matches = (label: string, want: string | RegExp) => (typeof want === 'string' ? plainLabel(label) === want : want.test(plainLabel(label)));

export class ScriptedUser implements UserInput {
  readonly prompts: Prompt[] = [];
  readonly notifications: Notification[] = [];
  /** Pages opened in the browser, as the exact URL strings. */
  readonly opened: string[] = [];
  private readonly problems: string[] = [];
  private readonly queue: Answer[];

  constructor(answers: readonly Answer[], private readonly o: ScriptOptions = {}) {
    this.queue = [...answers];
  }

  get errors(): Notification[] {
    return this.notifications.filter((n) => n.kind === 'error');
  }

  /** Fails when something went wrong or answers are left over. */
  assertDone(): void {
    const problems = [...this.problems];
    if (this.queue.length) problems.push(`${this.queue.length} answer(s) left over, the next: ${describe(this.queue[0])}`);
    if (!this.o.allowErrors && this.errors.length) problems.push(`error notification(s): ${this.errors.map((e) => e.message).join(' | ')}`);
    assert.deepStrictEqual(problems, [], `scripted user:\n${problems.join('\n')}\nprompts seen: ${this.prompts.map(show).join(' / ')}`);
  }

  private async next(p: Prompt): Promise<Exclude<Answer, (p: Prompt) => unknown>> {
    this.prompts.push(p);
    let a = this.queue.shift();
    if (a === undefined && this.o.dismissAll) return CANCEL;
    if (a === undefined) return this.fail(`unanswered ${show(p)}`);
    while (typeof a === 'function') a = await a(p);
    return a;
  }

  private fail(problem: string): never {
    this.problems.push(problem);
    throw new vscode.CancellationError();
  }

  async pick<T extends vscode.QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, o: PickOptions): Promise<T> {
    const list = await items;
    const p = pickPrompt('pick', list, o);
    const a = await this.next(p);
    if (a === CANCEL) throw new vscode.CancellationError();
    if (typeof a === 'object' && 'index' in a) return list[a.index] ?? this.fail(`${show(p)}: no item at ${a.index}`);
    if (typeof a !== 'string' && !(a instanceof RegExp)) return this.fail(`${show(p)} answered with ${describe(a)}`);
    const hit = list.find((i) => matches(i.label, a));
    return hit ?? this.fail(`${show(p)}: no item ${describe(a)}`);
  }

  async pickMany<T extends vscode.QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, o: PickOptions): Promise<T[]> {
    const list = await items;
    const p = pickPrompt('pickMany', list, o);
    const a = await this.next(p);
    if (a === CANCEL) throw new vscode.CancellationError();
    if (!Array.isArray(a)) return this.fail(`${show(p)} answered with ${describe(a)}`);
    return (a as Array<string | RegExp>).map((want) => list.find((i) => matches(i.label, want)) ?? this.fail(`${show(p)}: no item ${describe(want)}`));
  }

  async input(o: vscode.InputBoxOptions): Promise<string> {
    const validate = async (text: string) => {
      const r = await o.validateInput?.(text);
      return typeof r === 'string' ? r || undefined : r?.message || undefined;
    };
    const p: Prompt = { kind: 'input', title: o.title, prompt: o.prompt, placeholder: o.placeHolder, value: o.value, password: o.password, labels: [], items: [], validate };
    const a = await this.next(p);
    if (a === CANCEL) throw new vscode.CancellationError();
    if (typeof a !== 'string') return this.fail(`${show(p)} answered with ${describe(a)}`);
    const refused = await validate(a);
    return refused ? this.fail(`${show(p)}: "${a}" refused: ${refused}`) : a;
  }

  async confirm(message: string, o: ConfirmOptions, ...buttons: string[]): Promise<string> {
    const p: Prompt = { kind: 'confirm', title: message, message, detail: o.detail, labels: buttons, items: [] };
    const a = await this.next(p);
    if (a === CANCEL) throw new vscode.CancellationError();
    if (typeof a !== 'string' && !(a instanceof RegExp)) return this.fail(`${show(p)} answered with ${describe(a)}`);
    return buttons.find((b) => matches(b, a)) ?? this.fail(`${show(p)}: no button ${describe(a)}`);
  }

  async openDialog(o: vscode.OpenDialogOptions): Promise<vscode.Uri[]> {
    const p: Prompt = { kind: 'openDialog', title: o.title ?? o.openLabel, labels: [], items: [], dialog: o };
    const a = await this.next(p);
    if (a === CANCEL) throw new vscode.CancellationError();
    return typeof a === 'object' && 'uris' in a ? a.uris : this.fail(`${show(p)} answered with ${describe(a)}`);
  }

  async saveDialog(o: vscode.SaveDialogOptions): Promise<vscode.Uri> {
    const p: Prompt = { kind: 'saveDialog', title: o.title ?? o.saveLabel, labels: [], items: [], dialog: o };
    const a = await this.next(p);
    if (a === CANCEL) throw new vscode.CancellationError();
    return typeof a === 'object' && 'uri' in a ? a.uri : this.fail(`${show(p)} answered with ${describe(a)}`);
  }

  notify(kind: NotificationKind, message: string, ...buttons: string[]): Thenable<string | undefined> {
    const n = { kind, message, buttons };
    this.notifications.push(n);
    return Promise.resolve(this.o.onNotification?.(n));
  }

  createQuickPick<T extends vscode.QuickPickItem>(): vscode.QuickPick<T> {
    return new ScriptedQuickPick<T>((qp) => this.driveQuickPick(qp)) as unknown as vscode.QuickPick<T>;
  }

  openExternal(target: string | vscode.Uri): Thenable<boolean> {
    const url = typeof target === 'string' ? target : target.toString(true);
    this.opened.push(url);
    return Promise.resolve(this.o.onOpenExternal ? this.o.onOpenExternal(url) : true);
  }

  /** Plays a SearchAnswer on a shown QuickPick: scope buttons, then the keyword, then the result once it is listed. */
  private async driveQuickPick<T extends vscode.QuickPickItem>(qp: ScriptedQuickPick<T>): Promise<void> {
    const p: Prompt = { kind: 'quickPick', title: qp.title, placeholder: qp.placeholder, labels: [], items: [] };
    let a: Exclude<Answer, (p: Prompt) => unknown>;
    try {
      a = await this.next(p);
    } catch {
      qp.hide();
      return;
    }
    if (a === CANCEL) return qp.hide();
    if (typeof a !== 'object' || !('search' in a)) {
      this.problems.push(`${show(p)} answered with ${describe(a)}`);
      return qp.hide();
    }
    for (const want of a.toggle ?? []) {
      const button = qp.buttons.find((b) => b.tooltip && matches(b.tooltip.replace(/^✓\s*/, ''), want));
      if (!button) {
        this.problems.push(`${show(p)}: no button ${describe(want)}`);
        return qp.hide();
      }
      qp.triggerButton(button);
    }
    // Separators head the groups of results (one per account): in `items`, but no result to pick (not in `labels`).
    const listed = await qp.typeAndWait(a.search);
    const items = listed.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator);
    p.labels = items.map((i) => plainLabel(i.label));
    p.items = [...listed];
    const pick = a.pick;
    if (typeof pick === 'object' && !(pick instanceof RegExp)) return qp.hide(); // CANCEL
    const hit = items.find((i) => matches(i.label, pick));
    if (!hit) {
      this.problems.push(`${show(p)}: no result ${describe(pick)} for "${a.search}" among [${p.labels.join(', ')}]`);
      return qp.hide();
    }
    qp.accept(hit);
  }
}

/**
 * Enough of vscode.QuickPick for a flow that drives one itself: the flow sets items, busy, title and buttons and
 * listens to the events; the scripted user types, clicks buttons and accepts through it.
 */
class ScriptedQuickPick<T extends vscode.QuickPickItem> {
  private readonly changeValue = new vscode.EventEmitter<string>();
  private readonly acceptE = new vscode.EventEmitter<void>();
  private readonly hideE = new vscode.EventEmitter<void>();
  private readonly buttonE = new vscode.EventEmitter<vscode.QuickInputButton>();
  private readonly selectionE = new vscode.EventEmitter<readonly T[]>();
  private readonly activeE = new vscode.EventEmitter<readonly T[]>();
  private readonly itemButtonE = new vscode.EventEmitter<vscode.QuickPickItemButtonEvent<T>>();
  readonly onDidChangeValue = this.changeValue.event;
  readonly onDidAccept = this.acceptE.event;
  readonly onDidHide = this.hideE.event;
  readonly onDidTriggerButton = this.buttonE.event;
  readonly onDidChangeSelection = this.selectionE.event;
  readonly onDidChangeActive = this.activeE.event;
  readonly onDidTriggerItemButton = this.itemButtonE.event;
  value = '';
  placeholder: string | undefined;
  title: string | undefined;
  step: number | undefined;
  totalSteps: number | undefined;
  enabled = true;
  busy = false;
  ignoreFocusOut = false;
  canSelectMany = false;
  matchOnDescription = false;
  matchOnDetail = false;
  keepScrollPosition = false;
  buttons: readonly vscode.QuickInputButton[] = [];
  selectedItems: readonly T[] = [];
  activeItems: readonly T[] = [];
  private list: readonly T[] = [];
  private waiting: ((items: readonly T[]) => void) | undefined;
  private hidden = false;

  constructor(private readonly onShow: (qp: ScriptedQuickPick<T>) => Promise<void>) {}

  get items(): readonly T[] {
    return this.list;
  }

  /** The flow's answer for the keyword typed last arrives here. */
  set items(items: readonly T[]) {
    this.list = items;
    if (this.value && this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w(items);
    }
  }

  show(): void {
    void this.onShow(this);
  }

  hide(): void {
    if (this.hidden) return;
    this.hidden = true;
    this.waiting?.([]);
    this.hideE.fire();
  }

  dispose(): void {
    this.hide();
    for (const e of [this.changeValue, this.acceptE, this.hideE, this.buttonE, this.selectionE, this.activeE, this.itemButtonE]) e.dispose();
  }

  triggerButton(b: vscode.QuickInputButton): void {
    this.buttonE.fire(b);
  }

  /** Types the keyword and resolves with the items the flow shows for it. */
  typeAndWait(keyword: string): Promise<readonly T[]> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.value = keyword;
      this.changeValue.fire(keyword);
    });
  }

  accept(item: T): void {
    this.selectedItems = [item];
    this.activeItems = [item];
    this.selectionE.fire([item]);
    this.acceptE.fire();
  }
}

function pickPrompt(kind: 'pick' | 'pickMany', items: readonly vscode.QuickPickItem[], o: PickOptions): Prompt {
  return { kind, title: o.title ?? o.placeHolder, placeholder: o.placeHolder, labels: items.map((i) => plainLabel(i.label)), items: [...items] };
}

function show(p: Prompt): string {
  const what = [p.title, p.prompt, p.detail].filter(Boolean).join(' — ');
  return `${p.kind} "${what}"${p.labels.length ? ` [${p.labels.join(', ')}]` : ''}`;
}

function describe(a: unknown): string {
  if (a === CANCEL) return 'CANCEL';
  if (typeof a === 'function') return `(an answer computed from the prompt)`;
  if (a instanceof RegExp) return String(a);
  return JSON.stringify(a, (_k, v: unknown) => (v instanceof RegExp ? String(v) : v));
}

/**
 * Nobody at the keyboard: the user behind the seam whenever no script runs (installed by support.ts setup()). A flow
 * that prompts outside a script (e.g. after a notification button, once its command returned) meets no answer, and
 * the test fails after it (the root hook below), instead of a real dialog waiting in VS Code's UI.
 */
let idle: ScriptedUser | undefined;

export function installIdleUser(api: DocWorkspacesApi): void {
  currentApi = api;
  idle ??= new ScriptedUser([], { allowErrors: true });
  api.setUserInput(idle);
}

afterEach(function () {
  if (!idle) return;
  const seen = idle;
  idle = new ScriptedUser([], { allowErrors: true });
  if (currentApi) currentApi.setUserInput(idle);
  seen.assertDone();
});

let currentApi: DocWorkspacesApi | undefined;

/**
 * Runs `fn` (typically one command) with the scripted user answering, then checks it: every answer used, no prompt
 * unanswered, no unexpected error notification. Returns what `fn` returned and the user (prompts, notifications).
 */
export async function asUser<T>(
  api: DocWorkspacesApi, answers: readonly Answer[], fn: () => Thenable<T> | Promise<T>, o: ScriptOptions = {},
): Promise<{ result: T; user: ScriptedUser }> {
  const user = new ScriptedUser(answers, o);
  currentApi = api;
  api.setUserInput(user);
  let result: T;
  try {
    result = await fn();
  } finally {
    api.setUserInput(idle);
  }
  user.assertDone();
  return { result, user };
}

/** Runs one command as the scripted user (see asUser). */
export function run<T = unknown>(
  api: DocWorkspacesApi, answers: readonly Answer[], command: string, ...args: unknown[]
): Promise<{ result: T | undefined; user: ScriptedUser }> {
  return asUser(api, answers, () => vscode.commands.executeCommand<T>(command, ...args));
}

/** Like run, where the command is expected to end in one error notification (returned). */
export async function runExpectingError(
  api: DocWorkspacesApi, answers: readonly Answer[], command: string, ...args: unknown[]
): Promise<{ error: string; user: ScriptedUser }> {
  const { user } = await asUser(api, answers, () => vscode.commands.executeCommand(command, ...args), { allowErrors: true });
  assert.strictEqual(user.errors.length, 1, `one error notification, got: ${JSON.stringify(user.notifications)}`);
  return { error: user.errors[0].message, user };
}
