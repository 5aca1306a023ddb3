/**
 * Request body decoding: application/x-www-form-urlencoded (RFC 3986 percent-encoding, `+` also accepted as a space
 * because browsers send it) and a small multipart/form-data parser for web_upload.
 */

export type Params = Record<string, string>;

/** Throws URIError on malformed percent-escapes (the caller answers 400). */
export function decodeFormComponent(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/** Decodes `a=1&b=%E4%B8%AD`. Later duplicates win. */
export function parseUrlEncoded(body: string): Params {
  const out: Params = {};
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeFormComponent(eq < 0 ? pair : pair.slice(0, eq));
    out[key] = eq < 0 ? '' : decodeFormComponent(pair.slice(eq + 1));
  }
  return out;
}

export interface MultipartFile { field: string; filename: string; contentType?: string; data: Buffer }
export interface Multipart { fields: Params; files: MultipartFile[] }

/** Boundary from a Content-Type header, or undefined when it is not multipart/form-data. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]).trim() : undefined;
}

/** Parses a complete multipart body. Throws Error on a malformed body. */
export function parseMultipart(body: Buffer, boundary: string): Multipart {
  const delimiter = Buffer.from('--' + boundary);
  const result: Multipart = { fields: {}, files: [] };
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('multipart boundary not found');
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') return result; // closing delimiter
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') throw new Error('malformed multipart delimiter line');
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new Error('malformed multipart part headers');
    const headers = parsePartHeaders(body.subarray(pos, headerEnd).toString('utf8'));
    const dataStart = headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), dataStart);
    if (next < 0) throw new Error('unterminated multipart part');
    const data = body.subarray(dataStart, next);
    const disposition = headers['content-disposition'] ?? '';
    const name = dispositionParam(disposition, 'name');
    const filename = dispositionParam(disposition, 'filename');
    if (name !== undefined) {
      if (filename !== undefined) {
        result.files.push({ field: name, filename, contentType: headers['content-type'], data: Buffer.from(data) });
      } else {
        result.fields[name] = data.toString('utf8');
      }
    }
    pos = next + 2;
  }
}

function parsePartHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}

/** Reads `name="..."` / `filename="..."`; also `filename*=UTF-8''...` (RFC 5987), which wins when present. */
function dispositionParam(disposition: string, key: string): string | undefined {
  const extended = new RegExp(`(?:^|;)\\s*${key}\\*=(?:UTF-8|utf-8)''([^;]*)`).exec(disposition);
  if (extended) return decodeURIComponent(extended[1]);
  const quoted = new RegExp(`(?:^|;)\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`).exec(disposition);
  if (quoted) return quoted[1].replace(/\\(.)/g, '$1');
  const bare = new RegExp(`(?:^|;)\\s*${key}=([^;]*)`).exec(disposition);
  return bare ? bare[1].trim() : undefined;
}
