import { describe, expect, it } from 'vitest';
import { retryWithBackoff, type AttemptResult, type Clock } from '../../src/retry/backoff.js';

/** A clock whose time moves only when the code under test sleeps. */
function manualClock(random = 1 - Number.EPSILON): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random: () => random,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

const failing =
  (reason = 'down'): (() => Promise<AttemptResult<string>>) =>
  async () => ({ done: false, reason, last: reason });

describe('retryWithBackoff', () => {
  it('doubles the (jittered) wait per retry up to the cap and stops before the budget is spent', async () => {
    const clock = manualClock();
    const result = await retryWithBackoff(failing(), { totalMs: 10_000, baseMs: 250, maxDelayMs: 2_000 }, clock);
    expect(clock.sleeps.map(Math.round)).toEqual([250, 500, 1_000, 2_000, 2_000, 2_000, 2_000]); // 9 750 ms; one more would pass 10 000
    expect(result).toEqual({ value: 'down', attempts: 8, exhausted: true });
  });

  it('full jitter: the wait is random × the exponential bound', async () => {
    const clock = manualClock(0.5);
    await retryWithBackoff(failing(), { totalMs: 1_000, baseMs: 200, maxDelayMs: 10_000 }, clock);
    expect(clock.sleeps).toEqual([100, 200, 400]);
  });

  it('a server-given Retry-After replaces the computed wait; one beyond the budget ends the retries', async () => {
    const clock = manualClock();
    const waits = [3_000, 8_000];
    let calls = 0;
    const result = await retryWithBackoff(
      async () => ({ done: false, reason: '429', retryAfterMs: waits[calls++], last: `try ${calls}` }),
      { totalMs: 10_000, baseMs: 250, maxDelayMs: 2_000 },
      clock,
    );
    expect(clock.sleeps).toEqual([3_000]);
    expect(result).toEqual({ value: 'try 2', attempts: 2, exhausted: true });
  });

  it('returns the first final value without waiting', async () => {
    const clock = manualClock();
    let calls = 0;
    const result = await retryWithBackoff(
      async (): Promise<AttemptResult<string>> => (++calls < 3 ? { done: false, reason: 'x', last: 'x' } : { done: true, value: 'ok' }),
      { totalMs: 60_000, baseMs: 100, maxDelayMs: 1_000 },
      clock,
    );
    expect(result).toEqual({ value: 'ok', attempts: 3, exhausted: false });
    expect(clock.sleeps.map(Math.round)).toEqual([100, 200]);
  });
});
