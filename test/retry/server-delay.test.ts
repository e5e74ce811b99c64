import { describe, expect, it } from 'vitest';
import { parseRateLimitReset, parseRetryAfter, serverRequestedDelay } from '../../src/retry/server-delay.js';

const NOW = Date.parse('2024-05-01T10:00:00.000Z');

describe('server-requested delays', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2', NOW)).toBe(2000);
    expect(parseRetryAfter('0.5', NOW)).toBe(500);
    expect(parseRetryAfter('Wed, 01 May 2024 10:00:03 GMT', NOW)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 May 2024 09:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
    const jan = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('3', jan)).toBe(3_000);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:05 GMT', jan)).toBe(5_000);
    expect(parseRetryAfter('Sun, 31 Dec 2023 23:00:00 GMT', jan)).toBe(0);
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
});
