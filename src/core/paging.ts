import type { CallOptions, Page } from './model';
import { throwIfCancelled } from './async';

/** Fetches one page given the cursor of the previous page (undefined for the first page). */
export type PageFetcher<T> = (cursor: string | undefined) => Promise<Page<T>>;

export interface PagingOptions extends CallOptions {
  /** Safety stop against servers that never end a listing (default 10 000 pages). */
  maxPages?: number;
}

/** Yields each page in order, following `next` until it is undefined. */
export async function* iteratePages<T>(fetchPage: PageFetcher<T>, opts: PagingOptions = {}): AsyncGenerator<Page<T>> {
  const maxPages = opts.maxPages ?? 10_000;
  let cursor: string | undefined;
  const seen = new Set<string>();
  for (let n = 0; n < maxPages; n++) {
    throwIfCancelled(opts.signal);
    const page = await fetchPage(cursor);
    yield page;
    if (page.next === undefined || seen.has(page.next)) return; // a repeated cursor would loop forever
    seen.add(page.next);
    cursor = page.next;
  }
}

/** Yields every item of every page. */
export async function* iterateItems<T>(fetchPage: PageFetcher<T>, opts: PagingOptions = {}): AsyncGenerator<T> {
  for await (const page of iteratePages(fetchPage, opts)) yield* page.items;
}

/** Every item of every page, in order. */
export async function collectPages<T>(fetchPage: PageFetcher<T>, opts: PagingOptions = {}): Promise<T[]> {
  const all: T[] = [];
  for await (const page of iteratePages(fetchPage, opts)) all.push(...page.items);
  return all;
}

/**
 * Adapts offset/limit paging (start + size, optional total) to cursor paging: the cursor is the next start offset
 * as a decimal string. There is a next page when the total says so or, without a total, when the page was full.
 */
export function offsetPager<T>(
  fetchRange: (start: number, size: number) => Promise<{ items: T[]; total?: number }>,
  pageSize: number,
): PageFetcher<T> {
  return async (cursor) => {
    const start = parseCursor(cursor);
    const { items, total } = await fetchRange(start, pageSize);
    const end = start + items.length;
    const more = items.length > 0 && (total !== undefined ? end < total : items.length >= pageSize);
    return { items, next: more ? String(end) : undefined, total };
  };
}

/** Offset of an offset cursor ('' / undefined = 0). Garbage cursors restart at 0 rather than throwing. */
export function parseCursor(cursor: string | undefined): number {
  const n = cursor ? Number.parseInt(cursor, 10) : 0;
  return Number.isFinite(n) && n > 0 ? n : 0;
}
