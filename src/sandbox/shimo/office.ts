import { pptxPackage, xlsxPackage, xmlEscape, type XlsxSheet } from '../common/ooxml';
import { pdfDocument } from '../common/pdf';
import { rasterJpeg, renderPage, stackRasters } from '../common/raster';
import { looksLikeZip, readZip, storeZip } from '../common/zip';
import { newSheet, type Block, type Cell, type Content, type FileType, type Sheet } from './model';
import { cellString, typedCell } from './sheets';

/**
 * Import and export of real office files (reference "导入导出"; formats exactly as vendor-facts and sdk-kit-go
 * file_type.go list them):
 *
 *   import  document <- docx doc md txt     documentPro <- docx doc wps
 *           spreadsheet <- xlsx xls csv xlsm presentation <- pptx ppt          (table: no import)
 *   export  document -> docx (default) md jpg pdf      documentPro -> docx (default) pdf wps
 *           spreadsheet -> xlsx (default)               presentation -> pptx (default) pdf
 *           table -> xlsx only through POST /files/export/table-sheets/{fileId}
 *
 * The sandbox has no office suite. It reads the TEXT of what it imports: markdown (ATX headings `#`, `-`/`*`/`+` and
 * `1.` list items, every other non-blank line a paragraph; inline markup is kept as typed), plain text (one paragraph
 * per line, blank lines kept), word packages (paragraphs with their `Heading1..6`/`Title` styles and list numbering),
 * spreadsheet packages (every sheet, shared and inline strings, numbers, booleans, formula results; dates stay OADate
 * numbers), CSV (RFC 4180, UTF-8 with or without BOM, into one sheet named 工作表1, the name a new zh-CN sheet gets;
 * canonical decimal numbers become numbers, "007" stays text) and presentation packages (each slide's paragraphs, in
 * slide order). Legacy extensions (doc, xls, ppt, wps) are accepted with OOXML or plain-text content; a real legacy
 * binary (OLE compound file) cannot be read and fails the task with a message saying so. Content that does not match
 * its extension (a .docx that is a workbook) fails the task too.
 *
 * Exports are real files written from the content at the moment the export was asked for:
 * - docx: a WordprocessingML package, headings with Heading1..6 styles, list items with "• " / "1. ";
 * - md: markdown (headings `#`, `- ` and `1. ` items, paragraphs separated by blank lines);
 * - pdf: common/pdf.ts (text that pdftotext reads back), lines wrapped at 80 width units, 45 lines a page, every slide
 *   its own page;
 * - jpg: one long JPEG (the document's pages one below the other, text drawn as blocks: common/raster.ts);
 * - wps: WPS Office opens OOXML content whatever the extension says, and the sandbox cannot write the legacy binary
 *   format: the .wps export is the same word package as the docx export (it unzips like one);
 * - xlsx: every sheet with typed cells; pptx: one slide per slide with its lines.
 */

export const IMPORT_FORMATS: Record<Exclude<FileType, 'table'>, string[]> = {
  document: ['docx', 'doc', 'md', 'txt'],
  documentPro: ['docx', 'doc', 'wps'],
  spreadsheet: ['xlsx', 'xls', 'csv', 'xlsm'],
  presentation: ['pptx', 'ppt'],
};

export const EXPORT_FORMATS: Record<Exclude<FileType, 'table'>, string[]> = {
  document: ['docx', 'md', 'jpg', 'pdf'],
  documentPro: ['docx', 'pdf', 'wps'],
  spreadsheet: ['xlsx'],
  presentation: ['pptx', 'pdf'],
};

export const MIME: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  wps: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  pdf: 'application/pdf',
  md: 'text/markdown; charset=utf-8',
  jpg: 'image/jpeg',
};

/** Why an import task failed (reported by the progress API with a non-zero status). */
export class ImportError extends Error {}

export function extOf(name: string): string {
  return (/\.([^./\\]+)$/.exec(name)?.[1] ?? '').toLowerCase();
}

// ---------------------------------------------------------------- reading

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e];
  });
}

function partText(parts: Map<string, Buffer>, name: string): string | undefined {
  return parts.get(name)?.toString('utf8');
}

function relTargets(parts: Map<string, Buffer>, relsName: string, baseDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of (partText(parts, relsName) ?? '').matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]*)"/.exec(m[0])?.[1];
    const target = /\bTarget="([^"]*)"/.exec(m[0])?.[1];
    if (!id || !target) continue;
    const segs: string[] = [];
    for (const seg of (target.startsWith('/') ? target.slice(1) : `${baseDir}/${target}`).split('/')) {
      if (seg === '..') segs.pop();
      else if (seg !== '' && seg !== '.') segs.push(seg);
    }
    out.set(id, segs.join('/'));
  }
  return out;
}

export function readMarkdown(s: string): Block[] {
  const blocks: Block[] = [];
  for (const line of s.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') continue;
    let m = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+\s*)?$/.exec(line);
    if (m) {
      blocks.push({ kind: 'heading', level: m[1].length, text: m[2] });
      continue;
    }
    m = /^\s*[-*+]\s+(.*)$/.exec(line);
    if (m) {
      blocks.push({ kind: 'bullet', text: m[1] });
      continue;
    }
    m = /^\s*\d{1,9}[.)]\s+(.*)$/.exec(line);
    blocks.push(m ? { kind: 'ordered', text: m[1] } : { kind: 'paragraph', text: line });
  }
  return blocks;
}

export function readPlainText(s: string): Block[] {
  const lines = s.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  return lines.map((text) => ({ kind: 'paragraph', text }));
}

function readDocx(parts: Map<string, Buffer>): Block[] {
  const xml = partText(parts, 'word/document.xml') ?? '';
  const blocks: Block[] = [];
  for (const m of xml.matchAll(/<w:p\b[^>]*\/>|<w:p\b[^>]*>([\s\S]*?)<\/w:p>/g)) {
    const body = m[1] ?? '';
    let text = '';
    for (const t of body.matchAll(/<w:t\b[^>]*>([\s\S]*?)<\/w:t>|<w:tab\/>|<w:br\b([^>]*)\/>|<w:cr\/>/g)) {
      if (t[0] === '<w:tab/>') text += '\t';
      else if (t[0] === '<w:cr/>' || t[0].startsWith('<w:br')) text += /w:type="page"/.test(t[2] ?? '') ? '' : '\n';
      else text += unescapeXml(t[1] ?? '');
    }
    const style = /<w:pStyle\s+w:val="([^"]*)"/.exec(body)?.[1] ?? '';
    const heading = /^(?:heading|标题)\s*([1-6])$/i.exec(style);
    if (heading) blocks.push({ kind: 'heading', level: Number(heading[1]), text });
    else if (/^title$/i.test(style)) blocks.push({ kind: 'heading', level: 1, text });
    else if (/<w:numPr>/.test(body)) blocks.push({ kind: 'bullet', text });
    else blocks.push({ kind: 'paragraph', text });
  }
  return blocks;
}

function cellRef(ref: string): { row: number; col: number } | undefined {
  const m = /^([A-Z]{1,3})(\d+)$/.exec(ref);
  if (!m) return undefined;
  let col = 0;
  for (const ch of m[1]) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]) - 1, col: col - 1 };
}

function runsText(xml: string): string {
  return [...xml.matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>/g)].map((m) => unescapeXml(m[1])).join('');
}

function readXlsx(parts: Map<string, Buffer>): Sheet[] {
  const shared = [...(partText(parts, 'xl/sharedStrings.xml') ?? '').matchAll(/<si\b[^>]*>([\s\S]*?)<\/si>/g)].map((m) => runsText(m[1]));
  const rels = relTargets(parts, 'xl/_rels/workbook.xml.rels', 'xl');
  const sheets: Sheet[] = [];
  for (const m of (partText(parts, 'xl/workbook.xml') ?? '').matchAll(/<sheet\b[^>]*\/?>/g)) {
    const name = unescapeXml(/\bname="([^"]*)"/.exec(m[0])?.[1] ?? `Sheet${sheets.length + 1}`);
    const rid = /\br:id="([^"]*)"/.exec(m[0])?.[1];
    const xml = (rid && partText(parts, rels.get(rid) ?? '')) || '';
    const rows: Cell[][] = [];
    for (const c of xml.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const ref = cellRef(/\br="([A-Z]+\d+)"/.exec(c[1])?.[1] ?? '');
      if (!ref) continue;
      const type = /\bt="([^"]*)"/.exec(c[1])?.[1] ?? 'n';
      const inner = c[2] ?? '';
      const v = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
      let value: Cell = null;
      if (type === 's') value = shared[Number(v)] ?? null;
      else if (type === 'inlineStr') value = runsText(inner);
      else if (type === 'b') value = v === '1';
      else if (type === 'str' || type === 'e') value = v === undefined ? null : unescapeXml(v);
      else if (v !== undefined && v !== '') value = Number(v);
      if (value === '' || (typeof value === 'number' && !Number.isFinite(value))) value = null;
      while (rows.length <= ref.row) rows.push([]);
      const row = rows[ref.row];
      while (row.length <= ref.col) row.push(null);
      row[ref.col] = value;
    }
    sheets.push(newSheet(name, rows));
  }
  if (sheets.length === 0) throw new ImportError('the workbook has no sheets');
  return sheets;
}

/** RFC 4180: quoted fields with "" escapes and line breaks, CRLF or LF rows, ',' separators. */
export function parseCsv(s: string): Cell[][] {
  const text = s.replace(/^\ufeff/, '');
  const rows: Cell[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row.map(typedCell));
    row = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      endRow();
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (quoted) throw new ImportError('unterminated quoted field in the CSV file');
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

function readPptx(parts: Map<string, Buffer>): string[][] {
  const rels = relTargets(parts, 'ppt/_rels/presentation.xml.rels', 'ppt');
  const slides: string[][] = [];
  for (const m of (partText(parts, 'ppt/presentation.xml') ?? '').matchAll(/<p:sldId\b[^>]*\/?>/g)) {
    const rid = /\br:id="([^"]*)"/.exec(m[0])?.[1];
    const xml = (rid && partText(parts, rels.get(rid) ?? '')) || '';
    const lines = [...xml.matchAll(/<a:p\b[^>]*\/>|<a:p\b[^>]*>([\s\S]*?)<\/a:p>/g)]
      .map((p) => [...(p[1] ?? '').matchAll(/<a:t>([\s\S]*?)<\/a:t>|<a:br\/>/g)].map((t) => (t[0] === '<a:br/>' ? '\n' : unescapeXml(t[1]))).join(''));
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    slides.push(lines);
  }
  return slides;
}

function utf8Text(data: Buffer): string | undefined {
  if (data.includes(0)) return undefined;
  const s = data.toString('utf8');
  return s.includes('\ufffd') ? undefined : s;
}

const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** The content an import of `data` (extension `ext`, already checked against the table) gives, or ImportError. */
export function importContent(type: Exclude<FileType, 'table'>, ext: string, data: Buffer): Content {
  if (looksLikeZip(data)) {
    let parts: Map<string, Buffer>;
    try {
      parts = readZip(data);
    } catch (e) {
      throw new ImportError(`damaged .${ext} file: ${(e as Error).message}`);
    }
    const family = parts.has('word/document.xml') ? 'word' : parts.has('xl/workbook.xml') ? 'sheet' : parts.has('ppt/presentation.xml') ? 'slides' : undefined;
    const wanted = type === 'spreadsheet' ? 'sheet' : type === 'presentation' ? 'slides' : 'word';
    if (family !== wanted || ext === 'md' || ext === 'txt' || ext === 'csv') {
      throw new ImportError(`the content of this .${ext} file is not what a .${ext} file holds`);
    }
    if (family === 'word') return { kind: 'text', blocks: readDocx(parts) };
    if (family === 'sheet') return { kind: 'sheets', sheets: readXlsx(parts) };
    return { kind: 'slides', slides: readPptx(parts) };
  }
  if (data.subarray(0, 4).equals(OLE)) {
    throw new ImportError(`the sandbox cannot read legacy binary .${ext} files (OLE compound documents): use OOXML or plain-text content`);
  }
  if (['docx', 'xlsx', 'xlsm', 'pptx'].includes(ext)) throw new ImportError(`this .${ext} file is not an OOXML package`);
  const s = utf8Text(data);
  if (s === undefined) throw new ImportError(`the content of this .${ext} file is not readable`);
  if (type === 'spreadsheet') return { kind: 'sheets', sheets: [newSheet('工作表1', parseCsv(s))] };
  if (type === 'presentation') {
    const slides = s.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n').split(/\n\s*\n/).map((b) => b.split('\n').filter((l) => l !== ''));
    return { kind: 'slides', slides };
  }
  return { kind: 'text', blocks: ext === 'md' ? readMarkdown(s) : readPlainText(s) };
}

// ---------------------------------------------------------------- plain text

/** Plain text of a content: text blocks one a line; sheets' used rows tab-separated; slides' lines; blank line between sheets/slides. */
export function plainText(c: Content): string {
  if (c.kind === 'text') return c.blocks.map((b) => b.text).join('\n');
  if (c.kind === 'slides') return c.slides.map((s) => s.join('\n')).join('\n\n');
  return c.sheets.map((s) => s.rows.map((r) => r.map(cellString).join('\t')).join('\n')).filter((t) => t !== '').join('\n\n');
}

// ---------------------------------------------------------------- writing

function markers(blocks: Block[]): string[] {
  let n = 0;
  return blocks.map((b) => {
    n = b.kind === 'ordered' ? n + 1 : 0;
    return b.kind === 'bullet' ? '• ' : b.kind === 'ordered' ? `${n}. ` : '';
  });
}

export function markdownOf(blocks: Block[]): string {
  let n = 0;
  const out: string[] = [];
  blocks.forEach((b, i) => {
    n = b.kind === 'ordered' ? n + 1 : 0;
    const line = b.kind === 'heading' ? `${'#'.repeat(b.level ?? 1)} ${b.text}` : b.kind === 'bullet' ? `- ${b.text}` : b.kind === 'ordered' ? `${n}. ${b.text}` : b.text;
    // Items of one list are one line apart; anything else (a list of the other kind too) is a new block.
    if (i > 0) out.push((b.kind === 'bullet' || b.kind === 'ordered') && blocks[i - 1].kind === b.kind ? '\n' : '\n\n');
    out.push(line);
  });
  return out.join('') + '\n';
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** A word package with Heading1..6 paragraph styles (the common ooxml writer has none). */
export function docxOf(blocks: Block[], title: string): Buffer {
  const lead = markers(blocks);
  const para = (b: Block, i: number) => {
    const style = b.kind === 'heading' ? `<w:pPr><w:pStyle w:val="Heading${b.level ?? 1}"/></w:pPr>` : '';
    const runs = (lead[i] + b.text).split('\n').map((t, j) => `${j > 0 ? '<w:br/>' : ''}<w:t xml:space="preserve">${xmlEscape(t)}</w:t>`).join('');
    return `<w:p>${style}<w:r>${runs}</w:r></w:p>`;
  };
  const headingStyles = [1, 2, 3, 4, 5, 6].map((l) =>
    `<w:style w:type="paragraph" w:styleId="Heading${l}"><w:name w:val="heading ${l}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
    `<w:pPr><w:outlineLvl w:val="${l - 1}"/></w:pPr><w:rPr><w:b/><w:sz w:val="${40 - l * 4}"/></w:rPr></w:style>`).join('');
  const f = (name: string, xml: string) => ({ name, data: Buffer.from(XML + xml, 'utf8') });
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  return storeZip([
    f('[Content_Types].xml', '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
      '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>'),
    f('_rels/.rels', `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="word/document.xml"/>` +
      '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>'),
    f('docProps/core.xml', '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
      `<dc:title>${xmlEscape(title)}</dc:title><dc:creator>Shimo sandbox</dc:creator></cp:coreProperties>`),
    f('word/_rels/document.xml.rels', `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/styles" Target="styles.xml"/></Relationships>`),
    f('word/styles.xml', `<w:styles xmlns:w="${W}"><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>${headingStyles}</w:styles>`),
    f('word/document.xml', `<w:document xmlns:w="${W}"><w:body>${blocks.map(para).join('')}<w:sectPr/></w:body></w:document>`),
  ]);
}

const LINE_UNITS = 80;
const PAGE_LINES = 45;

function wrap(line: string): string[] {
  const out: string[] = [];
  for (const piece of line.split('\n')) {
    let cur = '';
    let width = 0;
    for (const ch of piece) {
      const u = (ch.codePointAt(0) ?? 0) < 0x80 ? 1 : 2;
      if (width + u > LINE_UNITS) {
        out.push(cur);
        cur = '';
        width = 0;
      }
      cur += ch;
      width += u;
    }
    out.push(cur);
  }
  return out;
}

function paginate(lines: string[]): string[][] {
  const pages: string[][] = [];
  for (const l of lines.flatMap(wrap)) {
    if (!pages.length || pages[pages.length - 1].length >= PAGE_LINES) pages.push([]);
    pages[pages.length - 1].push(l);
  }
  return pages.length ? pages : [[]];
}

/** Pages of a content as the PDF and JPEG exports lay them out. */
export function pagesOf(c: Content): string[][] {
  if (c.kind === 'slides') return c.slides.map((s) => paginate(s)[0]);
  if (c.kind === 'text') {
    const lead = markers(c.blocks);
    return paginate(c.blocks.map((b, i) => lead[i] + b.text));
  }
  return paginate(plainText(c).split('\n'));
}

function xlsxSheets(sheets: Sheet[]): XlsxSheet[] {
  return sheets.map((s) => ({ name: s.name, rows: s.rows.map((r) => r.map((v) => v)) }));
}

export function xlsxOf(sheets: Sheet[]): Buffer {
  return xlsxPackage(xlsxSheets(sheets));
}

/** The exported file of `content` in `format` (already checked against EXPORT_FORMATS). */
export function exportContent(c: Content, format: string, title: string): Buffer {
  switch (format) {
    case 'docx':
    case 'wps':
      return docxOf(c.kind === 'text' ? c.blocks : readPlainText(plainText(c)), title);
    case 'md':
      return Buffer.from(markdownOf(c.kind === 'text' ? c.blocks : readPlainText(plainText(c))), 'utf8');
    case 'pdf':
      return pdfDocument(pagesOf(c), { title, producer: 'Shimo sandbox' });
    case 'jpg':
      return rasterJpeg(stackRasters(pagesOf(c).map((p) => renderPage(p))));
    case 'xlsx':
      return xlsxOf(c.kind === 'sheets' ? c.sheets : [newSheet('Sheet1')]);
    case 'pptx':
      return pptxPackage(c.kind === 'slides' ? c.slides : [plainText(c).split('\n')]);
    default:
      throw new Error(`no writer for ${format}`);
  }
}
