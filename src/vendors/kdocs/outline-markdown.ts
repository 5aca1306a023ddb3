/**
 * An online outline document (Kingsoft Docs 智能文档, .otl) as Markdown, from the answer of
 * `POST /outline/:file_token/export/full_json`. The reference page documents the call but not the JSON: the renderer
 * reads the node-tree shapes rich-text editors export (ProseMirror-style `{type, attrs, content: [...], text, marks}`,
 * with `children` / `blocks` / `nodes` instead of `content`, snake_case or camelCase type names, style flags instead of
 * marks, payloads under the type's own key) and renders
 *
 * - headings (`heading` + level, `h1`..`h6`, `title`), paragraphs with bold / italic / strike / code / links,
 * - nested bulleted, numbered and task lists (also "flat" list paragraphs that carry a list type and level),
 * - tables (the first row as the header), code blocks, quotes, rules, images as `![alt](url)`.
 *
 * Unknown node types render their text (their children, else their own `text`); nothing here throws. Pure.
 */
import { num, str } from './wire';

type Raw = Record<string, unknown>;

function isRaw(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `bullet_list`, `bulletList`, `Bullet-List` -> `bulletlist`. */
function typeOf(n: Raw): string {
  return (str(n.type, n.nodeType, n.node_type, n.kind, n.name, n.tag) ?? '').toLowerCase().replace(/[-_\s]/g, '');
}

/** The node, with a payload kept under its own type key (`{type: 'paragraph', paragraph: {...}}`) merged in. */
function node(v: unknown): Raw | undefined {
  if (typeof v === 'string') return { type: 'text', text: v };
  if (!isRaw(v)) return undefined;
  const t = str(v.type);
  const payload = t !== undefined ? v[t] : undefined;
  return isRaw(payload) ? { ...payload, ...v, attrs: { ...asRaw(payload.attrs), ...asRaw(payload.style), ...asRaw(v.attrs) } } : v;
}

function asRaw(v: unknown): Raw {
  return isRaw(v) ? v : {};
}

function childrenOf(n: Raw): Raw[] {
  for (const k of ['content', 'children', 'nodes', 'blocks', 'elements', 'items', 'rows', 'cells']) {
    const c = n[k];
    if (Array.isArray(c)) return c.map(node).filter((x): x is Raw => !!x);
  }
  return [];
}

function attrsOf(n: Raw): Raw {
  return { ...asRaw(n.data), ...asRaw(n.props), ...asRaw(n.attributes), ...asRaw(n.attrs) };
}

/** A property on the node itself or in its attributes (`{checked: true}` or `{attrs: {checked: true}}`). */
function prop(n: Raw, key: string): unknown {
  return n[key] !== undefined ? n[key] : attrsOf(n)[key];
}

/** Keys under which a block keeps its inline content apart from its child blocks (`{runs: [...], children: [...]}`). */
const RUN_KEYS = ['runs', 'inlines', 'spans', 'textRuns', 'text_runs', 'segments'];

function runsArray(n: Raw): Raw[] | undefined {
  for (const k of RUN_KEYS) {
    const r = n[k];
    if (Array.isArray(r)) return r.map(node).filter((x): x is Raw => !!x);
  }
  return undefined;
}

// ---------------------------------------------------------------- inline

const INLINE_TYPES = new Set(['text', 'textrun', 'run', 'span', 'hardbreak', 'br', 'softbreak', 'link', 'a', 'mention', 'at', 'emoji', 'inlinecode', 'image', 'img', 'equation', 'math', 'inlinemath']);

interface Run { text: string; bold: boolean; italic: boolean; strike: boolean; code: boolean; href?: string; raw?: boolean }

function markNames(n: Raw): { names: Set<string>; href?: string } {
  const names = new Set<string>();
  let href: string | undefined;
  const marks = Array.isArray(n.marks) ? n.marks : [];
  for (const m of marks) {
    const name = (typeof m === 'string' ? m : isRaw(m) ? str(m.type, m.name) ?? '' : '').toLowerCase();
    names.add(name);
    if (isRaw(m) && (name === 'link' || name === 'a')) href = str(asRaw(m.attrs).href, asRaw(m.attrs).url, m.href, m.url);
  }
  const style = { ...attrsOf(n), ...asRaw(n.style), ...asRaw(n.textStyle), ...asRaw(n.text_style) };
  for (const k of ['bold', 'italic', 'strike', 'strikethrough', 'code', 'inlinecode', 'underline']) if (style[k] === true || n[k] === true) names.add(k);
  if (style.fontWeight === 'bold' || Number(style.fontWeight) >= 600) names.add('bold');
  href ??= str(
    asRaw(style.link).url, asRaw(style.link).href, typeof style.link === 'string' ? style.link : undefined,
    asRaw(n.link).url, asRaw(n.link).href, typeof n.link === 'string' ? n.link : undefined, n.href,
  );
  return { names, href };
}

function runOf(text: string, n: Raw, inherited: Partial<Run>): Run {
  const { names, href } = markNames(n);
  return {
    text,
    bold: !!inherited.bold || names.has('strong') || names.has('bold') || names.has('b'),
    italic: !!inherited.italic || names.has('em') || names.has('italic') || names.has('i'),
    strike: !!inherited.strike || names.has('strike') || names.has('strikethrough') || names.has('s') || names.has('del'),
    code: !!inherited.code || names.has('code') || names.has('inlinecode'),
    href: href ?? inherited.href,
  };
}

/** Inline runs of a node's children (or of the node itself when it is a text node). */
function runsOf(n: Raw, inherited: Partial<Run> = {}, cell = false): Run[] {
  const t = typeOf(n);
  if (t === 'hardbreak' || t === 'br' || t === 'softbreak') return [{ text: cell ? '<br>' : '  \n', bold: false, italic: false, strike: false, code: false, raw: true }];
  if (t === 'image' || t === 'img') return [{ text: imageMarkdown(n), bold: false, italic: false, strike: false, code: false, raw: true }];
  if (t === 'mention' || t === 'at') {
    const a = attrsOf(n);
    const name = str(a.name, a.label, a.text, n.text, a.id) ?? '';
    return [runOf(name.startsWith('@') ? name : `@${name}`, n, inherited)];
  }
  const own = runsArray(n);
  if (own) {
    const here = runOf('', n, inherited);
    return own.flatMap((r) => runsOf(r, here, cell));
  }
  const text = typeof n.text === 'string' ? n.text : undefined;
  const kids = childrenOf(n);
  if (text !== undefined && !kids.length) return [runOf(text, n, inherited)];
  const here = runOf('', n, inherited);
  if (t === 'link' || t === 'a') here.href = str(attrsOf(n).href, attrsOf(n).url, n.href, n.url) ?? here.href;
  if (t === 'inlinecode' || t === 'code') here.code = true;
  const out: Run[] = [];
  for (const k of kids) out.push(...(isBlock(k) ? [...runsOf(k, here, cell), { ...plain(' '), raw: true }] : runsOf(k, here, cell)));
  if (!kids.length && text !== undefined) out.push(runOf(text, n, inherited));
  return out;
}

function plain(text: string): Run {
  return { text, bold: false, italic: false, strike: false, code: false };
}

function escapeText(s: string): string {
  return s.replace(/([\\`*_[\]])/g, '\\$1');
}

function sameStyle(a: Run, b: Run): boolean {
  return !a.raw && !b.raw && a.bold === b.bold && a.italic === b.italic && a.strike === b.strike && a.code === b.code && a.href === b.href;
}

/** Markdown of inline runs: neighbours with the same style merge; spaces stay outside the emphasis markers. */
function renderRuns(runs: Run[]): string {
  const merged: Run[] = [];
  for (const r of runs) {
    if (!r.text) continue;
    const last = merged[merged.length - 1];
    if (last && sameStyle(last, r)) last.text += r.text;
    else merged.push({ ...r });
  }
  return merged.map((r) => {
    if (r.raw) return r.text;
    const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(r.text)!;
    const [, lead, core, trail] = m;
    if (!core) return r.text;
    let s: string;
    if (r.code) {
      const fence = core.includes('`') ? '``' : '`';
      s = `${fence}${fence.length > 1 ? ' ' : ''}${core}${fence.length > 1 ? ' ' : ''}${fence}`;
    } else {
      s = escapeText(core);
    }
    if (r.strike) s = `~~${s}~~`;
    if (r.italic) s = `*${s}*`;
    if (r.bold) s = `**${s}**`;
    if (r.href) s = `[${s}](${linkTarget(r.href)})`;
    return lead + s + trail;
  }).join('');
}

function linkTarget(url: string): string {
  return /[\s()]/.test(url) ? `<${url.replace(/>/g, '%3E')}>` : url;
}

function inline(n: Raw, cell = false): string {
  return renderRuns(runsOf(n, {}, cell)).replace(/[ \t]+$/gm, (s) => (s === '  ' ? s : '')).trim();
}

function imageMarkdown(n: Raw): string {
  const a = attrsOf(n);
  const src = str(a.src, a.url, a.href, n.src, n.url, a.link, a.sourceUrl, a.source_url, asRaw(n.image).url, a.token ? `image:${String(a.token)}` : undefined);
  const alt = (str(a.alt, a.title, a.caption, a.name, n.alt) ?? 'image').replace(/[[\]]/g, '');
  return src ? `![${alt}](${linkTarget(src)})` : `[${alt}]`;
}

// ---------------------------------------------------------------- blocks

const BLOCK_TYPES = new Set([
  'doc', 'document', 'paragraph', 'p', 'heading', 'title', 'blockquote', 'quote', 'codeblock', 'pre', 'bulletlist',
  'orderedlist', 'numberedlist', 'unorderedlist', 'ul', 'ol', 'list', 'tasklist', 'todolist', 'checklist', 'listitem', 'li',
  'taskitem', 'todoitem', 'checkitem', 'table', 'tablerow', 'tr', 'tablecell', 'td', 'th', 'tableheader', 'horizontalrule',
  'hr', 'divider', 'callout', 'highlight', 'section', 'column', 'columns', 'container',
]);

function isBlock(n: Raw): boolean {
  const t = typeOf(n);
  if (INLINE_TYPES.has(t)) return false;
  if (BLOCK_TYPES.has(t) || /^h[1-6]$/.test(t) || runsArray(n)) return true;
  // Unknown: a block when any child is a block, or when it has block-ish children at all and no text of its own.
  return childrenOf(n).some(isBlock);
}

function headingLevel(n: Raw, t: string): number {
  const a = attrsOf(n);
  const fromType = /^h([1-6])$/.exec(t);
  const level = num(a.level, n.level, a.heading, a.headingLevel, a.heading_level) ?? (fromType ? Number(fromType[1]) : 1);
  return Math.min(6, Math.max(1, Math.round(level)));
}

type ListKind = 'bullet' | 'ordered' | 'task';

function listKindOf(t: string, n: Raw): ListKind | undefined {
  if (t === 'bulletlist' || t === 'unorderedlist' || t === 'ul') return 'bullet';
  if (t === 'orderedlist' || t === 'numberedlist' || t === 'ol') return 'ordered';
  if (t === 'tasklist' || t === 'todolist' || t === 'checklist') return 'task';
  if (t === 'list') {
    const a = attrsOf(n);
    const style = String(prop(n, 'listType') ?? prop(n, 'list_type') ?? prop(n, 'style') ?? a.type ?? prop(n, 'ordered') ?? '').toLowerCase();
    return style === 'true' || /order|number|decimal/.test(style) ? 'ordered' : /task|todo|check/.test(style) ? 'task' : 'bullet';
  }
  return undefined;
}

const TODO_TYPES = new Set(['todo', 'task', 'taskitem', 'todoitem', 'checkitem', 'checkbox', 'check']);

/**
 * A block that is an item of a "flat" list: a paragraph with a list type and level (attrs listType / level /
 * indent), or a to-do block with its `checked`. Its list kind and 0-based level.
 */
function flatListItem(n: Raw): { kind: ListKind; level: number; checked?: boolean } | undefined {
  const t = typeOf(n);
  if (TODO_TYPES.has(t)) {
    const checked = prop(n, 'checked') ?? prop(n, 'done');
    return { kind: 'task', level: Math.max(0, Math.round(num(prop(n, 'level'), prop(n, 'indent')) ?? 0)), checked: checked === true };
  }
  if (t !== 'paragraph' && t !== 'p') return undefined;
  const a = attrsOf(n);
  const list = isRaw(a.list) ? a.list : a;
  const style = str(list.listType, list.list_type, list.listStyle, list.list_style, isRaw(a.list) ? list.type : undefined, typeof a.list === 'string' ? a.list : undefined);
  if (!style) return undefined;
  const s = style.toLowerCase();
  const kind: ListKind = /task|todo|check/.test(s) ? 'task' : /order|number|decimal|digit/.test(s) ? 'ordered' : 'bullet';
  const raw = num(list.level, list.listLevel, list.list_level, list.indent, a.indent) ?? 0;
  const level = Math.max(0, Math.round(raw));
  return { kind, level, checked: typeof list.checked === 'boolean' ? list.checked : typeof a.checked === 'boolean' ? a.checked : undefined };
}

function indent(text: string, by: number): string {
  const pad = ' '.repeat(by);
  return text.split('\n').map((l) => (l ? pad + l : l)).join('\n');
}

function renderList(n: Raw, kind: ListKind): string {
  const a = attrsOf(n);
  let counter = Math.max(0, Math.round(num(a.order, a.start, n.start, n.order) ?? 1));
  const items = childrenOf(n);
  const out: string[] = [];
  for (const item of items) {
    const it = typeOf(item);
    const nested = listKindOf(it, item);
    if (nested) {
      // A list directly inside a list (some editors nest that way): it belongs to the previous item.
      const inner = indent(renderList(item, nested), kind === 'ordered' ? `${counter - 1}. `.length : 2);
      if (out.length) out[out.length - 1] += `\n${inner}`;
      else out.push(inner);
      continue;
    }
    const checked = prop(item, 'checked');
    const marker = kind === 'ordered' ? `${counter++}. ` : kind === 'task' || typeof checked === 'boolean' ? `- [${checked === true ? 'x' : ' '}] ` : '- ';
    out.push(marker + listItemBody(item, marker.length));
  }
  return out.join('\n');
}

/** An item's first paragraph on the marker line, its other blocks (nested lists...) indented below. */
function listItemBody(item: Raw, width: number): string {
  const kids = childrenOf(item);
  const own = runsArray(item) ? inline(item) : undefined;
  if (own === undefined && !kids.some(isBlock)) return inline(item);
  const parts = [...(own !== undefined ? [own] : []), ...kids.map((k) => (isBlock(k) ? renderBlock(k) : inline(k)))].filter((p) => p !== '');
  if (!parts.length) return '';
  const [first, ...rest] = parts;
  const head = first.split('\n');
  const lines = [head[0], ...head.slice(1).map((l) => (l ? ' '.repeat(width) + l : l))];
  for (const p of rest) lines.push(indent(p, width));
  return lines.join('\n');
}

function renderTable(n: Raw): string {
  const rows = childrenOf(n).flatMap((r) => {
    const t = typeOf(r);
    // <thead>/<tbody> wrappers
    if (t === 'tablehead' || t === 'thead' || t === 'tablebody' || t === 'tbody') return childrenOf(r);
    return [r];
  });
  const cells = rows.map((r) => {
    const kids = childrenOf(r);
    const isCellRow = Array.isArray(r.cells) || /^(tablerow|tr|row)$/.test(typeOf(r)) || kids.some((k) => /^(tablecell|td|th|tableheader|cell)$/.test(typeOf(k)));
    return (isCellRow ? kids : [r]).map((c) => {
      const blocks = childrenOf(c);
      const text = blocks.length && blocks.some(isBlock)
        ? blocks.map((b) => inline(b, true)).filter(Boolean).join('<br>')
        : inline(c, true);
      return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
    });
  }).filter((r) => r.length);
  if (!cells.length) return '';
  const width = Math.max(...cells.map((r) => r.length));
  const line = (r: string[]) => `| ${[...r, ...Array(width - r.length).fill('')].join(' | ')} |`;
  return [line(cells[0]), `| ${Array(width).fill('---').join(' | ')} |`, ...cells.slice(1).map(line)].join('\n');
}

function codeText(n: Raw): string {
  if (typeof n.text === 'string' && !childrenOf(n).length) return n.text;
  return childrenOf(n).map((k) => (typeof k.text === 'string' ? k.text : codeText(k))).join(typeOf(n) === 'codeblock' && childrenOf(n).some((k) => typeOf(k) !== 'text') ? '\n' : '');
}

function renderBlock(n: Raw): string {
  const t = typeOf(n);
  const list = listKindOf(t, n);
  if (list) return renderList(n, list);
  if (t === 'heading' || /^h[1-6]$/.test(t)) return `${'#'.repeat(headingLevel(n, t))} ${inline(n)}`.trimEnd();
  if (t === 'title') return `# ${inline(n)}`.trimEnd();
  if (t === 'horizontalrule' || t === 'hr' || t === 'divider') return '---';
  if (t === 'image' || t === 'img') return imageMarkdown(n);
  if (t === 'table') return renderTable(n);
  if (t === 'codeblock' || t === 'pre' || t === 'code') {
    const lang = str(prop(n, 'language'), prop(n, 'lang'), attrsOf(n).params) ?? '';
    const body = codeText(n).replace(/\n$/, '');
    const fence = body.includes('```') ? '````' : '```';
    return `${fence}${lang}\n${body}\n${fence}`;
  }
  if (t === 'blockquote' || t === 'quote' || t === 'callout' || t === 'highlight') {
    const kids = childrenOf(n);
    const inner = kids.some(isBlock) ? renderBlocks(kids) : inline(n);
    return inner.split('\n').map((l) => (l ? `> ${l}` : '>')).join('\n');
  }
  if (t === 'listitem' || t === 'li' || t === 'taskitem' || t === 'todoitem' || t === 'checkitem') {
    return renderList({ type: 'bullet_list', content: [n] }, t === 'listitem' || t === 'li' ? 'bullet' : 'task');
  }
  if (t === 'paragraph' || t === 'p') return inline(n);
  const kids = childrenOf(n);
  // Unknown types: their blocks, else their text.
  if (kids.some(isBlock)) return renderBlocks(kids);
  return inline(n);
}

/** Blocks separated by blank lines; runs of flat list paragraphs become one list. */
function renderBlocks(blocks: Raw[]): string {
  const out: string[] = [];
  let flat: string[] = [];
  const counters: number[] = [];
  /** Indentation of each level: the parent item's indentation plus its marker's width. */
  const indents: number[] = [0];
  const flush = () => {
    if (flat.length) out.push(flat.join('\n'));
    flat = [];
    counters.length = 0;
    indents.length = 1;
  };
  for (const b of blocks) {
    const item = flatListItem(b);
    if (item) {
      // A level deeper than the previous item + 1 is taken as the next level (Markdown cannot skip one).
      const level = Math.min(item.level, counters.length);
      counters.length = level + 1;
      counters[level] = (counters[level] ?? 0) + 1;
      const marker = item.kind === 'ordered' ? `${counters[level]}. ` : item.kind === 'task' ? `- [${item.checked ? 'x' : ' '}] ` : '- ';
      const at = indents[level] ?? 0;
      indents.length = level + 1;
      indents[level + 1] = at + marker.length;
      const body = listItemBody(b, marker.length).split('\n').map((l, i) => (i && l ? ' '.repeat(at) + l : l)).join('\n');
      flat.push(' '.repeat(at) + marker + body);
      continue;
    }
    flush();
    const md = renderBlock(b);
    if (md.trim() !== '') out.push(md);
  }
  flush();
  return out.join('\n\n');
}

/** The document node(s) inside an export answer (`data`, `{doc}`, `{content}`, a JSON string...). */
function rootBlocks(data: unknown, depth = 0): Raw[] {
  if (depth > 5) return [];
  if (typeof data === 'string') {
    try {
      return rootBlocks(JSON.parse(data), depth + 1);
    } catch {
      return [{ type: 'paragraph', content: [{ type: 'text', text: data }] }];
    }
  }
  if (Array.isArray(data)) return data.map(node).filter((x): x is Raw => !!x);
  if (!isRaw(data)) return [];
  const t = typeOf(data);
  if (t === 'doc' || t === 'document' || t === 'root') return childrenOf(data);
  for (const k of ['doc', 'document', 'json', 'full_json', 'fullJson', 'body', 'data', 'root']) {
    if (data[k] !== undefined && (isRaw(data[k]) || Array.isArray(data[k]) || typeof data[k] === 'string')) {
      const inner = rootBlocks(data[k], depth + 1);
      if (inner.length) return withTitle(data, inner);
    }
  }
  const kids = childrenOf(data);
  if (kids.length) return withTitle(data, t && BLOCK_TYPES.has(t) && t !== 'doc' ? [data] : kids);
  const n = node(data);
  return n && (typeof n.text === 'string' || t) ? [n] : [];
}

/** A `title` next to the content (not a node of it) becomes the first heading, unless the content starts with it. */
function withTitle(container: Raw, blocks: Raw[]): Raw[] {
  const title = str(container.title, container.name);
  if (!title || blocks.some((b) => typeOf(b) === 'title')) return blocks;
  const first = blocks[0];
  if (first && plainOf(first).trim() === title.trim()) return blocks;
  return [{ type: 'title', content: [{ type: 'text', text: title }] }, ...blocks];
}

/** The plain text of a node's inline content (for comparisons). */
function plainOf(n: Raw): string {
  try {
    return runsOf(n).map((r) => r.text).join('');
  } catch {
    return '';
  }
}

/** The Markdown of an outline export answer; '' when it holds nothing. Never throws. */
export function outlineToMarkdown(data: unknown): string {
  try {
    const md = renderBlocks(rootBlocks(data)).replace(/\n{3,}/g, '\n\n').trim();
    return md ? `${md}\n` : '';
  } catch {
    // A shape nobody foresaw (a cycle, a getter that throws): the plain text is better than nothing.
    return plainText(data);
  }
}

/** Every `text` string of the tree, in document order, one per line (the fallback of outlineToMarkdown; iterative). */
function plainText(data: unknown): string {
  if (typeof data === 'string') return data;
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const stack: unknown[] = [data];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    try {
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
        continue;
      }
      const o = v as Raw;
      if (typeof o.text === 'string' && o.text) parts.push(o.text);
      const values = Object.entries(o).filter(([k]) => k !== 'text').map(([, x]) => x);
      for (let i = values.length - 1; i >= 0; i--) stack.push(values[i]);
    } catch {
      // a getter that throws: skip it
    }
  }
  return parts.join('\n');
}
