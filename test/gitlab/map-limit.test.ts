import { describe, expect, it } from 'vitest';
import { createConcurrencyGate, mapLimit } from '../../src/gitlab/map-limit.js';

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

describe('createConcurrencyGate', () => {
  it('runs tasks arriving over time with at most `limit` at once, in arrival order, and passes results and failures through', async () => {
    const gate = createConcurrencyGate(2);
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (n: number, ms: number) => () => {
      started.push(n);
      peak = Math.max(peak, ++inFlight);
      return tick(ms).then(() => {
        inFlight--;
        if (n === 3) throw new Error('three');
        return n * 10;
      });
    };
    const first = [gate.run(task(1, 20)), gate.run(task(2, 5)), gate.run(task(3, 5))];
    await tick(1);
    expect(started).toEqual([1, 2]);
    const later = gate.run(task(4, 5)); // arrives while 3 waits: starts after it
    const results = await Promise.allSettled([...first, later]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 20, 'three', 40]);
    expect(started).toEqual([1, 2, 3, 4]);
    expect(peak).toBe(2);
  });
});
