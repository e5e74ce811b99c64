/**
 * How long a server asked us to wait before retrying (GitLab, a metrics server). Pure: the
 * clock and the random source are passed in. All durations are milliseconds.
 */

/**
 * `Retry-After` as delta-seconds ("2", "0.5") or an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT");
 * null when absent or anything else — a negative number ("-5", which Date.parse reads as a year)
 * included, so our own backoff applies. A date in the past means "now" (0 ms).
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/^[A-Za-z]{3},? /.test(text)) return null;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/**
 * GitLab's `RateLimit-Reset` is a Unix time in seconds; the IETF draft uses delta-seconds.
 * Values above 10^9 are read as Unix time, smaller ones as a delta. Null when absent.
 */
export function parseRateLimitReset(value: string | null, nowMs: number): number | null {
  if (value === null || !/^\d+(\.\d+)?$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return n > 1e9 ? Math.max(0, Math.round(n * 1000 - nowMs)) : Math.round(n * 1000);
}

/**
 * The wait the server asked for, if any: `Retry-After` first, then `RateLimit-Reset` (429 only).
 * A little jitter (up to `jitterMs`) is added on top, never subtracted, so concurrent requests
 * that were all told "retry in 1 s" do not return in lockstep and none returns early.
 */
export function serverRequestedDelay(status: number, headers: Headers, nowMs: number, random: () => number, jitterMs = 100): number | null {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), nowMs);
  const reset = status === 429 ? parseRateLimitReset(headers.get('ratelimit-reset'), nowMs) : null;
  const asked = retryAfter ?? reset;
  return asked === null ? null : asked + Math.round(random() * jitterMs);
}
