import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRateLimitReset, parseRetryAfter, serverRequestedDelay } from '../../src/gitlab/retry-policy.js';
import { projectPathFromWebUrl } from '../../src/gitlab/snapshot.js';
import { nextLinkQuery } from '../../src/gitlab/pagination.js';

const NOW = Date.parse('2024-05-01T10:00:00.000Z');

describe('retry policy', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2', NOW)).toBe(2000);
    expect(parseRetryAfter('0.5', NOW)).toBe(500);
    expect(parseRetryAfter('Wed, 01 May 2024 10:00:03 GMT', NOW)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 May 2024 09:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });

  it('reads RateLimit-Reset as Unix seconds (GitLab) or delta seconds', () => {
    expect(parseRateLimitReset(String(NOW / 1000 + 4), NOW)).toBe(4000);
    expect(parseRateLimitReset('7', NOW)).toBe(7000);
    expect(parseRateLimitReset(null, NOW)).toBeNull();
  });

  it('prefers Retry-After, uses RateLimit-Reset only on 429, adds jitter on top', () => {
    const headers = new Headers({ 'retry-after': '1', 'ratelimit-reset': String(NOW / 1000 + 9) });
    expect(serverRequestedDelay(429, headers, NOW, () => 0.5)).toBe(1050);
    const reset = new Headers({ 'ratelimit-reset': String(NOW / 1000 + 9) });
    expect(serverRequestedDelay(429, reset, NOW, () => 0)).toBe(9000);
    expect(serverRequestedDelay(503, reset, NOW, () => 0)).toBeNull();
  });

  it('backs off exponentially with equal jitter, capped', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, options, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, options, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });
});

describe('URLs', () => {
  it('reads the project path from a pipeline web_url, with or without a relative root', () => {
    expect(projectPathFromWebUrl('https://gitlab.com/a/b/c/-/pipelines/12', 'https://gitlab.com/api/v4')).toBe('a/b/c');
    expect(projectPathFromWebUrl('https://h.test/gitlab/a/b/-/pipelines/12', 'https://h.test/gitlab/api/v4')).toBe('a/b');
    expect(projectPathFromWebUrl('https://public.test/a/b/-/pipelines/12', 'http://internal:8080/api/v4')).toBe('a/b');
    expect(projectPathFromWebUrl('https://h.test/a/b/pipelines/12', 'https://h.test/api/v4')).toBeUndefined();
    expect(projectPathFromWebUrl(undefined, 'https://h.test/api/v4')).toBeUndefined();
  });

  it('keeps only the query of Link rel="next"', () => {
    const link = '<https://h.test/api/v4/x?page=1&per_page=100>; rel="first", <https://other.test/api/v4/x?id_after=5&per_page=100>; rel="next"';
    expect(nextLinkQuery(link)).toEqual({ id_after: '5', per_page: '100' });
    expect(nextLinkQuery('<https://h.test/x?page=1>; rel="first"')).toBeNull();
  });
});
