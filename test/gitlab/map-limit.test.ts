import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/gitlab/map-limit.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapLimit', () => {
  it('keeps at most `limit` calls in flight and the input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 3, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await tick(n * 3);
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(3);
  });

  it('stops starting calls after the first failure', async () => {
    const started: number[] = [];
    const result = mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await tick(5);
      if (n === 1) throw new Error('boom');
      return n;
    });
    await expect(result).rejects.toThrow('boom');
    await tick(30);
    expect(started).toEqual([1, 2]);
  });
});
