import * as crypto from 'node:crypto';
import { docxPackage, pptxPackage, xlsxPackage, type CellValue, type DocxParagraph, type XlsxSheet } from '../common/ooxml';
import { pdfDocument, readSandboxPdf } from '../common/pdf';
import { looksLikeZip, readZip, storeZip } from '../common/zip';

/**
 * What the kdocs emulator understands of an office file, for conversion and extraction. The sandbox has no office
 * suite: it reads the TEXT of OOXML packages (word paragraphs with their page breaks, spreadsheet cells, slide text
 * boxes), of plain text / CSV content and of the PDFs it wrote itself, and lays it out on pages by a fixed rule:
 *
 * - a line holds 80 width units (ASCII 1, anything else 2); longer paragraphs wrap;
 * - a page holds at most 40 lines; a word page break (`<w:br w:type="page"/>`, `<w:pageBreakBefore/>`) or a form feed
 *   in text content starts a new page;
 * - every worksheet starts a new page (one line per row, cells separated by a tab); every slide is one page (its label,
 *   the image `slideId`, is the slide's id from presentation.xml, e.g. "256"); a sandbox PDF keeps its pages.
 *
 * Legacy extensions (.doc .xls .ppt ...) are accepted with OOXML or plain-text content; a real legacy binary (OLE
 * compound file) cannot be read and fails the task with a message saying so.
 *
 * Password protection in the sandbox: an OOXML package that contains the part `docProps/sandbox-protection.xml`
 * (`<protection xmlns="urn:kdocs-sandbox" algorithm="SHA-256" hash="<hex sha256 of the UTF-8 password>"/>`) is
 * "encrypted". protectPackage (and control.protectDocument) adds that part. Converting it needs the right `password`.
 */

export type Family = 'text' | 'sheet' | 'slides' | 'pdf';

export interface Slide { id: string; lines: string[] }

export type SourceDoc =
  | { family: 'text'; paragraphs: DocxParagraph[] }
  | { family: 'sheet'; sheets: XlsxSheet[] }
  | { family: 'slides'; slides: Slide[] }
  | { family: 'pdf'; pages: string[][] };

/** One laid-out line; `hard` when a paragraph (row, slide line) ends with it, false when the text wraps on. */
export interface Line { text: string; hard: boolean }
export interface Page { label: string; lines: Line[] }

/** Why a document cannot be converted; `kind` tells password problems apart (their messages are fixed). */
export class DocError extends Error {
  constructor(message: string, readonly kind: 'password-required' | 'password-wrong' | 'unreadable' = 'unreadable') {
    super(message);
  }
}

export const PASSWORD_REQUIRED = 'document is encrypted: a password is required (文档已加密, 请提供打开密码)';
export const PASSWORD_WRONG = 'wrong password: the document could not be decrypted (文档打开密码错误)';

export const EXTENSIONS: Record<Exclude<Family, 'pdf'>, string[]> = {
  text: ['.doc', '.docx', '.dot', '.dotx', '.docm', '.dotm', '.wps', '.wpt', '.txt'],
  sheet: ['.xls', '.xlsx', '.xlsm', '.xlt', '.xltx', '.xltm', '.et', '.ett', '.csv'],
  slides: ['.ppt', '.pptx', '.pptm', '.pps', '.ppsx', '.ppsm', '.pot', '.potx', '.potm', '.dps', '.dpt'],
};

export function extOf(name: string): string {
  return (/\.[^./\\]+$/.exec(name)?.[0] ?? '').toLowerCase();
}

export function familyOf(ext: string): Family | undefined {
  if (ext === '.pdf') return 'pdf';
  for (const [f, list] of Object.entries(EXTENSIONS)) if (list.includes(ext)) return f as Family;
  return undefined;
}

const LINE_UNITS = 80;
const PAGE_LINES = 40;
const PROTECTION_PART = 'docProps/sandbox-protection.xml';

// --- password marker ---

function sha256Hex(s: string): string {
  return crypto.createHash('sha256').update(s, 'utf8').digest('hex');
}

/** The package with the sandbox's password marker (replacing an earlier one). Throws for content that is not a zip. */
export function protectPackage(data: Buffer, password: string): Buffer {
  if (!looksLikeZip(data)) throw new Error('only OOXML packages (.docx .xlsx .pptx ...) can be protected in the sandbox');
  const files = [...readZip(data)].filter(([name]) => name !== PROTECTION_PART).map(([name, bytes]) => ({ name, data: bytes }));
  files.push({ name: PROTECTION_PART, data: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<protection xmlns="urn:kdocs-sandbox" algorithm="SHA-256" hash="${sha256Hex(password)}"/>`) });
  return storeZip(files);
}

// --- reading ---

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e];
  });
}

function text(parts: Map<string, Buffer>, name: string): string | undefined {
  return parts.get(name)?.toString('utf8');
}

function relsOf(parts: Map<string, Buffer>, relsName: string, baseDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of (text(parts, relsName) ?? '').matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]*)"/.exec(m[0])?.[1];
    const target = /\bTarget="([^"]*)"/.exec(m[0])?.[1];
    if (!id || !target) continue;
    out.set(id, target.startsWith('/') ? target.slice(1) : normalize(`${baseDir}/${target}`));
  }
  return out;
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

function readDocx(parts: Map<string, Buffer>): DocxParagraph[] {
  const xml = text(parts, 'word/document.xml') ?? '';
  const paragraphs: DocxParagraph[] = [];
  let breakNext = false;
  for (const m of xml.matchAll(/<w:p\b[^>]*\/>|<w:p\b[^>]*>([\s\S]*?)<\/w:p>/g)) {
    const body = m[1] ?? '';
    let cur: DocxParagraph = { text: '', pageBreakBefore: breakNext || /<w:pageBreakBefore\b(?![^>]*w:val="(?:0|false)")/.test(body) };
    breakNext = false;
    for (const t of body.matchAll(/<w:t\b[^>]*>([\s\S]*?)<\/w:t>|<w:t\b[^>]*\/>|<w:tab\/>|<w:br\b([^>]*)\/>|<w:cr\/>/g)) {
      if (t[0].startsWith('<w:t>') || t[0].startsWith('<w:t ')) cur.text += unescapeXml(t[1] ?? '');
      else if (t[0] === '<w:tab/>') cur.text += '\t';
      else if (t[0].startsWith('<w:br') && /w:type="page"/.test(t[2] ?? '')) {
        if (cur.text === '') cur.pageBreakBefore = true;
        else {
          paragraphs.push(cur);
          cur = { text: '', pageBreakBefore: true };
        }
      } else if (t[0].startsWith('<w:br') || t[0] === '<w:cr/>') cur.text += '\n';
    }
    paragraphs.push(cur);
  }
  return paragraphs.map((p) => (p.pageBreakBefore ? p : { text: p.text }));
}

function cellText(s: string): string {
  return [...s.matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>/g)].map((m) => unescapeXml(m[1])).join('');
}

function cellRef(ref: string): { row: number; col: number } | undefined {
  const m = /^([A-Z]+)(\d+)$/.exec(ref);
  if (!m) return undefined;
  let col = 0;
  for (const ch of m[1]) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]), col };
}

function readXlsx(parts: Map<string, Buffer>): XlsxSheet[] {
  const shared = [...(text(parts, 'xl/sharedStrings.xml') ?? '').matchAll(/<si\b[^>]*>([\s\S]*?)<\/si>/g)].map((m) => cellText(m[1]));
  const rels = relsOf(parts, 'xl/_rels/workbook.xml.rels', 'xl');
  const sheets: XlsxSheet[] = [];
  for (const m of (text(parts, 'xl/workbook.xml') ?? '').matchAll(/<sheet\b[^>]*\/?>/g)) {
    const name = unescapeXml(/\bname="([^"]*)"/.exec(m[0])?.[1] ?? `Sheet${sheets.length + 1}`);
    const rid = /\br:id="([^"]*)"/.exec(m[0])?.[1];
    const xml = (rid && text(parts, rels.get(rid) ?? '')) || '';
    const rows: CellValue[][] = [];
    for (const c of xml.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const ref = cellRef(/\br="([A-Z]+\d+)"/.exec(c[1])?.[1] ?? '');
      if (!ref) continue;
      const type = /\bt="([^"]*)"/.exec(c[1])?.[1] ?? 'n';
      const inner = c[2] ?? '';
      const v = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
      let value: CellValue = null;
      if (type === 's') value = shared[Number(v)] ?? '';
      else if (type === 'inlineStr') value = cellText(inner);
      else if (type === 'b') value = v === '1';
      else if (type === 'str' || type === 'e') value = unescapeXml(v ?? '');
      else if (v !== undefined) value = Number(v);
      while (rows.length < ref.row) rows.push([]);
      const row = rows[ref.row - 1];
      while (row.length < ref.col) row.push(null);
      row[ref.col - 1] = value;
    }
    sheets.push({ name, rows });
  }
  return sheets;
}

function readPptx(parts: Map<string, Buffer>): Slide[] {
  const rels = relsOf(parts, 'ppt/_rels/presentation.xml.rels', 'ppt');
  const slides: Slide[] = [];
  for (const m of (text(parts, 'ppt/presentation.xml') ?? '').matchAll(/<p:sldId\b[^>]*\/?>/g)) {
    const id = /\bid="(\d+)"/.exec(m[0])?.[1] ?? String(256 + slides.length);
    const rid = /\br:id="([^"]*)"/.exec(m[0])?.[1];
    const xml = (rid && text(parts, rels.get(rid) ?? '')) || '';
    const lines = [...xml.matchAll(/<a:p\b[^>]*\/>|<a:p\b[^>]*>([\s\S]*?)<\/a:p>/g)]
      .map((p) => [...(p[1] ?? '').matchAll(/<a:t>([\s\S]*?)<\/a:t>|<a:br\/>/g)].map((t) => (t[0] === '<a:br/>' ? '\n' : unescapeXml(t[1]))).join(''));
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    slides.push({ id, lines });
  }
  return slides;
}

function plainText(data: Buffer): string | undefined {
  if (data.includes(0)) return undefined;
  const s = data.toString('utf8');
  return s.includes('\ufffd') ? undefined : s.replace(/^\ufeff/, '');
}

function parseCsv(s: string): CellValue[][] {
  const sep = s.split('\n', 1)[0].includes('\t') ? '\t' : ',';
  return s.split(/\r?\n/).filter((l, i, all) => l !== '' || i < all.length - 1).map((line) => line.split(sep).map((v) => {
    const t = v.trim();
    return t !== '' && !Number.isNaN(Number(t)) ? Number(t) : v;
  }));
}

const FAMILY_NAMES: Record<Family, string> = { text: 'text document', sheet: 'spreadsheet', slides: 'presentation', pdf: 'PDF' };

/** Parses `data` as a document of the family `ext` names; DocError when it cannot (or the password does not fit). */
export function readDocument(data: Buffer, ext: string, password?: string): SourceDoc {
  const family = familyOf(ext);
  if (!family) throw new DocError(`unsupported file type ${ext || '(none)'}`);
  if (family === 'pdf') {
    try {
      return { family, pages: readSandboxPdf(data) };
    } catch {
      throw new DocError('the sandbox can only read PDFs it wrote itself (its conversion results)');
    }
  }
  if (looksLikeZip(data)) {
    let parts: Map<string, Buffer>;
    try {
      parts = readZip(data);
    } catch (e) {
      throw new DocError(`damaged ${ext} file: ${(e as Error).message}`);
    }
    const marker = text(parts, PROTECTION_PART);
    if (marker !== undefined) {
      const hash = /\bhash="([0-9a-f]+)"/.exec(marker)?.[1];
      if (password === undefined || password === '') throw new DocError(PASSWORD_REQUIRED, 'password-required');
      if (sha256Hex(password) !== hash) throw new DocError(PASSWORD_WRONG, 'password-wrong');
    }
    const actual: Family | undefined = parts.has('word/document.xml') ? 'text' : parts.has('xl/workbook.xml') ? 'sheet' : parts.has('ppt/presentation.xml') ? 'slides' : undefined;
    if (actual !== family) throw new DocError(`the content of this ${ext} file is not a ${FAMILY_NAMES[family]}`);
    if (family === 'text') return { family, paragraphs: readDocx(parts) };
    if (family === 'sheet') return { family, sheets: readXlsx(parts) };
    return { family, slides: readPptx(parts) };
  }
  const s = plainText(data);
  if (s === undefined) {
    throw new DocError(data.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))
      ? `the sandbox cannot read legacy binary ${ext} files (OLE compound documents): use OOXML or plain-text content`
      : `the content of this ${ext} file is not readable`);
  }
  if (family === 'text') {
    const paragraphs: DocxParagraph[] = [];
    s.split('\f').forEach((chunk, i) => chunk.replace(/\r\n/g, '\n').split('\n').forEach((t, j) => paragraphs.push(i > 0 && j === 0 ? { text: t, pageBreakBefore: true } : { text: t })));
    while (paragraphs.length > 1 && paragraphs[paragraphs.length - 1].text === '' && !paragraphs[paragraphs.length - 1].pageBreakBefore) paragraphs.pop();
    return { family, paragraphs };
  }
  if (family === 'sheet') return { family, sheets: [{ name: 'Sheet1', rows: parseCsv(s) }] };
  return { family, slides: s.split(/\r?\n\s*\r?\n/).map((block, i) => ({ id: String(256 + i), lines: block.split(/\r?\n/) })) };
}

// --- layout ---

function units(ch: string): number {
  return (ch.codePointAt(0) ?? 0) < 0x80 ? 1 : 2;
}

/** A paragraph as wrapped lines (a `\n` inside it is a hard break too). */
export function wrap(paragraph: string): Line[] {
  const out: Line[] = [];
  for (const piece of paragraph.split('\n')) {
    let cur = '';
    let width = 0;
    for (const ch of piece) {
      if (width + units(ch) > LINE_UNITS) {
        out.push({ text: cur, hard: false });
        cur = '';
        width = 0;
      }
      cur += ch;
      width += units(ch);
    }
    out.push({ text: cur, hard: true });
  }
  return out;
}

function cellString(v: CellValue): string {
  return v === null ? '' : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v);
}

/** The pages of a document (see the header for the rule). */
export function paginate(doc: SourceDoc): Page[] {
  if (doc.family === 'pdf') return doc.pages.map((lines, i) => ({ label: String(i + 1), lines: lines.map((text) => ({ text, hard: true })) }));
  if (doc.family === 'slides') return doc.slides.map((s) => ({ label: s.id, lines: s.lines.flatMap(wrap).slice(0, PAGE_LINES) }));
  const pages: Page[] = [];
  let cur: Line[] | undefined;
  const flush = () => {
    if (cur) pages.push({ label: String(pages.length + 1), lines: cur });
    cur = undefined;
  };
  const push = (lines: Line[], newPage: boolean) => {
    if (newPage) flush();
    for (const l of lines) {
      if (cur && cur.length >= PAGE_LINES) flush();
      (cur ??= []).push(l);
    }
    cur ??= [];
  };
  if (doc.family === 'text') {
    for (const p of doc.paragraphs) push(wrap(p.text), p.pageBreakBefore === true);
  } else {
    for (const s of doc.sheets) {
      flush();
      cur = [];
      for (const row of s.rows) push(wrap(row.map(cellString).join('\t')), false);
    }
  }
  flush();
  return pages.length ? pages : [{ label: '1', lines: [] }];
}

/** The text of a page: wrapped pieces joined, paragraphs separated by `\n` (or run together without hold_line_feed). */
export function pageText(page: Page, holdLineFeed: boolean): string {
  let out = '';
  page.lines.forEach((l, i) => {
    out += l.text;
    if (l.hard && i < page.lines.length - 1 && holdLineFeed) out += '\n';
  });
  return out;
}

/** The whole plain text of a document (extract/plaintext): paragraphs, rows (cells tab-separated), slide lines. */
export function plainTextOf(doc: SourceDoc): string {
  switch (doc.family) {
    case 'text':
      return doc.paragraphs.map((p) => p.text).join('\n');
    case 'sheet':
      return doc.sheets.map((s) => s.rows.map((r) => r.map(cellString).join('\t')).join('\n')).join('\n\n');
    case 'slides':
      return doc.slides.map((s) => s.lines.join('\n')).join('\n\n');
    case 'pdf':
      return doc.pages.map((p) => p.join('\n')).join('\n\n');
  }
}

// --- page selection ---

/** Page numbers (1-based, ascending, unique) of `ranges` ("1,2-4,7"); RangeError when malformed. */
export function parseRanges(ranges: string): number[] {
  if (!/^\s*\d+\s*(-\s*\d+\s*)?(,\s*\d+\s*(-\s*\d+\s*)?)*$/.test(ranges)) throw new RangeError('ranges must look like "1,2-4,7"');
  const set = new Set<number>();
  for (const part of ranges.split(',')) {
    const [a, b] = part.split('-').map((x) => Number(x.trim()));
    const to = b ?? a;
    if (a < 1 || to < a) throw new RangeError(`bad page range "${part.trim()}"`);
    for (let n = a; n <= Math.min(to, a + 100_000); n++) set.add(n);
  }
  return [...set].sort((x, y) => x - y);
}

// --- writing ---

/** PDF text lines of a page: tabs become two spaces (the font has no tab glyph). */
export function drawnLines(page: Page): string[] {
  return page.lines.map((l) => l.text.replace(/\t/g, '  '));
}

export function pdfOf(pages: Page[], title: string): Buffer {
  return pdfDocument(pages.map(drawnLines), { title });
}

export function docxOf(doc: SourceDoc): Buffer {
  if (doc.family !== 'text') throw new DocError('not a text document');
  return docxPackage(doc.paragraphs);
}

export function xlsxOf(doc: SourceDoc): Buffer {
  if (doc.family !== 'sheet') throw new DocError('not a spreadsheet');
  return xlsxPackage(doc.sheets);
}

export function pptxOf(doc: SourceDoc): Buffer {
  if (doc.family !== 'slides') throw new DocError('not a presentation');
  return pptxPackage(doc.slides.map((s) => s.lines));
}
