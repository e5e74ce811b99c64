import { describe, expect, it } from 'vitest';
import { createRatePacer, pacedFetch } from '../../src/gitlab/rate-pacer.js';
import type { Clock } from '../../src/retry/backoff.js';

/** A clock whose sleeps advance time instantly: the pacer's schedule, without waiting for it. */
function virtualClock(): Clock & { t: number } {
  const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms), random: () => 0 };
  return clock;
}
const WALL = Date.parse('2026-01-01T00:00:00Z');
const headers = (h: Record<string, string>) => new Headers(h);

async function startTimes(pacer: ReturnType<typeof createRatePacer>, clock: { t: number }, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    await pacer.acquire();
    times.push(clock.t);
    pacer.settle({ status: 200, headers: headers({}) });
  }
  return times;
}

describe('createRatePacer', () => {
  it('starts requests at an even pace of rate per minute, without a burst at the start', async () => {
    const clock = virtualClock();
    const pacer = createRatePacer(600, clock, () => WALL);
    expect(await startTimes(pacer, clock, 5)).toEqual([0, 100, 200, 300, 400]);
  });

  it('a 429 pauses every request for its Retry-After (seconds)', async () => {
    const clock = virtualClock();
    const pacer = createRatePacer(600, clock, () => WALL);
    await pacer.acquire();
    pacer.settle({ status: 429, headers: headers({ 'retry-after': '2' }) });
    await pacer.acquire();
    expect(clock.t).toBe(2_000);
    expect(pacer.stats).toEqual({ started: 2, rateLimited: 1 });
  });

  it('without Retry-After a 429 waits for RateLimit-Reset (unix seconds)', async () => {
    const clock = virtualClock();
    const pacer = createRatePacer(600, clock, () => WALL);
    await pacer.acquire();
    pacer.settle({ status: 429, headers: headers({ 'ratelimit-reset': String(WALL / 1000 + 3) }) });
    await pacer.acquire();
    expect(clock.t).toBe(3_000);
  });

  it('slows down before a 429: what remains, minus requests in flight, is spread until the reset', async () => {
    const clock = virtualClock();
    const pacer = createRatePacer(6_000, clock, () => WALL); // 10 ms apart on its own
    await pacer.acquire();
    await pacer.acquire(); // two in flight
    pacer.settle({ status: 200, headers: headers({ 'ratelimit-remaining': '11', 'ratelimit-reset': String(WALL / 1000 + 5) }) });
    // 11 left, 1 still in flight: 10 over 5 s → 500 ms apart
    const before = clock.t;
    await pacer.acquire();
    await pacer.acquire();
    expect(clock.t - before).toBeGreaterThanOrEqual(500);
    expect(clock.t - before).toBeLessThan(1_000);
  });

  it('nothing left but requests in flight: waits for the reset', async () => {
    const clock = virtualClock();
    const pacer = createRatePacer(6_000, clock, () => WALL);
    await pacer.acquire();
    await pacer.acquire();
    pacer.settle({ status: 200, headers: headers({ 'ratelimit-remaining': '1', 'ratelimit-reset': String(WALL / 1000 + 4) }) });
    await pacer.acquire();
    // the answer came at 10 ms (the second slot): the reset is 4 s after it
    expect(clock.t).toBe(10 + 4_000);
  });

  it('pacedFetch passes a network failure through and counts the request', async () => {
    const clock = virtualClock();
    const pacer = createRatePacer(600, clock, () => WALL);
    const failing = pacedFetch(pacer, async () => {
      throw new TypeError('fetch failed');
    });
    await expect(failing('http://127.0.0.1:1/')).rejects.toThrow('fetch failed');
    expect(pacer.stats).toEqual({ started: 1, rateLimited: 0 });
  });
});
