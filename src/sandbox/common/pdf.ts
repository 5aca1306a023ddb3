/**
 * A small PDF writer (and a reader of what it writes) for the emulators' conversions. One A4 page per entry, each line a
 * line of text. All text, Latin and CJK alike, is drawn with one Type0 font (`/Identity-H`, CIDFontType2, not embedded)
 * whose CIDs are numbered per document, one per distinct character; a `/ToUnicode` CMap maps every CID back to its
 * character (UTF-16BE, surrogate pairs for emoji). Text extractors (poppler's pdftotext, pdf.js, Acrobat's copy) read
 * the text back exactly through that CMap; viewers draw it with a substitute font. Streams are uncompressed ASCII, so
 * the whole file except the binary marker comment is 7-bit.
 */

export const PDF_PAGE = { width: 595, height: 842, margin: 56, fontSize: 11, leading: 16 } as const;

export interface PdfOptions {
  title?: string;
  producer?: string;
}

function utf16beHex(s: string): string {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return le.toString('hex').toUpperCase();
}

function cidHex(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

/** Width of a character in the font's 1000-unit em: ASCII half width, everything else full width. */
export function glyphWidth(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  return c < 0x80 ? 500 : 1000;
}

export function pdfDocument(pages: string[][], opts: PdfOptions = {}): Buffer {
  const list = pages.length ? pages : [[]];
  const cids = new Map<string, number>();
  for (const page of list) for (const line of page) for (const ch of line) if (!cids.has(ch)) cids.set(ch, cids.size + 1);
  if (cids.size > 0xfffe) throw new Error('too many distinct characters for one PDF font');
  const encode = (line: string) => [...line].map((ch) => cidHex(cids.get(ch)!)).join('');

  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);
  const stream = (text: string) => `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`;

  const catalog = add(''); // 1, filled in below
  const pagesObj = add(''); // 2
  const entries = [...cids];
  const bfchar: string[] = [];
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    bfchar.push(`${chunk.length} beginbfchar\n${chunk.map(([ch, cid]) => `<${cidHex(cid)}> <${utf16beHex(ch)}>`).join('\n')}\nendbfchar`);
  }
  const cmap = add(stream([
    '/CIDInit /ProcSet findresource begin', '12 dict begin', 'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def', '/CMapType 2 def',
    '1 begincodespacerange', '<0000> <FFFF>', 'endcodespacerange',
    ...bfchar,
    'endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end',
  ].join('\n')));
  const descriptor = add('<< /Type /FontDescriptor /FontName /SandboxSans /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>');
  const widths = entries.map(([ch, cid]) => `${cid} [${glyphWidth(ch)}]`).join(' ');
  const cidFont = add(
    '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SandboxSans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> ' +
      `/FontDescriptor ${descriptor} 0 R /DW 1000 /W [${widths}] /CIDToGIDMap /Identity >>`,
  );
  const font = add(`<< /Type /Font /Subtype /Type0 /BaseFont /SandboxSans /Encoding /Identity-H /DescendantFonts [${cidFont} 0 R] /ToUnicode ${cmap} 0 R >>`);

  const { width, height, margin, fontSize, leading } = PDF_PAGE;
  const kids: number[] = [];
  for (const page of list) {
    const ops = [`BT /F1 ${fontSize} Tf ${leading} TL ${margin} ${height - margin - fontSize} Td`];
    page.forEach((line, i) => {
      if (i > 0) ops.push('T*');
      if (line !== '') ops.push(`<${encode(line)}> Tj`);
    });
    ops.push('ET');
    const content = add(stream(ops.join('\n')));
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${width} ${height}] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`));
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  const info = add(`<< /Producer <FEFF${utf16beHex(opts.producer ?? 'Kingsoft Docs sandbox')}>${opts.title !== undefined ? ` /Title <FEFF${utf16beHex(opts.title)}>` : ''} >>`);

  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0].length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    const b = Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`, 'latin1');
    offsets.push(offset);
    parts.push(b);
    offset += b.length;
  });
  parts.push(Buffer.from(
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}` +
      `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${offset}\n%%EOF\n`,
    'latin1',
  ));
  return Buffer.concat(parts);
}

/**
 * The lines of every page of a PDF that pdfDocument wrote. Anything else (compressed streams, other fonts) is beyond
 * this reader: it throws Error, and the emulator reports the file as unreadable.
 */
export function readSandboxPdf(data: Buffer): string[][] {
  const text = data.toString('latin1');
  if (!text.startsWith('%PDF-')) throw new Error('not a PDF file');
  const objects = new Map<number, string>();
  for (const m of text.matchAll(/(\d+) 0 obj\n([\s\S]*?)\nendobj/g)) objects.set(Number(m[1]), m[2]);
  const toUnicode = new Map<string, string>();
  for (const block of text.matchAll(/beginbfchar\n([\s\S]*?)\nendbfchar/g)) {
    for (const m of block[1].matchAll(/<([0-9A-Fa-f]+)> <([0-9A-Fa-f]+)>/g)) {
      const be = Buffer.from(m[2], 'hex');
      for (let i = 0; i + 1 < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1], be[i]];
      toUnicode.set(m[1].toUpperCase(), be.toString('utf16le'));
    }
  }
  const root = /\/Root (\d+) 0 R/.exec(text);
  const catalog = root ? objects.get(Number(root[1])) : undefined;
  const pagesRef = catalog && /\/Pages (\d+) 0 R/.exec(catalog);
  const pagesObj = pagesRef ? objects.get(Number(pagesRef[1])) : undefined;
  const kids = pagesObj && /\/Kids \[([^\]]*)\]/.exec(pagesObj);
  if (!kids || /\/Filter/.test(text)) throw new Error('unsupported PDF structure');
  return [...kids[1].matchAll(/(\d+) 0 R/g)].map((k) => {
    const page = objects.get(Number(k[1])) ?? '';
    const contents = /\/Contents (\d+) 0 R/.exec(page);
    const body = contents ? /stream\n([\s\S]*)\nendstream/.exec(objects.get(Number(contents[1])) ?? '')?.[1] ?? '' : '';
    const lines: string[] = [''];
    let drawn = false;
    for (const m of body.matchAll(/<([0-9A-Fa-f]*)> Tj|T\*/g)) {
      drawn = true;
      if (m[0] === 'T*') {
        lines.push('');
        continue;
      }
      let s = '';
      for (let i = 0; i < m[1].length; i += 4) {
        const ch = toUnicode.get(m[1].slice(i, i + 4).toUpperCase());
        if (ch === undefined) throw new Error('PDF text without a ToUnicode mapping');
        s += ch;
      }
      lines[lines.length - 1] += s;
    }
    return drawn ? lines : [];
  });
}
