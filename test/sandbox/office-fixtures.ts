import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as CRC32 from 'crc-32';

/**
 * Test-side office files and checks for the kdocs conversion tests, written independently of the sandbox: a zip writer
 * that DEFLATEs (as real office suites do, unlike the sandbox's stored zips), hand-written OOXML parts with shared
 * strings and page breaks, a PNG reader that checks every chunk CRC, and the external tools that judge the results
 * (pdftotext/pdfinfo from poppler-utils, unzip, python3's XML parser).
 */

const crc32 = (b: Buffer) => CRC32.buf(b) >>> 0;

/** A zip with deflated entries and data descriptors off; UTF-8 names. */
export function deflateZip(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const packed = zlib.deflateRawSync(data);
    const n = Buffer.from(name, 'utf8');
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(0x0800, 6);
    head.writeUInt16LE(8, 8);
    head.writeUInt32LE(crc32(data), 14);
    head.writeUInt32LE(packed.length, 18);
    head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(head, n, packed);
    centrals.push(central, n);
    offset += 30 + n.length + packed.length;
  }
  const size = centrals.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

const RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A .docx whose pages (split by `<w:br w:type="page"/>`) hold the given paragraphs; runs are split to test joining. */
export function docxFixture(pages: string[][]): Buffer {
  const body = pages.map((paras, i) => paras.map((p, j) => {
    const half = Math.ceil(p.length / 2);
    const br = i > 0 && j === 0 ? '<w:r><w:br w:type="page"/></w:r>' : '';
    return `<w:p>${br}<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">${esc(p.slice(0, half))}</w:t></w:r><w:r><w:t>${esc(p.slice(half))}</w:t></w:r></w:p>`;
  }).join('')).join('');
  return deflateZip({
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_REL}/officeDocument" Target="word/document.xml"/></Relationships>`,
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}<w:sectPr/></w:body></w:document>`,
  });
}

/** A .xlsx with shared strings; `sheets` maps names to rows. */
export function xlsxFixture(sheets: Record<string, Array<Array<string | number>>>): Buffer {
  const shared: string[] = [];
  const sid = (s: string) => (shared.includes(s) ? shared.indexOf(s) : shared.push(s) - 1);
  const col = (i: number) => String.fromCharCode(65 + i);
  const files: Record<string, string> = {};
  const names = Object.keys(sheets);
  names.forEach((name, i) => {
    const rows = sheets[name].map((r, ri) => `<row r="${ri + 1}">${r.map((v, ci) => (typeof v === 'number'
      ? `<c r="${col(ci)}${ri + 1}"><v>${v}</v></c>`
      : `<c r="${col(ci)}${ri + 1}" t="s"><v>${sid(v)}</v></c>`)).join('')}</row>`).join('');
    files[`xl/worksheets/sheet${i + 1}.xml`] = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
  });
  return deflateZip({
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${DOC_REL}"><sheets>${names.map((n, i) => `<sheet name="${esc(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${RELS}">${names.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${DOC_REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')}<Relationship Id="rIdS" Type="${DOC_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    'xl/sharedStrings.xml': `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${shared.map((s) => `<si><t>${esc(s)}</t></si>`).join('')}</sst>`,
    ...files,
  });
}

/** A .pptx (the parts a reader needs) with slide ids 300, 301, ... and one text box per slide. */
export function pptxFixture(slides: string[][]): Buffer {
  const files: Record<string, string> = {};
  slides.forEach((lines, i) => {
    files[`ppt/slides/slide${i + 1}.xml`] = '<?xml version="1.0" encoding="UTF-8"?><p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody>' +
      lines.map((l) => `<a:p><a:r><a:t>${esc(l)}</a:t></a:r></a:p>`).join('') + '</p:txBody></p:sp></p:spTree></p:cSld></p:sld>';
  });
  return deflateZip({
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>',
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_REL}/officeDocument" Target="ppt/presentation.xml"/></Relationships>`,
    'ppt/presentation.xml': `<?xml version="1.0" encoding="UTF-8"?><p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="${DOC_REL}"><p:sldIdLst>${slides.map((_, i) => `<p:sldId id="${300 + i}" r:id="rId${i + 10}"/>`).join('')}</p:sldIdLst></p:presentation>`,
    'ppt/_rels/presentation.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${RELS}">${slides.map((_, i) => `<Relationship Id="rId${i + 10}" Type="${DOC_REL}/slide" Target="slides/slide${i + 1}.xml"/>`).join('')}</Relationships>`,
    ...files,
  });
}

/** A loopback file server for conversion sources: `put(path, bytes)`, then `url(path)`; unknown paths answer 404. */
export async function fileServer(): Promise<{ url(p: string): string; put(p: string, data: Buffer): string; hits: string[]; close(): Promise<void> }> {
  const files = new Map<string, Buffer>();
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const data = files.get(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    res.writeHead(data ? 200 : 404, { 'Content-Type': 'application/octet-stream' }).end(data ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const url = (p: string) => `http://127.0.0.1:${port}${p.split('/').map(encodeURIComponent).join('/')}`;
  return {
    url,
    put: (p, data) => {
      files.set(p, data);
      return url(p);
    },
    hits,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}

function tmpFile(data: Buffer, ext: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kdocs-office-')), `f${ext}`);
  fs.writeFileSync(file, data);
  return file;
}

function run(cmd: string, args: string[], input?: string): string {
  const r = childProcess.spawnSync(cmd, args, { encoding: 'utf8', input });
  if (r.error) throw new Error(`${cmd} is not installed (poppler-utils, unzip and python3 are test prerequisites): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Text of a PDF as poppler's pdftotext reads it (optionally pages first..last). */
export function pdftotext(pdf: Buffer, first?: number, last?: number): string {
  const file = tmpFile(pdf, '.pdf');
  return run('pdftotext', [...(first ? ['-f', String(first)] : []), ...(last ? ['-l', String(last)] : []), '-enc', 'UTF-8', file, '-']);
}

export function pdfPageCount(pdf: Buffer): number {
  const m = /^Pages:\s+(\d+)/m.exec(run('pdfinfo', [tmpFile(pdf, '.pdf')]));
  return m ? Number(m[1]) : -1;
}

/** Entry names of a zip as Info-ZIP's unzip lists them, after `unzip -t` found every entry intact. */
export function unzipEntries(zip: Buffer): string[] {
  const file = tmpFile(zip, '.zip');
  run('unzip', ['-tq', file]);
  return run('unzip', ['-Z1', file]).split('\n').filter((l) => l !== '');
}

/** Every .xml/.rels part parsed by python3's XML parser; returns the text content of each part, by name. */
export function xmlParts(zip: Buffer): Record<string, string> {
  const file = tmpFile(zip, '.zip');
  const out = run('python3', ['-c', [
    'import sys, zipfile, json, xml.dom.minidom as m',
    'z = zipfile.ZipFile(sys.argv[1]); r = {}',
    'def text(n): return "".join(c.data if c.nodeType == c.TEXT_NODE else text(c) for c in n.childNodes)',
    'for n in z.namelist():',
    '    if n.endswith(".xml") or n.endswith(".rels"): r[n] = text(m.parseString(z.read(n)))',
    'print(json.dumps(r))',
  ].join('\n'), file]);
  return JSON.parse(out);
}

/** Size of a PNG after checking the signature, every chunk's CRC, and that IDAT inflates to height rows of the width. */
export function decodePng(png: Buffer): { width: number; height: number; colorType: number } {
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error('not a PNG signature');
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Buffer[] = [];
  let ended = false;
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.subarray(pos + 4, pos + 8).toString('latin1');
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (png.readUInt32BE(pos + 8 + len) !== crc32(png.subarray(pos + 4, pos + 8 + len))) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colorType = data[9];
    }
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    pos += 12 + len;
  }
  if (!ended) throw new Error('no IEND');
  const channels = colorType === 2 ? 3 : colorType === 6 ? 4 : colorType === 0 ? 1 : 0;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  if (raw.length !== height * (width * channels + 1)) throw new Error('IDAT does not hold the image');
  return { width, height, colorType };
}
