import type { JobStats } from './job-stats.js';
import { percent } from './statistics.js';
import { graphqlError } from './errors.js';

/** GitLab's CiJobAnalyticsSort values: `<KEY>_ASC` / `<KEY>_DESC`. */
const SORT_KEYS = {
  NAME: (s: JobStats) => s.name,
  STAGE_NAME: (s: JobStats) => s.stageName ?? '',
  MEAN_DURATION: (s: JobStats) => s.durationsMs.mean,
  P50_DURATION: (s: JobStats) => s.durationsMs.p50,
  P75_DURATION: (s: JobStats) => s.durationsMs.p75,
  P90_DURATION: (s: JobStats) => s.durationsMs.p90,
  P95_DURATION: (s: JobStats) => s.durationsMs.p95,
  P99_DURATION: (s: JobStats) => s.durationsMs.p99,
  SUCCESS_RATE: (s: JobStats) => percent(s.success, s.success + s.failed),
  FAILED_RATE: (s: JobStats) => percent(s.failed, s.success + s.failed),
  CANCELED_RATE: (s: JobStats) => percent(s.canceled, s.total),
} as const satisfies Record<string, (s: JobStats) => string | number | null>;
type SortKey = keyof typeof SORT_KEYS;
type SortValue = string | number | null;

export const DEFAULT_SORT = 'NAME_ASC';
/** GitLab's default and maximum page size */
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  sort?: string | null;
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface Page {
  edges: { cursor: string; node: JobStats }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** The sort key decides; ties are broken by name, then stage, ascending, so the order is total. */
export function sortStats(stats: readonly JobStats[], sort: string): JobStats[] {
  const compare = comparator(sort);
  return [...stats].sort((a, b) => compare(keyOf(a, sort), keyOf(b, sort)));
}

/**
 * Relay pagination with keyset cursors (sort value, name, stage): `after`/`before` keep the rows
 * strictly after/before the cursor's position in the order, then `first`/`last` take from the
 * front/back. Rows added or removed between requests shift no page boundary.
 */
export function paginate(sorted: readonly JobStats[], args: PageArgs): Page {
  const sort = args.sort ?? DEFAULT_SORT;
  const compare = comparator(sort);
  checkSize('first', args.first);
  checkSize('last', args.last);
  let rows = sorted.map((node) => ({ node, key: keyOf(node, sort) }));
  const after = args.after == null ? undefined : decodeCursor(args.after, 'after');
  const before = args.before == null ? undefined : decodeCursor(args.before, 'before');
  const beforeAfter = after ? rows.filter((r) => compare(r.key, after) <= 0).length : 0;
  if (after) rows = rows.filter((r) => compare(r.key, after) > 0);
  const afterBefore = before ? rows.filter((r) => compare(r.key, before) >= 0).length : 0;
  if (before) rows = rows.filter((r) => compare(r.key, before) < 0);
  const first = args.first ?? (args.last == null ? MAX_PAGE_SIZE : undefined);
  let hasNextPage = afterBefore > 0;
  let hasPreviousPage = beforeAfter > 0;
  if (first != null && rows.length > first) [rows, hasNextPage] = [rows.slice(0, first), true];
  if (args.last != null && rows.length > args.last) [rows, hasPreviousPage] = [rows.slice(rows.length - args.last), true];
  const edges = rows.map((r) => ({ cursor: encodeCursor(r.key), node: r.node }));
  return {
    edges,
    pageInfo: { hasNextPage, hasPreviousPage, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

type Key = readonly [SortValue, string, string];

function keyOf(stats: JobStats, sort: string): Key {
  return [SORT_KEYS[parseSort(sort).key](stats), stats.name, stats.stageName ?? ''];
}

function parseSort(sort: string): { key: SortKey; descending: boolean } {
  const match = /^(.+)_(ASC|DESC)$/.exec(sort);
  if (!match || !Object.hasOwn(SORT_KEYS, match[1]!)) throw graphqlError(`sort: unknown sort ${JSON.stringify(sort)}`, 'INVALID_QUERY');
  return { key: match[1] as SortKey, descending: match[2] === 'DESC' };
}

function comparator(sort: string): (a: Key, b: Key) => number {
  const { descending } = parseSort(sort);
  return (a, b) => {
    const primary = compareValues(a[0], b[0]);
    if (primary !== 0) return descending ? -primary : primary;
    return compareValues(a[1], b[1]) || compareValues(a[2], b[2]);
  };
}

/** Nulls last; strings by code point (ClickHouse's binary order), numbers numerically. */
function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function checkSize(name: string, value: number | null | undefined): void {
  if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
    throw graphqlError(`${name}: must be from 0 to ${MAX_PAGE_SIZE}`, 'INVALID_QUERY', {
      issues: [`${name}: must be from 0 to ${MAX_PAGE_SIZE}`],
    });
  }
}

function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, name: string): Key {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === 3 &&
      ['string', 'number'].includes(typeof key[0]) !== (key[0] === null) &&
      typeof key[1] === 'string' &&
      typeof key[2] === 'string'
    ) {
      return key as unknown as Key;
    }
  } catch {
    // reported below
  }
  throw graphqlError(`${name}: invalid cursor; pass a cursor from pageInfo or edges of the same query`, 'INVALID_QUERY', {
    issues: [`${name}: invalid cursor`],
  });
}
