import * as crypto from 'node:crypto';
import { bufferBlob } from '../common/blob';
import { fetchLoopback, FetchRefused, loopbackUrl } from '../common/fetch';
import { rasterJpeg, rasterPng, renderPage, stackRasters } from '../common/raster';
import { keepResult, type Deps } from './deps';
import {
  DocError, docxOf, drawnLines, EXTENSIONS, extOf, familyOf, pageText, paginate, parseRanges, pdfOf, plainTextOf, pptxOf, readDocument, xlsxOf,
  type Page,
} from './documents';
import { kerr } from './errors';
import { q, requiredStr, str, type Ctx, type RouteDef } from './router';

/**
 * Format conversion and plain-text extraction (WPS-2 auth), vendor pages "文档转换成 pdf/jpg/png/txt", "...转换成
 * docx/xlsx/pptx", "提取纯文本", "格式转换结果查询" / "文档内容提取结果查询":
 *
 *   POST /office/convert/files/to/{pdf|docx|xlsx|pptx|txt|jpg|png}  {url, filename, password?, ranges? | from_page?/to_page?, ...}
 *   POST /office/extract/plaintext                                  {url, filename, password?}
 *        -> {task_id}  ("open:" + 32 lowercase letters: task ids contain ':'; sign the GET over the URI as sent)
 *   GET  /office/tasks/:task_id
 *        -> {task_id, status: "running" | "success" | "failed", progress: 0..100, message?, result?, task: {elapsed, resource_size}}
 *
 * Results (URLs served by the sandbox under /dl/, valid 30 minutes):
 *   pdf  result.pdfs   [{url, size}]             one PDF of the selected pages
 *   jpg/png result.images [{url, size, slideId}]  one image per selected page (long_pic: one tall image, at most 20 pages);
 *                                                 slideId = slide id for presentations, page number otherwise
 *   txt  result.txts   [{url, size}]             one UTF-8 file per page (long_txt: one file); without hold_line_feed the
 *                                                 line feeds are left out, as the page says
 *   docx/xlsx/pptx  result {url, size}           (control.setOfficeResultShape('list'): {docxs|xlsxs|pptxs: [{url, size}]})
 *   extract result {text, txts: [{url, size}]}   the whole plain text inline and as a file
 *
 * Choices where the pages are silent:
 * - The sandbox FETCHES `url` itself, on the loopback interface only (its own /dl/ URLs, a test's file server); any
 *   other host is refused at once with 400 40000 "<host>: the sandbox only fetches loopback URLs ...". The download
 *   starts when the task is created; a failing download fails the task ("download failed: HTTP 404").
 * - The source type is the extension of `filename` (required, as the pages say). Sources per target: pdf .docx .doc
 *   .xlsx .xls .pptx .ppt (the page's list); jpg/png/txt and extract add .pdf (the sandbox's own PDFs); docx, xlsx and
 *   pptx accept the families of documents.ts (text documents, spreadsheets, presentations only). Others: 400.
 * - Page selection: `ranges` ("1,2-4,7") or `from_page`/`to_page` (both 1-based; mutually exclusive as the pages say:
 *   400 when combined; to_page must be greater than from_page, as the pages say). Pages past the end are ignored; a
 *   selection with no page left fails the task. docx/xlsx/pptx convert the whole document.
 * - image_dpi 96..600, scale 20..200, quality 0..100 are checked (400); images are capped at 3000 px.
 * - Protected documents (documents.ts): without `password` the task fails with message PASSWORD_REQUIRED, with a
 *   wrong one PASSWORD_WRONG; the right one converts.
 * - Status strings "running" / "success" / "failed"; `message` only on failure. A task advances one step per poll
 *   (control.setTaskSteps, default 3) and is never done before its download and conversion are.
 * - Quotas per day for a test app: every convert endpoint and extract 100 (the pages' figure), the task query 500;
 *   control.setAppType('production') switches to 200 / 100 000.
 */

export const RESULT_TTL_MS = 30 * 60 * 1000;
const TASKS_KEPT = 1000;

export type OfficeTarget = 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'txt' | 'jpg' | 'png';
export const OFFICE_TARGETS: OfficeTarget[] = ['pdf', 'docx', 'xlsx', 'pptx', 'txt', 'jpg', 'png'];

const PDF_SOURCES = ['.docx', '.doc', '.xlsx', '.xls', '.pptx', '.ppt'];
const SOURCES: Record<OfficeTarget | 'extract', string[]> = {
  pdf: PDF_SOURCES,
  jpg: [...PDF_SOURCES, '.pdf'],
  png: [...PDF_SOURCES, '.pdf'],
  txt: [...PDF_SOURCES, '.pdf'],
  extract: [...PDF_SOURCES, '.pdf'],
  docx: EXTENSIONS.text,
  xlsx: EXTENSIONS.sheet,
  pptx: EXTENSIONS.slides,
};

export interface OfficeFile { url: string; size: number }
interface Outcome { result?: Record<string, unknown>; message?: string }

interface OfficeTask {
  id: string;
  polls: number;
  steps: number;
  started: number;
  resourceSize: number;
  outcome?: Outcome;
  elapsed?: number;
}

export class OfficeTasks {
  /** Result shape of docx/xlsx/pptx conversions (control.setOfficeResultShape). */
  singleResult = true;
  private readonly tasks = new Map<string, OfficeTask>();
  private failNext: string[] = [];

  constructor(private readonly steps: () => number) {}

  /** control.failNextOfficeTask: the next task created fails with `message`. */
  failNextWith(message: string): void {
    this.failNext.push(message);
  }

  resetFailures(): void {
    this.failNext = [];
  }

  create(work: (task: { setSize(n: number): void }) => Promise<Record<string, unknown>>): string {
    let id: string;
    do id = `open:${[...crypto.randomBytes(32)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;
    while (this.tasks.has(id));
    const t: OfficeTask = { id, polls: 0, steps: Math.max(1, this.steps()), started: Date.now(), resourceSize: 0 };
    this.tasks.set(id, t);
    // Forget the oldest tasks beyond TASKS_KEPT (their ids answer 404), so a long-running sandbox does not grow.
    for (const old of this.tasks.keys()) {
      if (this.tasks.size <= TASKS_KEPT) break;
      this.tasks.delete(old);
    }
    const injected = this.failNext.shift();
    const settle = (o: Outcome) => {
      t.outcome = o;
      t.elapsed = Date.now() - t.started;
    };
    if (injected !== undefined) settle({ message: injected });
    else {
      work({ setSize: (n) => (t.resourceSize = n) }).then(
        (result) => settle({ result }),
        (e: unknown) => settle({ message: e instanceof DocError || e instanceof Error ? e.message : 'conversion failed' }),
      );
    }
    return id;
  }

  poll(id: string): Record<string, unknown> {
    const t = this.tasks.get(id);
    if (!t) throw kerr.notFound('task');
    if (t.polls < t.steps) t.polls++;
    const task = { elapsed: t.elapsed ?? Date.now() - t.started, resource_size: t.resourceSize };
    if (t.polls < t.steps || !t.outcome) {
      const progress = t.outcome ? Math.floor((t.polls / t.steps) * 100) : Math.min(95, Math.floor((t.polls / t.steps) * 100));
      return { task_id: id, status: 'running', progress: Math.min(progress, 99), task };
    }
    if (t.outcome.message !== undefined) return { task_id: id, status: 'failed', progress: 100, message: t.outcome.message, task };
    return { task_id: id, status: 'success', progress: 100, result: t.outcome.result, task };
  }
}

function bool(c: Ctx, name: string): boolean {
  const v = c.body[name];
  if (v === undefined || v === null || v === '') return false;
  if (v === true || v === 'true' || v === 1 || v === '1') return true;
  if (v === false || v === 'false' || v === 0 || v === '0') return false;
  throw kerr.param(`${name} must be a boolean`);
}

function intIn(c: Ctx, name: string, min: number, max: number): number | undefined {
  const raw = c.body[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw kerr.param(`${name} must be an integer between ${min} and ${max}`);
  return n;
}

/** The page selection of the body; undefined = every page. */
function selection(c: Ctx): ((n: number) => boolean) | undefined {
  // The pages document a string ("1,2-4,7"); a list of numbers or strings is read the same way.
  const rawRanges = c.body.ranges;
  const ranges = Array.isArray(rawRanges) ? rawRanges.map(String).join(',') : str(c, 'ranges');
  const from = intIn(c, 'from_page', 1, 1_000_000);
  const to = intIn(c, 'to_page', 1, 1_000_000);
  if (ranges !== undefined && ranges !== '' && (from !== undefined || to !== undefined)) throw kerr.param('ranges and from_page/to_page are mutually exclusive');
  if (ranges !== undefined && ranges !== '') {
    let pages: number[];
    try {
      pages = parseRanges(ranges);
    } catch (e) {
      throw kerr.param((e as Error).message);
    }
    const set = new Set(pages);
    return (n) => set.has(n);
  }
  if (from === undefined && to === undefined) return undefined;
  if (from !== undefined && to !== undefined && to <= from) throw kerr.param('to_page must be greater than from_page');
  return (n) => n >= (from ?? 1) && n <= (to ?? Number.MAX_SAFE_INTEGER);
}

function baseName(filename: string): string {
  const ext = extOf(filename);
  return (ext ? filename.slice(0, -ext.length) : filename) || 'document';
}

export function officeRoutes(d: Deps, tasks: OfficeTasks): RouteDef[] {
  const store = (data: Buffer, filename: string): OfficeFile => {
    const blob = bufferBlob(data);
    keepResult(d, blob);
    return { url: d.urls.download({ filehash: blob.sha1, filename, open: false }, RESULT_TTL_MS), size: data.length };
  };

  /** Validates the common body and starts the task; `produce` makes the result from the read document. */
  const start = (c: Ctx, kind: OfficeTarget | 'extract', produce: (doc: ReturnType<typeof readDocument>, base: string) => Record<string, unknown>) => {
    const url = requiredStr(c, 'url');
    const filename = requiredStr(c, 'filename');
    const ext = extOf(filename);
    if (!familyOf(ext) || !SOURCES[kind].includes(ext)) {
      throw kerr.param(`unsupported document type ${ext || '(no extension in filename)'} for ${kind === 'extract' ? 'extraction' : `conversion to ${kind}`}; supported: ${SOURCES[kind].join(' ')}`);
    }
    try {
      loopbackUrl(url);
    } catch (e) {
      throw kerr.param(e instanceof FetchRefused ? e.message : 'url could not be used');
    }
    const password = str(c, 'password');
    const base = baseName(filename);
    return {
      task_id: tasks.create(async (t) => {
        const data = await fetchLoopback(url);
        t.setSize(data.length);
        return produce(readDocument(data, ext, password), base);
      }),
    };
  };

  const pagesOf = (doc: ReturnType<typeof readDocument>, pick: ((n: number) => boolean) | undefined): Page[] => {
    const all = paginate(doc);
    const pages = pick ? all.filter((_, i) => pick(i + 1)) : all;
    if (pages.length === 0) throw new DocError(`the page selection selects no page (the document has ${all.length})`);
    return pages;
  };

  const convert = (target: OfficeTarget): RouteDef => ({
    method: 'POST',
    path: `/office/convert/files/to/${target}`,
    auth: 'wps2',
    handle: (c) => {
      switch (target) {
        case 'pdf': {
          const pick = selection(c);
          return start(c, target, (doc, base) => ({ pdfs: [store(pdfOf(pagesOf(doc, pick), base), `${base}.pdf`)] }));
        }
        case 'txt': {
          const pick = selection(c);
          const long = bool(c, 'long_txt');
          const hold = bool(c, 'hold_line_feed');
          return start(c, target, (doc, base) => {
            const texts = pagesOf(doc, pick).map((p) => pageText(p, hold));
            const files = long ? [texts.join(hold ? '\n' : '')] : texts;
            return { txts: files.map((s, i) => store(Buffer.from(s, 'utf8'), long ? `${base}.txt` : `${base}_${i + 1}.txt`)) };
          });
        }
        case 'jpg':
        case 'png': {
          const pick = selection(c);
          const opts = { dpi: intIn(c, 'image_dpi', 96, 600), scale: intIn(c, 'scale', 20, 200) };
          const quality = intIn(c, 'quality', 0, 100);
          const long = bool(c, 'long_pic');
          const encode = (r: ReturnType<typeof renderPage>) => (target === 'png' ? rasterPng(r) : rasterJpeg(r, quality ?? 80));
          return start(c, target, (doc, base) => {
            const pages = pagesOf(doc, pick);
            if (long) {
              if (pages.length > 20) throw new DocError(`long_pic joins at most 20 pages (${pages.length} selected)`);
              return { images: [{ ...store(encode(stackRasters(pages.map((p) => renderPage(drawnLines(p), opts)))), `${base}.${target}`), slideId: pages[0].label }] };
            }
            return { images: pages.map((p, i) => ({ ...store(encode(renderPage(drawnLines(p), opts)), `${base}_${i + 1}.${target}`), slideId: p.label })) };
          });
        }
        default: {
          const write = target === 'docx' ? docxOf : target === 'xlsx' ? xlsxOf : pptxOf;
          return start(c, target, (doc, base) => {
            const file = store(write(doc), `${base}.${target}`);
            return tasks.singleResult ? { ...file } : { [`${target}s`]: [file] };
          });
        }
      }
    },
  });

  return [
    ...OFFICE_TARGETS.map(convert),
    {
      method: 'POST', path: '/office/extract/plaintext', auth: 'wps2',
      handle: (c) => start(c, 'extract', (doc, base) => {
        const text = plainTextOf(doc);
        return { text, txts: [store(Buffer.from(text, 'utf8'), `${base}.txt`)] };
      }),
    },
    { method: 'GET', path: '/office/tasks/:task_id', auth: 'wps2', handle: (c) => tasks.poll(c.params.task_id ?? q(c, 'task_id')) },
  ];
}
