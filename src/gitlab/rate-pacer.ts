import { parseRateLimitReset, parseRetryAfter } from '../retry/server-delay.js';
import { systemClock, type Clock } from '../retry/backoff.js';

/**
 * One request budget shared by every concurrent GitLab request of a run: requests start at an
 * even pace of `ratePerMinute` (one every 60 000 / rate ms, never in bursts), GitLab's
 * `RateLimit-Remaining` / `RateLimit-Reset` slow the pace down before GitLab would answer 429
 * (what is left, minus the requests in flight, is spread evenly until the reset), and a 429
 * pauses everyone for the time it asked (`Retry-After`, else `RateLimit-Reset`).
 * All durations are milliseconds.
 */
export interface RatePacer {
  /** resolves when the next request may start; pair every call with one `settle` */
  acquire(): Promise<void>;
  /** the request ended: its response (rate-limit headers), or undefined after a network error */
  settle(response?: { status: number; headers: Headers }): void;
  readonly stats: PacerStats;
}

export interface PacerStats {
  /** requests started through the pacer */
  started: number;
  /** 429 answers seen */
  rateLimited: number;
}

export function createRatePacer(ratePerMinute: number, clock: Clock = systemClock, wallNow: () => number = Date.now): RatePacer {
  const interval = 60_000 / ratePerMinute;
  let nextSlot = clock.now();
  let pausedUntil = 0;
  /** spacing the headers ask for, ms; never below the even pace */
  let spacing = interval;
  let inFlight = 0;
  const stats: PacerStats = { started: 0, rateLimited: 0 };

  const pauseFor = (ms: number) => {
    pausedUntil = Math.max(pausedUntil, clock.now() + ms);
  };

  return {
    stats,
    async acquire() {
      const now = clock.now();
      const slot = Math.max(now, nextSlot, pausedUntil);
      nextSlot = slot + spacing;
      stats.started++;
      inFlight++;
      if (slot > now) await clock.sleep(slot - now);
    },
    settle(response) {
      inFlight = Math.max(0, inFlight - 1);
      if (!response) return;
      const wall = wallNow();
      const resetMs = parseRateLimitReset(response.headers.get('ratelimit-reset'), wall);
      if (response.status === 429) {
        stats.rateLimited++;
        return pauseFor(parseRetryAfter(response.headers.get('retry-after'), wall) ?? resetMs ?? 1_000);
      }
      const remaining = Number(response.headers.get('ratelimit-remaining') ?? NaN);
      if (!Number.isFinite(remaining) || resetMs === null) return;
      const left = remaining - inFlight;
      if (left <= 0) {
        spacing = interval;
        return pauseFor(resetMs);
      }
      spacing = Math.max(interval, resetMs / left);
    },
  };
}

/**
 * `fetch` that waits for the pacer before each request and shows it every response, so the
 * requester (and its retries) stay inside the shared budget without knowing about it.
 */
export function pacedFetch(pacer: RatePacer, inner: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    await pacer.acquire();
    let response: Response | undefined;
    try {
      response = await inner(input, init);
      return response;
    } finally {
      pacer.settle(response);
    }
  };
}
