/**
 * Retries an operation with exponential backoff and full jitter inside a bounded total time: the
 * one retry loop of the project (GitLab requests, metrics delivery). All durations are
 * milliseconds. The clock is injected so callers (and tests) control time.
 */
export interface Clock {
  /** milliseconds since an arbitrary origin, monotonic enough for budgets */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** uniform in [0, 1) */
  random(): number;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Told before each wait: why the attempt failed, and how long until the next one and the deadline. */
export interface RetryNotice {
  /** e.g. `503 Service Unavailable`, `network error: ECONNREFUSED` */
  reason: string;
  /** the attempt that just failed, from 1 */
  attempt: number;
  /** wait before the next attempt, ms */
  waitMs: number;
  /** budget left when the wait starts, ms */
  remainingMs: number;
}
export type RetryListener = (notice: RetryNotice) => void;

export interface BackoffPolicy {
  /** total budget for all attempts and waits */
  totalMs: number;
  /** called once per retry, before its wait (the CLI prints one line each: waiting is visible) */
  onRetry?: RetryListener;
  /** upper bound of the first wait; doubles per retry */
  baseMs: number;
  /** cap of a single wait */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: Omit<BackoffPolicy, 'totalMs'> = { baseMs: 250, maxDelayMs: 8_000 };

/** What one attempt reports: a final value, or a reason to try again (optionally after a server-given delay). */
export type AttemptResult<T> = { done: true; value: T } | { done: false; reason: string; retryAfterMs?: number; last: T };

/**
 * Calls `attempt(remainingMs)` until it is done or the budget is spent.
 * Returns the final value (or the last retryable one) and how many attempts were made.
 */
export async function retryWithBackoff<T>(
  attempt: (remainingMs: number, attemptNo: number) => Promise<AttemptResult<T>>,
  policy: BackoffPolicy,
  clock: Clock = systemClock,
): Promise<{ value: T; attempts: number; exhausted: boolean }> {
  const deadline = clock.now() + policy.totalMs;
  for (let n = 1; ; n++) {
    const result = await attempt(Math.max(0, deadline - clock.now()), n);
    if (result.done) return { value: result.value, attempts: n, exhausted: false };
    const jittered = clock.random() * Math.min(policy.maxDelayMs, policy.baseMs * 2 ** (n - 1));
    // a server's delay is honoured but never below our own backoff, so "retry now" cannot become a flood
    const wait = result.retryAfterMs === undefined ? jittered : Math.max(result.retryAfterMs, jittered);
    if (clock.now() + wait >= deadline) return { value: result.last, attempts: n, exhausted: true };
    policy.onRetry?.({ reason: result.reason, attempt: n, waitMs: wait, remainingMs: Math.max(0, deadline - clock.now()) });
    await clock.sleep(wait);
  }
}

/** A listener whose reasons start with `subject: ` (a delivery target), or undefined when there is none. */
export function prefixReasons(listener: RetryListener | undefined, subject: string): RetryListener | undefined {
  return listener && ((notice) => listener({ ...notice, reason: `${subject}: ${notice.reason}` }));
}
