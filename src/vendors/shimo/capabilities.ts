/**
 * What a Shimo account can do here: sheets save back as range writes (`write`: also Delete, which deletes the file
 * in Shimo, Rename, which changes its title in the list, and Copy), and Export (the `convert` capability: a file of the
 * list exported to the formats its type allows; Shimo converts only its own files).
 */
import type { Capabilities, ConvertCapability, ConvertedFile, ConvertSource } from '../../core/capabilities';
import { UnsupportedError } from '../../core/errors';
import type { ShimoRemoteFs } from './remotefs';
import { SHIMO_EXPORT_FORMATS } from './wire';

export function shimoCapabilities(fs: ShimoRemoteFs): Capabilities {
  const convert: ConvertCapability = {
    takesBytes: false,
    resultsNextToSource: false,
    targets(name) {
      const hit = fs.named().find((n) => n.name === name);
      if (!hit) return [];
      const formats = SHIMO_EXPORT_FORMATS[hit.file.type];
      // pdf first: the most asked-for
      return [...formats].sort((a, b) => (a === 'pdf' ? -1 : b === 'pdf' ? 1 : 0));
    },
    takesPages: () => false,
    /** The plain-text API: any document, traditional document, presentation or spreadsheet of the list. */
    canExtract: (name) => fs.named().some((n) => n.name === name && n.file.type !== 'table'),
    async extractText(source, o) {
      if (source.kind !== 'store') throw new UnsupportedError('Shimo extracts the text of its own files only');
      return fs.client.plainText(fs.resolve(source.path).file.id, o);
    },
    async convert(source: ConvertSource, target, o): Promise<ConvertedFile[]> {
      if (source.kind !== 'store') throw new UnsupportedError('Shimo exports only its own files');
      const { file } = fs.resolve(source.path);
      const data = await fs.client.exportBytes(file.id, file.type === 'table' ? 'xlsx-table' : target, {
        signal: o?.signal, onProgress: (p) => o?.onProgress?.(p, 100),
      });
      return [{ name: `${file.title.replace(/\//g, '\u2215')}.${target}`, data }];
    },
  };
  return { write: fs.writer, convert };
}
