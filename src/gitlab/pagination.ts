import type { z } from 'zod';
import { mapLimit } from './map-limit.js';
import { parseOrThrow } from '../validate.js';

/** GitLab's maximum page size. */
export const PER_PAGE = 100;

/** One page as gitbeaker returns it with `showExpanded` (`x-total-pages`, `x-next-page`). */
export interface FetchedPage {
  data: unknown;
  paginationInfo: { totalPages: number; next: number | null };
}

export interface PagedRequest<S extends z.ZodType> {
  /** fetches exactly page `page` (1-based) of PER_PAGE rows */
  fetchPage(page: number): Promise<FetchedPage>;
  /** schema of one page (an array) */
  schema: S;
  subject: string;
  concurrency: number;
  /** told once page 1 is read, before the other pages: how many pages there are (Infinity: more than GitLab counts) */
  onFirstPage?(pages: number): void;
}

/**
 * Every item of an offset-paginated list. Page 1 tells `X-Total-Pages`; pages 2..N are then
 * fetched concurrently. GitLab omits `X-Total-Pages` above 10 000 rows: then `X-Next-Page` is
 * followed one page at a time.
 */
export async function fetchAllPages<S extends z.ZodType<unknown[]>>(request: PagedRequest<S>): Promise<z.infer<S>> {
  const fetchPage = async (page: number) => {
    const fetched = await request.fetchPage(page);
    return { items: parseOrThrow(request.schema, fetched.data, `${request.subject} (page ${page})`), info: fetched.paginationInfo };
  };
  const first = await fetchPage(1);
  const totalPages = first.info.totalPages;
  const counted = Number.isInteger(totalPages) && totalPages >= 1;
  request.onFirstPage?.(counted ? totalPages : first.info.next ? Infinity : 1);
  if (counted) {
    const rest = Array.from({ length: totalPages - 1 }, (_, i) => i + 2);
    const pages = await mapLimit(rest, request.concurrency, fetchPage);
    return [first.items, ...pages.map((p) => p.items)].flat() as z.infer<S>;
  }
  const all: unknown[] = [...first.items];
  let next = first.info.next;
  while (next) {
    const page = await fetchPage(next);
    all.push(...page.items);
    next = page.info.next;
  }
  return all as z.infer<S>;
}
