import * as jpeg from 'jpeg-js';
import { PDF_PAGE as A4 } from './pdf';
import { rgbPng } from './png';

/**
 * Page images of the emulators' conversions: a white A4 page with its text "greeked" (every character a dark block of
 * its width, spaces left blank), laid out like the PDF writer lays it out. No font is needed, the images are real
 * PNG/JPEG files any decoder opens, and a page's text is recognisable by its shape. Size: A4 at `dpi` (96 = 794x1123
 * px) times `scale` percent, capped at MAX_SIDE pixels on the longer side.
 */

export const MAX_SIDE = 3000;

export interface RasterOptions {
  /** Rendering resolution, 96..600 (default 96). */
  dpi?: number;
  /** Percent, 20..200 (default 100). */
  scale?: number;
}

export interface Raster { width: number; height: number; rgb: Buffer }

function factor(o: RasterOptions): number {
  const k = ((o.dpi ?? 96) / 72) * ((o.scale ?? 100) / 100);
  return Math.min(k, MAX_SIDE / A4.height);
}

export function renderPage(lines: string[], o: RasterOptions = {}): Raster {
  const k = factor(o);
  const width = Math.max(1, Math.round(A4.width * k));
  const height = Math.max(1, Math.round(A4.height * k));
  const rgb = Buffer.alloc(width * height * 3, 0xff);
  const fill = (x0: number, y0: number, w: number, h: number, shade: number) => {
    const x1 = Math.min(width, Math.round(x0 + w));
    const y1 = Math.min(height, Math.round(y0 + h));
    for (let y = Math.max(0, Math.round(y0)); y < y1; y++) {
      rgb.fill(shade, (y * width + Math.max(0, Math.round(x0))) * 3, (y * width + x1) * 3);
    }
  };
  const em = A4.fontSize * k;
  lines.forEach((line, i) => {
    let x = A4.margin * k;
    const top = (A4.margin + i * A4.leading) * k + em * 0.2;
    for (const ch of line) {
      const w = ((ch.codePointAt(0) ?? 0) < 0x80 ? 0.5 : 1) * em;
      if (x + w > width - A4.margin * k * 0.5) break;
      if (ch.trim() !== '') fill(x + em * 0.05, top, w - em * 0.1, em * 0.75, (ch.codePointAt(0) ?? 0) < 0x80 ? 0x50 : 0x30);
      x += w;
    }
  });
  return { width, height, rgb };
}

/** Pages one below the other, separated by a grey band (the "long picture" option). */
export function stackRasters(pages: Raster[]): Raster {
  const gap = 8;
  const width = Math.max(...pages.map((p) => p.width));
  const height = pages.reduce((n, p) => n + p.height, 0) + gap * (pages.length - 1);
  const rgb = Buffer.alloc(width * height * 3, 0xc8);
  let y = 0;
  for (const p of pages) {
    for (let row = 0; row < p.height; row++) p.rgb.copy(rgb, ((y + row) * width) * 3, row * p.width * 3, (row + 1) * p.width * 3);
    y += p.height + gap;
  }
  return { width, height, rgb };
}

export function rasterPng(r: Raster): Buffer {
  return rgbPng(r.width, r.height, r.rgb);
}

/** Baseline JPEG (jpeg-js); `quality` 0..100 (default 80). */
export function rasterJpeg(r: Raster, quality = 80): Buffer {
  const rgba = Buffer.alloc(r.width * r.height * 4, 0xff);
  for (let i = 0, j = 0; i < r.rgb.length; i += 3, j += 4) {
    rgba[j] = r.rgb[i];
    rgba[j + 1] = r.rgb[i + 1];
    rgba[j + 2] = r.rgb[i + 2];
  }
  return jpeg.encode({ width: r.width, height: r.height, data: rgba }, Math.max(1, Math.min(100, quality))).data;
}
