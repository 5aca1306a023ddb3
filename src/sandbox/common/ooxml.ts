import { storeZip } from './zip';

/**
 * Minimal but complete OOXML packages (WordprocessingML, SpreadsheetML, PresentationML) written by hand: the seed's
 * demo content and the kdocs emulator's conversion results. Text only (no styles beyond what the formats require);
 * every package unzips, its parts are well-formed XML, and office suites open it.
 */

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** XML text escaping; characters XML 1.0 cannot carry at all (C0 controls but tab/CR/LF) are dropped. */
export function xmlEscape(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function part(name: string, xml: string): { name: string; data: Buffer } {
  return { name, data: Buffer.from(XML + xml, 'utf8') };
}

function contentTypes(overrides: Array<[string, string]>, defaults: Array<[string, string]> = []): { name: string; data: Buffer } {
  return part(
    '[Content_Types].xml',
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      defaults.map(([ext, type]) => `<Default Extension="${ext}" ContentType="${type}"/>`).join('') +
      overrides.map(([name, type]) => `<Override PartName="${name}" ContentType="${type}"/>`).join('') +
      '</Types>',
  );
}

function rels(list: Array<[id: string, type: string, target: string]>): string {
  return `<Relationships xmlns="${PKG_REL}">` + list.map(([id, type, target]) => `<Relationship Id="${id}" Type="${REL}/${type}" Target="${target}"/>`).join('') + '</Relationships>';
}

/** One paragraph of a word document; `pageBreakBefore` starts a new page. */
export interface DocxParagraph { text: string; pageBreakBefore?: boolean }

/** A valid, minimal OOXML word document (one paragraph per string) for the demo content. */
export function minimalDocx(paragraphs: string[]): Buffer {
  return docxPackage(paragraphs.map((text) => ({ text })));
}

/** A word document; a paragraph with pageBreakBefore is preceded by a page break (`<w:br w:type="page"/>`). */
export function docxPackage(paragraphs: DocxParagraph[]): Buffer {
  const p = (x: DocxParagraph) =>
    `<w:p><w:r>${x.pageBreakBefore ? '<w:br w:type="page"/>' : ''}<w:t xml:space="preserve">${xmlEscape(x.text)}</w:t></w:r></w:p>`;
  return storeZip([
    contentTypes([['/word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml']]),
    part('_rels/.rels', rels([['rId1', 'officeDocument', 'word/document.xml']])),
    part('word/document.xml', '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + paragraphs.map(p).join('') + '</w:body></w:document>'),
  ]);
}

export type CellValue = string | number | boolean | null;
export interface XlsxSheet { name: string; rows: CellValue[][] }

/** Column letters of a 1-based column number (1 -> A, 27 -> AA). */
export function columnName(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** A workbook: strings as inline strings, numbers and booleans typed; empty cells are left out. */
export function xlsxPackage(sheets: XlsxSheet[]): Buffer {
  const list = sheets.length ? sheets : [{ name: 'Sheet1', rows: [] }];
  const cell = (v: CellValue, ref: string): string => {
    if (v === null || v === '') return '';
    if (typeof v === 'number') return Number.isFinite(v) ? `<c r="${ref}"><v>${v}</v></c>` : '';
    if (typeof v === 'boolean') return `<c r="${ref}" t="b"><v>${v ? 1 : 0}</v></c>`;
    return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlEscape(v)}</t></is></c>`;
  };
  const sheetXml = (s: XlsxSheet) =>
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
    s.rows.map((row, r) => `<row r="${r + 1}">${row.map((v, c) => cell(v, `${columnName(c + 1)}${r + 1}`)).join('')}</row>`).join('') +
    '</sheetData></worksheet>';
  return storeZip([
    contentTypes([
      ['/xl/workbook.xml', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'],
      ['/xl/styles.xml', 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml'],
      ...list.map((_, i): [string, string] => [`/xl/worksheets/sheet${i + 1}.xml`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml']),
    ]),
    part('_rels/.rels', rels([['rId1', 'officeDocument', 'xl/workbook.xml']])),
    part(
      'xl/workbook.xml',
      `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}"><sheets>` +
        list.map((s, i) => `<sheet name="${xmlEscape(s.name.slice(0, 31))}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
        '</sheets></workbook>',
    ),
    part('xl/_rels/workbook.xml.rels', rels([...list.map((_, i): [string, string, string] => [`rId${i + 1}`, 'worksheet', `worksheets/sheet${i + 1}.xml`]), [`rId${list.length + 1}`, 'styles', 'styles.xml']])),
    part(
      'xl/styles.xml',
      '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>' +
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
        '</styleSheet>',
    ),
    ...list.map((s, i) => part(`xl/worksheets/sheet${i + 1}.xml`, sheetXml(s))),
  ]);
}

const A = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const P = 'http://schemas.openxmlformats.org/presentationml/2006/main';
const EMU_W = 12192000; // 16:9, 13.333 in
const EMU_H = 6858000;

const THEME =
  `<a:theme xmlns:a="${A}" name="Sandbox"><a:themeElements>` +
  '<a:clrScheme name="Sandbox"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>' +
  '<a:dk2><a:srgbClr val="1F497D"/></a:dk2><a:lt2><a:srgbClr val="EEECE1"/></a:lt2><a:accent1><a:srgbClr val="4F81BD"/></a:accent1>' +
  '<a:accent2><a:srgbClr val="C0504D"/></a:accent2><a:accent3><a:srgbClr val="9BBB59"/></a:accent3><a:accent4><a:srgbClr val="8064A2"/></a:accent4>' +
  '<a:accent5><a:srgbClr val="4BACC6"/></a:accent5><a:accent6><a:srgbClr val="F79646"/></a:accent6><a:hlink><a:srgbClr val="0000FF"/></a:hlink>' +
  '<a:folHlink><a:srgbClr val="800080"/></a:folHlink></a:clrScheme>' +
  '<a:fontScheme name="Sandbox"><a:majorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>' +
  '<a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme>' +
  '<a:fmtScheme name="Sandbox"><a:fillStyleLst>' + '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'.repeat(3) + '</a:fillStyleLst>' +
  '<a:lnStyleLst>' + '<a:ln w="9525"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>'.repeat(3) + '</a:lnStyleLst>' +
  '<a:effectStyleLst>' + '<a:effectStyle><a:effectLst/></a:effectStyle>'.repeat(3) + '</a:effectStyleLst>' +
  '<a:bgFillStyleLst>' + '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'.repeat(3) + '</a:bgFillStyleLst></a:fmtScheme>' +
  '</a:themeElements></a:theme>';

const EMPTY_TREE = '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>';

/** A presentation: one slide per entry, each line of it a paragraph of one text box. */
export function pptxPackage(slides: string[][]): Buffer {
  const list = slides.length ? slides : [[]];
  const slideXml = (lines: string[]) =>
    `<p:sld xmlns:a="${A}" xmlns:r="${REL}" xmlns:p="${P}"><p:cSld><p:spTree>${EMPTY_TREE}` +
    '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Text 1"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>' +
    `<p:spPr><a:xfrm><a:off x="609600" y="457200"/><a:ext cx="${EMU_W - 1219200}" cy="${EMU_H - 914400}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>` +
    '<p:txBody><a:bodyPr wrap="square"/><a:lstStyle/>' +
    (lines.length ? lines : ['']).map((l) => `<a:p><a:r><a:rPr lang="zh-CN"/><a:t>${xmlEscape(l)}</a:t></a:r></a:p>`).join('') +
    '</p:txBody></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>';
  const ct = 'application/vnd.openxmlformats-officedocument.presentationml';
  return storeZip([
    contentTypes([
      ['/ppt/presentation.xml', `${ct}.presentation.main+xml`],
      ['/ppt/slideMasters/slideMaster1.xml', `${ct}.slideMaster+xml`],
      ['/ppt/slideLayouts/slideLayout1.xml', `${ct}.slideLayout+xml`],
      ['/ppt/theme/theme1.xml', 'application/vnd.openxmlformats-officedocument.theme+xml'],
      ...list.map((_, i): [string, string] => [`/ppt/slides/slide${i + 1}.xml`, `${ct}.slide+xml`]),
    ]),
    part('_rels/.rels', rels([['rId1', 'officeDocument', 'ppt/presentation.xml']])),
    part(
      'ppt/presentation.xml',
      `<p:presentation xmlns:a="${A}" xmlns:r="${REL}" xmlns:p="${P}">` +
        '<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>' +
        `<p:sldIdLst>${list.map((_, i) => `<p:sldId id="${256 + i}" r:id="rId${i + 3}"/>`).join('')}</p:sldIdLst>` +
        `<p:sldSz cx="${EMU_W}" cy="${EMU_H}"/><p:notesSz cx="${EMU_H}" cy="${EMU_W}"/></p:presentation>`,
    ),
    part('ppt/_rels/presentation.xml.rels', rels([
      ['rId1', 'slideMaster', 'slideMasters/slideMaster1.xml'],
      ['rId2', 'theme', 'theme/theme1.xml'],
      ...list.map((_, i): [string, string, string] => [`rId${i + 3}`, 'slide', `slides/slide${i + 1}.xml`]),
    ])),
    part(
      'ppt/slideMasters/slideMaster1.xml',
      `<p:sldMaster xmlns:a="${A}" xmlns:r="${REL}" xmlns:p="${P}"><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg><p:spTree>${EMPTY_TREE}</p:spTree></p:cSld>` +
        '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>' +
        '<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst></p:sldMaster>',
    ),
    part('ppt/slideMasters/_rels/slideMaster1.xml.rels', rels([['rId1', 'slideLayout', '../slideLayouts/slideLayout1.xml'], ['rId2', 'theme', '../theme/theme1.xml']])),
    part(
      'ppt/slideLayouts/slideLayout1.xml',
      `<p:sldLayout xmlns:a="${A}" xmlns:r="${REL}" xmlns:p="${P}" type="blank"><p:cSld name="Blank"><p:spTree>${EMPTY_TREE}</p:spTree></p:cSld>` +
        '<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>',
    ),
    part('ppt/slideLayouts/_rels/slideLayout1.xml.rels', rels([['rId1', 'slideMaster', '../slideMasters/slideMaster1.xml']])),
    part('ppt/theme/theme1.xml', THEME),
    ...list.flatMap((lines, i) => [
      part(`ppt/slides/slide${i + 1}.xml`, slideXml(lines)),
      part(`ppt/slides/_rels/slide${i + 1}.xml.rels`, rels([['rId1', 'slideLayout', '../slideLayouts/slideLayout1.xml']])),
    ]),
  ]);
}
