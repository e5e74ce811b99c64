import type { z } from 'zod';
import type { RequestTarget } from './http-errors.js';
import { mapLimit } from './map-limit.js';
import type { GitlabResponse, Query, Requester } from './requester.js';
import { parseGitlabJson } from './parse.js';

/** GitLab's maximum page size. */
export const PER_PAGE = 100;

export interface PagedRequest<S extends z.ZodType> {
  path: string;
  query: Query;
  /** schema of one page (an array) */
  schema: S;
  target: RequestTarget;
  subject: string;
  concurrency: number;
}

/**
 * Every item of an offset-paginated list. Page 1 tells `X-Total-Pages`; pages 2..N are then
 * fetched concurrently. GitLab omits `X-Total-Pages` above 10 000 rows: then `Link: rel="next"`
 * is followed one page at a time.
 */
export async function fetchAllPages<S extends z.ZodType<unknown[]>>(
  requester: Requester,
  request: PagedRequest<S>,
): Promise<z.infer<S>> {
  const fetchPage = async (query: Query): Promise<{ items: z.infer<S>; response: GitlabResponse }> => {
    const response = await requester.get(request.path, { ...request.query, ...query }, request.target);
    const items = parseGitlabJson(request.schema, response.body, `${request.subject} (page ${query.page ?? '?'})`);
    return { items, response };
  };
  const first = await fetchPage({ per_page: PER_PAGE, page: 1 });
  const totalPages = Number(first.response.headers.get('x-total-pages') ?? NaN);
  if (Number.isInteger(totalPages) && totalPages >= 1) {
    const rest = Array.from({ length: totalPages - 1 }, (_, i) => i + 2);
    const pages = await mapLimit(rest, request.concurrency, (page) => fetchPage({ per_page: PER_PAGE, page }));
    return [first.items, ...pages.map((p) => p.items)].flat() as z.infer<S>;
  }
  const all: unknown[] = [...first.items];
  let next = nextLinkQuery(first.response.headers.get('link'));
  while (next) {
    const page = await fetchPage(next);
    all.push(...page.items);
    next = nextLinkQuery(page.response.headers.get('link'));
  }
  return all as z.infer<S>;
}

/**
 * The query of the `rel="next"` URL in a `Link` header, or null. Only the query is kept: the
 * host in GitLab's links may differ from the API URL we were given (e.g. an internal CI URL).
 */
export function nextLinkQuery(link: string | null): Query | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (match?.[1]) return Object.fromEntries(new URL(match[1]).searchParams);
  }
  return null;
}
