import { describe, expect, it } from 'vitest';
import { createGroupWriter, type GroupWriterOptions } from '../../../src/store/clickhouse/group-writer.js';

/** A writer whose writes record their batches and take `writeMs` each; every item is one row. */
function recordingWriter(options: GroupWriterOptions, writeMs = 0) {
  const batches: number[][] = [];
  const writer = createGroupWriter(
    async (items: number[]) => {
      batches.push([...items]);
      await sleep(writeMs);
      return items.map((item) => item * 10);
    },
    () => 1,
    options,
  );
  return { writer, batches };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('createGroupWriter', () => {
  it('writes items submitted during a write together in the next one, answering each with its own result', async () => {
    const { writer, batches } = recordingWriter({ maxRows: 100, lingerMs: 0 }, 20);
    const first = writer.submit(1);
    await sleep(5);
    const rest = [writer.submit(2), writer.submit(3)];
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('waits for announced items, so they share one write', async () => {
    const { writer, batches } = recordingWriter({ maxRows: 100, lingerMs: 1, announcedWaitMs: 1_000 });
    const withdraw = [writer.announce(), writer.announce()];
    const saves = [writer.submit(1)];
    await sleep(30);
    for (const [i, done] of withdraw.entries()) {
      done();
      saves.push(writer.submit(i + 2));
    }
    expect(await Promise.all(saves)).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('waits at most announcedWaitMs, and not at all once maxRows rows are queued', async () => {
    const bounded = recordingWriter({ maxRows: 100, lingerMs: 0, announcedWaitMs: 40 });
    bounded.writer.announce(); // never withdrawn
    const started = performance.now();
    await bounded.writer.submit(1);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(35);
    expect(waited).toBeLessThan(1_000);

    const full = recordingWriter({ maxRows: 2, lingerMs: 0, announcedWaitMs: 10_000 });
    full.writer.announce();
    const quick = performance.now();
    await Promise.all([full.writer.submit(1), full.writer.submit(2)]);
    expect(performance.now() - quick).toBeLessThan(1_000);
    expect(full.batches).toEqual([[1, 2]]);
  });

  it('ignores a withdrawn announcement and a second withdrawal of the same one', async () => {
    const { writer, batches } = recordingWriter({ maxRows: 100, lingerMs: 0, announcedWaitMs: 10_000 });
    const withdraw = writer.announce();
    withdraw();
    withdraw();
    const other = writer.announce();
    other();
    const started = performance.now();
    expect(await writer.submit(7)).toBe(70);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(batches).toEqual([[7]]);
  });
});

/** A writer whose writes each wait for their own release; every item is one row, its key is item % 100. */
function gatedWriter(concurrency: number) {
  const batches: number[][] = [];
  const events: string[] = [];
  const gates: (() => void)[] = [];
  const writer = createGroupWriter(
    async (items: number[]) => {
      const n = batches.push([...items]);
      events.push(`start ${n}`);
      await new Promise<void>((resolve) => gates.push(resolve));
      events.push(`end ${n}`);
      return items.map((item) => item * 10);
    },
    () => 1,
    { maxRows: 100, lingerMs: 0, concurrency },
    (item) => item % 100,
  );
  /** releases write `n` (1-based, in start order) */
  const release = (n: number) => gates[n - 1]!();
  return { writer, batches, events, release };
}

/** lets timers and promise jobs run: a write that may start has started after it */
function settle(): Promise<void> {
  return sleep(20);
}

describe('createGroupWriter with concurrency', () => {
  it('starts the next write while one runs, but never with an item whose key a running write holds', async () => {
    const { writer, batches, events, release } = gatedWriter(2);
    const first = writer.submit(1);
    await settle();
    const sameKey = writer.submit(101);
    const other = writer.submit(2);
    await settle();
    // 2 is written alongside the running write; 101 (key 1, held by the first write) waits
    expect(batches).toEqual([[1], [2]]);
    expect(events).toEqual(['start 1', 'start 2']);
    release(2);
    expect(await other).toBe(20);
    await settle();
    expect(batches).toHaveLength(2);
    release(1);
    expect(await first).toBe(10);
    await settle();
    expect(batches).toEqual([[1], [2], [101]]);
    release(3);
    expect(await sameKey).toBe(1010);
  });

  it('runs no more writes at once than allowed', async () => {
    const { writer, batches, release } = gatedWriter(2);
    const saves = [writer.submit(1)];
    await settle();
    saves.push(writer.submit(2));
    await settle();
    saves.push(writer.submit(3), writer.submit(4));
    await settle();
    expect(batches).toEqual([[1], [2]]);
    release(1);
    await settle();
    expect(batches).toEqual([[1], [2], [3, 4]]);
    release(2);
    release(3);
    expect(await Promise.all(saves)).toEqual([10, 20, 30, 40]);
  });

  it('runs an exclusive task after every running write has ended, alone, and the items behind it after it', async () => {
    const { writer, batches, events, release } = gatedWriter(2);
    const saves = [writer.submit(1)];
    await settle();
    saves.push(writer.submit(2));
    await settle();
    let finishTask: () => void = () => {};
    const task = writer.exclusive(async () => {
      events.push('task start');
      await new Promise<void>((resolve) => (finishTask = resolve));
      events.push('task end');
      return 'done';
    });
    saves.push(writer.submit(3));
    await settle();
    release(1);
    await settle();
    expect(events).toEqual(['start 1', 'start 2', 'end 1']);
    release(2);
    await settle();
    expect(events).toEqual(['start 1', 'start 2', 'end 1', 'end 2', 'task start']);
    finishTask();
    expect(await task).toBe('done');
    await settle();
    expect(batches).toEqual([[1], [2], [3]]);
    release(3);
    expect(await Promise.all(saves)).toEqual([10, 20, 30]);
  });
});
