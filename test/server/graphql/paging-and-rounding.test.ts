import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../../../src/server/graphql/access.js';
import { paginate, sortStats } from '../../../src/server/graphql/job-page.js';
import type { JobStats } from '../../../src/server/graphql/job-stats.js';
import { msToSeconds, percent, rateOf, round2 } from '../../../src/server/graphql/statistics.js';

const stats = (name: string, meanMs: number): JobStats => ({
  name,
  stageName: null,
  total: 1,
  success: 1,
  failed: 0,
  canceled: 0,
  skipped: 0,
  durationsMs: { mean: meanMs, p50: meanMs, p75: meanMs, p90: meanMs, p95: meanMs, p99: meanMs },
});

describe("GitLab's rounding", () => {
  it('rounds half away from zero at 2 decimals on the decimal value', () => {
    expect([round2(1.005), round2(2.675), round2(66.666666), round2(0.125), round2(10.75125)]).toEqual([1.01, 2.68, 66.67, 0.13, 10.75]);
    expect(msToSeconds(1235.5)).toBe(1.24);
    expect(msToSeconds(null)).toBeNull();
  });

  it('success and failed rates divide by success + failed; other and any by all builds; 0 when nothing', () => {
    const counts = { total: 10, success: 6, failed: 2, other: 2 };
    expect([rateOf(counts, 'SUCCESS'), rateOf(counts, 'FAILED'), rateOf(counts, 'OTHER'), rateOf(counts, 'ANY')]).toEqual([
      75, 25, 20, 100,
    ]);
    expect(percent(1, 0)).toBe(0);
  });
});

describe('keyset pages', () => {
  const all = sortStats([stats('a', 3), stats('b', 1), stats('c', 2), stats('d', 2), stats('e', 5)], 'MEAN_DURATION_ASC');

  it('orders by the key, ties by name', () => {
    expect(all.map((s) => s.name)).toEqual(['b', 'c', 'd', 'a', 'e']);
  });

  it('a row inserted between requests shifts no page boundary: nothing skipped, nothing repeated', () => {
    const first = paginate(all, { sort: 'MEAN_DURATION_ASC', first: 2 });
    expect(first.edges.map((e) => e.node.name)).toEqual(['b', 'c']);
    const grown = sortStats([...all, stats('aa', 0)], 'MEAN_DURATION_ASC');
    const next = paginate(grown, { sort: 'MEAN_DURATION_ASC', first: 2, after: first.pageInfo.endCursor });
    expect(next.edges.map((e) => e.node.name)).toEqual(['d', 'a']);
    expect(next.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it('last/before page backwards', () => {
    const end = paginate(all, { sort: 'MEAN_DURATION_ASC', last: 2 });
    expect(end.edges.map((e) => e.node.name)).toEqual(['a', 'e']);
    const before = paginate(all, { sort: 'MEAN_DURATION_ASC', last: 2, before: end.pageInfo.startCursor });
    expect(before.edges.map((e) => e.node.name)).toEqual(['c', 'd']);
    expect(before.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });
});

describe('read-token project patterns', () => {
  it('* stays within one path segment, ** crosses segments, everything else is literal', () => {
    expect(globToRegExp('team/*').test('team/app')).toBe(true);
    expect(globToRegExp('team/*').test('team/sub/app')).toBe(false);
    expect(globToRegExp('team/**').test('team/sub/app')).toBe(true);
    expect(globToRegExp('a.b/c').test('axb/c')).toBe(false);
  });
});
